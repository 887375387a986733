"""What users see, held whole: every entity's state and attributes, and the diagnostics.

A reshaping of the code must not change any of it; a change that means to fails here and its
snapshot is updated on purpose (``pytest tests/integration/test_snapshots.py --snapshot-update``).
The household plans on market prices (the forecast's numbers differ in the last bits across
CPUs), at a frozen moment, so every value is reproducible.
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.price_optimizer.diagnostics import async_get_config_entry_diagnostics

from .appliances import add_appliance

# Measured, not behaviour: how long the solver took.
VOLATILE = frozenset({"seconds"})
# Solver objectives may differ in the last bits across CPUs.
DECIMALS = 6

pytestmark = pytest.mark.usefixtures("market_prices_only", "entity_registry_enabled_by_default")


def _stable(value: Any, names: dict[str, str]) -> Any:
    """``value`` without measured times, with floats rounded and random ids named."""
    if isinstance(value, dict):
        return {
            _named(str(key), names): _stable(item, names)
            for key, item in value.items()
            if key not in VOLATILE
        }
    if isinstance(value, list | tuple):
        return [_stable(item, names) for item in value]
    if isinstance(value, float):
        return round(value, DECIMALS)
    if isinstance(value, str):
        return _named(value, names)
    return value


def _named(text: str, names: dict[str, str]) -> str:
    for random_id, name in names.items():
        text = text.replace(random_id, name)
    return text


def _ids(entry: MockConfigEntry) -> dict[str, str]:
    """The entry's and its subentries' random ids, each with a stable stand-in."""
    names = {entry.entry_id: "<entry>"}
    for subentry_id, subentry in entry.subentries.items():
        names[subentry_id] = f"<{subentry.title}>"
    return names


@pytest.fixture
async def household(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> MockConfigEntry:
    """The replay entry with a dishwasher and an EV charger planned."""
    await add_appliance(hass, loaded_entry, "dishwasher")
    await add_appliance(hass, loaded_entry, "ev_charger")
    await hass.async_block_till_done(wait_background_tasks=True)
    return loaded_entry


async def test_every_entity_state(
    hass: HomeAssistant,
    household: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    entries = er.async_entries_for_config_entry(entity_registry, household.entry_id)
    assert entries
    seen = {}
    for entry in sorted(entries, key=lambda item: item.entity_id):
        state = hass.states.get(entry.entity_id)
        seen[entry.entity_id] = {
            "translation_key": entry.translation_key,
            "unique_id": entry.unique_id,
            "state": None if state is None else state.state,
            "attributes": None if state is None else dict(state.attributes),
        }
    assert _stable(seen, _ids(household)) == snapshot


async def test_diagnostics(
    hass: HomeAssistant, household: MockConfigEntry, snapshot: SnapshotAssertion
) -> None:
    diagnostics = await async_get_config_entry_diagnostics(hass, household)
    assert _stable(diagnostics, _ids(household)) == snapshot
