"""Add and edit appliances: one config subentry each, offered as presets first.

The form holds every field of :class:`~.optimizer.Appliance`, filled from the
chosen preset (or the appliance being reconfigured). What is submitted is
checked by :meth:`Appliance.validate`; its reason becomes a translated error
on the field it concerns. The subentry stores ``Appliance.as_dict()`` without
the id and name, which the subentry's own id and title carry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, time, timedelta, tzinfo
import re
from typing import Any, Final

from homeassistant.config_entries import SOURCE_RECONFIGURE, ConfigSubentryFlow, SubentryFlowResult
from homeassistant.helpers import config_validation as cv, selector
from homeassistant.helpers.translation import async_get_translations
from homeassistant.util import dt as dt_util
import voluptuous as vol

from .const import CONF_CONTROL, DOMAIN
from .control import (
    MQTT_PRESETS,
    ControlTarget,
    MqttTarget,
    SwitchTarget,
    mqtt_preset,
    target_as_dict,
    target_from_dict,
    target_problems,
)
from .optimizer import APPLIANCE_KINDS, Appliance, ApplianceError, preset
from .optimizer.issues import IssueCode
from .planner import appliance_from_subentry
from .selectors import number_box

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
}
# "30:2.1, 90:0.2": minutes and kW of each phase.
PHASE_PATTERN: Final = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$")


class PhasesFormatError(ValueError):
    """A power profile that is not written as ``minutes:kW, minutes:kW``."""


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
    return selector.DurationSelector(selector.DurationSelectorConfig(enable_day=False))


APPLIANCE_SCHEMA: Final = vol.Schema(
    {
        vol.Required(CONF_NAME): selector.TextSelector(),
        vol.Required(CONF_OPERATION): _choice(["cycle", "interruptible"], "operation"),
        vol.Required(CONF_POWER_KW): number_box(0.01, 1000, "any", "kW"),
        vol.Optional(CONF_MIN_POWER_KW): number_box(0, 1000, "any", "kW"),
        vol.Optional(CONF_PHASES): selector.TextSelector(),
        vol.Optional(CONF_DURATION): _duration(),
        vol.Optional(CONF_ENERGY_KWH): number_box(0, 1000, "any", "kWh"),
        vol.Optional(CONF_MAX_ENERGY_KWH): number_box(0, 1000, "any", "kWh"),
        vol.Optional(CONF_DAILY_READY_BY): selector.TimeSelector(),
        vol.Optional(CONF_DAILY_EARLIEST_START): selector.TimeSelector(),
        vol.Optional(CONF_EARLIEST_START): selector.DateTimeSelector(),
        vol.Optional(CONF_DEADLINE): selector.DateTimeSelector(),
        vol.Required(CONF_MIN_ON_TIME): _duration(),
        vol.Required(CONF_MIN_OFF_TIME): _duration(),
        vol.Optional(CONF_MAX_STARTS): number_box(1, 96, 1),
        vol.Required(CONF_PRIORITY): number_box(0, 10, 1),
        vol.Required(CONF_RISK): _choice(["median", "upper"], "risk"),
    }
)
CONTROL_SCHEMA: Final = vol.Schema(
    {
        vol.Required(CONF_TARGET, default="none"): _choice(["none", "switch", "mqtt"], "target"),
        vol.Optional(CONF_SWITCH_ENTITY): selector.EntitySelector(
            selector.EntitySelectorConfig(domain=["switch", "input_boolean"])
        ),
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


def form_values(appliance: Appliance, zone: tzinfo) -> dict[str, Any]:
    """Return the form's fields for an appliance (local wall-clock times, durations as dicts)."""
    values: dict[str, Any] = {
        CONF_NAME: appliance.name,
        CONF_OPERATION: appliance.operation,
        CONF_POWER_KW: appliance.power_kw,
        CONF_MIN_POWER_KW: appliance.min_power_kw,
        CONF_PHASES: ", ".join(
            f"{_plain(phase.duration / timedelta(minutes=1))}:{_plain(phase.power_kw)}"
            for phase in appliance.phases
        ),
        CONF_DURATION: _duration_dict(appliance.duration),
        CONF_ENERGY_KWH: appliance.energy_kwh,
        CONF_MAX_ENERGY_KWH: appliance.max_energy_kwh,
        CONF_DAILY_READY_BY: _clock(appliance.daily_ready_by),
        CONF_DAILY_EARLIEST_START: _clock(appliance.daily_earliest_start),
        CONF_EARLIEST_START: _wall_clock(appliance.earliest_start, zone),
        CONF_DEADLINE: _wall_clock(appliance.deadline, zone),
        CONF_MIN_ON_TIME: _duration_dict(appliance.min_on_time),
        CONF_MIN_OFF_TIME: _duration_dict(appliance.min_off_time),
        CONF_MAX_STARTS: appliance.max_starts_per_day,
        CONF_PRIORITY: appliance.priority,
        CONF_RISK: appliance.risk,
    }
    return {key: value for key, value in values.items() if value not in (None, "")}


def appliance_from_form(
    kind: str, user_input: Mapping[str, Any], zone: tzinfo, appliance_id: str
) -> Appliance:
    """Return the appliance the form describes (its fields already checked by the schema)."""
    duration = _timedelta(user_input.get(CONF_DURATION))
    max_starts = user_input.get(CONF_MAX_STARTS)
    return Appliance.from_dict(
        {
            "appliance_id": appliance_id,
            "name": user_input[CONF_NAME].strip(),
            "kind": kind,
            "operation": user_input[CONF_OPERATION],
            "power_kw": user_input[CONF_POWER_KW],
            "min_power_kw": user_input.get(CONF_MIN_POWER_KW),
            "phases": parse_phases(user_input.get(CONF_PHASES, "")),
            # An empty duration is no duration: the energy target or the phases give the demand.
            "duration_minutes": (None if not duration else duration / timedelta(minutes=1)),
            "energy_kwh": user_input.get(CONF_ENERGY_KWH),
            "max_energy_kwh": user_input.get(CONF_MAX_ENERGY_KWH),
            "earliest_start": _aware(user_input.get(CONF_EARLIEST_START), zone),
            "deadline": _aware(user_input.get(CONF_DEADLINE), zone),
            "daily_ready_by": _time(user_input.get(CONF_DAILY_READY_BY)),
            "daily_earliest_start": _time(user_input.get(CONF_DAILY_EARLIEST_START)),
            "min_on_minutes": _timedelta(user_input[CONF_MIN_ON_TIME]) / timedelta(minutes=1),
            "min_off_minutes": _timedelta(user_input[CONF_MIN_OFF_TIME]) / timedelta(minutes=1),
            "max_starts_per_day": None if max_starts is None else int(max_starts),
            "priority": int(user_input[CONF_PRIORITY]),
            "risk": user_input[CONF_RISK],
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
        self._appliance: Appliance | None = None

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Offer the presets; each fills the form with our defaults for that kind."""
        if user_input is None:
            return self.async_show_form(step_id="user", data_schema=KIND_SCHEMA)
        self._kind = user_input[CONF_KIND]
        name = await self._async_kind_name(self._kind)
        suggested = preset(self._kind, "new", name)  # type: ignore[arg-type]
        return self._show_form(form_values(suggested, dt_util.get_default_time_zone()), {})

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Show the appliance's form filled with its current settings."""
        subentry = self._get_reconfigure_subentry()
        appliance = appliance_from_subentry(subentry.subentry_id, subentry.title, subentry.data)
        self._kind = appliance.kind
        return self._show_form(form_values(appliance, dt_util.get_default_time_zone()), {})

    async def async_step_appliance(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Check the appliance with the optimizer's own rules, then save it."""
        assert user_input is not None  # the form is always shown by the step before
        reconfiguring = self.source == SOURCE_RECONFIGURE
        appliance_id = self._get_reconfigure_subentry().subentry_id if reconfiguring else "new"
        try:
            appliance = appliance_from_form(
                self._kind, user_input, dt_util.get_default_time_zone(), appliance_id
            )
            appliance.validate()
        except PhasesFormatError:
            return self._show_form(user_input, {CONF_PHASES: "phases_format"})
        except ApplianceError as err:
            field = ERROR_FIELDS.get(err.issue.code, "base")
            return self._show_form(user_input, {field: err.issue.code})
        if not appliance.name:
            return self._show_form(user_input, {CONF_NAME: "name_missing"})
        self._appliance = appliance
        control: Mapping[str, Any] | None = None
        if reconfiguring:
            control = self._get_reconfigure_subentry().data.get(CONF_CONTROL)
        return self._show_control_form(control_values(target_from_dict(control)), {})

    async def async_step_control(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Check where the appliance is switched, then save it."""
        assert user_input is not None  # shown by the appliance step
        assert self._appliance is not None
        try:
            target = target_from_form(user_input)
        except ControlFormError as err:
            return self._show_control_form(user_input, err.errors)
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

    def _show_control_form(
        self, values: Mapping[str, Any], errors: dict[str, str]
    ) -> SubentryFlowResult:
        return self.async_show_form(
            step_id="control",
            data_schema=self.add_suggested_values_to_schema(CONTROL_SCHEMA, values),
            errors=errors,
        )

    def _show_form(self, values: Mapping[str, Any], errors: dict[str, str]) -> SubentryFlowResult:
        return self.async_show_form(
            step_id="appliance",
            data_schema=self.add_suggested_values_to_schema(APPLIANCE_SCHEMA, values),
            errors=errors,
        )

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


def _clock(value: time | None) -> str | None:
    return None if value is None else value.isoformat()


def _time(value: str | None) -> str | None:
    return None if not value else time.fromisoformat(value).isoformat()


def _wall_clock(value: datetime | None, zone: tzinfo) -> str | None:
    return None if value is None else value.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def _aware(value: str | None, zone: tzinfo) -> str | None:
    """Return the form's local date and time as an aware ISO time."""
    if not value:
        return None
    parsed = cv.datetime(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.isoformat()
