"""Control targets: firmware presets, state messages, topic rules and what a subentry stores."""

from __future__ import annotations

import pytest

from custom_components.price_optimizer.core.plug_target import (
    MqttTarget,
    SwitchTarget,
    mqtt_preset,
    target_as_dict,
    target_from_dict,
    target_problems,
    topic_problem,
)


def test_tasmota_commands_power_and_reads_the_plain_answer() -> None:
    plug = mqtt_preset("tasmota", " kitchen_plug/ ")
    assert (plug.command_topic, plug.state_topic) == (
        "cmnd/kitchen_plug/POWER",
        "stat/kitchen_plug/POWER",
    )
    assert (plug.payload(True), plug.payload(False)) == ("ON", "OFF")
    assert plug.confirms
    assert plug.read_state(b"ON") is True
    assert plug.read_state("off") is False
    assert plug.read_state("TOGGLE") is None


def test_shelly_reads_the_output_field_of_its_status() -> None:
    plug = mqtt_preset("shelly", "shellyplugs-abc")
    assert plug.command_topic == "shellyplugs-abc/command/switch:0"
    assert plug.payload(True) == "on"
    assert plug.read_state('{"id": 0, "output": true, "apower": 3.1}') is True
    assert plug.read_state('{"id": 0, "output": false}') is False
    assert plug.read_state('{"id": 0}') is None
    assert plug.read_state("not json") is None
    assert plug.read_state("[1, 2]") is None


def test_zigbee2mqtt_sends_json_and_reads_the_state_field() -> None:
    plug = mqtt_preset("zigbee2mqtt", "Dryer plug")
    assert plug.command_topic == "zigbee2mqtt/Dryer plug/set"
    assert plug.payload(False) == '{"state": "OFF"}'
    assert plug.read_state('{"state": "ON", "power": 812}') is True


def test_a_generic_plug_without_state_topic_does_not_confirm() -> None:
    plug = mqtt_preset("generic", "home/dryer/set")
    assert plug.command_topic == "home/dryer/set"
    assert not plug.confirms
    assert plug.describe() == "mqtt:home/dryer/set"
    assert SwitchTarget("switch.dryer").confirms
    assert SwitchTarget("switch.dryer").describe() == "switch.dryer"


@pytest.mark.parametrize(
    ("topic", "problem"),
    [
        ("cmnd/plug/POWER", None),
        ("", "topic_empty"),
        ("cmnd/+/POWER", "topic_wildcard"),
        ("stat/#", "topic_wildcard"),
        ("cmnd//POWER", "topic_empty_level"),
        ("/cmnd/plug", "topic_empty_level"),
        ("cmnd/plug/", "topic_empty_level"),
        ("cmnd/\0", "topic_invalid"),
        ("a" * 65536, "topic_invalid"),
    ],
)
def test_topics_must_address_one_device(topic: str, problem: str | None) -> None:
    assert topic_problem(topic) == problem


def test_each_bad_topic_is_named_by_its_field() -> None:
    target = MqttTarget(command_topic="a/+/b", payload_on="1", payload_off="0", state_topic="a//b")
    assert target_problems(target) == {
        "command_topic": "topic_wildcard",
        "state_topic": "topic_empty_level",
    }
    assert target_problems(mqtt_preset("tasmota", "plug")) == {}


@pytest.mark.parametrize(
    "target",
    [
        SwitchTarget("switch.dryer"),
        mqtt_preset("tasmota", "plug"),
        mqtt_preset("shelly", "shelly1"),
        mqtt_preset("zigbee2mqtt", "Plug"),
        mqtt_preset("generic", "home/plug/set"),
    ],
)
def test_a_stored_target_comes_back_the_same(target: SwitchTarget | MqttTarget) -> None:
    assert target_from_dict(target_as_dict(target)) == target


def test_no_target_and_unknown_ones() -> None:
    assert target_from_dict(None) is None
    assert target_from_dict({"kind": "none"}) is None
    with pytest.raises(ValueError, match="unknown control target"):
        target_from_dict({"kind": "zwave"})
    with pytest.raises(ValueError, match="unknown MQTT preset"):
        target_from_dict({"kind": "mqtt", "preset": "esphome", "command_topic": "a"})
