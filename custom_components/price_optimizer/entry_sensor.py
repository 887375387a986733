"""The one sensor class of the entry's service device: prices, forecast and capacity charge.

Each sensor is a description: what it reads from its coordinator at the present local time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.sensor import SensorEntity, SensorEntityDescription
from homeassistant.const import UnitOfEnergy
from homeassistant.util import dt as dt_util

from .coordinator import PriceCoordinator
from .data import PriceOptimizerConfigEntry
from .entity import PriceOptimizerEntity
from .forecast_coordinator import ForecastCoordinator
from .household_load import HouseholdLoadCoordinator
from .precision import MONEY_DECIMALS, PRICE_DECIMALS, rounded_value

type EntryCoordinator = PriceCoordinator | ForecastCoordinator | HouseholdLoadCoordinator


@dataclass(frozen=True, kw_only=True)
class EntrySensorDescription[CoordinatorT: EntryCoordinator](SensorEntityDescription):
    """A sensor of the entry's service device, read from one coordinator at a local time.

    ``priced`` sensors are in the prices' currency per kWh, ``monetary`` ones in the
    currency. ``available_fn`` says whether the coordinator can answer at all (a capacity
    sensor cannot without a capacity charge).
    """

    value_fn: Callable[[CoordinatorT, datetime], float | datetime | int | str | None]
    attributes_fn: Callable[[CoordinatorT, datetime], dict[str, Any]] | None = None
    available_fn: Callable[[CoordinatorT], bool] | None = None
    priced: bool = True
    monetary: bool = False


class EntrySensor[CoordinatorT: EntryCoordinator](PriceOptimizerEntity[CoordinatorT], SensorEntity):
    """A sensor of the entry, computed from one coordinator's data."""

    entity_description: EntrySensorDescription[CoordinatorT]
    # Whole series can exceed the recorder's 16 KB attribute limit.
    _unrecorded_attributes = frozenset(
        {"today", "tomorrow", "findings", "series", "horizons", "benchmark_mae"}
    )

    @property
    def _currency(self) -> str:
        entry: PriceOptimizerConfigEntry = self.coordinator.config_entry
        return entry.runtime_data.coordinator.data.prices.currency

    @property
    def available(self) -> bool:
        """Return whether the coordinator has data and can answer this sensor."""
        available_fn = self.entity_description.available_fn
        return super().available and (available_fn is None or available_fn(self.coordinator))

    @property
    def native_unit_of_measurement(self) -> str | None:
        """Return currency per kWh for prices, the currency for money, else the description's."""
        if self.entity_description.priced:
            return f"{self._currency}/{UnitOfEnergy.KILO_WATT_HOUR}"
        if self.entity_description.monetary:
            return self._currency
        return self.entity_description.native_unit_of_measurement

    @property
    def native_value(self) -> float | datetime | int | str | None:
        """Return the value at the present local time, prices and money without float noise."""
        value = self.entity_description.value_fn(self.coordinator, dt_util.now())
        if self.entity_description.priced:
            return rounded_value(value, PRICE_DECIMALS)
        if self.entity_description.monetary:
            return rounded_value(value, MONEY_DECIMALS)
        return value

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Return the description's attributes, if it has any."""
        if self.entity_description.attributes_fn is None:
            return None
        return self.entity_description.attributes_fn(self.coordinator, dt_util.now())
