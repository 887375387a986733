"""The get_prices action: response data and translated errors."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.price_optimizer.const import DOMAIN

from .conftest import replay_entry


async def test_get_prices_returns_today_and_tomorrow(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    response = await hass.services.async_call(
        DOMAIN,
        "get_prices",
        {"config_entry": loaded_entry.entry_id},
        blocking=True,
        return_response=True,
    )
    assert len(response["today"]) == 24
    assert len(response["tomorrow"]) == 24
    state = hass.states.get("sensor.replay_de_lu_current_price")
    assert response["today"] == state.attributes["today"]
    assert response["currency"] == "EUR"
    assert response["unit"] == "EUR/kWh"
    assert response["today"][0] == {
        "start": "2026-11-23T23:00:00+00:00",
        "end": "2026-11-24T00:00:00+00:00",
        "price": 0.11367,
        "origin": "market",
    }
    assert response["tomorrow"][-1]["end"] == "2026-11-25T23:00:00+00:00"


async def test_get_prices_rejects_an_unknown_entry(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "get_prices", {"config_entry": "nope"}, blocking=True, return_response=True
        )
    assert err.value.translation_key == "entry_not_found"


async def test_get_prices_rejects_an_entry_that_is_not_loaded(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    other = replay_entry("NL")
    other.add_to_hass(hass)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "get_prices",
            {"config_entry": other.entry_id},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "entry_not_loaded"
    assert err.value.translation_placeholders == {"title": "Replay NL"}
