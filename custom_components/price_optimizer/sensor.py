"""Price sensors of the entry, and each appliance's plan, status and savings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import fmean
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .action_errors import localised_placeholders
from .battery_sensors import async_add_battery_sensors
from .capacity_sensors import async_add_capacity_sensors
from .const import ATTR_MARKET_PRICE
from .coordinator import PriceCoordinator, PriceData
from .core.appliance_state import STATUSES, ApplianceRecord
from .core.prices import PriceSlot
from .data import PriceOptimizerConfigEntry
from .entity import ApplianceEntity, async_add_appliance_entities
from .entry_sensor import EntrySensor, EntrySensorDescription
from .forecast_coordinator import ForecastCoordinator
from .plan_coordinator import PlanCoordinator, PlanData
from .precision import MONEY_DECIMALS, rounded, rounded_value

# Every entity follows the coordinator; none polls on its own.
PARALLEL_UPDATES = 0


def _today_prices(prices: PriceCoordinator, now: datetime) -> list[float]:
    return [slot.price for slot in prices.data.prices.local_day_of(now)]


def _price_now(prices: PriceCoordinator, now: datetime) -> float | None:
    slot = prices.data.prices.slot_at(now)
    return slot.price if slot else None


def _price_next(prices: PriceCoordinator, now: datetime) -> float | None:
    slot = prices.data.prices.next_slot(now)
    return slot.price if slot else None


def _extreme_start(prices: PriceCoordinator, now: datetime, *, cheapest: bool) -> datetime | None:
    slots = list(prices.data.prices.local_day_of(now))
    if not slots:
        return None
    # The first of equal prices wins, so the sensor does not jump between ties.
    pick = min if cheapest else max
    return pick(slots, key=lambda slot: slot.price).start


def _day_series(data: PriceData, now: datetime) -> dict[str, Any]:
    return rounded(
        {
            "today": [slot.as_dict() for slot in data.prices.local_day_of(now)],
            "tomorrow": [slot.as_dict() for slot in data.prices.local_day_of(now, 1)],
        }
    )


def _parts(data: PriceData, slot: PriceSlot | None) -> dict[str, Any]:
    """A slot's market price and the tariff's parts that make up its total."""
    part = None if slot is None else data.slot_prices.get(slot.start)
    if part is None:
        return {}
    return rounded(
        {ATTR_MARKET_PRICE: part.market, "components": dict(part.components), "vat": part.vat}
    )


def _current_attributes(prices: PriceCoordinator, now: datetime) -> dict[str, Any]:
    data = prices.data
    return {**_parts(data, data.prices.slot_at(now)), **_day_series(data, now)}


def _optional(values: list[float], fn: Callable[[list[float]], float]) -> float | None:
    return fn(values) if values else None


SENSORS: tuple[EntrySensorDescription[PriceCoordinator], ...] = (
    EntrySensorDescription[PriceCoordinator](
        key="current_price",
        translation_key="current_price",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=4,
        value_fn=_price_now,
        attributes_fn=_current_attributes,
    ),
    EntrySensorDescription[PriceCoordinator](
        key="next_price",
        translation_key="next_price",
        suggested_display_precision=4,
        value_fn=_price_next,
        attributes_fn=lambda prices, now: _parts(prices.data, prices.data.prices.next_slot(now)),
    ),
    EntrySensorDescription[PriceCoordinator](
        key="today_min",
        translation_key="today_min",
        suggested_display_precision=4,
        value_fn=lambda prices, now: _optional(_today_prices(prices, now), min),
    ),
    EntrySensorDescription[PriceCoordinator](
        key="today_max",
        translation_key="today_max",
        suggested_display_precision=4,
        value_fn=lambda prices, now: _optional(_today_prices(prices, now), max),
    ),
    EntrySensorDescription[PriceCoordinator](
        key="today_mean",
        translation_key="today_mean",
        suggested_display_precision=4,
        value_fn=lambda prices, now: _optional(_today_prices(prices, now), fmean),
    ),
    EntrySensorDescription[PriceCoordinator](
        key="cheapest_slot_start",
        translation_key="cheapest_slot_start",
        device_class=SensorDeviceClass.TIMESTAMP,
        priced=False,
        value_fn=lambda prices, now: _extreme_start(prices, now, cheapest=True),
    ),
    EntrySensorDescription[PriceCoordinator](
        key="most_expensive_slot_start",
        translation_key="most_expensive_slot_start",
        device_class=SensorDeviceClass.TIMESTAMP,
        priced=False,
        value_fn=lambda prices, now: _extreme_start(prices, now, cheapest=False),
    ),
    EntrySensorDescription[PriceCoordinator](
        key="last_fetch",
        translation_key="last_fetch",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        # Diagnostics and the repair issue for an outage say the same; few need a sensor.
        entity_registry_enabled_default=False,
        priced=False,
        value_fn=lambda prices, now: prices.data.last_success,
    ),
    EntrySensorDescription[PriceCoordinator](
        key="data_quality",
        translation_key="data_quality",
        entity_category=EntityCategory.DIAGNOSTIC,
        state_class=SensorStateClass.MEASUREMENT,
        priced=False,
        value_fn=lambda prices, now: len(prices.data.findings),
        attributes_fn=lambda prices, now: {
            "findings": [finding.as_dict() for finding in prices.data.findings]
        },
    ),
)


def _next_forecast_price(forecast: ForecastCoordinator, now: datetime) -> float | None:
    """Return the forecast for the first slot the market has not published."""
    known_until = forecast.prices.data.prices.end
    slot = forecast.price_plan.slot_at(known_until) if known_until else None
    return slot.price if slot and slot.origin == "forecast" else None


def _forecast_attributes(forecast: ForecastCoordinator, now: datetime) -> dict[str, Any]:
    data = forecast.data
    return {
        "status": data.status,
        "generated_at": data.generated_at,
        "known_until": forecast.prices.data.prices.end,
        "ready_at": data.ready_at,
        "series": rounded([slot.as_dict() for slot in forecast.price_plan if slot.end > now]),
    }


def _household_scale(forecast: ForecastCoordinator) -> float:
    """Return how much a market-price error weighs in the household's price."""
    return forecast.prices.household.market_slope


def _accuracy(forecast: ForecastCoordinator) -> dict[str, Any]:
    return forecast.data.accuracy if forecast.data else {}


def _model_attributes(forecast: ForecastCoordinator, now: datetime) -> dict[str, Any]:
    data = forecast.data
    forecaster = forecast.engine.forecaster
    metadata = forecaster.metadata if forecaster else {}
    return {
        "status": data.status,
        "error": data.error,
        "runtime": data.runtime or (forecaster.runtime if forecaster else None),
        "members": list(data.members),
        "blend_weights": data.weights,
        "band_factors": data.band_factors,
        "recalibration_hours": data.recalibration_hours,
        "inputs_missing": list(data.exogenous_missing),
        "lasso_windows_days": list(data.linear_windows),
        "history_hours": data.history_hours,
        "ready_at": data.ready_at,
        # How far the forecast served reaches: a week, or two days while the lasso cannot serve.
        "horizon_hours": (
            round((data.forecast.end - data.origin) / timedelta(hours=1))
            if data.forecast.end is not None and data.origin is not None
            else None
        ),
        "benchmark_mae": {
            market: round(entry["metrics"]["ours"]["mae"], 3)
            for market, entry in metadata.get("metrics", {}).items()
        },
    }


FORECAST_SENSORS: tuple[EntrySensorDescription[ForecastCoordinator], ...] = (
    EntrySensorDescription[ForecastCoordinator](
        key="forecast_price",
        translation_key="forecast_price",
        suggested_display_precision=4,
        value_fn=_next_forecast_price,
        attributes_fn=_forecast_attributes,
    ),
    EntrySensorDescription[ForecastCoordinator](
        key="forecast_accuracy",
        translation_key="forecast_accuracy",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=4,
        value_fn=lambda forecast, now: _scaled(_accuracy(forecast).get("mae"), forecast),
        attributes_fn=lambda forecast, now: {
            "count": _accuracy(forecast).get("count", 0),
            "bias": _scaled(_accuracy(forecast).get("bias"), forecast),
            "band_coverage": _accuracy(forecast).get("band_coverage"),
            "horizons": {
                name: {
                    "mae": _scaled(bucket["mae"], forecast),
                    "band_coverage": bucket["band_coverage"],
                    "count": bucket["count"],
                }
                for name, bucket in _accuracy(forecast).get("buckets", {}).items()
            },
        },
    ),
    EntrySensorDescription[ForecastCoordinator](
        key="forecast_model",
        translation_key="forecast_model",
        entity_category=EntityCategory.DIAGNOSTIC,
        priced=False,
        value_fn=lambda forecast, now: (
            forecast.engine.forecaster.version if forecast.engine.forecaster else None
        ),
        attributes_fn=_model_attributes,
    ),
)


@dataclass(frozen=True, kw_only=True)
class ApplianceSensorDescription(SensorEntityDescription):
    """A sensor of one appliance, read from the plan and the appliance's record."""

    value_fn: Callable[[PlanData, str, datetime], float | datetime | str | None]
    attributes_fn: Callable[[PlanData, str], dict[str, Any]] | None = None
    monetary: bool = False


def _next_run_edge(data: PlanData, appliance_id: str, now: datetime, end: bool) -> datetime | None:
    current = data.records[appliance_id].current
    if current is not None and current.end > now:
        return current.end if end else current.start
    run = data.schedule.next_run(appliance_id, now)
    if run is None:
        return None
    return run.end if end else run.start


def _status_attributes(data: PlanData, appliance_id: str) -> dict[str, Any]:
    record = data.records[appliance_id]
    issue = record.issue
    return {
        "reason": None if issue is None else issue.code,
        "reason_details": None if issue is None else localised_placeholders(issue),
    }


def _ledger_attributes(data: PlanData, appliance_id: str) -> dict[str, Any]:
    record: ApplianceRecord = data.records[appliance_id]
    return {
        "runs": record.ledger.runs,
        "last_run": None if record.last_outcome is None else record.last_outcome.as_dict(),
    }


APPLIANCE_SENSORS: tuple[ApplianceSensorDescription, ...] = (
    ApplianceSensorDescription(
        key="status",
        translation_key="status",
        device_class=SensorDeviceClass.ENUM,
        options=list(STATUSES),
        value_fn=lambda data, appliance_id, now: data.records[appliance_id].status,
        attributes_fn=_status_attributes,
    ),
    ApplianceSensorDescription(
        key="next_start",
        translation_key="next_start",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda data, appliance_id, now: _next_run_edge(data, appliance_id, now, False),
    ),
    ApplianceSensorDescription(
        key="next_end",
        translation_key="next_end",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda data, appliance_id, now: _next_run_edge(data, appliance_id, now, True),
    ),
    ApplianceSensorDescription(
        key="planned_cost",
        translation_key="planned_cost",
        device_class=SensorDeviceClass.MONETARY,
        suggested_display_precision=2,
        monetary=True,
        value_fn=lambda data, appliance_id, now: data.promised(appliance_id)[0],
    ),
    ApplianceSensorDescription(
        key="expected_savings",
        translation_key="expected_savings",
        device_class=SensorDeviceClass.MONETARY,
        suggested_display_precision=2,
        monetary=True,
        value_fn=lambda data, appliance_id, now: data.promised(appliance_id)[1],
    ),
    ApplianceSensorDescription(
        key="realised_savings",
        translation_key="realised_savings",
        device_class=SensorDeviceClass.MONETARY,
        # A running total that only grows by finished runs: long-term statistics sum it.
        state_class=SensorStateClass.TOTAL,
        suggested_display_precision=2,
        monetary=True,
        value_fn=lambda data, appliance_id, now: data.records[appliance_id].ledger.total,
        attributes_fn=_ledger_attributes,
    ),
)


def _scaled(value: float | None, forecast: ForecastCoordinator) -> float | None:
    return None if value is None else value * _household_scale(forecast)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: PriceOptimizerConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the price sensors of one entry, and the sensors of each appliance on its device."""
    coordinator = entry.runtime_data.coordinator
    forecast = entry.runtime_data.forecast
    async_add_entities(
        [
            *(EntrySensor(coordinator, description) for description in SENSORS),
            *(EntrySensor(forecast, description) for description in FORECAST_SENSORS),
        ]
    )
    async_add_capacity_sensors(entry, async_add_entities)
    async_add_battery_sensors(entry, async_add_entities)
    currency = coordinator.data.prices.currency
    async_add_appliance_entities(
        entry,
        async_add_entities,
        lambda planner, appliance_id: (
            ApplianceSensor(planner, appliance_id, description, currency)
            for description in APPLIANCE_SENSORS
        ),
    )


class ApplianceSensor(ApplianceEntity, SensorEntity):
    """A sensor of one appliance's plan, status or savings."""

    entity_description: ApplianceSensorDescription

    def __init__(
        self,
        planner: PlanCoordinator,
        appliance_id: str,
        description: ApplianceSensorDescription,
        currency: str,
    ) -> None:
        """Bind the sensor to its appliance; money is in the prices' currency."""
        super().__init__(planner, appliance_id, description)
        if description.monetary:
            self._attr_native_unit_of_measurement = currency

    @property
    def native_value(self) -> float | datetime | str | None:
        """Return the value for the present moment (money without float noise)."""
        return rounded_value(
            self.entity_description.value_fn(
                self.coordinator.data, self.appliance_id, dt_util.utcnow()
            ),
            MONEY_DECIMALS,
        )

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Return the description's attributes, if it has any."""
        if self.entity_description.attributes_fn is None:
            return None
        return self.entity_description.attributes_fn(self.coordinator.data, self.appliance_id)
