"""scripts/provision.py against a real Home Assistant's HTTP API: every start keeps what exists."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
import sys
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .appliances import add_appliance
from .conftest import AFTERNOON, replay_entry

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from provision import APPLIANCES, ENTRY_TITLE, Instance

pytestmark = pytest.mark.usefixtures("market_prices_only")


@pytest.fixture
async def afternoon(berlin: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Stop the clock on the replayed afternoon, before any token is made."""
    freezer.move_to(AFTERNOON)


@pytest.fixture
async def instance(
    afternoon: None, hass: HomeAssistant, hass_client: Callable[[], Awaitable[Any]]
) -> Instance:
    """Return provisioning's view of this Home Assistant, logged in."""
    for component in ("api", "config"):
        assert await async_setup_component(hass, component, {})
    # The test client is served at its own root and already sends a token.
    return Instance(await hass_client(), "")


async def start_again(hass: HomeAssistant, instance: Instance) -> None:
    """Run what scripts/develop runs at every start, after onboarding."""
    await instance.add_price_entry()
    await hass.async_block_till_done()
    await instance.wait_for_prices(timeout=10)
    await instance.add_appliances()
    await hass.async_block_till_done()
    await instance.wait_for_plans(timeout=10)


def subentries(hass: HomeAssistant) -> dict[str, list[str]]:
    return {
        entry.title: sorted(subentry.title for subentry in entry.subentries.values())
        for entry in hass.config_entries.async_entries("price_optimizer")
    }


async def test_a_first_start_adds_the_demo_entry_and_its_appliances(
    hass: HomeAssistant, instance: Instance
) -> None:
    await start_again(hass, instance)
    assert subentries(hass) == {ENTRY_TITLE: ["Dishwasher", "EV charger"]}
    assert len(APPLIANCES) == 2


async def test_a_restart_with_a_second_entry_keeps_both_and_adds_nothing(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, instance: Instance
) -> None:
    assert loaded_entry.title == ENTRY_TITLE
    await start_again(hass, instance)
    second = replay_entry("NL")
    second.add_to_hass(hass)
    assert await hass.config_entries.async_setup(second.entry_id)
    await hass.async_block_till_done()
    await add_appliance(hass, second, "dryer")
    before = subentries(hass)
    assert before == {ENTRY_TITLE: ["Dishwasher", "EV charger"], "Replay NL": ["Dryer"]}

    await start_again(hass, instance)
    await start_again(hass, instance)
    assert subentries(hass) == before


async def test_a_removed_demo_entry_stays_removed_beside_a_persons_entry(
    hass: HomeAssistant, instance: Instance
) -> None:
    await start_again(hass, instance)
    (demo,) = hass.config_entries.async_entries("price_optimizer")
    assert await hass.config_entries.async_remove(demo.entry_id)
    own = replay_entry("NL")
    own.add_to_hass(hass)
    assert await hass.config_entries.async_setup(own.entry_id)
    await hass.async_block_till_done()

    await start_again(hass, instance)
    assert subentries(hass) == {"Replay NL": []}
