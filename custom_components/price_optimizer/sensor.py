"""Price sensors: now, next, today's statistics, and what the source delivered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from statistics import fmean
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory, UnitOfEnergy
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .coordinator import PriceData, PriceOptimizerConfigEntry
from .entity import PriceOptimizerEntity

# Every entity follows the coordinator; none polls on its own.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class PriceSensorDescription(SensorEntityDescription):
    """A sensor whose value comes from the held prices at a local time."""

    value_fn: Callable[[PriceData, datetime], float | datetime | int | None]
    attributes_fn: Callable[[PriceData, datetime], dict[str, Any]] | None = None
    priced: bool = True


def _today_prices(data: PriceData, now: datetime) -> list[float]:
    return [slot.price for slot in data.prices.local_day_of(now)]


def _price_now(data: PriceData, now: datetime) -> float | None:
    slot = data.prices.slot_at(now)
    return slot.price if slot else None


def _price_next(data: PriceData, now: datetime) -> float | None:
    slot = data.prices.next_slot(now)
    return slot.price if slot else None


def _extreme_start(data: PriceData, now: datetime, *, cheapest: bool) -> datetime | None:
    slots = list(data.prices.local_day_of(now))
    if not slots:
        return None
    # The first of equal prices wins, so the sensor does not jump between ties.
    pick = min if cheapest else max
    return pick(slots, key=lambda slot: slot.price).start


def _day_series(data: PriceData, now: datetime) -> dict[str, Any]:
    return {
        "today": [slot.as_dict() for slot in data.prices.local_day_of(now)],
        "tomorrow": [slot.as_dict() for slot in data.prices.local_day_of(now, 1)],
    }


def _optional(values: list[float], fn: Callable[[list[float]], float]) -> float | None:
    return fn(values) if values else None


SENSORS: tuple[PriceSensorDescription, ...] = (
    PriceSensorDescription(
        key="current_price",
        translation_key="current_price",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=4,
        value_fn=_price_now,
        attributes_fn=_day_series,
    ),
    PriceSensorDescription(
        key="next_price",
        translation_key="next_price",
        suggested_display_precision=4,
        value_fn=_price_next,
    ),
    PriceSensorDescription(
        key="today_min",
        translation_key="today_min",
        suggested_display_precision=4,
        value_fn=lambda data, now: _optional(_today_prices(data, now), min),
    ),
    PriceSensorDescription(
        key="today_max",
        translation_key="today_max",
        suggested_display_precision=4,
        value_fn=lambda data, now: _optional(_today_prices(data, now), max),
    ),
    PriceSensorDescription(
        key="today_mean",
        translation_key="today_mean",
        suggested_display_precision=4,
        value_fn=lambda data, now: _optional(_today_prices(data, now), fmean),
    ),
    PriceSensorDescription(
        key="cheapest_slot_start",
        translation_key="cheapest_slot_start",
        device_class=SensorDeviceClass.TIMESTAMP,
        priced=False,
        value_fn=lambda data, now: _extreme_start(data, now, cheapest=True),
    ),
    PriceSensorDescription(
        key="most_expensive_slot_start",
        translation_key="most_expensive_slot_start",
        device_class=SensorDeviceClass.TIMESTAMP,
        priced=False,
        value_fn=lambda data, now: _extreme_start(data, now, cheapest=False),
    ),
    PriceSensorDescription(
        key="last_fetch",
        translation_key="last_fetch",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        priced=False,
        value_fn=lambda data, now: data.last_success,
    ),
    PriceSensorDescription(
        key="data_quality",
        translation_key="data_quality",
        entity_category=EntityCategory.DIAGNOSTIC,
        state_class=SensorStateClass.MEASUREMENT,
        priced=False,
        value_fn=lambda data, now: len(data.findings),
        attributes_fn=lambda data, now: {
            "findings": [finding.as_dict() for finding in data.findings]
        },
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: PriceOptimizerConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the price sensors of one entry."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(PriceSensor(coordinator, description) for description in SENSORS)


class PriceSensor(PriceOptimizerEntity, SensorEntity):
    """A sensor computed from the held prices."""

    entity_description: PriceSensorDescription
    # The whole series can exceed the recorder's 16 KB attribute limit.
    _unrecorded_attributes = frozenset({"today", "tomorrow", "findings"})

    @property
    def native_unit_of_measurement(self) -> str | None:
        """Return currency per kWh for prices."""
        if not self.entity_description.priced:
            return None
        return f"{self.coordinator.data.prices.currency}/{UnitOfEnergy.KILO_WATT_HOUR}"

    @property
    def native_value(self) -> float | datetime | int | None:
        """Return the value at the current local time."""
        return self.entity_description.value_fn(self.coordinator.data, dt_util.now())

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Return the description's attributes, if it has any."""
        if self.entity_description.attributes_fn is None:
            return None
        return self.entity_description.attributes_fn(self.coordinator.data, dt_util.now())
