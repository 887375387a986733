"""The capacity charge's sensors: the month's billed peak and the step (or charge) it is in.

They exist once the entry has a capacity charge; added to the sensor platform then, also when
the charge is configured after the setup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import UnitOfPower
from homeassistant.core import callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .core.tariffs.capacity import CapacityRule, DailyPeaksStepRule
from .core.tariffs.month_peaks import MonthPeaks
from .data import PriceOptimizerConfigEntry
from .entity import entry_device
from .household_load import HouseholdLoadCoordinator

KW_DECIMALS = 3
MONEY_DECIMALS = 2


@dataclass(frozen=True, kw_only=True)
class CapacitySensorDescription(SensorEntityDescription):
    """A sensor of the month's capacity charge, from its peaks so far and the rule."""

    value_fn: Callable[[MonthPeaks, CapacityRule], float]
    attributes_fn: Callable[[MonthPeaks, CapacityRule], dict[str, Any]]
    monetary: bool = False


def _peak_attributes(peaks: MonthPeaks, rule: CapacityRule) -> dict[str, Any]:
    if isinstance(rule, DailyPeaksStepRule):
        return {
            "peaks_counted": rule.peaks_counted,
            "daily_peaks": {
                day.isoformat(): round(kw, KW_DECIMALS)
                for day, kw in sorted(peaks.daily_peaks_kw.items())
            },
        }
    return {
        "interval_minutes": peaks.interval_minutes,
        "earlier_peaks": {
            month: round(kw, KW_DECIMALS) for month, kw in peaks.earlier_months.items()
        },
    }


def _step_attributes(peaks: MonthPeaks, rule: CapacityRule) -> dict[str, Any]:
    billed = round(peaks.billed_kw(rule), KW_DECIMALS)
    if isinstance(rule, DailyPeaksStepRule):
        step, next_threshold = peaks.step(rule)
        return {"billed_kw": billed, "from_kw": step.threshold_kw, "to_kw": next_threshold}
    return {
        "billed_kw": billed,
        "floor_kw": rule.floor_kw,
        "fee_per_kw_month": rule.fee_per_kw_month,
        "rolling_months": rule.rolling_months,
    }


CAPACITY_SENSORS: tuple[CapacitySensorDescription, ...] = (
    CapacitySensorDescription(
        key="month_peak",
        translation_key="month_peak",
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.KILO_WATT,
        suggested_display_precision=2,
        value_fn=lambda peaks, rule: round(peaks.billed_kw(rule), KW_DECIMALS),
        attributes_fn=_peak_attributes,
    ),
    CapacitySensorDescription(
        key="capacity_step",
        translation_key="capacity_step",
        device_class=SensorDeviceClass.MONETARY,
        suggested_display_precision=2,
        monetary=True,
        # The step's monthly fee, or for a fee per kW the month's charge so far.
        value_fn=lambda peaks, rule: round(peaks.charge(rule), MONEY_DECIMALS),
        attributes_fn=_step_attributes,
    ),
)


@callback
def async_add_capacity_sensors(
    entry: PriceOptimizerConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add the capacity sensors now if a charge is configured, else once one is."""
    household = entry.runtime_data.household
    currency = entry.runtime_data.coordinator.data.prices.currency
    added = False

    @callback
    def add_when_configured() -> None:
        nonlocal added
        if added or household.capacity_rule is None:
            return
        added = True
        async_add_entities(
            CapacitySensor(household, description, currency) for description in CAPACITY_SENSORS
        )

    add_when_configured()
    entry.async_on_unload(household.async_add_listener(add_when_configured))


class CapacitySensor(CoordinatorEntity[HouseholdLoadCoordinator], SensorEntity):
    """A sensor of the month's capacity charge, on the entry's service device."""

    _attr_has_entity_name = True
    entity_description: CapacitySensorDescription

    def __init__(
        self,
        household: HouseholdLoadCoordinator,
        description: CapacitySensorDescription,
        currency: str,
    ) -> None:
        """Bind the sensor to the household coordinator; money is in the prices' currency."""
        super().__init__(household)
        entry = household.config_entry
        self.entity_description = description
        self._attr_unique_id = f"{entry.entry_id}_{description.key}"
        self._attr_device_info = entry_device(entry)
        if description.monetary:
            self._attr_native_unit_of_measurement = currency

    def _inputs(self) -> tuple[MonthPeaks, CapacityRule] | None:
        rule = self.coordinator.capacity_rule
        peaks = self.coordinator.month_peaks_now()
        return None if rule is None or peaks is None else (peaks, rule)

    @property
    def available(self) -> bool:
        """Return whether a charge is configured and the month's peaks are known."""
        return super().available and self._inputs() is not None

    @property
    def native_value(self) -> float | None:
        """Return the month's billed peak or charge so far."""
        inputs = self._inputs()
        return None if inputs is None else self.entity_description.value_fn(*inputs)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Return the daily peaks, or the step's range."""
        inputs = self._inputs()
        return None if inputs is None else self.entity_description.attributes_fn(*inputs)
