"""A Danish household's Datahub tariff: fetched on setup, kept across an outage, expiry repaired."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.price_optimizer import household_prices
from custom_components.price_optimizer.const import CONF_TARIFF, CONF_VAT_PERCENT, DOMAIN
from custom_components.price_optimizer.core.prices import PriceSeries
from custom_components.price_optimizer.core.sources.replay import ReplaySource
from custom_components.price_optimizer.core.tariffs.energidataservice_client import (
    household_queries,
)
from tests.local_api import LocalApi, Reply

from ..conftest import AFTERNOON, replay_entry
from .helpers import FAST

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures/energidataservice_tariffs"
PATH = "/dataset/DatahubPricelist"
N1 = "5790001089030"
CURRENT_PRICE = "sensor.replay_dk1_current_price"
OPTIONS = {
    CONF_VAT_PERCENT: 25.0,
    CONF_TARIFF: {
        "source": "energidataservice",
        "grid_company": {"gln": N1, "name": "N1 A/S", "charge_codes": ["CD", "CD R"]},
        "holiday_country": "DK",
    },
}
# 14:07 in Copenhagen on 2026-11-24: N1's day tariff and Energinet's charges of 2026.
CHARGES = {
    f"CD ({N1})": 0.330349,
    f"CD R ({N1})": 0.0,
    "41000 (5790000432752)": 0.054,
    "40000 (5790000432752)": 0.043,
    "EA-001 (5790000432752)": 0.761,
}


def serve(api: LocalApi, grid_reply: str = "GridTariffs.json", status: int = 200) -> None:
    grid, system, transmission, tax = household_queries(N1, ["CD", "CD R"])
    for query, name in (
        (grid, grid_reply),
        (system, "SystemTariffs.json"),
        (transmission, "TransmissionGridTariffs.json"),
        (tax, "ElectricityTaxes.json"),
    ):
        api.reply(
            PATH, Reply(status=status, body=(FIXTURES / name).read_text()), query={"filter": query}
        )


@pytest.fixture
def danish_market(api: LocalApi) -> Any:
    """The replayed DK1 market in DKK, and Datahub answering on the local server."""
    original = ReplaySource.async_fetch

    async def in_dkk(source: ReplaySource, start: datetime, end: datetime) -> PriceSeries:
        series = await original(source, start, end)
        return PriceSeries(series.slots, "DKK")

    with (
        patch.object(ReplaySource, "async_fetch", autospec=True, side_effect=in_dkk),
        patch.object(household_prices, "DATAHUB_URL", api.url(PATH)),
        patch.object(household_prices, "DATAHUB_POLICY", FAST),
    ):
        yield


async def set_up(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> MockConfigEntry:
    await hass.config.async_set_time_zone("Europe/Copenhagen")
    freezer.move_to(AFTERNOON)
    entry = replay_entry("DK1")
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, options=OPTIONS)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    return entry


async def test_the_fetched_tariff_prices_the_sensor_and_survives_an_outage(
    hass: HomeAssistant,
    api: LocalApi,
    danish_market: None,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    serve(api)
    entry = await set_up(hass, freezer)
    state = hass.states.get(CURRENT_PRICE)
    assert state is not None
    assert state.attributes["components"] == pytest.approx(CHARGES)
    market = state.attributes["market_price"]
    assert float(state.state) == pytest.approx((market + sum(CHARGES.values())) * 1.25, abs=1e-4)
    assert len(api.requests_to(PATH)) == 4
    stored = hass_storage[f"{DOMAIN}.{entry.entry_id}"]["data"]["datahub"]
    assert stored["gln"] == N1
    assert ir.async_get(hass).async_get_issue(DOMAIN, f"tariff_expired_{entry.entry_id}") is None

    # Restarted during a Datahub outage: the stored charges still price the slots.
    assert await hass.config_entries.async_unload(entry.entry_id)
    serve(api, status=503)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    again = hass.states.get(CURRENT_PRICE)
    assert again is not None
    assert again.attributes["components"] == pytest.approx(CHARGES)
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_an_expired_tariff_raises_a_repair_issue(
    hass: HomeAssistant, api: LocalApi, danish_market: None, freezer: FrozenDateTimeFactory
) -> None:
    """NetTariffs.json holds only N1's tariff that ended on 2023-04-01."""
    serve(api, "NetTariffs.json")
    entry = await set_up(hass, freezer)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"tariff_expired_{entry.entry_id}")
    assert issue is not None
    assert issue.translation_key == "tariff_expired"
    assert issue.translation_placeholders == {
        "title": "Replay DK1",
        "charges": f"CD ({N1})",
        "since": "2023-04-01",
    }
    state = hass.states.get(CURRENT_PRICE)
    assert state is not None
    assert f"CD ({N1})" not in state.attributes["components"]
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_an_electrically_heated_home_pays_the_reduced_tax_fetched_when_chosen(
    hass: HomeAssistant,
    api: LocalApi,
    danish_market: None,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    serve(api)
    *_, reduced = household_queries(N1, ["CD", "CD R"], reduced_tax=True)
    api.reply(
        PATH,
        Reply(body=(FIXTURES / "ReducedElectricityTaxes.json").read_text()),
        query={"filter": reduced},
    )
    entry = await set_up(hass, freezer)
    assert len(api.requests_to(PATH)) == 4

    tariff = OPTIONS[CONF_TARIFF]
    company = {**tariff["grid_company"], "reduced_electricity_tax": True}
    hass.config_entries.async_update_entry(
        entry, options={**OPTIONS, CONF_TARIFF: {**tariff, "grid_company": company}}
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    # The choice is a different tariff: fetched at once, the reduced rate instead of the full one.
    assert len(api.requests_to(PATH)) == 8
    state = hass.states.get(CURRENT_PRICE)
    assert state is not None
    charges = {**CHARGES, "EA-002 (5790000432752)": 0.008}
    del charges["EA-001 (5790000432752)"]
    assert state.attributes["components"] == pytest.approx(charges)
    assert hass_storage[f"{DOMAIN}.{entry.entry_id}"]["data"]["datahub"]["reduced_tax"] is True
    assert await hass.config_entries.async_unload(entry.entry_id)
