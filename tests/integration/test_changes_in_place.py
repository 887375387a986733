"""Appliances and options change in place: the entry's entities never go unavailable meanwhile."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EVENT_CALL_SERVICE, EVENT_STATE_CHANGED, STATE_UNAVAILABLE
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.price_optimizer.const import (
    CONF_FEE_PER_KWH,
    CONF_HOUSEHOLD_LIMIT_KW,
    CONF_MULTIPLIER,
    CONF_VAT_PERCENT,
)

from .appliances import (
    add_appliance,
    device_of,
    entity_id,
    move_to,
    reconfigure_appliance,
    state_of,
)
from .options import open_options_step
from .test_appliance_runs import planned_run

pytestmark = pytest.mark.usefixtures("market_prices_only")
CURRENT_PRICE = "sensor.replay_de_lu_current_price"
MINUTE = timedelta(minutes=1)


@pytest.fixture
def entry_states(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> list[tuple[str, str]]:
    """Return a list that fills with every state the entry's own entities take from now on."""
    registry = er.async_get(hass)
    watched = {
        entry.entity_id
        for entry in er.async_entries_for_config_entry(registry, loaded_entry.entry_id)
        if entry.config_subentry_id is None
    }
    assert CURRENT_PRICE in watched
    seen: list[tuple[str, str]] = []

    @callback
    def _changed(event: Event[EventStateChangedData]) -> None:
        new_state = event.data["new_state"]
        if event.data["entity_id"] in watched:
            seen.append((event.data["entity_id"], "gone" if new_state is None else new_state.state))

    hass.bus.async_listen(EVENT_STATE_CHANGED, _changed)
    return seen


async def save_options(hass: HomeAssistant, entry: MockConfigEntry, **options: Any) -> None:
    """Save the options form as a person does."""
    result = await open_options_step(hass, entry, "prices")
    values = {CONF_VAT_PERCENT: 0.0, CONF_FEE_PER_KWH: 0.0, CONF_MULTIPLIER: 1.0, **options}
    await hass.config_entries.options.async_configure(result["flow_id"], values)
    await hass.async_block_till_done()


async def test_adding_editing_and_removing_appliances_and_options_never_reload(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, entry_states: list[tuple[str, str]]
) -> None:
    runtime = loaded_entry.runtime_data
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher")
    dryer = await add_appliance(hass, loaded_entry, "dryer")
    await reconfigure_appliance(hass, loaded_entry, dishwasher, daily_ready_by="23:00:00")
    await save_options(hass, loaded_entry, **{CONF_VAT_PERCENT: 19.0, CONF_HOUSEHOLD_LIMIT_KW: 3.0})
    assert hass.config_entries.async_remove_subentry(loaded_entry, dishwasher)
    await hass.async_block_till_done()

    assert [change for change in entry_states if change[1] in (STATE_UNAVAILABLE, "gone")] == []
    assert (CURRENT_PRICE, hass.states.get(CURRENT_PRICE).state) in entry_states  # type: ignore[union-attr]
    assert loaded_entry.runtime_data is runtime
    assert state_of(hass, "sensor", dryer, "status").state == "scheduled"


async def test_a_new_appliance_gets_its_entities_and_device_and_is_planned_at_once(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher")
    device = device_of(hass, loaded_entry, dishwasher)
    assert device is not None
    assert device.name == "Dishwasher"
    # Device entries name their subentry differently across versions; entity entries alike.
    status = er.async_get(hass).async_get(entity_id(hass, "sensor", dishwasher, "status"))
    assert status is not None
    assert (status.config_subentry_id, status.device_id) == (dishwasher, device.id)
    assert state_of(hass, "sensor", dishwasher, "status").state == "scheduled"
    start, end = planned_run(hass, dishwasher)
    assert start < end
    assert state_of(hass, "binary_sensor", dishwasher, "run_now").state == "off"
    assert state_of(hass, "switch", dishwasher, "automatic_control").state == "on"
    registry = er.async_get(hass)
    for platform, key in (("sensor", "status"), ("switch", "automatic_control")):
        entry = registry.async_get(entity_id(hass, platform, dishwasher, key))
        assert entry is not None
        assert entry.config_subentry_id == dishwasher
        assert entry.device_id == device.id


async def test_renaming_an_appliance_renames_its_device_and_entities(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher")
    await reconfigure_appliance(hass, loaded_entry, dishwasher, name="Kitchen dishwasher")
    device = device_of(hass, loaded_entry, dishwasher)
    assert device is not None
    assert device.name == "Kitchen dishwasher"
    status = state_of(hass, "sensor", dishwasher, "status")
    assert status.attributes["friendly_name"].startswith("Kitchen dishwasher")
    assert status.state == "scheduled"


async def test_a_removed_appliance_loses_entities_and_device_without_touching_the_others(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher")
    dryer = await add_appliance(hass, loaded_entry, "dryer")
    removed = [
        entity_id(hass, platform, dishwasher, key)
        for platform, key in (
            ("sensor", "status"),
            ("binary_sensor", "run_now"),
            ("switch", "automatic_control"),
        )
    ]
    assert hass.config_entries.async_remove_subentry(loaded_entry, dishwasher)
    await hass.async_block_till_done()
    assert device_of(hass, loaded_entry, dishwasher) is None
    for removed_id in removed:
        assert er.async_get(hass).async_get(removed_id) is None
        assert hass.states.get(removed_id) is None
    assert set(loaded_entry.runtime_data.planner.appliances) == {dryer}
    assert device_of(hass, loaded_entry, dryer) is not None
    assert state_of(hass, "sensor", dryer, "status").state == "scheduled"


async def test_new_options_price_every_sensor_and_the_plan_at_once(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    ev = await add_appliance(hass, loaded_entry, "ev_charger")
    raw = float(hass.states.get(CURRENT_PRICE).state)  # type: ignore[union-attr]
    cost = float(state_of(hass, "sensor", ev, "planned_cost").state)
    await save_options(hass, loaded_entry, **{CONF_VAT_PERCENT: 25.0, CONF_FEE_PER_KWH: 0.1})
    assert float(hass.states.get(CURRENT_PRICE).state) == pytest.approx(  # type: ignore[union-attr]
        (raw + 0.1) * 1.25
    )
    assert float(state_of(hass, "sensor", ev, "planned_cost").state) > cost
    await save_options(hass, loaded_entry, **{CONF_HOUSEHOLD_LIMIT_KW: 3.0})
    status = state_of(hass, "sensor", ev, "status")
    assert status.state == "blocked"
    assert status.attributes["reason"] == "power_above_limit"


async def test_switching_settings_changed_in_place_switch_the_new_plug_and_keep_a_running_one(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    assert await async_setup_component(
        hass, "input_boolean", {"input_boolean": {"dishwasher_plug": {}, "dryer_plug": {}}}
    )
    calls = async_capture_events(hass, EVENT_CALL_SERVICE)
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher")
    await reconfigure_appliance(
        hass,
        loaded_entry,
        dishwasher,
        control={"target": "switch", "switch_entity": "input_boolean.dishwasher_plug"},
    )
    start, end = planned_run(hass, dishwasher)
    await move_to(hass, freezer, start)
    assert hass.states.get("input_boolean.dishwasher_plug").state == "on"  # type: ignore[union-attr]

    # Another switched appliance while the dishwasher runs: its start is not sent again.
    await add_appliance(
        hass,
        loaded_entry,
        "dryer",
        control={"target": "switch", "switch_entity": "input_boolean.dryer_plug"},
    )
    await move_to(hass, freezer, end)
    dishwasher_calls = [
        call.data["service"]
        for call in calls
        if call.data["domain"] == "input_boolean"
        and call.data["service_data"]["entity_id"] == "input_boolean.dishwasher_plug"
    ]
    assert dishwasher_calls == ["turn_on", "turn_off"]
    assert state_of(hass, "sensor", dishwasher, "status").state in ("done", "scheduled")
    assert dt_util.utcnow() >= end
