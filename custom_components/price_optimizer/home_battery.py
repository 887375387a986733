"""The household's battery as its subentry stores it, and its measured state of charge.

The subentry keeps the form's values (shares in percent, as inverters show them); the
optimizer's :class:`Battery` takes shares of one and the state of charge measured now, which
is read from the sensor the subentry names at every plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
import math
from typing import TYPE_CHECKING, Any, Final

from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN

from .const import LOGGER, SUBENTRY_BATTERY
from .core.battery_control import BatteryControl, control_from_dict
from .core.optimizer import Battery

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant

CONF_CAPACITY_KWH: Final = "capacity_kwh"
CONF_MIN_SOC: Final = "min_soc_percent"
CONF_MAX_SOC: Final = "max_soc_percent"
CONF_MAX_CHARGE_KW: Final = "max_charge_kw"
CONF_MAX_DISCHARGE_KW: Final = "max_discharge_kw"
CONF_CHARGE_EFFICIENCY: Final = "charge_efficiency_percent"
CONF_DISCHARGE_EFFICIENCY: Final = "discharge_efficiency_percent"
CONF_WEAR_COST: Final = "wear_cost"
CONF_GRID_CHARGING: Final = "grid_charging"
CONF_MAY_EXPORT: Final = "may_export"
CONF_SOC_SENSOR: Final = "soc_sensor"
CONF_CONTROL: Final = "control"

# Why a plan is made without the battery: its sensor is gone, not reporting, or not a number.
SOC_MISSING: Final = "soc_sensor_missing"
SOC_UNAVAILABLE: Final = "soc_sensor_unavailable"
SOC_NOT_NUMERIC: Final = "soc_sensor_not_numeric"


@dataclass(frozen=True, slots=True)
class BatterySettings:
    """One battery subentry: what the optimizer needs besides the state of charge."""

    subentry_id: str
    name: str
    capacity_kwh: float
    min_soc: float
    max_soc: float
    max_charge_kw: float
    max_discharge_kw: float
    charge_efficiency: float
    discharge_efficiency: float
    wear_cost: float
    grid_charging: bool
    may_export: bool
    soc_sensor: str
    # The inverter entity the plan sets per mode; None leaves the inverter to the household.
    control: BatteryControl | None = None

    def battery(self, soc: float) -> Battery:
        """Return the battery holding ``soc`` (a share of its usable capacity)."""
        return Battery(
            name=self.name,
            capacity_kwh=self.capacity_kwh,
            soc=soc,
            max_charge_kw=self.max_charge_kw,
            max_discharge_kw=self.max_discharge_kw,
            min_soc=self.min_soc,
            max_soc=self.max_soc,
            charge_efficiency=self.charge_efficiency,
            discharge_efficiency=self.discharge_efficiency,
            wear_cost=self.wear_cost,
            grid_charging=self.grid_charging,
            may_export=self.may_export,
        )


def settings_from_subentry(
    subentry_id: str, title: str, data: Mapping[str, Any]
) -> BatterySettings:
    """Return the settings a battery subentry stores; its title names the battery."""
    return BatterySettings(
        subentry_id=subentry_id,
        name=title,
        capacity_kwh=float(data[CONF_CAPACITY_KWH]),
        min_soc=float(data[CONF_MIN_SOC]) / 100,
        max_soc=float(data[CONF_MAX_SOC]) / 100,
        max_charge_kw=float(data[CONF_MAX_CHARGE_KW]),
        max_discharge_kw=float(data[CONF_MAX_DISCHARGE_KW]),
        charge_efficiency=float(data[CONF_CHARGE_EFFICIENCY]) / 100,
        discharge_efficiency=float(data[CONF_DISCHARGE_EFFICIENCY]) / 100,
        wear_cost=float(data.get(CONF_WEAR_COST, 0.0)),
        grid_charging=bool(data.get(CONF_GRID_CHARGING, True)),
        may_export=bool(data.get(CONF_MAY_EXPORT, False)),
        soc_sensor=str(data[CONF_SOC_SENSOR]),
        control=control_from_dict(data.get(CONF_CONTROL)),
    )


def battery_of(entry: ConfigEntry) -> BatterySettings | None:
    """Return the entry's battery, None when it has none (or its subentry cannot be read)."""
    for subentry_id, subentry in entry.subentries.items():
        if subentry.subentry_type != SUBENTRY_BATTERY:
            continue
        try:
            return settings_from_subentry(subentry_id, subentry.title, subentry.data)
        except (KeyError, TypeError, ValueError) as err:
            # Written by hand or by a future version: the appliances are planned without it.
            LOGGER.error("Battery %s cannot be read and is left out: %s", subentry.title, err)
    return None


def measured_soc(hass: HomeAssistant, entity_id: str) -> tuple[float | None, str | None]:
    """Return the state of charge the sensor reports (a share of one), or why there is none.

    A reading a little outside 0-100 % (inverters round, some report 101 %) is taken as the
    nearest bound rather than dropping the battery from the plan.
    """
    state = hass.states.get(entity_id)
    if state is None:
        return None, SOC_MISSING
    if state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
        return None, SOC_UNAVAILABLE
    try:
        percent = float(state.state)
    except ValueError:
        return None, SOC_NOT_NUMERIC
    if not math.isfinite(percent):
        return None, SOC_NOT_NUMERIC
    return min(max(percent, 0.0), 100.0) / 100, None
