"""Add and edit appliances: one config subentry each, offered as presets first.

The form asks only what applies to the appliance's kind (a dishwasher has no
energy target, a pool pump no power profile), filled from the chosen preset
or the appliance being reconfigured; an "other appliance" first asks how it
runs. What is submitted is checked by :meth:`Appliance.validate`; its reason
becomes a translated error on the field it concerns. The subentry stores
``Appliance.as_dict()`` without the id and name, which the subentry's own id
and title carry. The switching step asks for the target first, then only that
target's fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta, tzinfo
import logging
import re
from typing import Any, Final

from homeassistant.config_entries import SOURCE_RECONFIGURE, ConfigSubentryFlow, SubentryFlowResult
from homeassistant.helpers import config_validation as cv, entity_registry as er, selector
from homeassistant.helpers.translation import async_get_translations
from homeassistant.util import dt as dt_util
import voluptuous as vol

from .const import CONF_CONTROL, DOMAIN
from .core.convert import iso
from .core.optimizer import APPLIANCE_KINDS, Appliance, ApplianceError, preset
from .core.optimizer.appliances import OPERATIONS, PRESETS, Operation
from .core.optimizer.issues import IssueCode
from .core.plug_target import (
    MQTT_PRESETS,
    ControlTarget,
    MqttTarget,
    SwitchTarget,
    mqtt_preset,
    target_as_dict,
    target_from_dict,
    target_problems,
)
from .plan_coordinator import appliance_from_subentry
from .selectors import number_box

_LOGGER = logging.getLogger(__name__)
# The form error for a failure no other error explains; its traceback is logged.
UNKNOWN: Final = {"base": "unknown"}

CONF_KIND: Final = "kind"
CONF_NAME: Final = "name"
CONF_OPERATION: Final = "operation"
CONF_POWER_KW: Final = "power_kw"
CONF_MIN_POWER_KW: Final = "min_power_kw"
CONF_PHASES: Final = "phases"
CONF_DURATION: Final = "duration"
CONF_ENERGY_KWH: Final = "energy_kwh"
CONF_MAX_ENERGY_KWH: Final = "max_energy_kwh"
CONF_DAILY_READY_BY: Final = "daily_ready_by"
CONF_DAILY_EARLIEST_START: Final = "daily_earliest_start"
CONF_EARLIEST_START: Final = "earliest_start"
CONF_DEADLINE: Final = "deadline"
CONF_MIN_ON_TIME: Final = "min_on_time"
CONF_MIN_OFF_TIME: Final = "min_off_time"
CONF_MAX_STARTS: Final = "max_starts_per_day"
CONF_PRIORITY: Final = "priority"
CONF_RISK: Final = "risk"
CONF_SURPLUS_ONLY: Final = "surplus_only"
CONF_PRICE_CAP: Final = "price_cap"
CONF_TARGET: Final = "target"
CONF_SWITCH_ENTITY: Final = "switch_entity"
CONF_MQTT_PRESET: Final = "mqtt_preset"
CONF_MQTT_DEVICE: Final = "mqtt_device"
CONF_COMMAND_TOPIC: Final = "command_topic"
CONF_PAYLOAD_ON: Final = "payload_on"
CONF_PAYLOAD_OFF: Final = "payload_off"
CONF_STATE_TOPIC: Final = "state_topic"

# Where each reason of Appliance.validate() shows: next to the field to correct.
ERROR_FIELDS: Final[Mapping[IssueCode, str]] = {
    "power_not_positive": CONF_POWER_KW,
    "power_range_invalid": CONF_MIN_POWER_KW,
    "demand_missing": CONF_DURATION,
    "duration_not_positive": CONF_DURATION,
    "demand_ambiguous": CONF_ENERGY_KWH,
    "energy_range_invalid": CONF_MAX_ENERGY_KWH,
    "phases_invalid": CONF_PHASES,
    "window_invalid": CONF_DEADLINE,
    "recurrence_ambiguous": CONF_DAILY_READY_BY,
    "times_invalid": CONF_MIN_ON_TIME,
    "max_starts_invalid": CONF_MAX_STARTS,
    "flexible_energy_needs_interruptible": CONF_MAX_ENERGY_KWH,
    "price_cap_invalid": CONF_PRICE_CAP,
}
# "30:2.1, 90:0.2": minutes and kW of each phase.
PHASE_PATTERN: Final = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$")


class PhasesFormatError(ValueError):
    """A power profile that is not written as ``minutes:kW, minutes:kW``."""


class DateTimeFormatError(ValueError):
    """A one-off time that is not a date and time; ``field`` is the one to correct."""

    def __init__(self, field: str) -> None:
        """Keep the field."""
        super().__init__(field)
        self.field = field


def _choice(options: list[str], translation_key: str) -> selector.SelectSelector:
    return selector.SelectSelector(
        selector.SelectSelectorConfig(
            options=options,
            translation_key=translation_key,
            mode=selector.SelectSelectorMode.LIST,
            sort=False,
        )
    )


def _duration() -> selector.DurationSelector:
    return selector.DurationSelector(
        selector.DurationSelectorConfig(enable_day=False, allow_negative=False)
    )


def _datetime() -> selector.TextSelector:
    # The date-time selector shows an empty value as midnight; a native input stays empty.
    return selector.TextSelector(
        selector.TextSelectorConfig(type=selector.TextSelectorType.DATETIME_LOCAL)
    )


# Every field an appliance may have, in the order the form shows them.
APPLIANCE_SCHEMA: Final = vol.Schema(
    {
        vol.Required(CONF_NAME): selector.TextSelector(),
        vol.Required(CONF_POWER_KW): number_box(0.01, 1000, "any", "kW"),
        vol.Optional(CONF_MIN_POWER_KW): number_box(0, 1000, "any", "kW"),
        vol.Optional(CONF_PHASES): selector.TextSelector(),
        vol.Optional(CONF_DURATION): _duration(),
        vol.Optional(CONF_ENERGY_KWH): number_box(0, 1000, "any", "kWh"),
        vol.Optional(CONF_MAX_ENERGY_KWH): number_box(0, 1000, "any", "kWh"),
        vol.Optional(CONF_DAILY_READY_BY): selector.TimeSelector(),
        vol.Optional(CONF_DAILY_EARLIEST_START): selector.TimeSelector(),
        vol.Optional(CONF_EARLIEST_START): _datetime(),
        vol.Optional(CONF_DEADLINE): _datetime(),
        vol.Required(CONF_MIN_ON_TIME): _duration(),
        vol.Required(CONF_MIN_OFF_TIME): _duration(),
        vol.Optional(CONF_MAX_STARTS): number_box(1, 96, 1),
        vol.Required(CONF_PRIORITY): number_box(0, 10, 1),
        vol.Required(CONF_RISK): _choice(["median", "upper"], "risk"),
        vol.Optional(CONF_SURPLUS_ONLY, default=False): selector.BooleanSelector(),
        vol.Optional(CONF_PRICE_CAP): number_box(-1000, 1000, "any"),
    }
)
WINDOW_FIELDS: Final = (
    CONF_DAILY_READY_BY,
    CONF_DAILY_EARLIEST_START,
    CONF_EARLIEST_START,
    CONF_DEADLINE,
)
# A cycle runs once at its profile: no modulation, energy target or on/off rules.
CYCLE_FIELDS: Final = frozenset(
    {
        CONF_NAME,
        CONF_POWER_KW,
        CONF_PHASES,
        CONF_DURATION,
        *WINDOW_FIELDS,
        CONF_PRIORITY,
        CONF_RISK,
        CONF_SURPLUS_ONLY,
        CONF_PRICE_CAP,
    }
)
INTERRUPTIBLE_FIELDS: Final = frozenset(
    {
        CONF_NAME,
        CONF_POWER_KW,
        CONF_MIN_POWER_KW,
        CONF_DURATION,
        CONF_ENERGY_KWH,
        CONF_MAX_ENERGY_KWH,
        *WINDOW_FIELDS,
        CONF_MIN_ON_TIME,
        CONF_MIN_OFF_TIME,
        CONF_MAX_STARTS,
        CONF_PRIORITY,
        CONF_RISK,
        CONF_SURPLUS_ONLY,
        CONF_PRICE_CAP,
    }
)
OPERATION_FIELDS: Final[Mapping[Operation, frozenset[str]]] = {
    "cycle": CYCLE_FIELDS,
    "interruptible": INTERRUPTIBLE_FIELDS,
}
# What each preset kind asks, when it runs the way its preset does.
KIND_FIELDS: Final[Mapping[str, frozenset[str]]] = {
    "dishwasher": CYCLE_FIELDS,
    "washing_machine": CYCLE_FIELDS,
    "dryer": CYCLE_FIELDS,
    # A charger may modulate, take more at negative prices and protect its contactor.
    "ev_charger": INTERRUPTIBLE_FIELDS,
    # An on/off motor: a run time, and rules that spare it.
    "pool_pump": INTERRUPTIBLE_FIELDS - {CONF_MIN_POWER_KW, CONF_ENERGY_KWH, CONF_MAX_ENERGY_KWH},
    # A heating element on a thermostat: energy (or time), stored beyond it when that pays.
    "water_heater": INTERRUPTIBLE_FIELDS - {CONF_MIN_POWER_KW, CONF_MAX_STARTS},
}
OPERATION_SCHEMA: Final = vol.Schema(
    {vol.Required(CONF_OPERATION, default="cycle"): _choice(list(OPERATIONS), "operation")}
)
TARGET_SCHEMA: Final = vol.Schema(
    {vol.Required(CONF_TARGET, default="none"): _choice(["none", "switch", "mqtt"], "target")}
)
MQTT_SCHEMA: Final = vol.Schema(
    {
        vol.Optional(CONF_MQTT_PRESET, default="tasmota"): _choice(
            list(MQTT_PRESETS), "mqtt_preset"
        ),
        vol.Optional(CONF_MQTT_DEVICE): selector.TextSelector(),
        vol.Optional(CONF_COMMAND_TOPIC): selector.TextSelector(),
        vol.Optional(CONF_PAYLOAD_ON): selector.TextSelector(),
        vol.Optional(CONF_PAYLOAD_OFF): selector.TextSelector(),
        vol.Optional(CONF_STATE_TOPIC): selector.TextSelector(),
    }
)
KIND_SCHEMA: Final = vol.Schema(
    {vol.Required(CONF_KIND, default="dishwasher"): _choice(list(APPLIANCE_KINDS), "kind")}
)


def kind_operation(kind: str) -> Operation:
    """Return how an appliance of ``kind`` runs by default."""
    operation: Operation = PRESETS[kind]["operation"]  # type: ignore[index]
    return operation


def form_fields(kind: str, operation: Operation, values: Mapping[str, Any]) -> tuple[str, ...]:
    """Return the fields the form asks for an appliance of ``kind`` that runs as ``operation``.

    A field the appliance already sets is always shown (an older form asked
    every field), so editing never hides a value that is in effect.
    """
    if kind in KIND_FIELDS and operation == kind_operation(kind):
        wanted = KIND_FIELDS[kind]
    else:
        wanted = OPERATION_FIELDS[operation]
    unset = Appliance(appliance_id="", name="", kind=kind, operation=operation)  # type: ignore[arg-type]
    blank = form_values(unset, UTC)
    fields = [str(key) for key in APPLIANCE_SCHEMA.schema]
    return tuple(
        field
        for field in fields
        if field in wanted or (field in values and values[field] != blank.get(field))
    )


def appliance_schema(fields: tuple[str, ...]) -> vol.Schema:
    """Return the appliance form with only ``fields``."""
    return vol.Schema(
        {key: value for key, value in APPLIANCE_SCHEMA.schema.items() if str(key) in fields}
    )


def switch_schema(excluded: list[str]) -> vol.Schema:
    """Return the switch step, offering any switch but the ``excluded`` ones."""
    config = selector.EntitySelectorConfig(domain=["switch", "input_boolean"])
    if excluded:
        config["exclude_entities"] = excluded
    return vol.Schema({vol.Optional(CONF_SWITCH_ENTITY): selector.EntitySelector(config)})


def form_values(appliance: Appliance, zone: tzinfo) -> dict[str, Any]:
    """Return the form's fields for an appliance (local wall-clock times, durations as dicts)."""
    values: dict[str, Any] = {
        CONF_NAME: appliance.name,
        CONF_POWER_KW: appliance.power_kw,
        CONF_MIN_POWER_KW: appliance.min_power_kw,
        CONF_PHASES: ", ".join(
            f"{_plain(phase.duration / timedelta(minutes=1))}:{_plain(phase.power_kw)}"
            for phase in appliance.phases
        ),
        CONF_DURATION: _duration_dict(appliance.duration),
        CONF_ENERGY_KWH: appliance.energy_kwh,
        CONF_MAX_ENERGY_KWH: appliance.max_energy_kwh,
        CONF_DAILY_READY_BY: iso(appliance.daily_ready_by),
        CONF_DAILY_EARLIEST_START: iso(appliance.daily_earliest_start),
        CONF_EARLIEST_START: _wall_clock(appliance.earliest_start, zone),
        CONF_DEADLINE: _wall_clock(appliance.deadline, zone),
        CONF_MIN_ON_TIME: _duration_dict(appliance.min_on_time),
        CONF_MIN_OFF_TIME: _duration_dict(appliance.min_off_time),
        CONF_MAX_STARTS: appliance.max_starts_per_day,
        CONF_PRIORITY: appliance.priority,
        CONF_RISK: appliance.risk,
        CONF_SURPLUS_ONLY: appliance.surplus_only,
        CONF_PRICE_CAP: appliance.price_cap,
    }
    return {key: value for key, value in values.items() if value not in (None, "")}


def appliance_from_form(
    kind: str, operation: Operation, user_input: Mapping[str, Any], zone: tzinfo, appliance_id: str
) -> Appliance:
    """Return the appliance the form describes (its fields already checked by the schema).

    A field the form does not ask takes its default (none, or zero for the on/off times).
    """
    duration = _timedelta(user_input.get(CONF_DURATION))
    max_starts = user_input.get(CONF_MAX_STARTS)
    return Appliance.from_dict(
        {
            "appliance_id": appliance_id,
            "name": user_input[CONF_NAME].strip(),
            "kind": kind,
            "operation": operation,
            "power_kw": user_input[CONF_POWER_KW],
            "min_power_kw": user_input.get(CONF_MIN_POWER_KW),
            "phases": parse_phases(user_input.get(CONF_PHASES, "")),
            # An empty duration is no duration: the energy target or the phases give the demand.
            "duration_minutes": (None if not duration else duration / timedelta(minutes=1)),
            "energy_kwh": user_input.get(CONF_ENERGY_KWH),
            "max_energy_kwh": user_input.get(CONF_MAX_ENERGY_KWH),
            "earliest_start": _aware(CONF_EARLIEST_START, user_input, zone),
            "deadline": _aware(CONF_DEADLINE, user_input, zone),
            "daily_ready_by": _time(user_input.get(CONF_DAILY_READY_BY)),
            "daily_earliest_start": _time(user_input.get(CONF_DAILY_EARLIEST_START)),
            "min_on_minutes": _timedelta(user_input.get(CONF_MIN_ON_TIME)) / timedelta(minutes=1),
            "min_off_minutes": _timedelta(user_input.get(CONF_MIN_OFF_TIME)) / timedelta(minutes=1),
            "max_starts_per_day": None if max_starts is None else int(max_starts),
            "priority": int(user_input[CONF_PRIORITY]),
            "risk": user_input[CONF_RISK],
            "surplus_only": bool(user_input.get(CONF_SURPLUS_ONLY, False)),
            "price_cap": user_input.get(CONF_PRICE_CAP),
        }
    )


def subentry_data(appliance: Appliance) -> dict[str, Any]:
    """Return what the subentry stores: the appliance without the id and name it carries itself."""
    data = appliance.as_dict()
    del data["appliance_id"], data["name"]
    return data


def parse_phases(text: str) -> list[dict[str, float]]:
    """Return the phases of ``minutes:kW, minutes:kW`` (empty text: no profile)."""
    phases = []
    for part in re.split(r"[,;]", text):
        if not part.strip():
            continue
        match = PHASE_PATTERN.match(part)
        if match is None:
            raise PhasesFormatError(part)
        phases.append({"minutes": float(match[1]), "power_kw": float(match[2])})
    return phases


class ControlFormError(ValueError):
    """A control form that does not describe a target; ``errors`` says which field and why."""

    def __init__(self, errors: dict[str, str]) -> None:
        """Keep the form errors."""
        super().__init__(errors)
        self.errors = errors


def control_values(target: ControlTarget | None) -> dict[str, Any]:
    """Return the control form's fields for a stored target."""
    if target is None:
        return {CONF_TARGET: "none"}
    if isinstance(target, SwitchTarget):
        return {CONF_TARGET: "switch", CONF_SWITCH_ENTITY: target.entity_id}
    values: dict[str, Any] = {
        CONF_TARGET: "mqtt",
        CONF_MQTT_PRESET: target.preset,
        CONF_MQTT_DEVICE: target.device,
    }
    if target.device is None or mqtt_preset(target.preset, target.device) != target:
        # Topics or payloads changed from the preset's: show them as they are.
        values |= {
            CONF_COMMAND_TOPIC: target.command_topic,
            CONF_PAYLOAD_ON: target.payload_on,
            CONF_PAYLOAD_OFF: target.payload_off,
            CONF_STATE_TOPIC: target.state_topic,
        }
    return {key: value for key, value in values.items() if value not in (None, "")}


def target_from_form(user_input: Mapping[str, Any]) -> ControlTarget | None:
    """Return the target the control form describes; raise :class:`ControlFormError` if none."""
    kind = user_input.get(CONF_TARGET, "none")
    if kind == "none":
        return None
    if kind == "switch":
        entity_id = user_input.get(CONF_SWITCH_ENTITY)
        if not entity_id:
            raise ControlFormError({CONF_SWITCH_ENTITY: "switch_missing"})
        return SwitchTarget(entity_id=entity_id)
    preset_name = user_input.get(CONF_MQTT_PRESET, "generic")
    device = str(user_input.get(CONF_MQTT_DEVICE) or "").strip()
    command_topic = str(user_input.get(CONF_COMMAND_TOPIC) or "").strip()
    if preset_name == "generic":
        # A generic plug is addressed by its command topic alone.
        device = device or command_topic
    if not device:
        raise ControlFormError({CONF_MQTT_DEVICE: "device_missing"})
    base: MqttTarget = mqtt_preset(preset_name, device)
    state_topic = str(user_input.get(CONF_STATE_TOPIC) or "").strip()
    target = MqttTarget(
        command_topic=command_topic or base.command_topic,
        payload_on=str(user_input.get(CONF_PAYLOAD_ON) or base.payload_on),
        payload_off=str(user_input.get(CONF_PAYLOAD_OFF) or base.payload_off),
        state_topic=state_topic or base.state_topic,
        state_on=base.state_on,
        state_off=base.state_off,
        state_key=base.state_key,
        preset=base.preset,
        device=device,
    )
    if target.state_topic is not None and target.state_topic != base.state_topic:
        # A state topic of one's own speaks plainly: its payloads are the command's.
        target = replace(
            target, state_key=None, state_on=target.payload_on, state_off=target.payload_off
        )
    if problems := target_problems(target):
        raise ControlFormError(dict(problems))
    return target


class ApplianceSubentryFlow(ConfigSubentryFlow):
    """Add an appliance from a preset, or edit one."""

    def __init__(self) -> None:
        """Start with no kind chosen."""
        self._kind = "custom"
        self._operation: Operation = "cycle"
        self._values: dict[str, Any] = {}
        self._appliance: Appliance | None = None
        self._control: dict[str, Any] = {}

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Offer the presets; each fills the form with our defaults for that kind."""
        if user_input is None:
            return self.async_show_form(step_id="user", data_schema=KIND_SCHEMA)
        try:
            self._kind = user_input[CONF_KIND]
            self._operation = kind_operation(self._kind)
            name = await self._async_kind_name(self._kind)
            suggested = preset(self._kind, "new", name)  # type: ignore[arg-type]
            self._values = form_values(suggested, dt_util.get_default_time_zone())
        except Exception:
            _LOGGER.exception("Unexpected error preparing a %s", user_input.get(CONF_KIND))
            return self.async_show_form(
                step_id="user",
                data_schema=self.add_suggested_values_to_schema(KIND_SCHEMA, user_input),
                errors=dict(UNKNOWN),
            )
        if self._kind == "custom":
            return self._show_operation_form()
        return self._show_form(self._values, {})

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Show the appliance's form filled with its current settings."""
        subentry = self._get_reconfigure_subentry()
        try:
            appliance = appliance_from_subentry(subentry.subentry_id, subentry.title, subentry.data)
            values = form_values(appliance, dt_util.get_default_time_zone())
        except Exception:
            # Written by hand or by a future version: it can be described afresh.
            _LOGGER.exception("Unexpected error reading the appliance %s", subentry.title)
            return self._show_form({CONF_NAME: subentry.title}, dict(UNKNOWN))
        self._kind = appliance.kind
        self._operation = appliance.operation
        self._values = values
        if self._kind == "custom":
            return self._show_operation_form()
        return self._show_form(self._values, {})

    async def async_step_operation(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Ask how an appliance of no preset kind runs; the form then asks what that needs."""
        if user_input is None:
            return self._show_operation_form()
        self._operation = user_input[CONF_OPERATION]
        return self._show_form(self._values, {})

    async def async_step_appliance(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Check the appliance with the optimizer's own rules, then ask how it is switched."""
        assert user_input is not None  # the form is always shown by the step before
        reconfiguring = self.source == SOURCE_RECONFIGURE
        appliance_id = self._get_reconfigure_subentry().subentry_id if reconfiguring else "new"
        try:
            appliance = appliance_from_form(
                self._kind,
                self._operation,
                user_input,
                dt_util.get_default_time_zone(),
                appliance_id,
            )
        except PhasesFormatError:
            return self._show_form(user_input, {CONF_PHASES: "phases_format"})
        except DateTimeFormatError as err:
            return self._show_form(user_input, {err.field: "datetime_format"})
        except Exception:
            _LOGGER.exception(
                "Unexpected error reading the appliance %s", user_input.get(CONF_NAME)
            )
            return self._show_form(user_input, dict(UNKNOWN))
        try:
            appliance.validate()
        except ApplianceError as err:
            field = ERROR_FIELDS.get(err.issue.code, "base")
            if field == CONF_MIN_ON_TIME and appliance.min_on_time >= timedelta(0):
                field = CONF_MIN_OFF_TIME
            return self._show_form(user_input, {field: err.issue.code})
        except Exception:
            _LOGGER.exception(
                "Unexpected error checking the appliance %s", user_input.get(CONF_NAME)
            )
            return self._show_form(user_input, dict(UNKNOWN))
        if not appliance.name:
            return self._show_form(user_input, {CONF_NAME: "name_missing"})
        self._appliance = appliance
        control: Mapping[str, Any] | None = None
        if reconfiguring:
            control = self._get_reconfigure_subentry().data.get(CONF_CONTROL)
        self._control = control_values(target_from_dict(control))
        return self._show_step("control", TARGET_SCHEMA, self._control, {})

    async def async_step_control(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Ask what switches the appliance; the next step asks only that target's fields."""
        assert user_input is not None  # shown by the appliance step
        target = user_input[CONF_TARGET]
        if target == "switch":
            return self._show_switch_form(self._control, {})
        if target == "mqtt":
            return self._show_step("control_mqtt", MQTT_SCHEMA, self._control, {})
        return self._save(None)

    async def async_step_control_switch(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Check the switch entity, then save the appliance."""
        assert user_input is not None  # shown by the control step
        try:
            target = target_from_form({**user_input, CONF_TARGET: "switch"})
        except ControlFormError as err:
            return self._show_switch_form(user_input, err.errors)
        except Exception:
            _LOGGER.exception("Unexpected error checking the switch of %s", self._name())
            return self._show_switch_form(user_input, dict(UNKNOWN))
        return self._save(target)

    async def async_step_control_mqtt(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Check the plug's topics, then save the appliance."""
        assert user_input is not None  # shown by the control step
        try:
            target = target_from_form({**user_input, CONF_TARGET: "mqtt"})
        except ControlFormError as err:
            return self._show_step("control_mqtt", MQTT_SCHEMA, user_input, err.errors)
        except Exception:
            _LOGGER.exception("Unexpected error checking the MQTT plug of %s", self._name())
            return self._show_step("control_mqtt", MQTT_SCHEMA, user_input, dict(UNKNOWN))
        return self._save(target)

    def _name(self) -> str:
        return "" if self._appliance is None else self._appliance.name

    def _save(self, target: ControlTarget | None) -> SubentryFlowResult:
        assert self._appliance is not None
        data = subentry_data(self._appliance)
        data[CONF_CONTROL] = None if target is None else target_as_dict(target)
        if self.source == SOURCE_RECONFIGURE:
            return self.async_update_and_abort(
                self._get_entry(),
                self._get_reconfigure_subentry(),
                title=self._appliance.name,
                data=data,
            )
        return self.async_create_entry(title=self._appliance.name, data=data)

    def _show_switch_form(
        self, values: Mapping[str, Any], errors: dict[str, str]
    ) -> SubentryFlowResult:
        # Our own automatic-control switches pause the plan; they power nothing.
        registry = er.async_get(self.hass)
        own = sorted(
            entry.entity_id
            for entry in registry.entities.values()
            if entry.platform == DOMAIN and entry.domain == "switch"
        )
        return self._show_step("control_switch", switch_schema(own), values, errors)

    def _show_step(
        self, step_id: str, schema: vol.Schema, values: Mapping[str, Any], errors: dict[str, str]
    ) -> SubentryFlowResult:
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(schema, values),
            errors=errors,
        )

    def _show_operation_form(self) -> SubentryFlowResult:
        return self._show_step("operation", OPERATION_SCHEMA, {CONF_OPERATION: self._operation}, {})

    def _show_form(self, values: Mapping[str, Any], errors: dict[str, str]) -> SubentryFlowResult:
        fields = form_fields(self._kind, self._operation, self._values)
        return self._show_step("appliance", appliance_schema(fields), values, errors)

    async def _async_kind_name(self, kind: str) -> str:
        """Return the kind's name in the user's language, the default appliance name."""
        names = await async_get_translations(
            self.hass, self.hass.config.language, "selector", {DOMAIN}
        )
        return names.get(f"component.{DOMAIN}.selector.kind.options.{kind}", kind)


def _plain(value: float) -> str:
    return f"{value:g}"


def _duration_dict(value: timedelta | None) -> dict[str, int] | None:
    if value is None:
        return None
    seconds = int(value.total_seconds())
    return {"hours": seconds // 3600, "minutes": seconds % 3600 // 60, "seconds": seconds % 60}


def _timedelta(value: Mapping[str, Any] | None) -> timedelta:
    return timedelta(0) if value is None else cv.time_period_dict(dict(value))


def _time(value: str | None) -> str | None:
    return None if not value else time.fromisoformat(value).isoformat()


def _wall_clock(value: datetime | None, zone: tzinfo) -> str | None:
    # What a native date-time input shows: local date and time, to the minute.
    if value is None:
        return None
    local = value.astimezone(zone)
    return local.strftime("%Y-%m-%dT%H:%M:%S" if local.second else "%Y-%m-%dT%H:%M")


def _aware(field: str, user_input: Mapping[str, Any], zone: tzinfo) -> str | None:
    """Return the form's local date and time as an aware ISO time."""
    value = user_input.get(field)
    if not value:
        return None
    try:
        parsed = cv.datetime(value)
    except vol.Invalid as err:
        raise DateTimeFormatError(field) from err
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.isoformat()
