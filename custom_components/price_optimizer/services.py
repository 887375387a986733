"""Actions with response data, registered once for all entries."""

from __future__ import annotations

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

GET_PRICES_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY): selector.ConfigEntrySelector({"integration": DOMAIN}),
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
