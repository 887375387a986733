"""An error no form explains (a broken library) becomes the ``unknown`` form error, logged.

On one machine a DNS library raised TypeError inside aiohttp; the flow ended in an
HTTP 500. Every step now shows the form again with ``unknown`` and logs the traceback.
"""

from __future__ import annotations

from datetime import datetime
import logging
from typing import Any, NoReturn
from unittest.mock import patch
from zoneinfo import ZoneInfo

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.price_optimizer import appliance_flow
from custom_components.price_optimizer.const import DOMAIN
from custom_components.price_optimizer.core.sources import awattar, tibber
from custom_components.price_optimizer.options_flow import PriceOptimizerOptionsFlow
from tests.local_api import LocalApi, Reply
from tests.payloads import payload

from ..appliances import add_appliance, start_appliance_flow, suggested_values
from ..options import open_options_step
from .helpers import open_source_step, start_reconfigure

PATH = "/v1/marketdata"
MARKETDATA = payload("awattar", "marketdata_DE_2023-01-17_08-23UTC_openkfw.json")


def broken_request(*args: Any, **kwargs: Any) -> NoReturn:
    """Fail as a broken resolver did, inside the HTTP client."""
    raise TypeError("getaddrinfo() argument 1 must be string or None")


@pytest.fixture
def broken_client(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every HTTP request of the client fail with TypeError."""
    monkeypatch.setattr(aiohttp.ClientSession, "request", broken_request)


@pytest.fixture(autouse=True)
async def awattar_api(hass: HomeAssistant, api: LocalApi, monkeypatch: pytest.MonkeyPatch) -> None:
    """Send aWATTar's German traffic to the local server."""
    await hass.config.async_set_time_zone("Europe/Berlin")
    monkeypatch.setitem(awattar.AREAS, "DE-LU", (api.url(PATH), ZoneInfo("Europe/Berlin")))
    api.reply(PATH, Reply(body=MARKETDATA))


def assert_traceback_logged(caplog: pytest.LogCaptureFixture, error: type[Exception]) -> None:
    records = [
        record
        for record in caplog.records
        if record.name.startswith("custom_components.price_optimizer")
        and record.levelno == logging.ERROR
        and record.exc_info is not None
    ]
    assert records, "no traceback was logged"
    assert records[-1].exc_info is not None
    assert records[-1].exc_info[0] is error
    assert "Traceback" in caplog.text


@pytest.mark.usefixtures("broken_client")
async def test_a_client_raising_type_error_is_an_unknown_error_on_the_source_form(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    result = await open_source_step(hass, "awattar")
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"area": "DE-LU"})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "awattar"
    assert result["errors"] == {"base": "unknown"}
    assert_traceback_logged(caplog, TypeError)


async def test_the_form_can_be_sent_again_once_the_client_works(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(datetime.fromisoformat("2023-01-17T09:30:00+01:00"))
    request = aiohttp.ClientSession.request
    monkeypatch.setattr(aiohttp.ClientSession, "request", broken_request)
    result = await open_source_step(hass, "awattar")
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"area": "DE-LU"})
    assert result["errors"] == {"base": "unknown"}
    monkeypatch.setattr(aiohttp.ClientSession, "request", request)
    with patch("custom_components.price_optimizer.async_setup_entry", return_value=True):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"area": "DE-LU"}
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.usefixtures("broken_client")
async def test_an_account_step_shows_unknown(
    hass: HomeAssistant,
    api: LocalApi,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(tibber, "API_URL", api.url("/gql"))
    result = await open_source_step(hass, "tibber")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"access_token": "token"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "tibber"
    assert result["errors"] == {"base": "unknown"}
    assert_traceback_logged(caplog, TypeError)


def awattar_entry(hass: HomeAssistant) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="aWATTar DE-LU",
        unique_id="awattar_DE-LU",
        data={"source": "awattar", "area": "DE-LU"},
    )
    entry.add_to_hass(hass)
    return entry


@pytest.mark.usefixtures("broken_client")
async def test_reconfigure_shows_unknown(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    entry = awattar_entry(hass)
    result = await start_reconfigure(hass, entry.entry_id)
    assert result["step_id"] == "awattar"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"area": "AT"})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "unknown"}
    assert_traceback_logged(caplog, TypeError)


@pytest.mark.usefixtures("broken_client")
async def test_reauth_shows_unknown(hass: HomeAssistant, caplog: pytest.LogCaptureFixture) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Tibber Cabin",
        unique_id="tibber_home-cabin",
        data={"source": "tibber", "access_token": "expired", "home_id": "home-cabin"},
    )
    entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_REAUTH, "entry_id": entry.entry_id},
        data=dict(entry.data),
    )
    assert result["step_id"] == "reauth_confirm"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"access_token": "renewed"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "unknown"}
    assert entry.data["access_token"] == "expired"
    assert_traceback_logged(caplog, TypeError)


async def test_options_show_unknown(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    result = await open_options_step(hass, loaded_entry, "prices")
    with patch.object(
        PriceOptimizerOptionsFlow, "async_create_entry", side_effect=TypeError("broken")
    ):
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {"vat_percent": 19.0, "fee_per_kwh": 0.0, "multiplier": 1.0}
        )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "unknown"}
    assert loaded_entry.options == {}
    assert_traceback_logged(caplog, TypeError)


async def test_the_appliance_step_shows_unknown(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    form = await start_appliance_flow(hass, loaded_entry, "dishwasher")
    with patch.object(appliance_flow, "appliance_from_form", side_effect=TypeError("broken")):
        result = await hass.config_entries.subentries.async_configure(
            form["flow_id"], suggested_values(form)
        )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "appliance"
    assert result["errors"] == {"base": "unknown"}
    assert_traceback_logged(caplog, TypeError)


async def test_the_kind_step_shows_unknown(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    result = await hass.config_entries.subentries.async_init(
        (loaded_entry.entry_id, "appliance"), context={"source": "user"}
    )
    with patch.object(appliance_flow, "preset", side_effect=TypeError("broken")):
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], {"kind": "dishwasher"}
        )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {"base": "unknown"}
    assert_traceback_logged(caplog, TypeError)


async def test_the_switch_step_shows_unknown(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    form = await start_appliance_flow(hass, loaded_entry, "dishwasher")
    result = await hass.config_entries.subentries.async_configure(
        form["flow_id"], suggested_values(form)
    )
    assert result["step_id"] == "control"
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"target": "switch"}
    )
    assert result["step_id"] == "control_switch"
    with patch.object(appliance_flow, "target_from_form", side_effect=TypeError("broken")):
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], {"switch_entity": "switch.kitchen_plug"}
        )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "control_switch"
    assert result["errors"] == {"base": "unknown"}
    assert_traceback_logged(caplog, TypeError)


async def test_reconfiguring_an_unreadable_appliance_shows_unknown(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    subentry_id = await add_appliance(hass, loaded_entry, "dishwasher")
    with patch.object(appliance_flow, "appliance_from_subentry", side_effect=TypeError("broken")):
        result = await hass.config_entries.subentries.async_init(
            (loaded_entry.entry_id, "appliance"),
            context={"source": "reconfigure", "subentry_id": subentry_id},
        )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "appliance"
    assert result["errors"] == {"base": "unknown"}
    assert_traceback_logged(caplog, TypeError)


async def test_the_entity_step_shows_unknown(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    hass.states.async_set("sensor.prices", "0.25")
    result = await open_source_step(hass, "entity")
    with patch(
        "custom_components.price_optimizer.config_flow.kind_of", side_effect=TypeError("broken")
    ):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"entity_id": "sensor.prices", "resolution": "60"}
        )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "unknown"}
    assert_traceback_logged(caplog, TypeError)
