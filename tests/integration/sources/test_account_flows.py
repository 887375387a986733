"""Sources with accounts, tariffs or no fields, set up through the UI over real HTTP."""

from __future__ import annotations

from datetime import datetime
import json

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.price_optimizer.const import DOMAIN
from custom_components.price_optimizer.core.sources import amber, comed, octopus, tariffs, tibber
from tests.local_api import LocalApi, Reply
from tests.payloads import json_payload, payload

from .helpers import fast_http, field_names, open_source_step, start_reconfigure

# Tibber's homes query as its schema defines it (viewer.homes: id, appNickname, address);
# no recorded reply exists, so two homes are described here.
TIBBER_HOMES = {
    "data": {
        "viewer": {
            "homes": [
                {"id": "home-cabin", "appNickname": "Cabin", "address": {}},
                {"id": "home-flat", "appNickname": None, "address": {"address1": "Storgatan 1"}},
            ]
        }
    }
}


async def prepare(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch, source: str, zone: str
) -> None:
    await hass.config.async_set_time_zone(zone)
    fast_http(monkeypatch, source)


async def test_octopus_product_and_region(
    hass: HomeAssistant,
    api: LocalApi,
    monkeypatch: pytest.MonkeyPatch,
    freezer: FrozenDateTimeFactory,
) -> None:
    await prepare(hass, monkeypatch, "octopus", "Europe/London")
    monkeypatch.setattr(octopus, "API_URL", api.url("/v1"))
    path = "/v1/products/VAR-17-01-11/electricity-tariffs/E-1R-VAR-17-01-11-C/standard-unit-rates/"
    api.reply(
        path,
        Reply(
            body=payload(
                "octopus",
                "standard-unit-rates_E-1R-VAR-17-01-11_history_keysorted_markallanson.json",
            )
        ),
    )
    freezer.move_to(datetime.fromisoformat("2025-06-02T10:00:00+01:00"))

    result = await open_source_step(hass, "octopus")
    assert field_names(result) == {"product_code", "region"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"product_code": "VAR-17-01-11", "region": "C"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Octopus E-1R-VAR-17-01-11-C"
    assert result["result"].unique_id == "octopus_VAR-17-01-11_C"
    await hass.async_block_till_done()
    state = hass.states.get("sensor.octopus_e_1r_var_17_01_11_c_current_price")
    assert state.attributes["unit_of_measurement"] == "GBP/kWh"
    assert float(state.state) == pytest.approx(0.21672)
    assert len(state.attributes["today"]) == 48

    api.reply(
        "/v1/products/NOPE/electricity-tariffs/E-1R-NOPE-C/standard-unit-rates/",
        Reply(404, body='{"detail":"Not found."}'),
    )
    result = await open_source_step(hass, "octopus")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"product_code": "NOPE", "region": "C"}
    )
    assert result["errors"] == {"base": "refused"}


async def test_tibber_token_then_home_then_reauth(
    hass: HomeAssistant,
    api: LocalApi,
    monkeypatch: pytest.MonkeyPatch,
    freezer: FrozenDateTimeFactory,
) -> None:
    await prepare(hass, monkeypatch, "tibber", "Europe/Stockholm")
    monkeypatch.setattr(tibber, "API_URL", api.url("/gql"))
    freezer.move_to(datetime.fromisoformat("2025-10-01T10:00:00+02:00"))
    api.reply("/gql", Reply(401, body="unauthorized"))

    result = await open_source_step(hass, "tibber")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"access_token": "wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}

    # Both queries go to one path: the homes query is answered first, then prices.
    api.reply(
        "/gql",
        Reply(body=json.dumps(TIBBER_HOMES)),
        Reply(body=payload("tibber", "CONSTRUCTED_priceInfo_SE3_2025-10-01_quarter-hours.json")),
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"access_token": "good"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "tibber_home"
    options = result["data_schema"].schema["home_id"].config["options"]
    assert options == [
        {"value": "home-cabin", "label": "Cabin"},
        {"value": "home-flat", "label": "Storgatan 1"},
    ]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"home_id": "home-flat"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Tibber Storgatan 1"
    assert result["data"] == {"source": "tibber", "access_token": "good", "home_id": "home-flat"}
    entry = result["result"]
    await hass.async_block_till_done()
    assert float(hass.states.get("sensor.tibber_storgatan_1_current_price").state) > 0

    api.reply(
        "/gql",
        Reply(
            200,
            body=json.dumps(
                {"errors": [{"message": "x", "extensions": {"code": "UNAUTHENTICATED"}}]}
            ),
        ),
    )
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    api.reply(
        "/gql",
        Reply(body=payload("tibber", "CONSTRUCTED_priceInfo_SE3_2025-10-01_quarter-hours.json")),
    )
    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {"access_token": "renewed"}
    )
    assert result["reason"] == "reauth_successful"
    assert entry.data["access_token"] == "renewed"
    # Let the reload the renewed credential triggers finish before the test ends.
    await hass.async_block_till_done()


async def test_amber_single_site_is_chosen_without_asking(
    hass: HomeAssistant,
    api: LocalApi,
    monkeypatch: pytest.MonkeyPatch,
    freezer: FrozenDateTimeFactory,
) -> None:
    await prepare(hass, monkeypatch, "amber", "Australia/Sydney")
    monkeypatch.setattr(amber, "API_URL", api.url("/v1"))
    api.reply("/v1/sites", Reply(body=payload("amber", "SCHEMA-EXAMPLE_sites.json")))
    api.reply(
        "/v1/sites/01F5A5CRKMZ5BCX9P1S4V990AM/prices",
        Reply(body=payload("amber", "SCHEMA-EXAMPLE_prices_one-interval_two-channels.json")),
    )
    freezer.move_to(datetime.fromisoformat("2021-05-05T02:10:00+00:00"))
    result = await open_source_step(hass, "amber")
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"api_key": "key"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Amber 3052282872 (Jemena)"
    assert result["result"].unique_id == "amber_01F5A5CRKMZ5BCX9P1S4V990AM"
    await hass.async_block_till_done()
    state = hass.states.get("sensor.amber_3052282872_jemena_current_price")
    assert float(state.state) == pytest.approx(0.2433)
    assert state.attributes["unit_of_measurement"] == "AUD/kWh"

    result = await start_reconfigure(hass, result["result"].entry_id)
    assert result["step_id"] == "amber"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"api_key": "key2"})
    assert result["reason"] == "reconfigure_successful"
    # The entry reloads with the new key; let it finish before the test ends.
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_an_account_without_places_cannot_be_added(
    hass: HomeAssistant, api: LocalApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    await prepare(hass, monkeypatch, "amber", "Australia/Sydney")
    monkeypatch.setattr(amber, "API_URL", api.url("/v1"))
    api.reply("/v1/sites", Reply(body="[]"))
    result = await open_source_step(hass, "amber")
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"api_key": "key"})
    assert result["errors"] == {"base": "no_places"}


async def test_comed_needs_no_fields(
    hass: HomeAssistant,
    api: LocalApi,
    monkeypatch: pytest.MonkeyPatch,
    freezer: FrozenDateTimeFactory,
) -> None:
    await prepare(hass, monkeypatch, "comed", "America/Chicago")
    monkeypatch.setattr(comed, "API_URL", api.url("/api"))
    api.reply(
        "/api", Reply(body=payload("comed", "CONSTRUCTED_5minutefeed_2017-03-12_DST-spring.json"))
    )
    freezer.move_to(datetime.fromisoformat("2017-03-12T12:10:00-05:00"))
    result = await open_source_step(hass, "comed")
    assert field_names(result) == set()
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "ComEd Hourly Pricing"
    await hass.async_block_till_done()
    state = hass.states.get("sensor.comed_hourly_pricing_current_price")
    assert state.attributes["unit_of_measurement"] == "USD/kWh"
    coordinator = result["result"].runtime_data.coordinator
    # A rolling source is read half a minute after each five-minute boundary.
    assert coordinator.next_fetch == datetime.fromisoformat("2017-03-12T12:10:30-05:00")


async def test_flatpeak_host_is_configurable(
    hass: HomeAssistant,
    api: LocalApi,
    monkeypatch: pytest.MonkeyPatch,
    freezer: FrozenDateTimeFactory,
) -> None:
    await prepare(hass, monkeypatch, "flatpeak", "Europe/London")
    api.reply("/v2/login", Reply(body=payload("flatpeak", "SCHEMA-EXAMPLE_login.json")))
    api.reply(
        "/v2/tariffs/rates/loc_65e42ce4d3b813479b252160",
        Reply(body=payload("flatpeak", "SCHEMA-EXAMPLE_tariff_rate.json")),
    )
    freezer.move_to(datetime.fromisoformat("2022-12-28T01:10:00+00:00"))
    result = await open_source_step(hass, "flatpeak")
    defaults = {
        str(key): key.default() for key in result["data_schema"].schema if callable(key.default)
    }
    assert defaults == {"host": "https://api.flatpeak.com"}
    user_input = {
        "host": api.url("/v2"),
        "account_id": "acc_661677911f2197045e6cf1b1",
        "api_key": "sk_test",
        "location_id": "loc_65e42ce4d3b813479b252160",
    }
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Flatpeak loc_65e42ce4d3b813479b252160"
    assert api.requests_to("/v2/login")


async def test_nrel_defaults_to_the_home_location(
    hass: HomeAssistant,
    api: LocalApi,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await prepare(hass, monkeypatch, "nrel", "America/New_York")
    monkeypatch.setattr(tariffs, "NREL_URL", api.url("/v3.json"))
    api.reply(
        "/v3.json",
        Reply(
            body=payload(
                "nrel_utility_rates",
                "DOCS-EXAMPLE_utility_rates_v3.json_lat35.45_lon-82.98_two-utilities.json",
            )
        ),
    )
    result = await open_source_step(hass, "nrel")
    defaults = {
        str(key): key.default() for key in result["data_schema"].schema if callable(key.default)
    }
    assert defaults["latitude"] == hass.config.latitude
    assert defaults["sector"] == "residential"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"api_key": "DEMO_KEY", "latitude": 35.45, "longitude": -82.98, "sector": "residential"},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == "nrel_35.45_-82.98_residential"
    await hass.async_block_till_done()
    assert float(hass.states.get("sensor.nrel_residential_current_price").state) == pytest.approx(
        0.123
    )


async def test_urdb_rate_by_label(
    hass: HomeAssistant,
    api: LocalApi,
    monkeypatch: pytest.MonkeyPatch,
    freezer: FrozenDateTimeFactory,
) -> None:
    await prepare(hass, monkeypatch, "urdb", "America/Los_Angeles")
    monkeypatch.setattr(tariffs, "URDB_URL", api.url("/utility_rates"))
    item = json_payload(
        "openei_urdb", "item_56bbe2205457a34d2a8b456a_SCE_TOU-8_commercial_reopt.json"
    )
    api.reply("/utility_rates", Reply(body=json.dumps({"items": [item]})))
    freezer.move_to(datetime.fromisoformat("2025-07-15T12:30:00-07:00"))
    result = await open_source_step(hass, "urdb")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_key": "key", "rate_label": "56bbe2205457a34d2a8b456a"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    state = hass.states.get("sensor.urdb_56bbe2205457a34d2a8b456a_current_price")
    assert float(state.state) == pytest.approx(0.13943)
    assert len(state.attributes["tomorrow"]) == 24

    api.reply("/utility_rates", Reply(body='{"items": []}'))
    result = await open_source_step(hass, "urdb")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_key": "key", "rate_label": "unknown"}
    )
    assert result["errors"] == {"base": "refused"}
