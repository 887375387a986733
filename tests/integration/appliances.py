"""Add appliances as a person does, through the subentry flow, and find their entities."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER
from homeassistant.core import HomeAssistant, State
from homeassistant.data_entry_flow import FlowResult, FlowResultType
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.price_optimizer.const import DOMAIN, SUBENTRY_APPLIANCE


def suggested_values(result: FlowResult) -> dict[str, Any]:
    """Return what a form shows filled in."""
    return {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description and "suggested_value" in key.description
    }


def with_changes(values: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Return the form's values with ``changes``; None clears a field."""
    merged = {**values, **changes}
    return {key: value for key, value in merged.items() if value is not None}


async def start_appliance_flow(
    hass: HomeAssistant, entry: MockConfigEntry, kind: str
) -> FlowResult:
    """Pick a preset and return the filled appliance form."""
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_APPLIANCE), context={"source": SOURCE_USER}
    )
    assert result["step_id"] == "user"
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {"kind": kind})
    assert result["step_id"] == "appliance"
    return result


async def add_appliance(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    kind: str,
    control: dict[str, Any] | None = None,
    **changes: Any,
) -> str:
    """Add an appliance from its preset changed by ``changes``; return its subentry id.

    ``control`` is what is entered in the switching step (none when not given).
    """
    before = set(entry.subentries)
    form = await start_appliance_flow(hass, entry, kind)
    result = await hass.config_entries.subentries.async_configure(
        form["flow_id"], with_changes(suggested_values(form), changes)
    )
    assert result["step_id"] == "control", result.get("errors")
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], control or {"target": "none"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
    # The entry reloads; its forecast and plan follow the setup in the background.
    await hass.async_block_till_done(wait_background_tasks=True)
    (subentry_id,) = set(entry.subentries) - before
    return subentry_id


async def reconfigure_appliance(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    subentry_id: str,
    control: dict[str, Any] | None = None,
    **changes: Any,
) -> FlowResult:
    """Change an appliance through its reconfigure flow; ``control`` changes its switching."""
    form = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_APPLIANCE),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": subentry_id},
    )
    result = await hass.config_entries.subentries.async_configure(
        form["flow_id"], with_changes(suggested_values(form), changes)
    )
    if result.get("step_id") == "control":
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], with_changes(suggested_values(result), control or {})
        )
    await hass.async_block_till_done(wait_background_tasks=True)
    return result


def entity_id(hass: HomeAssistant, platform: str, subentry_id: str, key: str) -> str:
    """Return the entity id of an appliance's entity."""
    found = er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"{subentry_id}_{key}")
    assert found is not None, f"{platform} {key} of {subentry_id}"
    return found


def state_of(hass: HomeAssistant, platform: str, subentry_id: str, key: str) -> State:
    """Return the state of an appliance's entity."""
    state = hass.states.get(entity_id(hass, platform, subentry_id, key))
    assert state is not None
    return state


async def move_to(hass: HomeAssistant, freezer: FrozenDateTimeFactory, when: datetime) -> None:
    """Let time pass to ``when`` and every timer due by then fire."""
    freezer.move_to(when)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
