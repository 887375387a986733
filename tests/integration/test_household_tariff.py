"""The household's tariff in a running entry: totals, parts, changes in place and refusals."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.price_optimizer.const import (
    CONF_FEE_PER_KWH,
    CONF_MULTIPLIER,
    CONF_TARIFF,
    CONF_VAT_PERCENT,
    DOMAIN,
)

CURRENT_PRICE = "sensor.replay_de_lu_current_price"
BILL = {CONF_VAT_PERCENT: 19.0, CONF_FEE_PER_KWH: 0.1, CONF_MULTIPLIER: 1.0}
# A Belgian-style evening peak on every day, from the tariff's first day on.
GRID = {
    "name": "grid",
    "kind": "grid",
    "valid_from": "2026-01-01",
    "base_price": 0.05,
    "bands": [{"price": 0.12, "times": [["17:00", "22:00"]]}],
}


def price_of(hass: HomeAssistant, entity_id: str) -> float:
    state = hass.states.get(entity_id)
    assert state is not None
    return float(state.state)


async def set_options(hass: HomeAssistant, entry: MockConfigEntry, **options: object) -> None:
    hass.config_entries.async_update_entry(entry, options=options)
    await hass.async_block_till_done()


async def test_a_tariff_prices_the_sensors_in_place_with_its_parts(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    runtime = loaded_entry.runtime_data
    market = runtime.coordinator.data.raw.slot_at(dt_util.utcnow())
    assert market is not None
    assert price_of(hass, CURRENT_PRICE) == pytest.approx(market.price, abs=1e-5)

    await set_options(
        hass, loaded_entry, **BILL, **{CONF_TARIFF: {"source": "manual", "components": [GRID]}}
    )
    assert loaded_entry.runtime_data is runtime
    # 14:07 Berlin: outside the evening band.
    total = (market.price + 0.1 + 0.05) * 1.19
    assert price_of(hass, CURRENT_PRICE) == pytest.approx(total, abs=1e-5)
    attributes = hass.states.get(CURRENT_PRICE).attributes  # type: ignore[union-attr]
    assert attributes["market_price"] == pytest.approx(market.price, abs=1e-5)
    assert attributes["components"] == {"supplier_fee": 0.1, "grid": 0.05}
    assert attributes["vat"] == pytest.approx((market.price + 0.15) * 0.19, abs=1e-5)
    assert attributes["today"][0]["price"] != runtime.coordinator.data.raw.slots[0].price

    response = await hass.services.async_call(
        DOMAIN,
        "get_prices",
        {"config_entry": loaded_entry.entry_id},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    evening = next(
        part
        for part in response["parts"]["today"]  # type: ignore[union-attr]
        if dt_util.as_local(dt_util.parse_datetime(part["start"])).hour == 18  # type: ignore[index, arg-type]
    )
    assert evening["components"] == {"supplier_fee": 0.1, "grid": 0.12}
    assert evening["total"] == pytest.approx(
        (evening["market"] + 0.22) * 1.19  # type: ignore[index, operator]
    )
    assert len(response["parts"]["tomorrow"]) == 24  # type: ignore[index, arg-type]

    # The next slot's parts show on the next-price sensor; planning uses the same totals.
    next_state = hass.states.get("sensor.replay_de_lu_next_slot_price")
    assert next_state is not None
    assert next_state.attributes["components"]["grid"] == 0.05
    plan = runtime.planner.price_plan()
    assert plan.slot_at(dt_util.utcnow()).price == pytest.approx(total)  # type: ignore[union-attr]

    freezer.tick(timedelta(hours=4))
    await set_options(hass, loaded_entry, **BILL)
    assert price_of(hass, CURRENT_PRICE) != pytest.approx(total, abs=1e-5)


async def test_refused_tariff_options_fall_back_and_raise_a_repair_issue(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    market = loaded_entry.runtime_data.coordinator.data.raw.slot_at(dt_util.utcnow())
    assert market is not None
    broken = {"source": "manual", "components": [{**GRID, "valid_from": None}]}
    await set_options(hass, loaded_entry, **BILL, **{CONF_TARIFF: broken})

    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"tariff_invalid_{loaded_entry.entry_id}")
    assert issue is not None
    assert issue.translation_key == "tariff_invalid"
    assert issue.translation_placeholders["code"] == "validity_missing"  # type: ignore[index]
    # VAT, fee and multiplier still apply.
    assert price_of(hass, CURRENT_PRICE) == pytest.approx((market.price + 0.1) * 1.19, abs=1e-5)

    await set_options(hass, loaded_entry, **BILL)
    assert (
        ir.async_get(hass).async_get_issue(DOMAIN, f"tariff_invalid_{loaded_entry.entry_id}")
        is None
    )


async def test_a_preset_in_another_currency_is_refused(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    preset = {"source": "preset", "preset": {"region": "norway", "id": "no_bkk"}}
    await set_options(hass, loaded_entry, **BILL, **{CONF_TARIFF: preset})
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"tariff_invalid_{loaded_entry.entry_id}")
    assert issue is not None
    assert "currency" in issue.translation_placeholders["details"]  # type: ignore[index]
