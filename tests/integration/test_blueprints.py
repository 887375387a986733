"""The shipped blueprints load in Home Assistant and do what they say."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
import shutil
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    async_mock_service,
)
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.price_optimizer.core.optimizer import BATTERY_MODES

from .appliances import add_appliance, device_of, entity_id, move_to, state_of
from .conftest import AFTERNOON
from .test_battery import (
    add_battery,
    battery_entity,
    entry,  # noqa: F401  (the fixture exporting builds on)
    exporting,  # noqa: F401  (the fixture)
    planned_energy,
    set_soc,
)
from .test_sensor import TODAY

BLUEPRINTS = Path(__file__).resolve().parents[2] / "blueprints"
PRICE = "sensor.replay_de_lu_current_price"


@pytest.fixture
def config_dir_with_blueprints(hass: HomeAssistant, tmp_path: Path) -> Path:
    shutil.copytree(BLUEPRINTS, tmp_path / "blueprints")
    hass.config.config_dir = str(tmp_path)
    return tmp_path


async def test_switch_while_cheap_follows_the_price(
    hass: HomeAssistant,
    berlin: HomeAssistant,
    config_dir_with_blueprints: Path,
    mock_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    freezer.move_to(AFTERNOON)
    price_now = TODAY[AFTERNOON.hour]
    assert await async_setup_component(hass, "input_boolean", {"input_boolean": {"plug": {}}})
    # The modern template form: `switch: platform: template` is refused from 2026.10.
    assert await async_setup_component(
        hass,
        "template",
        {
            "template": [
                {
                    "switch": [
                        {
                            "name": "plug",
                            "state": "{{ is_state('input_boolean.plug', 'on') }}",
                            "turn_on": {
                                "action": "input_boolean.turn_on",
                                "target": {"entity_id": "input_boolean.plug"},
                            },
                            "turn_off": {
                                "action": "input_boolean.turn_off",
                                "target": {"entity_id": "input_boolean.plug"},
                            },
                        }
                    ]
                }
            ]
        },
    )
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "use_blueprint": {
                    "path": "price_optimizer/switch_while_cheap.yaml",
                    "input": {
                        "price_sensor": PRICE,
                        "threshold": price_now,
                        "target_switch": "switch.plug",
                    },
                }
            }
        },
    )
    assert hass.states.get("input_boolean.plug").state == "off"
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done()
    assert float(hass.states.get(PRICE).state) == pytest.approx(price_now)
    # The switch's turn_on/turn_off drive this boolean: it shows what the blueprint called.
    assert hass.states.get("input_boolean.plug").state == "on"

    # Walk the slots until the price rises above the threshold: the plug goes off.
    for _ in range(10):
        freezer.tick(3600)
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
        if float(hass.states.get(PRICE).state) > price_now:
            break
    assert float(hass.states.get(PRICE).state) > price_now
    assert hass.states.get("input_boolean.plug").state == "off"


async def _use_blueprint(hass: HomeAssistant, path: str, inputs: dict[str, Any]) -> None:
    assert await async_setup_component(
        hass,
        "automation",
        {"automation": {"use_blueprint": {"path": f"price_optimizer/{path}", "input": inputs}}},
    )
    await hass.async_block_till_done()


async def _counter(hass: HomeAssistant, name: str) -> int:
    state = hass.states.get(f"counter.{name}")
    assert state is not None
    return int(state.state)


@pytest.mark.usefixtures("market_prices_only", "config_dir_with_blueprints")
@pytest.mark.parametrize(
    ("switch_given", "control_on", "runs"),
    [
        (True, True, 1),
        # The household took over: the plan's window passes without the actions.
        (True, False, 0),
        # Without the switch as input, the actions follow the sensor alone.
        (False, False, 1),
    ],
)
async def test_run_in_planned_window_starts_and_stops_with_the_plan_once(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    switch_given: bool,
    control_on: bool,
    runs: int,
) -> None:
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher")
    control = entity_id(hass, "switch", dishwasher, "automatic_control")
    assert await async_setup_component(hass, "counter", {"counter": {"starts": {}, "stops": {}}})
    await _use_blueprint(
        hass,
        "run_in_planned_window.yaml",
        {
            "run_now_sensor": entity_id(hass, "binary_sensor", dishwasher, "run_now"),
            **({"automatic_control": control} if switch_given else {}),
            "start_actions": [
                {"action": "counter.increment", "target": {"entity_id": "counter.starts"}}
            ],
            "stop_actions": [
                {"action": "counter.increment", "target": {"entity_id": "counter.stops"}}
            ],
        },
    )
    if not control_on:
        await hass.services.async_call("switch", "turn_off", {"entity_id": control}, blocking=True)
    start = dt_util.parse_datetime(state_of(hass, "sensor", dishwasher, "next_start").state)
    end = dt_util.parse_datetime(state_of(hass, "sensor", dishwasher, "next_end").state)
    assert start is not None
    assert end is not None

    await move_to(hass, freezer, start - timedelta(minutes=1))
    assert await _counter(hass, "starts") == 0
    await move_to(hass, freezer, start)
    assert state_of(hass, "binary_sensor", dishwasher, "run_now").state == "on"
    assert await _counter(hass, "starts") == runs

    # A reload in the middle of the run brings the sensor back "on": the same run, no new start.
    await move_to(hass, freezer, start + (end - start) / 2)
    assert await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert state_of(hass, "binary_sensor", dishwasher, "run_now").state == "on"
    assert await _counter(hass, "starts") == runs
    assert await _counter(hass, "stops") == 0

    await move_to(hass, freezer, end)
    assert state_of(hass, "binary_sensor", dishwasher, "run_now").state == "off"
    assert await _counter(hass, "stops") == runs
    assert await _counter(hass, "starts") == runs


def _plan_changed(entry: MockConfigEntry, subentry_id: str, **changes: Any) -> dict[str, Any]:  # noqa: F811
    return {
        "entry_id": entry.entry_id,
        "subentry_id": subentry_id,
        "appliance": entry.subentries[subentry_id].title,
        "start": "2026-11-25T02:00:00+00:00",
        "end": "2026-11-25T04:00:00+00:00",
        "previous_start": "2026-11-24T20:00:00+00:00",
        "previous_end": "2026-11-24T22:00:00+00:00",
        "cost": 0.4266615,
        **changes,
    }


@pytest.mark.usefixtures("market_prices_only", "config_dir_with_blueprints")
async def test_notify_tells_of_the_chosen_appliances_plan_changes_and_failures(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher")
    charger = await add_appliance(hass, loaded_entry, "ev_charger")
    device = device_of(hass, loaded_entry, dishwasher)
    assert device is not None
    phone = async_mock_service(hass, "notify", "phone")
    await _use_blueprint(
        hass,
        "notify_plan_changes.yaml",
        {
            "notify_actions": [
                {
                    "action": "notify.phone",
                    "data": {"title": "{{ title }}", "message": "{{ message }}"},
                }
            ],
            "appliances": [device.id],
        },
    )

    hass.bus.async_fire("price_optimizer_plan_changed", _plan_changed(loaded_entry, dishwasher))
    hass.bus.async_fire("price_optimizer_plan_changed", _plan_changed(loaded_entry, charger))
    hass.bus.async_fire(
        "price_optimizer_plan_changed",
        _plan_changed(loaded_entry, dishwasher, previous_start=None, previous_end=None),
    )
    hass.bus.async_fire(
        "price_optimizer_plan_changed",
        _plan_changed(loaded_entry, dishwasher, start=None, end=None, cost=None),
    )
    hass.bus.async_fire(
        "price_optimizer_appliance_failed",
        {
            "entry_id": loaded_entry.entry_id,
            "subentry_id": dishwasher,
            "appliance": "Dishwasher",
            "command": "on",
            "attempts": 3,
            "reason": "the plug did not confirm",
        },
    )
    await hass.async_block_till_done()

    # Times in the messages are local (Europe/Berlin); the EV charger was not chosen.
    assert [call.data for call in phone] == [
        {
            "title": "Price Optimizer: Dishwasher",
            "message": "Dishwasher runs Wed 03:00\N{EN DASH}Wed 05:00 "
            "(was Tue 21:00\N{EN DASH}Tue 23:00), expected cost 0.43.",
        },
        {
            "title": "Price Optimizer: Dishwasher",
            "message": "Dishwasher is planned Wed 03:00\N{EN DASH}Wed 05:00, expected cost 0.43.",
        },
        {
            "title": "Price Optimizer: Dishwasher",
            "message": "Dishwasher has no planned run any more "
            "(it was Tue 21:00\N{EN DASH}Tue 23:00).",
        },
        {
            "title": "Price Optimizer: Dishwasher",
            "message": "Dishwasher did not switch on after 3 attempts: the plug did not confirm.",
        },
    ]


@pytest.mark.usefixtures("market_prices_only", "config_dir_with_blueprints")
async def test_notify_by_default_shows_failures_of_any_appliance_in_home_assistant(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, hass_ws_client: WebSocketGenerator
) -> None:
    charger = await add_appliance(hass, loaded_entry, "ev_charger")
    assert await async_setup_component(hass, "persistent_notification", {})
    await _use_blueprint(hass, "notify_plan_changes.yaml", {"plan_changes": False})

    hass.bus.async_fire("price_optimizer_plan_changed", _plan_changed(loaded_entry, charger))
    hass.bus.async_fire(
        "price_optimizer_appliance_failed",
        {
            "entry_id": loaded_entry.entry_id,
            "subentry_id": charger,
            "appliance": "EV charger",
            "command": "off",
            "attempts": 1,
            "reason": "the broker is unreachable",
        },
    )
    await hass.async_block_till_done()

    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "persistent_notification/get"})
    response = await client.receive_json()
    assert [
        (notification["title"], notification["message"]) for notification in response["result"]
    ] == [
        (
            "Price Optimizer: EV charger",
            "EV charger did not switch off after 1 attempt: the broker is unreachable.",
        )
    ]


@pytest.mark.usefixtures("market_prices_only", "config_dir_with_blueprints")
async def test_battery_mode_runs_the_actions_of_each_planned_mode_as_it_begins(
    hass: HomeAssistant,
    exporting: MockConfigEntry,  # noqa: F811
    freezer: FrozenDateTimeFactory,
) -> None:
    set_soc(hass, "60")
    battery_id = await add_battery(hass, exporting, may_export=True)
    counters = {mode: {} for mode in BATTERY_MODES}
    assert await async_setup_component(hass, "counter", {"counter": counters})
    await _use_blueprint(
        hass,
        "battery_mode.yaml",
        {
            "battery_mode_sensor": battery_entity(hass, battery_id, "battery_mode"),
            **{
                f"{mode}_actions": [
                    {"action": "counter.increment", "target": {"entity_id": f"counter.{mode}"}}
                ]
                for mode in BATTERY_MODES
            },
        },
    )
    sensor = battery_entity(hass, battery_id, "battery_mode")
    # Each change of the sensor to a mode must run that mode's actions once.
    expected = dict.fromkeys(BATTERY_MODES, 0)

    @callback
    def _count(event: Event[EventStateChangedData]) -> None:
        old, new = event.data["old_state"], event.data["new_state"]
        if new is not None and new.state in expected and (old is None or old.state != new.state):
            expected[new.state] += 1

    async_track_state_change_event(hass, sensor, _count)
    now = dt_util.utcnow()
    for slot in [slot for slot in planned_energy(exporting).slots if slot.start > now][:24]:
        await move_to(hass, freezer, slot.start + timedelta(seconds=1))
        assert {mode: await _counter(hass, mode) for mode in BATTERY_MODES} == expected
    assert sum(1 for count in expected.values() if count) >= 3, "the walk crosses modes"
