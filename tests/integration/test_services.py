"""The get_prices action: response data and translated errors."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.price_optimizer.const import DOMAIN
from custom_components.price_optimizer.precision import (
    MONEY_DECIMALS,
    PRICE_DECIMALS,
    money,
    price,
    rounded,
)
from custom_components.price_optimizer.sensor import APPLIANCE_SENSORS, FORECAST_SENSORS, SENSORS
from tests.translations import TRANSLATIONS

from .conftest import AFTERNOON, replay_entry


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


def decimals(value: float) -> int:
    """Return how many decimals the shortest text of ``value`` has."""
    text = repr(value)
    return len(text.split(".")[1]) if "." in text else 0


async def test_prices_with_vat_carry_no_float_noise(
    hass: HomeAssistant, berlin: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    entry = replay_entry()
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, options={"vat_percent": 19.0, "fee_per_kwh": 0.1, "multiplier": 1.0}
    )
    freezer.move_to(AFTERNOON)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    response = await hass.services.async_call(
        DOMAIN, "get_prices", {"config_entry": entry.entry_id}, blocking=True, return_response=True
    )
    prices = [slot["price"] for slot in [*response["today"], *response["tomorrow"]]]
    assert max(decimals(price) for price in prices) <= PRICE_DECIMALS
    # The same series as the household pays it, to a hundred-thousandth.
    raw = entry.runtime_data.coordinator.data.prices
    assert prices[0] == round(next(iter(raw.local_day_of(AFTERNOON))).price, PRICE_DECIMALS)
    state = hass.states.get("sensor.replay_de_lu_current_price")
    assert state is not None
    assert decimals(float(state.state)) <= PRICE_DECIMALS
    assert state.attributes["today"] == response["today"]
    for key in ("today_s_average_price", "next_slot_price"):
        other = hass.states.get(f"sensor.replay_de_lu_{key}")
        assert other is not None
        assert decimals(float(other.state)) <= PRICE_DECIMALS


def test_every_action_that_answers_prices_or_money_states_their_precision() -> None:
    services = TRANSLATIONS["services"]
    for action in ("get_prices", "get_forecast", "find_cheapest_window", "estimate_savings"):
        assert f"{PRICE_DECIMALS} decimals" in services[action]["description"], action
    for action in ("find_cheapest_window", "estimate_savings", "get_plan"):
        assert f"{MONEY_DECIMALS} decimals" in services[action]["description"], action


def test_every_price_and_money_sensor_suggests_a_display_precision() -> None:
    described = [*SENSORS, *FORECAST_SENSORS]
    priced = [d for d in described if d.priced and d.device_class is None]
    monetary = [d for d in APPLIANCE_SENSORS if d.monetary]
    assert priced
    assert monetary
    assert all(d.suggested_display_precision is not None for d in [*priced, *monetary])


def test_an_amount_that_rounds_to_nothing_reads_zero_not_minus_zero() -> None:
    # A plan a hundred-thousandth dearer than starting now saves "0.00", never "-0.00".
    assert str(money(-0.00001)) == "0.0"
    assert str(price(-0.000001)) == "0.0"
    assert rounded({"savings": -0.00001, "cost": -0.5}) == {"savings": 0.0, "cost": -0.5}
    assert money(-0.00006) == -0.0001
