"""Plugs switched by the plan: on at the start, off at the end, across restarts and hands."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EVENT_CALL_SERVICE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_mock_service,
)

from custom_components.price_optimizer.const import DOMAIN
from custom_components.price_optimizer.core.plug_rules import CONFIRM_TIMEOUT, MAX_ATTEMPTS
from custom_components.price_optimizer.diagnostics import async_get_config_entry_diagnostics
from custom_components.price_optimizer.plug_actuator import (
    EVENT_APPLIANCE_FAILED,
    EVENT_APPLIANCE_STARTED,
    EVENT_APPLIANCE_STOPPED,
    EVENT_PLAN_CHANGED,
)

from .appliances import add_appliance, entity_id, move_to, reconfigure_appliance, state_of
from .test_appliance_runs import planned_run, restart

pytestmark = pytest.mark.usefixtures("market_prices_only")
PLUG = "input_boolean.dishwasher_plug"
MINUTE = timedelta(minutes=1)


@pytest.fixture
async def plug(hass: HomeAssistant) -> str:
    """Return a plug that follows every command, as a real one does."""
    assert await async_setup_component(
        hass, "input_boolean", {"input_boolean": {"dishwasher_plug": {}}}
    )
    return PLUG


def plug_commands(hass: HomeAssistant) -> list[Any]:
    """Return a list that fills with the on/off service calls made to the plug."""
    return async_capture_events(hass, EVENT_CALL_SERVICE)


def sent(calls: list[Any]) -> list[str]:
    return [
        call.data["service"]
        for call in calls
        if call.data["domain"] == "input_boolean"
        and call.data["service"] in ("turn_on", "turn_off")
    ]


async def switched_dishwasher(hass: HomeAssistant, entry: MockConfigEntry, target: str) -> str:
    return await add_appliance(
        hass, entry, "dishwasher", control={"target": "switch", "switch_entity": target}
    )


async def test_the_plug_goes_on_at_the_planned_start_and_off_at_its_end(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory, plug: str
) -> None:
    started = async_capture_events(hass, EVENT_APPLIANCE_STARTED)
    stopped = async_capture_events(hass, EVENT_APPLIANCE_STOPPED)
    calls = plug_commands(hass)
    dishwasher = await switched_dishwasher(hass, loaded_entry, plug)
    start, end = planned_run(hass, dishwasher)

    await move_to(hass, freezer, start - MINUTE)
    assert hass.states.get(plug).state == "off"  # type: ignore[union-attr]
    assert state_of(hass, "sensor", dishwasher, "status").state == "scheduled"
    await move_to(hass, freezer, start)
    assert hass.states.get(plug).state == "on"  # type: ignore[union-attr]
    assert state_of(hass, "sensor", dishwasher, "status").state == "running"
    assert [event.data for event in started] == [
        {
            "entry_id": loaded_entry.entry_id,
            "subentry_id": dishwasher,
            "appliance": "Dishwasher",
            "start": start.isoformat(),
            "end": end.isoformat(),
            "target": plug,
        }
    ]

    # Its planned end passing is what switches it off, not a poll.
    await move_to(hass, freezer, end - MINUTE)
    assert hass.states.get(plug).state == "on"  # type: ignore[union-attr]
    await move_to(hass, freezer, end)
    assert hass.states.get(plug).state == "off"  # type: ignore[union-attr]
    assert state_of(hass, "sensor", dishwasher, "status").state == "done"
    assert [event.data for event in stopped] == [
        {
            "entry_id": loaded_entry.entry_id,
            "subentry_id": dishwasher,
            "appliance": "Dishwasher",
            "started": start.isoformat(),
            "stopped": end.isoformat(),
            "reason": "planned_end",
        }
    ]
    assert sent(calls) == ["turn_on", "turn_off"]
    ledger = state_of(hass, "sensor", dishwasher, "realised_savings")
    assert ledger.attributes["runs"] == 1


async def test_a_restart_during_the_run_neither_starts_it_again_nor_misses_the_stop(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory, plug: str
) -> None:
    started = async_capture_events(hass, EVENT_APPLIANCE_STARTED)
    calls = plug_commands(hass)
    dishwasher = await switched_dishwasher(hass, loaded_entry, plug)
    start, end = planned_run(hass, dishwasher)
    await move_to(hass, freezer, start)
    await move_to(hass, freezer, start + 30 * MINUTE)
    await restart(hass, loaded_entry)
    await move_to(hass, freezer, start + 40 * MINUTE)

    assert state_of(hass, "sensor", dishwasher, "status").state == "running"
    assert sent(calls) == ["turn_on"]
    assert len(started) == 1
    await move_to(hass, freezer, end)
    assert hass.states.get(plug).state == "off"  # type: ignore[union-attr]
    assert sent(calls) == ["turn_on", "turn_off"]
    assert state_of(hass, "sensor", dishwasher, "status").state == "done"


async def test_a_start_sent_just_before_a_restart_is_not_sent_again(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    hass.states.async_set("switch.dishwasher_plug", "off")
    turned_on = async_mock_service(hass, "switch", "turn_on")
    dishwasher = await switched_dishwasher(hass, loaded_entry, "switch.dishwasher_plug")
    start, _end = planned_run(hass, dishwasher)
    await move_to(hass, freezer, start)
    assert len(turned_on) == 1
    # Stopped before the plug answered: after the restart the start counts as sent.
    await restart(hass, loaded_entry)
    await move_to(hass, freezer, start + 5 * CONFIRM_TIMEOUT)
    assert len(turned_on) == 1
    assert state_of(hass, "sensor", dishwasher, "status").state == "running"


async def test_a_stop_missed_while_home_assistant_was_down_is_sent_at_once(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory, plug: str
) -> None:
    stopped = async_capture_events(hass, EVENT_APPLIANCE_STOPPED)
    dishwasher = await switched_dishwasher(hass, loaded_entry, plug)
    start, end = planned_run(hass, dishwasher)
    await move_to(hass, freezer, start)
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    freezer.move_to(end + 20 * MINUTE)
    assert await hass.config_entries.async_setup(loaded_entry.entry_id)
    await hass.async_block_till_done()

    assert hass.states.get(plug).state == "off"  # type: ignore[union-attr]
    assert [event.data["reason"] for event in stopped] == ["caught_up"]
    assert stopped[0].data["stopped"] == (end + 20 * MINUTE).isoformat()
    assert state_of(hass, "sensor", dishwasher, "status").state == "done"


async def test_a_plug_that_never_confirms_is_retried_then_reported_failed(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    hass.states.async_set("switch.dishwasher_plug", "off")
    turned_on = async_mock_service(hass, "switch", "turn_on")
    failed = async_capture_events(hass, EVENT_APPLIANCE_FAILED)
    dishwasher = await switched_dishwasher(hass, loaded_entry, "switch.dishwasher_plug")
    start, end = planned_run(hass, dishwasher)

    await move_to(hass, freezer, start)
    for attempt in range(1, MAX_ATTEMPTS):
        assert len(turned_on) == attempt
        assert not failed
        await move_to(hass, freezer, start + attempt * CONFIRM_TIMEOUT)
    assert len(turned_on) == MAX_ATTEMPTS
    await move_to(hass, freezer, start + MAX_ATTEMPTS * CONFIRM_TIMEOUT)
    assert [event.data for event in failed] == [
        {
            "entry_id": loaded_entry.entry_id,
            "subentry_id": dishwasher,
            "appliance": "Dishwasher",
            "command": "on",
            "attempts": MAX_ATTEMPTS,
            "reason": "not_confirmed",
        }
    ]
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"control_failed_{dishwasher}")
    assert issue is not None
    assert issue.translation_placeholders == {
        "appliance": "Dishwasher",
        "command": "on",
        "target": "switch.dishwasher_plug",
        "attempts": str(MAX_ATTEMPTS),
        "reason": "not_confirmed",
    }
    # The run is over; nothing more is sent for it.
    await move_to(hass, freezer, end)
    assert len(turned_on) == MAX_ATTEMPTS
    assert state_of(hass, "sensor", dishwasher, "status").state != "running"


async def test_switching_the_plug_off_by_hand_ends_the_run_and_the_plan_does_not_fight_it(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory, plug: str
) -> None:
    stopped = async_capture_events(hass, EVENT_APPLIANCE_STOPPED)
    calls = plug_commands(hass)
    dishwasher = await switched_dishwasher(hass, loaded_entry, plug)
    start, end = planned_run(hass, dishwasher)
    await move_to(hass, freezer, start)
    freezer.move_to(start + 20 * MINUTE)
    # A person at the wall switch: the state changes without a command of ours.
    hass.states.async_set(plug, "off")
    await hass.async_block_till_done()

    assert [event.data["reason"] for event in stopped] == ["override"]
    assert state_of(hass, "sensor", dishwasher, "status").state == "done"
    await move_to(hass, freezer, start + 30 * MINUTE)
    await move_to(hass, freezer, end + MINUTE)
    assert sent(calls) == ["turn_on"]
    assert hass.states.get(plug).state == "off"  # type: ignore[union-attr]


async def test_switching_the_plug_on_by_hand_is_the_run_and_no_start_follows(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory, plug: str
) -> None:
    started = async_capture_events(hass, EVENT_APPLIANCE_STARTED)
    calls = plug_commands(hass)
    dishwasher = await switched_dishwasher(hass, loaded_entry, plug)
    start, _end = planned_run(hass, dishwasher)
    freezer.move_to(start - 2 * 60 * MINUTE)
    hass.states.async_set(plug, "on")
    await hass.async_block_till_done()

    assert state_of(hass, "sensor", dishwasher, "status").state == "running"
    await move_to(hass, freezer, start)
    assert not started
    assert sent(calls) == []


async def test_automatic_control_off_stops_the_run_and_starts_nothing(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory, plug: str
) -> None:
    stopped = async_capture_events(hass, EVENT_APPLIANCE_STOPPED)
    calls = plug_commands(hass)
    dishwasher = await switched_dishwasher(hass, loaded_entry, plug)
    start, end = planned_run(hass, dishwasher)
    await move_to(hass, freezer, start + MINUTE)
    assert hass.states.get(plug).state == "on"  # type: ignore[union-attr]
    control = entity_id(hass, "switch", dishwasher, "automatic_control")
    await hass.services.async_call("switch", "turn_off", {"entity_id": control}, blocking=True)
    await hass.async_block_till_done()

    assert hass.states.get(plug).state == "off"  # type: ignore[union-attr]
    assert [event.data["reason"] for event in stopped] == ["control_off"]
    await move_to(hass, freezer, end + 24 * 60 * MINUTE)
    assert sent(calls) == ["turn_on", "turn_off"]


async def test_each_new_plan_is_announced_with_the_one_it_replaces(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    changes = async_capture_events(hass, EVENT_PLAN_CHANGED)
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher")
    start, end = planned_run(hass, dishwasher)
    assert len(changes) == 1
    data = changes[0].data
    assert data["start"] == start.isoformat()
    assert data["end"] == end.isoformat()
    assert (data["previous_start"], data["previous_end"]) == (None, None)
    assert data["subentry_id"] == dishwasher
    assert data["appliance"] == "Dishwasher"
    assert isinstance(data["cost"], float)
    # A restart re-plans the same: nothing to announce.
    await restart(hass, loaded_entry)
    assert len(changes) == 1


async def test_a_run_whose_plug_is_removed_from_the_appliance_ends_at_its_planned_end(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory, plug: str
) -> None:
    dishwasher = await switched_dishwasher(hass, loaded_entry, plug)
    start, end = planned_run(hass, dishwasher)
    await move_to(hass, freezer, start)
    assert hass.states.get(plug).state == "on"  # type: ignore[union-attr]
    await reconfigure_appliance(hass, loaded_entry, dishwasher, control={"target": "none"})
    assert state_of(hass, "sensor", dishwasher, "status").state == "running"
    await move_to(hass, freezer, end)
    assert state_of(hass, "sensor", dishwasher, "status").state == "done"


async def test_diagnostics_show_what_each_plug_was_sent_and_reported(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory, plug: str
) -> None:
    dishwasher = await switched_dishwasher(hass, loaded_entry, plug)
    start, _end = planned_run(hass, dishwasher)
    await move_to(hass, freezer, start)

    diagnostics = await async_get_config_entry_diagnostics(hass, loaded_entry)

    control = diagnostics["control"]["plugs"][dishwasher]
    assert control["target"] == plug
    assert control["journal"]["switched_run"] == start.isoformat()
    assert control["journal"]["plug_on"] is True
    assert control["journal"]["pending"] is None
    assert control["journal"]["failed"] is None
