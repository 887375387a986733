"""Plugs on MQTT: commands published through Home Assistant's MQTT client, confirmed by state."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.mqtt.const import MQTT_CONNECTION_STATE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.dispatcher import async_dispatcher_send
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_mqtt_message,
)
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.price_optimizer.const import DOMAIN
from custom_components.price_optimizer.core.plug_rules import CONFIRM_TIMEOUT, MAX_ATTEMPTS
from custom_components.price_optimizer.plug_actuator import (
    EVENT_APPLIANCE_FAILED,
    EVENT_APPLIANCE_STARTED,
    EVENT_APPLIANCE_STOPPED,
)

from .appliances import add_appliance, move_to, state_of
from .test_appliance_runs import planned_run

pytestmark = pytest.mark.usefixtures("market_prices_only")
MINUTE = timedelta(minutes=1)
TASMOTA = {"target": "mqtt", "mqtt_preset": "tasmota", "mqtt_device": "dishwasher"}


def published(mqtt_mock: MqttMockHAClient) -> list[tuple[str, str]]:
    return [(call.args[0], call.args[1]) for call in mqtt_mock.async_publish.call_args_list]


async def test_a_tasmota_plug_is_commanded_and_its_answers_confirm(
    mqtt_mock: MqttMockHAClient,
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    started = async_capture_events(hass, EVENT_APPLIANCE_STARTED)
    stopped = async_capture_events(hass, EVENT_APPLIANCE_STOPPED)
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher", control=TASMOTA)
    await hass.async_block_till_done(wait_background_tasks=True)
    start, end = planned_run(hass, dishwasher)

    await move_to(hass, freezer, start)
    assert published(mqtt_mock) == [("cmnd/dishwasher/POWER", "ON")]
    assert mqtt_mock.async_publish.call_args.args[2:] == (1, False)
    # Published, not yet confirmed: no start to announce.
    assert not started
    async_fire_mqtt_message(hass, "stat/dishwasher/POWER", "ON")
    await hass.async_block_till_done()
    assert [event.data["target"] for event in started] == ["mqtt:cmnd/dishwasher/POWER"]
    assert state_of(hass, "sensor", dishwasher, "status").state == "running"

    await move_to(hass, freezer, end)
    assert published(mqtt_mock)[-1] == ("cmnd/dishwasher/POWER", "OFF")
    async_fire_mqtt_message(hass, "stat/dishwasher/POWER", "OFF")
    await hass.async_block_till_done()
    assert [event.data["reason"] for event in stopped] == ["planned_end"]
    assert state_of(hass, "sensor", dishwasher, "status").state == "done"
    assert len(published(mqtt_mock)) == 2


async def test_a_shelly_switched_on_by_hand_runs_the_occurrence_and_no_command_follows(
    mqtt_mock: MqttMockHAClient,
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    shelly = {"target": "mqtt", "mqtt_preset": "shelly", "mqtt_device": "shellyplug-dw"}
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher", control=shelly)
    await hass.async_block_till_done(wait_background_tasks=True)
    start, _end = planned_run(hass, dishwasher)
    topic = "shellyplug-dw/status/switch:0"
    async_fire_mqtt_message(hass, topic, '{"id": 0, "output": false}')
    await hass.async_block_till_done()
    freezer.move_to(start - 60 * MINUTE)
    async_fire_mqtt_message(hass, topic, '{"id": 0, "output": true, "apower": 1480.2}')
    await hass.async_block_till_done()

    assert state_of(hass, "sensor", dishwasher, "status").state == "running"
    await move_to(hass, freezer, start)
    assert published(mqtt_mock) == []


async def test_a_generic_plug_without_state_topic_counts_a_publish_as_done(
    mqtt_mock: MqttMockHAClient,
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    started = async_capture_events(hass, EVENT_APPLIANCE_STARTED)
    generic = {"target": "mqtt", "mqtt_preset": "generic", "command_topic": "home/dw/set"}
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher", control=generic)
    await hass.async_block_till_done(wait_background_tasks=True)
    start, end = planned_run(hass, dishwasher)
    await move_to(hass, freezer, start)
    assert len(started) == 1
    await move_to(hass, freezer, end)
    assert published(mqtt_mock) == [("home/dw/set", "ON"), ("home/dw/set", "OFF")]
    assert state_of(hass, "sensor", dishwasher, "status").state == "done"


async def test_an_mqtt_plug_without_the_mqtt_integration_raises_a_repair_issue(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    failed = async_capture_events(hass, EVENT_APPLIANCE_FAILED)
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher", control=TASMOTA)
    await hass.async_block_till_done(wait_background_tasks=True)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"mqtt_not_set_up_{dishwasher}")
    assert issue is not None
    assert issue.translation_key == "mqtt_not_set_up"
    assert issue.translation_placeholders == {"appliance": "Dishwasher"}
    assert issue.severity is ir.IssueSeverity.ERROR
    # Nothing can be switched: the start fails at once and is not taken as run.
    start, _end = planned_run(hass, dishwasher)
    await move_to(hass, freezer, start)
    assert [(event.data["command"], event.data["reason"]) for event in failed] == [
        ("on", "mqtt_unavailable")
    ]
    assert state_of(hass, "sensor", dishwasher, "status").state != "running"
    # Removing the entry withdraws the issue.
    assert await hass.config_entries.async_remove(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, f"mqtt_not_set_up_{dishwasher}") is None


async def test_a_stop_the_broker_could_not_carry_is_reported_and_sent_again_when_it_is_back(
    mqtt_mock: MqttMockHAClient,
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    failed = async_capture_events(hass, EVENT_APPLIANCE_FAILED)
    stopped = async_capture_events(hass, EVENT_APPLIANCE_STOPPED)
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher", control=TASMOTA)
    await hass.async_block_till_done(wait_background_tasks=True)
    start, end = planned_run(hass, dishwasher)
    await move_to(hass, freezer, start)
    async_fire_mqtt_message(hass, "stat/dishwasher/POWER", "ON")
    await hass.async_block_till_done()

    # The plug hears nothing: three stops go out, then the run is reported failed.
    await move_to(hass, freezer, end)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        await move_to(hass, freezer, end + attempt * CONFIRM_TIMEOUT)
    assert published(mqtt_mock).count(("cmnd/dishwasher/POWER", "OFF")) == MAX_ATTEMPTS
    assert [(event.data["command"], event.data["reason"]) for event in failed] == [
        ("off", "not_confirmed")
    ]
    # As far as anyone knows the plug is still on: the run stays open, nothing more is sent.
    assert state_of(hass, "sensor", dishwasher, "status").state == "running"
    await move_to(hass, freezer, end + 10 * CONFIRM_TIMEOUT)
    assert published(mqtt_mock).count(("cmnd/dishwasher/POWER", "OFF")) == MAX_ATTEMPTS

    # The broker connection comes back: the stop goes out again and the plug confirms it.
    async_dispatcher_send(hass, MQTT_CONNECTION_STATE, True)
    await hass.async_block_till_done()
    assert published(mqtt_mock).count(("cmnd/dishwasher/POWER", "OFF")) == MAX_ATTEMPTS + 1
    async_fire_mqtt_message(hass, "stat/dishwasher/POWER", "OFF")
    await hass.async_block_till_done()
    assert [event.data["reason"] for event in stopped] == ["caught_up"]
    assert state_of(hass, "sensor", dishwasher, "status").state == "done"
    assert ir.async_get(hass).async_get_issue(DOMAIN, f"control_failed_{dishwasher}") is None
