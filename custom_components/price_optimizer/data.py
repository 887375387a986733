"""What a config entry runs, and the one function that builds it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .battery_actuator import BatteryActuator
from .coordinator import PriceCoordinator, build_source
from .forecast_coordinator import ForecastCoordinator
from .forecast_engine import ForecastEngine
from .household_load import HouseholdLoadCoordinator
from .plan_coordinator import PlanCoordinator, PriceFeed
from .plug_actuator import Actuator

type PriceOptimizerConfigEntry = ConfigEntry[PriceOptimizerData]


@dataclass(slots=True)
class PriceOptimizerData:
    """Everything a config entry runs, kept in its ``runtime_data``."""

    coordinator: PriceCoordinator
    forecast: ForecastCoordinator
    planner: PlanCoordinator
    actuator: Actuator
    battery_actuator: BatteryActuator
    household: HouseholdLoadCoordinator
    # Changes of options and appliances are applied one after the other.
    update_lock: asyncio.Lock = field(default_factory=asyncio.Lock)


async def async_build_runtime(hass: HomeAssistant, entry: ConfigEntry) -> PriceOptimizerData:
    """Build an entry's coordinators and actuator, with prices fetched and records loaded."""
    coordinator = PriceCoordinator(hass, entry, build_source(hass, entry))
    await coordinator.async_config_entry_first_refresh()
    forecast = ForecastCoordinator(hass, entry, coordinator, ForecastEngine(hass))
    # The one place the planner's prices come from: market prices, then the forecast.
    feed = PriceFeed(
        current=lambda: forecast.price_plan if coordinator.data else None,
        subscribe=forecast.async_add_listener,
        export=lambda: forecast.export_plan if coordinator.data else None,
    )
    household = HouseholdLoadCoordinator(
        hass, entry, lambda: coordinator.household.capacity_on(dt_util.now().date())
    )
    await household.async_start()
    planner = PlanCoordinator(
        hass, entry, feed, lambda: household.load_for_plan(coordinator.household.tariff.vat_rate)
    )
    # Records and pending commands come back from the Store before anything acts.
    await planner.async_load()
    return PriceOptimizerData(
        coordinator=coordinator,
        forecast=forecast,
        planner=planner,
        actuator=Actuator(hass, entry, planner),
        battery_actuator=BatteryActuator(hass, entry, planner),
        household=household,
    )
