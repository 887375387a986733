"""The battery's sensors: what the plan has it do now, the whole series, and what it saves.

They exist once the entry has a battery subentry, on that subentry's device. A plan made
without the battery (its state-of-charge sensor could not be read) leaves them unknown, and
their ``reason`` attribute says why. With an inverter entity to set, the mode sensor's
``override`` attribute says whether someone else's choice holds the planned mode off.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, UnitOfPower
from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.util import dt as dt_util

from .battery_actuator import BatteryActuator
from .core.optimizer import BATTERY_MODES, EnergyPlan, EnergySlot
from .data import PriceOptimizerConfigEntry
from .entity import BatteryEntity, async_add_battery_entities
from .plan_coordinator import PlanCoordinator, PlanData
from .precision import MONEY_DECIMALS, rounded_value

KW_DECIMALS = 3
KWH_DECIMALS = 3


def _energy(data: PlanData) -> EnergyPlan | None:
    """Return the plan's balance when the battery is in it."""
    energy = data.schedule.energy
    if data.battery is None or energy is None or energy.battery_capacity_kwh is None:
        return None
    return energy


def _slot_now(data: PlanData, now: datetime) -> EnergySlot | None:
    return None if _energy(data) is None else data.battery_slot(now)


def _power_now(data: PlanData, now: datetime) -> float | None:
    slot = _slot_now(data, now)
    return None if slot is None else round(slot.battery_kw, KW_DECIMALS)


def _end_soc(data: PlanData, now: datetime) -> float | None:
    energy = _energy(data)
    soc = None if energy is None else energy.end_soc
    return None if soc is None else round(soc * 100, 1)


def _saving(data: PlanData, now: datetime) -> float | None:
    return None if _energy(data) is None else data.schedule.battery_saving


def _reason(data: PlanData, now: datetime) -> dict[str, Any]:
    return {"reason": data.battery_issue}


def _series(data: PlanData, now: datetime) -> dict[str, Any]:
    energy = _energy(data)
    slots: list[EnergySlot] = []
    if energy is not None:
        current = data.battery_slot(now)
        if current is not None and current not in energy.slots:
            slots.append(current)
        slots += [slot for slot in energy.slots if slot.end > now]
    return {
        "reason": data.battery_issue,
        "series": [
            {
                "start": slot.start.isoformat(),
                "battery_kw": round(slot.battery_kw, KW_DECIMALS),
                "stored_kwh": None
                if slot.stored_kwh is None
                else round(slot.stored_kwh, KWH_DECIMALS),
                "mode": slot.mode,
            }
            for slot in slots
        ],
    }


@dataclass(frozen=True, kw_only=True)
class BatterySensorDescription(SensorEntityDescription):
    """A sensor of the battery, read from the plan at the present moment."""

    value_fn: Callable[[PlanData, datetime], float | str | None]
    attributes_fn: Callable[[PlanData, datetime], dict[str, Any]] = _reason
    monetary: bool = False
    # Whether the sensor tells that the inverter's mode was overridden (with control only).
    shows_override: bool = False


BATTERY_SENSORS: tuple[BatterySensorDescription, ...] = (
    BatterySensorDescription(
        key="battery_planned_power",
        translation_key="battery_planned_power",
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.KILO_WATT,
        suggested_display_precision=2,
        value_fn=_power_now,
        attributes_fn=_series,
    ),
    BatterySensorDescription(
        key="battery_mode",
        translation_key="battery_mode",
        device_class=SensorDeviceClass.ENUM,
        options=list(BATTERY_MODES),
        shows_override=True,
        value_fn=lambda data, now: None if (slot := _slot_now(data, now)) is None else slot.mode,
    ),
    BatterySensorDescription(
        key="battery_end_soc",
        translation_key="battery_end_soc",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=_end_soc,
    ),
    BatterySensorDescription(
        key="battery_savings",
        translation_key="battery_savings",
        device_class=SensorDeviceClass.MONETARY,
        suggested_display_precision=2,
        monetary=True,
        value_fn=_saving,
    ),
)


def async_add_battery_sensors(
    entry: PriceOptimizerConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add the battery's sensors now, or once a battery subentry is added."""
    currency = entry.runtime_data.coordinator.data.prices.currency
    actuator = entry.runtime_data.battery_actuator
    async_add_battery_entities(
        entry,
        async_add_entities,
        lambda planner, battery_id: (
            BatterySensor(planner, battery_id, description, currency, actuator)
            for description in BATTERY_SENSORS
        ),
    )


class BatterySensor(BatteryEntity, SensorEntity):
    """A sensor of the battery's plan."""

    entity_description: BatterySensorDescription
    # The series covers the whole horizon: more than the recorder keeps per state.
    _unrecorded_attributes = frozenset({"series"})

    def __init__(
        self,
        planner: PlanCoordinator,
        battery_id: str,
        description: BatterySensorDescription,
        currency: str,
        actuator: BatteryActuator,
    ) -> None:
        """Bind the sensor to the battery; money is in the prices' currency."""
        super().__init__(planner, battery_id, description)
        self._actuator = actuator
        if description.monetary:
            self._attr_native_unit_of_measurement = currency
        self._unsub_boundary: CALLBACK_TYPE | None = None

    async def async_added_to_hass(self) -> None:
        """Show each planned slot as it starts, not only when a plan is made."""
        await super().async_added_to_hass()
        self.async_on_remove(self._cancel_boundary)
        if self.entity_description.shows_override:
            self.async_on_remove(self._actuator.async_add_listener(self.async_write_ha_state))
        self._follow_boundaries()

    @callback
    def _handle_coordinator_update(self) -> None:
        super()._handle_coordinator_update()
        self._follow_boundaries()

    @callback
    def _follow_boundaries(self) -> None:
        # Prices of an hour re-plan once an hour; the plan's slots may be quarter-hours.
        self._cancel_boundary()
        data = self.coordinator.data
        energy = None if data is None else _energy(data)
        if energy is None:
            return
        now = dt_util.utcnow()
        current = data.battery_slot(now)
        when = current.end if current is not None else energy.boundary_after(now)
        if when is not None:
            self._unsub_boundary = async_track_point_in_utc_time(
                self.hass, self._async_boundary, when
            )

    @callback
    def _async_boundary(self, _now: datetime) -> None:
        self._unsub_boundary = None
        self.async_write_ha_state()
        self._follow_boundaries()

    @callback
    def _cancel_boundary(self) -> None:
        if self._unsub_boundary is not None:
            self._unsub_boundary()
            self._unsub_boundary = None

    @property
    def native_value(self) -> float | str | None:
        """Return the value for the present moment (money without float noise)."""
        value = self.entity_description.value_fn(self.coordinator.data, dt_util.utcnow())
        return rounded_value(value, MONEY_DECIMALS) if self.entity_description.monetary else value

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Return why the battery is not planned, the series for power, and any override."""
        attributes = self.entity_description.attributes_fn(self.coordinator.data, dt_util.utcnow())
        if self.entity_description.shows_override and self._actuator.control is not None:
            attributes["override"] = self._actuator.overridden
        return attributes
