"""Where an appliance is switched: a switch entity or an MQTT plug, and how a plug reports back.

Pure data and rules, no Home Assistant import: the appliance form builds a
:class:`ControlTarget` from what a person entered (presets fill the MQTT
topics of common firmwares), the subentry stores :func:`target_as_dict`, and
the actuator reads a plug's state messages with :meth:`MqttTarget.read_state`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
import json
from typing import Any, Final, Literal

TargetKind = Literal["none", "switch", "mqtt"]
MqttPreset = Literal["tasmota", "shelly", "zigbee2mqtt", "generic"]
MQTT_PRESETS: Final[tuple[MqttPreset, ...]] = MqttPreset.__args__  # type: ignore[attr-defined]
TopicProblem = Literal["topic_empty", "topic_wildcard", "topic_empty_level", "topic_invalid"]

# MQTT topics are UTF-8 strings of at most 65535 bytes (MQTT 3.1.1, section 1.5.3).
MAX_TOPIC_BYTES: Final = 65535


@dataclass(frozen=True, slots=True)
class SwitchTarget:
    """Any entity Home Assistant can turn on and off; its state confirms a command."""

    entity_id: str

    @property
    def confirms(self) -> bool:
        """Return True: the entity's state says whether the plug followed."""
        return True

    def describe(self) -> str:
        """Return what the target is, for attributes and the log."""
        return self.entity_id


@dataclass(frozen=True, slots=True)
class MqttTarget:
    """A plug switched through Home Assistant's MQTT integration.

    ``state_key`` names the JSON field of a state message that holds the
    state (Shelly's ``output``, Zigbee2MQTT's ``state``); without it the whole
    payload is the state (Tasmota's ``stat/<topic>/POWER``). Without a state
    topic nothing confirms a command: a publish the broker accepted counts.
    """

    command_topic: str
    payload_on: str
    payload_off: str
    state_topic: str | None = None
    state_on: str = "ON"
    state_off: str = "OFF"
    state_key: str | None = None
    preset: MqttPreset = "generic"
    device: str | None = None

    @property
    def confirms(self) -> bool:
        """Return whether a state topic tells that the plug followed."""
        return self.state_topic is not None

    def payload(self, turn_on: bool) -> str:
        """Return the command payload that turns the plug on or off."""
        return self.payload_on if turn_on else self.payload_off

    def read_state(self, payload: str | bytes | bytearray) -> bool | None:
        """Return True for a state message that says on, False for off, None otherwise."""
        text = payload if isinstance(payload, str) else bytes(payload).decode("utf-8", "replace")
        value: Any = text
        if self.state_key is not None:
            try:
                document = json.loads(text)
            except ValueError:
                return None
            if not isinstance(document, dict) or self.state_key not in document:
                return None
            value = document[self.state_key]
        spoken = _spoken(value)
        if spoken == self.state_on.strip().casefold():
            return True
        if spoken == self.state_off.strip().casefold():
            return False
        return None

    def describe(self) -> str:
        """Return what the target is, for attributes and the log."""
        return f"mqtt:{self.command_topic}"


ControlTarget = SwitchTarget | MqttTarget


def mqtt_preset(preset: MqttPreset, device: str) -> MqttTarget:
    """Return the topics and payloads a firmware uses for the plug called ``device``.

    * Tasmota: ``device`` is the device's topic; ``cmnd/<topic>/POWER`` takes
      ``ON``/``OFF`` and the plug answers on ``stat/<topic>/POWER``.
    * Shelly Gen2+: ``device`` is the MQTT topic prefix; with "MQTT control"
      enabled ``<prefix>/command/switch:0`` takes ``on``/``off``, and with
      status notifications ``<prefix>/status/switch:0`` carries JSON whose
      ``output`` is true or false.
    * Zigbee2MQTT: ``device`` is the friendly name; ``zigbee2mqtt/<name>/set``
      takes ``{"state": "ON"}`` and the state is the ``state`` field of the
      JSON on ``zigbee2mqtt/<name>``.
    * generic: ``device`` is the command topic; ``ON``/``OFF``, no state topic.
    """
    device = device.strip().strip("/")
    if preset == "tasmota":
        return MqttTarget(
            command_topic=f"cmnd/{device}/POWER",
            payload_on="ON",
            payload_off="OFF",
            state_topic=f"stat/{device}/POWER",
            preset=preset,
            device=device,
        )
    if preset == "shelly":
        return MqttTarget(
            command_topic=f"{device}/command/switch:0",
            payload_on="on",
            payload_off="off",
            state_topic=f"{device}/status/switch:0",
            state_on="true",
            state_off="false",
            state_key="output",
            preset=preset,
            device=device,
        )
    if preset == "zigbee2mqtt":
        return MqttTarget(
            command_topic=f"zigbee2mqtt/{device}/set",
            payload_on='{"state": "ON"}',
            payload_off='{"state": "OFF"}',
            state_topic=f"zigbee2mqtt/{device}",
            state_key="state",
            preset=preset,
            device=device,
        )
    return MqttTarget(
        command_topic=device, payload_on="ON", payload_off="OFF", preset=preset, device=device
    )


def topic_problem(topic: str) -> TopicProblem | None:
    """Return why ``topic`` cannot be published or subscribed to exactly, or None when it can.

    Wildcards (``+``, ``#``) would match other devices' topics; an empty level
    (``a//b``, a leading or trailing ``/``) is legal MQTT but in practice a
    typing mistake that silently addresses another topic.
    """
    if not topic:
        return "topic_empty"
    if "\0" in topic or len(topic.encode("utf-8")) > MAX_TOPIC_BYTES:
        return "topic_invalid"
    if "+" in topic or "#" in topic:
        return "topic_wildcard"
    if any(level == "" for level in topic.split("/")):
        return "topic_empty_level"
    return None


def target_problems(target: MqttTarget) -> dict[str, TopicProblem]:
    """Return the problem of each topic field of ``target`` that has one."""
    problems: dict[str, TopicProblem] = {}
    for field, topic in (
        ("command_topic", target.command_topic),
        ("state_topic", target.state_topic),
    ):
        if topic is None:
            continue
        problem = topic_problem(topic)
        if problem is not None:
            problems[field] = problem
    return problems


def target_as_dict(target: ControlTarget) -> dict[str, Any]:
    """Return the form a subentry stores under ``control``."""
    if isinstance(target, SwitchTarget):
        return {"kind": "switch", "entity_id": target.entity_id}
    return {
        "kind": "mqtt",
        "preset": target.preset,
        "device": target.device,
        "command_topic": target.command_topic,
        "payload_on": target.payload_on,
        "payload_off": target.payload_off,
        "state_topic": target.state_topic,
        "state_on": target.state_on,
        "state_off": target.state_off,
        "state_key": target.state_key,
    }


def target_from_dict(data: Mapping[str, Any] | None) -> ControlTarget | None:
    """Rebuild a target from :func:`target_as_dict` output; None for no target."""
    if not data or data.get("kind", "none") == "none":
        return None
    if data["kind"] == "switch":
        return SwitchTarget(entity_id=str(data["entity_id"]))
    if data["kind"] != "mqtt":
        raise ValueError(f"unknown control target {data['kind']!r}")
    preset = data.get("preset", "generic")
    if preset not in MQTT_PRESETS:
        raise ValueError(f"unknown MQTT preset {preset!r}")
    defaults = MqttTarget(command_topic="", payload_on="ON", payload_off="OFF")
    return replace(
        defaults,
        command_topic=str(data["command_topic"]),
        payload_on=str(data.get("payload_on", defaults.payload_on)),
        payload_off=str(data.get("payload_off", defaults.payload_off)),
        state_topic=data.get("state_topic") or None,
        state_on=str(data.get("state_on") or defaults.state_on),
        state_off=str(data.get("state_off") or defaults.state_off),
        state_key=data.get("state_key") or None,
        preset=preset,
        device=data.get("device") or None,
    )


def _spoken(value: Any) -> str:
    """Return a state value as the text a person would write in the form."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip().casefold()
