"""Actions with response data, registered once for all entries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import selector
from homeassistant.util import dt as dt_util
import voluptuous as vol

from .const import ATTR_CONFIG_ENTRY, DOMAIN
from .coordinator import PriceOptimizerConfigEntry

SERVICE_GET_PRICES = "get_prices"
SERVICE_GET_FORECAST = "get_forecast"
ATTR_HOURS_AHEAD = "hours_ahead"
ATTR_INCLUDE_BANDS = "include_bands"

GET_PRICES_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY): selector.ConfigEntrySelector({"integration": DOMAIN}),
    }
)


GET_FORECAST_SCHEMA = GET_PRICES_SCHEMA.extend(
    {
        vol.Optional(ATTR_HOURS_AHEAD, default=36): vol.All(
            vol.Coerce(float), vol.Range(min=0.25, max=48)
        ),
        vol.Optional(ATTR_INCLUDE_BANDS, default=True): bool,
    }
)


def _loaded_entry(call: ServiceCall) -> PriceOptimizerConfigEntry:
    entry_id: str = call.data[ATTR_CONFIG_ENTRY]
    entry: PriceOptimizerConfigEntry | None = call.hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="entry_not_found",
            translation_placeholders={"entry_id": entry_id},
        )
    if entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="entry_not_loaded",
            translation_placeholders={"title": entry.title},
        )
    return entry


async def _async_get_prices(call: ServiceCall) -> ServiceResponse:
    entry = _loaded_entry(call)
    prices = entry.runtime_data.coordinator.data.prices
    now = dt_util.now()
    response: dict[str, Any] = {
        "currency": prices.currency,
        "unit": f"{prices.currency}/kWh",
        "today": [slot.as_dict() for slot in prices.local_day_of(now)],
        "tomorrow": [slot.as_dict() for slot in prices.local_day_of(now, 1)],
    }
    return response


async def _async_get_forecast(call: ServiceCall) -> ServiceResponse:
    entry = _loaded_entry(call)
    forecast = entry.runtime_data.forecast
    plan = forecast.price_plan
    now = dt_util.utcnow()
    current = plan.slot_at(now)
    start = current.start if current else now
    slots = []
    for slot in plan.between(start, start + timedelta(hours=call.data[ATTR_HOURS_AHEAD])):
        item = slot.as_dict()
        if not call.data[ATTR_INCLUDE_BANDS]:
            item.pop("lower", None)
            item.pop("upper", None)
        slots.append(item)
    data = forecast.data
    response: dict[str, Any] = {
        "currency": plan.currency,
        "unit": f"{plan.currency}/kWh",
        "forecast_status": data.status,
        "generated_at": data.generated_at.isoformat() if data.generated_at else None,
        "known_until": (end.isoformat() if (end := forecast.prices.data.prices.end) else None),
        "model_version": (
            forecast.engine.forecaster.version if forecast.engine.forecaster else None
        ),
        "runtime": data.runtime,
        "members": list(data.members),
        "slots": slots,
    }
    return response


@callback
def async_register_actions(hass: HomeAssistant) -> None:
    """Register the integration's actions."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_GET_PRICES,
        _async_get_prices,
        schema=GET_PRICES_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_GET_FORECAST,
        _async_get_forecast,
        schema=GET_FORECAST_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
