"""Price Optimizer: cheaper appliance runs from day-ahead electricity prices."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from .const import DOMAIN
from .coordinator import (
    PriceCoordinator,
    PriceOptimizerConfigEntry,
    PriceOptimizerData,
    async_clear_repairs,
    build_source,
    price_store,
)
from .forecast.engine import ForecastEngine
from .forecast_coordinator import ForecastCoordinator, forecast_store
from .services import async_register_actions

PLATFORMS: list[Platform] = [Platform.BINARY_SENSOR, Platform.SENSOR]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions once, whatever the number of entries."""
    async_register_actions(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: PriceOptimizerConfigEntry) -> bool:
    """Start fetching prices for one source and area."""
    coordinator = PriceCoordinator(hass, entry, build_source(hass, entry))
    await coordinator.async_config_entry_first_refresh()
    forecast = ForecastCoordinator(hass, entry, coordinator, ForecastEngine(hass))
    # A forecast that cannot run reports why in its entities; it never stops the setup.
    await forecast.async_config_entry_first_refresh()
    entry.runtime_data = PriceOptimizerData(coordinator=coordinator, forecast=forecast)
    entry.async_on_unload(entry.add_update_listener(_async_options_updated))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: PriceOptimizerConfigEntry) -> bool:
    """Unload the entry's platforms."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: PriceOptimizerConfigEntry) -> None:
    """Delete the prices and repair issues kept for a removed entry."""
    await price_store(hass, entry.entry_id).async_remove()
    await forecast_store(hass, entry.entry_id).async_remove()
    async_clear_repairs(hass, entry.entry_id)


async def _async_options_updated(hass: HomeAssistant, entry: PriceOptimizerConfigEntry) -> None:
    """Apply new VAT, fee or multiplier by reloading; the held prices come back from the Store."""
    await hass.config_entries.async_reload(entry.entry_id)
