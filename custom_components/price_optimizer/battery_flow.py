"""Add and edit the household's battery: one config subentry, at most one per entry.

The form takes shares in percent, as inverters show them; what is submitted is checked by
:meth:`Battery.validate`, and the setting it names becomes a translated error on the field
to correct. The state-of-charge sensor must report percent when it reports a unit at all.

An inverter entity to set per planned mode is optional: a select (or input_select) is then
given one of its options per mode, a number (or input_number) a value per mode within its
range, in a second step.
"""

from __future__ import annotations

from collections.abc import Mapping
import logging
from typing import Any, Final

from homeassistant.config_entries import SOURCE_RECONFIGURE, ConfigSubentryFlow, SubentryFlowResult
from homeassistant.const import PERCENTAGE
from homeassistant.helpers import selector
import voluptuous as vol

from .const import SUBENTRY_BATTERY
from .core.battery_control import CONTROL_DOMAINS, BatteryControl, control_kind
from .core.optimizer import BATTERY_MODES, ApplianceError
from .home_battery import (
    CONF_CAPACITY_KWH,
    CONF_CHARGE_EFFICIENCY,
    CONF_CONTROL,
    CONF_DISCHARGE_EFFICIENCY,
    CONF_GRID_CHARGING,
    CONF_MAX_CHARGE_KW,
    CONF_MAX_DISCHARGE_KW,
    CONF_MAX_SOC,
    CONF_MAY_EXPORT,
    CONF_MIN_SOC,
    CONF_SOC_SENSOR,
    CONF_WEAR_COST,
    settings_from_subentry,
)
from .selectors import number_box

_LOGGER = logging.getLogger(__name__)

CONF_NAME: Final = "name"
# The inverter entity the plan sets; the subentry stores it with its values under "control".
CONF_CONTROL_ENTITY: Final = "control_entity"

# Where each setting Battery.validate() names shows: next to the field to correct.
ERROR_FIELDS: Final[Mapping[str, tuple[str, str]]] = {
    "capacity_kwh": (CONF_CAPACITY_KWH, "capacity_invalid"),
    "power": (CONF_MAX_CHARGE_KW, "power_invalid"),
    "soc_range": (CONF_MAX_SOC, "soc_range_invalid"),
    "efficiency": (CONF_CHARGE_EFFICIENCY, "efficiency_invalid"),
    "wear_cost": (CONF_WEAR_COST, "wear_cost_invalid"),
}
# What a new battery's form suggests: a common 10 kWh home battery on a 5 kW inverter.
SUGGESTED: Final[Mapping[str, Any]] = {
    CONF_CAPACITY_KWH: 10.0,
    CONF_MIN_SOC: 10,
    CONF_MAX_SOC: 100,
    CONF_MAX_CHARGE_KW: 5.0,
    CONF_MAX_DISCHARGE_KW: 5.0,
    CONF_CHARGE_EFFICIENCY: 95,
    CONF_DISCHARGE_EFFICIENCY: 95,
    CONF_WEAR_COST: 0.0,
    CONF_GRID_CHARGING: True,
    CONF_MAY_EXPORT: False,
}

# The ranges are wide on purpose: the optimizer's own check explains what is wrong.
BATTERY_SCHEMA: Final = vol.Schema(
    {
        vol.Required(CONF_NAME): selector.TextSelector(),
        vol.Required(CONF_CAPACITY_KWH): number_box(0, 1000, "any", "kWh"),
        vol.Required(CONF_MIN_SOC): number_box(0, 100, "any", PERCENTAGE),
        vol.Required(CONF_MAX_SOC): number_box(0, 100, "any", PERCENTAGE),
        vol.Required(CONF_MAX_CHARGE_KW): number_box(0, 1000, "any", "kW"),
        vol.Required(CONF_MAX_DISCHARGE_KW): number_box(0, 1000, "any", "kW"),
        vol.Required(CONF_CHARGE_EFFICIENCY): number_box(0, 100, "any", PERCENTAGE),
        vol.Required(CONF_DISCHARGE_EFFICIENCY): number_box(0, 100, "any", PERCENTAGE),
        vol.Required(CONF_WEAR_COST): number_box(0, 10, "any"),
        vol.Required(CONF_GRID_CHARGING): selector.BooleanSelector(),
        vol.Required(CONF_MAY_EXPORT): selector.BooleanSelector(),
        vol.Required(CONF_SOC_SENSOR): selector.EntitySelector(
            selector.EntitySelectorConfig(domain="sensor")
        ),
        vol.Optional(CONF_CONTROL_ENTITY): selector.EntitySelector(
            selector.EntitySelectorConfig(domain=list(CONTROL_DOMAINS))
        ),
    }
)


def battery_errors(user_input: Mapping[str, Any]) -> dict[str, str]:
    """Return the form's errors: the optimizer's check, then the sensor's unit."""
    if not str(user_input[CONF_NAME]).strip():
        return {CONF_NAME: "name_missing"}
    settings = settings_from_subentry("new", user_input[CONF_NAME], subentry_data(user_input))
    try:
        # Any state of charge within the range passes: the sensor's is read at plan time.
        settings.battery(settings.min_soc).validate()
    except ApplianceError as err:
        field, error = ERROR_FIELDS.get(
            err.issue.placeholders.get("setting", ""), ("base", "battery_invalid")
        )
        return {field: error}
    return {}


def subentry_data(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """Return what the subentry stores: the form without the name its title carries."""
    return {
        key: value
        for key, value in user_input.items()
        if key not in (CONF_NAME, CONF_CONTROL_ENTITY, CONF_CONTROL)
    }


def form_values(title: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Return the battery form filled from what a subentry stores."""
    values = {**data, CONF_NAME: title}
    control = data.get(CONF_CONTROL)
    if control:
        values[CONF_CONTROL_ENTITY] = control["entity_id"]
    return values


def option_errors(options: list[str], values: Mapping[str, Any]) -> dict[str, str]:
    """Return an error on each mode whose value is not one of the select's options."""
    return {mode: "option_unknown" for mode in BATTERY_MODES if values.get(mode) not in options}


def value_errors(
    minimum: float | None, maximum: float | None, values: Mapping[str, Any]
) -> dict[str, str]:
    """Return an error on each mode whose value lies outside the number's range."""
    errors: dict[str, str] = {}
    for mode in BATTERY_MODES:
        value = float(values[mode])
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            errors[mode] = "value_out_of_range"
    return errors


def _bound(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


class BatterySubentryFlow(ConfigSubentryFlow):
    """Add the entry's battery, or edit it."""

    # The battery's settings while the inverter's values per mode are asked.
    _battery_input: dict[str, Any]

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Ask the battery's settings; an entry plans one battery at most."""
        entry = self._get_entry()
        if any(s.subentry_type == SUBENTRY_BATTERY for s in entry.subentries.values()):
            return self.async_abort(reason="single_battery")
        if user_input is None:
            return self._show_form(SUGGESTED, {})
        return await self._async_save(user_input)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Show the battery's form filled with its current settings."""
        subentry = self._get_reconfigure_subentry()
        if user_input is None:
            return self._show_form(form_values(subentry.title, subentry.data), {})
        return await self._async_save(user_input)

    async def async_step_control_options(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Ask which of the select's options each planned mode sets."""
        entity_id = self._battery_input[CONF_CONTROL_ENTITY]
        state = self.hass.states.get(entity_id)
        options = [] if state is None else [str(o) for o in state.attributes.get("options", [])]
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = option_errors(options, user_input)
            if not errors:
                return self._async_finish(entity_id, user_input)
        schema = vol.Schema(
            {
                vol.Required(mode): selector.SelectSelector(
                    selector.SelectSelectorConfig(
                        options=options,
                        mode=selector.SelectSelectorMode.DROPDOWN,
                        # Checked here, so that a wrong value gets a translated error.
                        custom_value=True,
                    )
                )
                for mode in BATTERY_MODES
            }
        )
        return self.async_show_form(
            step_id="control_options",
            data_schema=self.add_suggested_values_to_schema(
                schema, user_input or self._stored_values(entity_id)
            ),
            errors=errors,
            description_placeholders={"entity": entity_id},
        )

    async def async_step_control_values(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Ask the number's value for each planned mode, within the number's range."""
        entity_id = self._battery_input[CONF_CONTROL_ENTITY]
        state = self.hass.states.get(entity_id)
        attributes = {} if state is None else state.attributes
        minimum, maximum = _bound(attributes.get("min")), _bound(attributes.get("max"))
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = value_errors(minimum, maximum, user_input)
            if not errors:
                return self._async_finish(entity_id, user_input)
        config = selector.NumberSelectorConfig(step="any", mode=selector.NumberSelectorMode.BOX)
        if unit := attributes.get("unit_of_measurement"):
            config["unit_of_measurement"] = str(unit)
        schema = vol.Schema(
            {vol.Required(mode): selector.NumberSelector(config) for mode in BATTERY_MODES}
        )
        return self.async_show_form(
            step_id="control_values",
            data_schema=self.add_suggested_values_to_schema(
                schema, user_input or self._stored_values(entity_id)
            ),
            errors=errors,
            description_placeholders={
                "entity": entity_id,
                "minimum": "-" if minimum is None else f"{minimum:g}",
                "maximum": "-" if maximum is None else f"{maximum:g}",
            },
        )

    def _stored_values(self, entity_id: str) -> dict[str, Any]:
        """Return the values the battery kept for ``entity_id``, when it is edited."""
        if self.source != SOURCE_RECONFIGURE:
            return {}
        control = self._get_reconfigure_subentry().data.get(CONF_CONTROL)
        if not control or control.get("entity_id") != entity_id:
            return {}
        return dict(control.get("values", {}))

    async def _async_save(self, user_input: dict[str, Any]) -> SubentryFlowResult:
        try:
            errors = battery_errors(user_input)
        except Exception:
            _LOGGER.exception("Unexpected error checking the battery %s", user_input.get(CONF_NAME))
            errors = {"base": "unknown"}
        if not errors:
            errors = self._sensor_errors(user_input[CONF_SOC_SENSOR])
        if not errors and (entity_id := user_input.get(CONF_CONTROL_ENTITY)):
            errors = self._control_entity_errors(entity_id)
        if errors:
            return self._show_form(user_input, errors)
        self._battery_input = user_input
        entity_id = user_input.get(CONF_CONTROL_ENTITY)
        if not entity_id:
            return self._async_finish(None, {})
        if control_kind(entity_id) == "select":
            return await self.async_step_control_options()
        return await self.async_step_control_values()

    def _async_finish(self, entity_id: str | None, values: Mapping[str, Any]) -> SubentryFlowResult:
        """Create or update the subentry with the battery's settings and its control."""
        user_input = self._battery_input
        title = str(user_input[CONF_NAME]).strip()
        data = subentry_data(user_input)
        if entity_id is not None:
            kind = control_kind(entity_id)
            data[CONF_CONTROL] = BatteryControl(
                entity_id=entity_id,
                values=tuple(
                    (mode, str(values[mode]) if kind == "select" else float(values[mode]))
                    for mode in BATTERY_MODES
                ),
            ).as_dict()
        if self.source == SOURCE_RECONFIGURE:
            return self.async_update_and_abort(
                self._get_entry(), self._get_reconfigure_subentry(), title=title, data=data
            )
        return self.async_create_entry(title=title, data=data)

    def _control_entity_errors(self, entity_id: str) -> dict[str, str]:
        """Refuse an inverter entity that is not there, or a select that offers no options."""
        state = self.hass.states.get(entity_id)
        if control_kind(entity_id) is None:
            return {CONF_CONTROL_ENTITY: "control_entity_kind"}
        if state is None:
            return {CONF_CONTROL_ENTITY: "control_entity_missing"}
        if control_kind(entity_id) == "select" and not state.attributes.get("options"):
            return {CONF_CONTROL_ENTITY: "control_entity_no_options"}
        return {}

    def _sensor_errors(self, entity_id: str) -> dict[str, str]:
        """Refuse a sensor that reports another unit than percent (one not yet reporting passes)."""
        state = self.hass.states.get(entity_id)
        unit = None if state is None else state.attributes.get("unit_of_measurement")
        if unit not in (None, PERCENTAGE):
            return {CONF_SOC_SENSOR: "soc_sensor_unit"}
        return {}

    def _show_form(self, values: Mapping[str, Any], errors: dict[str, str]) -> SubentryFlowResult:
        step_id = "reconfigure" if self.source == SOURCE_RECONFIGURE else "user"
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(BATTERY_SCHEMA, values),
            errors=errors,
        )
