"""Add and edit the household's battery: one config subentry, at most one per entry.

The form takes shares in percent, as inverters show them; what is submitted is checked by
:meth:`Battery.validate`, and the setting it names becomes a translated error on the field
to correct. The state-of-charge sensor must report percent when it reports a unit at all.
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
from .core.optimizer import ApplianceError
from .home_battery import (
    CONF_CAPACITY_KWH,
    CONF_CHARGE_EFFICIENCY,
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
    return {key: value for key, value in user_input.items() if key != CONF_NAME}


class BatterySubentryFlow(ConfigSubentryFlow):
    """Add the entry's battery, or edit it."""

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Ask the battery's settings; an entry plans one battery at most."""
        entry = self._get_entry()
        if any(s.subentry_type == SUBENTRY_BATTERY for s in entry.subentries.values()):
            return self.async_abort(reason="single_battery")
        if user_input is None:
            return self._show_form(SUGGESTED, {})
        return self._async_save(user_input)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Show the battery's form filled with its current settings."""
        subentry = self._get_reconfigure_subentry()
        if user_input is None:
            return self._show_form({**subentry.data, CONF_NAME: subentry.title}, {})
        return self._async_save(user_input)

    def _async_save(self, user_input: dict[str, Any]) -> SubentryFlowResult:
        try:
            errors = battery_errors(user_input)
        except Exception:
            _LOGGER.exception("Unexpected error checking the battery %s", user_input.get(CONF_NAME))
            errors = {"base": "unknown"}
        if not errors:
            errors = self._sensor_errors(user_input[CONF_SOC_SENSOR])
        if errors:
            return self._show_form(user_input, errors)
        title = str(user_input[CONF_NAME]).strip()
        data = subentry_data(user_input)
        if self.source == SOURCE_RECONFIGURE:
            return self.async_update_and_abort(
                self._get_entry(), self._get_reconfigure_subentry(), title=title, data=data
            )
        return self.async_create_entry(title=title, data=data)

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
