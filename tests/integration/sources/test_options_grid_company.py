"""A Danish grid company picked in the options from the list Datahub answers over real HTTP."""

from __future__ import annotations

from datetime import datetime
import json
from pathlib import Path
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.price_optimizer.const import CONF_TARIFF, DOMAIN
from custom_components.price_optimizer.core.tariffs import energidataservice_client
from tests.local_api import LocalApi, Reply

from ..options import open_options_step

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures/energidataservice_tariffs"
PATH = "/dataset/DatahubPricelist"
N1 = "5790001089030"
PRICES = {"vat_percent": 25.0, "fee_per_kwh": 0.0, "multiplier": 1.0}


def grid_tariffs() -> str:
    return (FIXTURES / "GridTariffs.json").read_text()


def no_records() -> str:
    reply = json.loads(grid_tariffs())
    return json.dumps({**reply, "total": 0, "records": []})


@pytest.fixture
def entry(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> MockConfigEntry:
    freezer.move_to(datetime(2026, 3, 10, 12, tzinfo=ZoneInfo("Europe/Copenhagen")))
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Energi Data Service DK1",
        data={"source": "energidataservice", "area": "DK1", "currency": "DKK"},
        options=PRICES,
    )
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
def datahub(api: LocalApi, monkeypatch: pytest.MonkeyPatch) -> LocalApi:
    monkeypatch.setattr(energidataservice_client, "DATAHUB_URL", api.url(PATH))
    return api


async def open_grid_company(hass: HomeAssistant, entry: MockConfigEntry) -> FlowResult:
    result = await open_options_step(hass, entry, "grid_tariff")
    return await hass.config_entries.options.async_configure(
        result["flow_id"], {"tariff_source": "energidataservice"}
    )


async def test_a_grid_company_and_its_charge_codes_are_stored(
    hass: HomeAssistant, entry: MockConfigEntry, datahub: LocalApi
) -> None:
    datahub.reply(PATH, Reply(body=grid_tariffs()))
    result = await open_grid_company(hass, entry)
    assert result["step_id"] == "grid_company"
    assert result["errors"] is None
    # A year back from today lists every company still issuing tariffs.
    assert datahub.requests_to(PATH)[0].query["start"] == "2025-03-10"

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"grid_company": N1}
    )
    assert result["step_id"] == "grid_charges"
    # Not running, the entry has no prices whose currency could differ.
    assert result["description_placeholders"] == {
        "company": N1,
        "tariff_currency": "DKK",
        "currency": "DKK",
    }
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"charge_codes": []}
    )
    assert result["errors"] == {"charge_codes": "charge_codes_missing"}
    assert entry.options == PRICES

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"charge_codes": ["CD"]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {
        **PRICES,
        CONF_TARIFF: {
            "source": "energidataservice",
            "grid_company": {
                "gln": N1,
                "name": None,
                "charge_codes": ["CD"],
                "reduced_electricity_tax": False,
            },
            "holiday_country": "DK",
        },
    }


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (Reply(status=503, body="down"), "cannot_connect"),
        (Reply(body='{"records": "not a list"}'), "invalid_data"),
        (Reply(body=no_records()), "no_grid_companies"),
    ],
)
async def test_a_failed_fetch_is_a_form_error_and_can_be_retried(
    hass: HomeAssistant, entry: MockConfigEntry, datahub: LocalApi, reply: Reply, error: str
) -> None:
    datahub.reply(PATH, reply)
    result = await open_grid_company(hass, entry)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "grid_company"
    assert result["errors"] == {"base": error}
    assert entry.options == PRICES

    datahub.reply(PATH, Reply(body=grid_tariffs()))
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["step_id"] == "grid_company"
    assert not result["errors"]


async def test_the_stored_company_and_codes_are_proposed_again(
    hass: HomeAssistant, entry: MockConfigEntry, datahub: LocalApi
) -> None:
    hass.config_entries.async_update_entry(
        entry,
        options={
            **PRICES,
            CONF_TARIFF: {
                "source": "energidataservice",
                "grid_company": {
                    "gln": N1,
                    "name": None,
                    "charge_codes": ["CD R"],
                    "reduced_electricity_tax": True,
                },
                "holiday_country": "DK",
            },
        },
    )
    datahub.reply(PATH, Reply(body=grid_tariffs()))
    result = await open_grid_company(hass, entry)
    marker = next(key for key in result["data_schema"].schema if key == "grid_company")
    assert marker.default() == N1
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"grid_company": N1}
    )
    marker = next(key for key in result["data_schema"].schema if key == "charge_codes")
    assert marker.description == {"suggested_value": ["CD R"]}
    marker = next(key for key in result["data_schema"].schema if key == "reduced_electricity_tax")
    assert marker.description == {"suggested_value": True}


async def test_danish_charges_cannot_be_added_to_prices_in_another_currency(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, datahub: LocalApi
) -> None:
    datahub.reply(PATH, Reply(body=grid_tariffs()))
    result = await open_grid_company(hass, loaded_entry)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"grid_company": N1}
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"charge_codes": ["CD"]}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "currency_mismatch"}
    assert result["description_placeholders"] == {
        "company": N1,
        "tariff_currency": "DKK",
        "currency": "EUR",
    }
    assert CONF_TARIFF not in loaded_entry.options
