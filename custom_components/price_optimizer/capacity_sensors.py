"""The capacity charge's sensors: the month's billed peak and the step (or charge) it is in.

They exist once the entry has a capacity charge; added to the sensor platform then, also when
the charge is configured after the setup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import UnitOfPower
from homeassistant.core import callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .core.tariffs.capacity import CapacityRule, DailyPeaksStepRule
from .core.tariffs.month_peaks import MonthPeaks
from .data import PriceOptimizerConfigEntry
from .entry_sensor import EntrySensor, EntrySensorDescription
from .household_load import HouseholdLoadCoordinator

KW_DECIMALS = 3
# A capacity fee is published in whole cents (or øre).
CHARGE_DECIMALS = 2


def _inputs(household: HouseholdLoadCoordinator) -> tuple[MonthPeaks, CapacityRule] | None:
    rule = household.capacity_rule
    peaks = household.month_peaks_now()
    return None if rule is None or peaks is None else (peaks, rule)


def _known(household: HouseholdLoadCoordinator) -> bool:
    """Whether a charge is configured and the month's peaks are known."""
    return _inputs(household) is not None


def _read[T](
    household: HouseholdLoadCoordinator, read: Callable[[MonthPeaks, CapacityRule], T]
) -> T | None:
    inputs = _inputs(household)
    return None if inputs is None else read(*inputs)


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


CAPACITY_SENSORS: tuple[EntrySensorDescription[HouseholdLoadCoordinator], ...] = (
    EntrySensorDescription[HouseholdLoadCoordinator](
        key="month_peak",
        translation_key="month_peak",
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.KILO_WATT,
        suggested_display_precision=2,
        priced=False,
        available_fn=_known,
        value_fn=lambda household, now: _read(
            household, lambda peaks, rule: round(peaks.billed_kw(rule), KW_DECIMALS)
        ),
        attributes_fn=lambda household, now: _read(household, _peak_attributes) or {},
    ),
    EntrySensorDescription[HouseholdLoadCoordinator](
        key="capacity_step",
        translation_key="capacity_step",
        device_class=SensorDeviceClass.MONETARY,
        suggested_display_precision=2,
        priced=False,
        monetary=True,
        available_fn=_known,
        # The step's monthly fee, or for a fee per kW the month's charge so far.
        value_fn=lambda household, now: _read(
            household, lambda peaks, rule: round(peaks.charge(rule), CHARGE_DECIMALS)
        ),
        attributes_fn=lambda household, now: _read(household, _step_attributes) or {},
    ),
)


@callback
def async_add_capacity_sensors(
    entry: PriceOptimizerConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add the capacity sensors now if a charge is configured, else once one is."""
    household = entry.runtime_data.household
    added = False

    @callback
    def add_when_configured() -> None:
        nonlocal added
        if added or household.capacity_rule is None:
            return
        added = True
        async_add_entities(EntrySensor(household, description) for description in CAPACITY_SENSORS)

    add_when_configured()
    entry.async_on_unload(household.async_add_listener(add_when_configured))
