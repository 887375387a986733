"""ENTSO-E in Home Assistant: setup, errors, reauth, reconfigure and outages over real HTTP."""

from __future__ import annotations

from datetime import datetime, timedelta
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.price_optimizer.const import DOMAIN, SOURCE_ENTSOE
from custom_components.price_optimizer.core.sources import entsoe
from tests.local_api import LocalApi, Reply
from tests.payloads import payload

from .helpers import fast_http, field_names, open_source_step, select_options

DE_LU = payload("entsoe", "a44_DE-LU_2025-10-31_to_11-01_PT15M_A03_two-sequences_openhab.xml")
NL = payload("entsoe", "a44_NL_2025-04-02_PT60M_A03_gap-pos21_negative-prices_jarvis.xml")
NO_DATA = payload("entsoe", "ack_999_no-matching-data_NL_2023-02-20_jarvis.xml")
# Friday 31 October 2025, after publication: the DE-LU file holds that day and the next.
AFTERNOON = datetime.fromisoformat("2025-10-31T14:10:00+01:00")
CURRENT_PRICE = "sensor.entso_e_de_lu_current_price"
TOKEN = "good-token"


@pytest.fixture(autouse=True)
async def entsoe_api(
    hass: HomeAssistant, api: LocalApi, monkeypatch: pytest.MonkeyPatch
) -> LocalApi:
    """Send ENTSO-E traffic to the local server, answering with the DE-LU reply."""
    await hass.config.async_set_time_zone("Europe/Berlin")
    monkeypatch.setattr(entsoe, "API_URL", api.url("/api"))
    fast_http(monkeypatch, SOURCE_ENTSOE)
    api.reply("/api", Reply(body=DE_LU, content_type="text/xml"))
    return api


def entsoe_entry(area: str = "DE-LU", token: str = TOKEN) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        title=f"ENTSO-E {area}",
        unique_id=f"entsoe_{area}",
        data={"source": "entsoe", "security_token": token, "area": area},
    )


async def test_user_sets_up_entsoe_after_a_live_check(
    hass: HomeAssistant, entsoe_api: LocalApi, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(AFTERNOON)
    result = await open_source_step(hass, "entsoe")
    assert field_names(result) == {"security_token", "area"}
    areas = select_options(result, "area")
    assert areas == sorted(entsoe.AREAS)
    assert "DE-LU" in areas
    assert "SE3" in areas

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"security_token": "good-token", "area": "DE-LU"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "ENTSO-E DE-LU"
    assert result["data"] == {"source": "entsoe", "security_token": "good-token", "area": "DE-LU"}
    assert result["result"].unique_id == "entsoe_DE-LU"
    check = entsoe_api.requests_to("/api")[0].query
    assert check["securityToken"] == "good-token"
    assert check["in_Domain"] == "10Y1001A1001A82H"
    await hass.async_block_till_done()
    assert float(hass.states.get(CURRENT_PRICE).state) > 0


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (Reply(401, body="Unauthorized"), "invalid_auth"),
        (Reply(503), "cannot_connect"),
        (Reply(body=NO_DATA, content_type="text/xml"), "no_prices"),
        (Reply(400, body="<html>bad request</html>"), "refused"),
        (Reply(body=DE_LU[:3000], content_type="text/xml"), "invalid_data"),
    ],
)
async def test_setup_errors_are_shown_on_the_form_and_can_be_corrected(
    hass: HomeAssistant,
    entsoe_api: LocalApi,
    freezer: FrozenDateTimeFactory,
    reply: Reply,
    error: str,
) -> None:
    freezer.move_to(AFTERNOON)
    entsoe_api.reply("/api", reply)
    result = await open_source_step(hass, "entsoe")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"security_token": "token", "area": "DE-LU"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}

    entsoe_api.reply("/api", Reply(body=DE_LU, content_type="text/xml"))
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"security_token": "token", "area": "DE-LU"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_the_same_zone_cannot_be_added_twice(
    hass: HomeAssistant, entsoe_api: LocalApi
) -> None:
    entsoe_entry().add_to_hass(hass)
    result = await open_source_step(hass, "entsoe")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"security_token": "other", "area": "DE-LU"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entsoe_api.requests_to("/api") == []


async def test_a_rejected_token_starts_reauth_and_a_new_token_resumes(
    hass: HomeAssistant, entsoe_api: LocalApi, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(AFTERNOON)
    entry = entsoe_entry(token="expired")
    entry.add_to_hass(hass)
    entsoe_api.reply("/api", Reply(401, body="Unauthorized"))
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    # Exactly one request: an auth failure is not retried.
    assert len(entsoe_api.requests_to("/api")) == 1

    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {"security_token": "still-wrong"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert result["errors"] == {"base": "invalid_auth"}

    entsoe_api.reply("/api", Reply(body=DE_LU, content_type="text/xml"))
    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {"security_token": "renewed"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert entry.data["security_token"] == "renewed"
    assert entry.state is ConfigEntryState.LOADED
    assert entsoe_api.requests_to("/api")[-1].query["securityToken"] == "renewed"


async def test_reconfigure_moves_the_entry_to_another_zone(
    hass: HomeAssistant, entsoe_api: LocalApi, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(AFTERNOON)
    entry = entsoe_entry()
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "entsoe"
    defaults = {str(key): key.default() for key in result["data_schema"].schema}
    assert defaults == {"security_token": "good-token", "area": "DE-LU"}

    freezer.move_to(datetime.fromisoformat("2025-04-02T14:10:00+02:00"))
    entsoe_api.reply("/api", Reply(body=NL, content_type="text/xml"))
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"security_token": "good-token", "area": "NL"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.unique_id == "entsoe_NL"
    assert entry.title == "ENTSO-E NL"
    assert entry.data["area"] == "NL"
    assert entsoe_api.requests_to("/api")[-1].query["in_Domain"] == "10YNL----------L"


async def test_reconfigure_cannot_take_a_zone_set_up_elsewhere(
    hass: HomeAssistant, entsoe_api: LocalApi
) -> None:
    entry = entsoe_entry()
    entry.add_to_hass(hass)
    entsoe_entry("NL").add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"security_token": "good-token", "area": "NL"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data["area"] == "DE-LU"


async def test_malformed_payload_keeps_good_prices_and_is_logged_once(
    hass: HomeAssistant,
    entsoe_api: LocalApi,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    freezer.move_to(AFTERNOON)
    entry = entsoe_entry()
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    coordinator = entry.runtime_data.coordinator
    held = coordinator.data.raw
    price = hass.states.get(CURRENT_PRICE).state

    entsoe_api.reply("/api", Reply(body=DE_LU.replace("<price.amount>63.5<", "<price.amount>x<")))
    for _ in range(2):
        await coordinator.async_refresh()
    assert caplog.text.count("sent data that could not be read") == 1
    assert "expected a number" in caplog.text
    assert coordinator.data.raw == held
    assert hass.states.get(CURRENT_PRICE).state == price
    assert coordinator.data.source_available is False

    entsoe_api.reply("/api", Reply(body=DE_LU, content_type="text/xml"))
    await coordinator.async_refresh()
    assert caplog.text.count("is available again") == 1


async def test_a_lasting_outage_raises_a_repair_issue_that_clears_on_recovery(
    hass: HomeAssistant,
    entsoe_api: LocalApi,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    freezer.move_to(AFTERNOON)
    entry = entsoe_entry()
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    # The forecast's history backfill asks the source too: let it finish before the outage.
    await hass.async_block_till_done(wait_background_tasks=True)
    coordinator = entry.runtime_data.coordinator
    issue_id = f"source_unavailable_{entry.entry_id}"

    entsoe_api.reply("/api", Reply(503))
    await coordinator.async_refresh()
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
    freezer.tick(timedelta(hours=3, minutes=1))
    await coordinator.async_refresh()
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_key == "source_unavailable"
    assert "HTTP 503" in issue.translation_placeholders["error"]
    assert "good-token" not in caplog.text
    # Prices of the day are still held: entities stay available.
    assert hass.states.get(CURRENT_PRICE).state != "unavailable"

    entsoe_api.reply("/api", Reply(body=DE_LU, content_type="text/xml"))
    await coordinator.async_refresh()
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


async def test_prices_that_stay_incomplete_raise_a_data_quality_issue(
    hass: HomeAssistant,
    entsoe_api: LocalApi,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    # Saturday 1 November after publication: Sunday's prices never arrive.
    freezer.move_to(datetime.fromisoformat("2025-11-01T13:30:00+01:00"))
    entry = entsoe_entry()
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    coordinator = entry.runtime_data.coordinator
    assert [finding.code for finding in coordinator.data.findings] == ["stale"]
    assert hass.states.get("sensor.entso_e_de_lu_data_quality_findings").state == "1"

    for _ in range(20):
        freezer.tick(timedelta(minutes=10))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
    issue = issue_registry.async_get_issue(DOMAIN, f"data_quality_{entry.entry_id}")
    assert issue is not None
    assert issue.translation_placeholders["findings"].startswith("stale (1, first at 2025-11-02")

    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, f"data_quality_{entry.entry_id}") is None


async def test_load_wind_and_solar_forecasts_are_kept_and_survive_a_restart(
    hass: HomeAssistant,
    entsoe_api: LocalApi,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, object],
) -> None:
    entsoe_api.reply(
        "/api",
        Reply(body=payload("entsoe", "CONSTRUCTED_a65_NO1_2025-10-26_load-forecast_PT15M.xml")),
        query={"documentType": "A65"},
    )
    entsoe_api.reply(
        "/api",
        Reply(
            body=payload("entsoe", "CONSTRUCTED_a69_NO1_2025-10-26_wind-solar-forecast_PT15M.xml")
        ),
        query={"documentType": "A69"},
    )
    freezer.move_to(AFTERNOON)
    entry = entsoe_entry()
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    exogenous = entry.runtime_data.coordinator.data.exogenous
    assert [(s.kind, len(s.points)) for s in exogenous] == [
        ("load_forecast", 100),
        ("solar_forecast", 100),
        ("wind_onshore_forecast", 100),
    ]
    stored = hass_storage[f"{DOMAIN}.{entry.entry_id}"]["data"]  # type: ignore[index]
    assert len(stored["exogenous"]) == 3

    assert await hass.config_entries.async_unload(entry.entry_id)
    entsoe_api.reply("/api", Reply(503))
    entsoe_api.routes.clear()
    entsoe_api.reply("/api", Reply(503))
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.runtime_data.coordinator.data.exogenous == exogenous
