"""Sources without accounts, set up through the UI against the local server."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.price_optimizer.core.sources import (
    awattar,
    elering,
    energidataservice,
    energyzero,
)
from tests.local_api import LocalApi, Reply
from tests.payloads import payload

from .helpers import fast_http, field_names, open_source_step, select_options


@dataclass(frozen=True)
class Case:
    source: str
    zone: str
    now: str
    path: str
    fixture: tuple[str, str]
    user_input: dict[str, Any]
    title: str
    unique_id: str
    areas: list[str] | None
    today_slots: int


CASES = [
    Case(
        "energidataservice",
        "Europe/Copenhagen",
        "2023-03-26T12:00:00+02:00",
        "/dataset/DayAheadPrices",
        ("energidataservice", "CONSTRUCTED_DayAheadPrices_DK1_2023-03-26_DST-spring.json"),
        {"area": "DK1", "currency": "DKK"},
        "Energi Data Service DK1",
        "energidataservice_DK1",
        ["DK1", "DK2"],
        92,
    ),
    Case(
        "awattar",
        "Europe/Berlin",
        "2023-01-17T09:30:00+01:00",
        "/v1/marketdata",
        ("awattar", "marketdata_DE_2023-01-17_08-23UTC_openkfw.json"),
        {"area": "DE-LU"},
        "aWATTar DE-LU",
        "awattar_DE-LU",
        ["DE-LU", "AT"],
        15,
    ),
    Case(
        "energyzero",
        "Europe/Amsterdam",
        "2025-12-17T10:00:00+01:00",
        "/public/v1/prices",
        ("energyzero", "rest_public-v1-prices_electricity_INTERVAL_QUARTER_2025-12-16_to_18.json"),
        {"resolution": "15"},
        "EnergyZero NL",
        "energyzero_NL",
        None,
        96,
    ),
    Case(
        "elering",
        "Europe/Helsinki",
        "2023-03-26T10:00:00+03:00",
        "/api/nps/price",
        ("elering", "CONSTRUCTED_nps-price_FI_2023-03-26_DST-spring.json"),
        {"area": "FI"},
        "Elering FI",
        "elering_FI",
        ["EE", "FI", "LV", "LT"],
        22,
    ),
]


def point_at(api: LocalApi, case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    url = api.url(case.path)
    if case.source == "awattar":
        monkeypatch.setitem(awattar.AREAS, "DE-LU", (url, ZoneInfo("Europe/Berlin")))
    elif case.source == "energidataservice":
        monkeypatch.setattr(energidataservice, "API_URL", api.url("/dataset"))
    elif case.source == "energyzero":
        monkeypatch.setattr(energyzero, "API_URL", url)
    else:
        monkeypatch.setattr(elering, "API_URL", url)


@pytest.mark.parametrize("case", CASES, ids=[case.source for case in CASES])
async def test_setup_through_the_ui(
    hass: HomeAssistant,
    api: LocalApi,
    monkeypatch: pytest.MonkeyPatch,
    freezer: FrozenDateTimeFactory,
    case: Case,
) -> None:
    await hass.config.async_set_time_zone(case.zone)
    point_at(api, case, monkeypatch)
    fast_http(monkeypatch, case.source)
    api.reply(case.path, Reply(body=payload(*case.fixture)))
    freezer.move_to(datetime.fromisoformat(case.now))

    result = await open_source_step(hass, case.source)
    assert field_names(result) == set(case.user_input)
    if case.areas is not None:
        assert select_options(result, "area") == case.areas
    result = await hass.config_entries.flow.async_configure(result["flow_id"], case.user_input)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == case.title
    assert result["result"].unique_id == case.unique_id
    await hass.async_block_till_done()

    entity = f"sensor.{case.title.lower().replace(' ', '_').replace('-', '_')}_current_price"
    state = hass.states.get(entity)
    assert state is not None
    assert state.state not in {"unknown", "unavailable"}
    assert len(state.attributes["today"]) == case.today_slots
    now = datetime.fromisoformat(case.now)
    current = next(
        slot
        for slot in state.attributes["today"]
        if datetime.fromisoformat(slot["start"]) <= now < datetime.fromisoformat(slot["end"])
    )
    assert float(state.state) == pytest.approx(current["price"])


@pytest.mark.parametrize("case", CASES, ids=[case.source for case in CASES])
async def test_an_unreachable_source_is_reported_on_the_form(
    hass: HomeAssistant,
    api: LocalApi,
    monkeypatch: pytest.MonkeyPatch,
    case: Case,
) -> None:
    point_at(api, case, monkeypatch)
    fast_http(monkeypatch, case.source)
    api.reply(case.path, Reply(502))
    result = await open_source_step(hass, case.source)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], case.user_input)
    assert result["errors"] == {"base": "cannot_connect"}
    # One attempt: a person is waiting, and retrying is for the update schedule.
    assert len(api.requests_to(case.path)) == 1
