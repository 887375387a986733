"""Sources without accounts: Energi Data Service, aWATTar, EnergyZero and Elering."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from custom_components.price_optimizer.core.prices import local_day_bounds
from custom_components.price_optimizer.core.sources import (
    awattar,
    elering,
    energidataservice,
    energyzero,
)
from custom_components.price_optimizer.core.sources.base import SourceDataError, SourceRequestError
from custom_components.price_optimizer.core.sources.http import HttpPolicy, SourceHttp
from tests.local_api import LocalApi, Reply
from tests.payloads import json_payload, payload

QUARTER = timedelta(minutes=15)
HOUR = timedelta(hours=1)
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
AWATTAR = "marketdata_DE_2023-01-17_08-23UTC_openkfw.json"
EZ_QUARTERS = "rest_public-v1-prices_electricity_INTERVAL_QUARTER_2025-12-16_to_18.json"
EDS_QUARTERS = "CONSTRUCTED_DayAheadPrices_DK1_2023-03-26_DST-spring.json"
EDS_HOURS = "CONSTRUCTED_Elspotprices_DK1_2023-03-26_DST-spring.json"
ELERING_FI = "CONSTRUCTED_nps-price_FI_2023-03-26_DST-spring.json"


def http(session: aiohttp.ClientSession) -> SourceHttp:
    return SourceHttp(session, "test", HttpPolicy(min_interval=0, attempts=1))


# Energi Data Service


def test_eds_quarter_hours_on_the_spring_day() -> None:
    """No recorded reply exists: built from Energinet's record schema and real DK1 prices."""
    body = json_payload("energidataservice", EDS_QUARTERS)
    series = energidataservice.parse_records(body, "DK1", "EUR")
    spring = series.between(*local_day_bounds(date(2023, 3, 26), COPENHAGEN))
    assert len(spring) == 92
    assert {slot.duration for slot in series} == {QUARTER}
    newest = body["records"][0]
    assert series.slots[-1].start == datetime.fromisoformat(newest["TimeUTC"]).replace(tzinfo=UTC)
    assert series.slots[-1].price == pytest.approx(newest["DayAheadPriceEUR"] / 1000)
    in_dkk = energidataservice.parse_records(body, "DK1", "DKK")
    assert in_dkk.currency == "DKK"
    assert in_dkk.slots[-1].price == pytest.approx(newest["DayAheadPriceDKK"] / 1000)
    assert not energidataservice.parse_records(body, "DK2", "EUR")


def test_eds_elspot_hours_before_the_switch() -> None:
    """No recorded reply exists: built from the Elspotprices schema and real DK1 prices."""
    series = energidataservice.parse_records(
        json_payload("energidataservice", EDS_HOURS), "DK1", "EUR"
    )
    assert len(series) == 23
    assert {slot.duration for slot in series} == {HOUR}


def test_eds_missing_prices_are_gaps_and_malformed_replies_fail() -> None:
    body = json_payload("energidataservice", EDS_HOURS)
    body["records"][3]["SpotPriceEUR"] = None
    assert len(energidataservice.parse_records(body, "DK1", "EUR")) == 22
    with pytest.raises(SourceDataError, match="no records"):
        energidataservice.parse_records({"total": 0}, "DK1", "EUR")
    with pytest.raises(SourceDataError, match="unknown dataset"):
        energidataservice.parse_records({"records": [], "dataset": "Other"}, "DK1", "EUR")
    body["records"][0]["HourUTC"] = "not a time"
    with pytest.raises(SourceDataError, match="HourUTC"):
        energidataservice.parse_records(body, "DK1", "EUR")


async def test_eds_asks_in_danish_local_time_for_one_area(
    api: LocalApi, session: aiohttp.ClientSession
) -> None:
    api.reply("/dataset/DayAheadPrices", Reply(body=payload("energidataservice", EDS_QUARTERS)))
    source = energidataservice.EnergiDataServiceSource(
        http(session), "DK1", "DKK", url=api.url("/dataset")
    )
    start, end = local_day_bounds(date(2023, 3, 26), COPENHAGEN)
    series = await source.async_fetch(start, end)
    assert len(series) == 92
    assert api.requests_to("/dataset/DayAheadPrices")[0].query == {
        "start": "2023-03-26T00:00",
        "end": "2023-03-27T00:00",
        "filter": '{"PriceArea":["DK1"]}',
        "sort": "TimeUTC asc",
        "limit": "0",
    }


# aWATTar


def test_awattar_marketdata_from_now_on() -> None:
    body = json_payload("awattar", AWATTAR)
    series = awattar.parse_marketdata(body)
    assert len(series) == 15
    assert series.start == datetime(2023, 1, 17, 8, tzinfo=UTC)
    assert series.end == datetime(2023, 1, 17, 23, tzinfo=UTC)
    assert series.slots[0].price == pytest.approx(0.1361)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda body: body.pop("data"), "no data list"),
        (lambda body: body["data"][0].update(unit="ct/kWh"), "unit"),
        (lambda body: body["data"][0].update(marketprice=None), "number"),
        (lambda body: body["data"].append("x"), "not an object"),
    ],
)
def test_awattar_malformed_replies(edit: object, message: str) -> None:
    body = json_payload("awattar", AWATTAR)
    edit(body)  # type: ignore[operator]
    with pytest.raises(SourceDataError, match=message):
        awattar.parse_marketdata(body)


async def test_awattar_always_sends_bounds_in_milliseconds(
    api: LocalApi, session: aiohttp.ClientSession
) -> None:
    api.reply("/v1/marketdata", Reply(body=payload("awattar", AWATTAR)))
    source = awattar.AwattarSource(http(session), "DE-LU", url=api.url("/v1/marketdata"))
    start = datetime(2023, 1, 17, 8, tzinfo=UTC)
    series = await source.async_fetch(start, start + 4 * HOUR)
    assert len(series) == 4
    assert api.requests_to("/v1/marketdata")[0].query == {
        "start": "1673942400000",
        "end": "1673956800000",
    }


# EnergyZero


def test_energyzero_quarter_hours_use_the_base_series() -> None:
    body = json_payload("energyzero", EZ_QUARTERS)
    series = energyzero.parse_prices(body)
    assert len(series) == 288
    assert {slot.duration for slot in series} == {QUARTER}
    assert series.slots[0].price == pytest.approx(0.07994)
    assert series.start == datetime(2025, 12, 15, 23, tzinfo=UTC)
    assert series.end == datetime(2025, 12, 18, 23, tzinfo=UTC)


def test_energyzero_malformed_replies() -> None:
    with pytest.raises(SourceDataError, match="no base series"):
        energyzero.parse_prices({"all_in": []})
    with pytest.raises(SourceDataError, match="lacks"):
        energyzero.parse_prices({"base": [{"start": "2025-12-15T23:00:00Z"}]})


async def test_energyzero_asks_every_third_day_and_reports_refusals(
    api: LocalApi, session: aiohttp.ClientSession
) -> None:
    api.reply("/public/v1/prices", Reply(body=payload("energyzero", EZ_QUARTERS)))
    source = energyzero.EnergyZeroSource(http(session), 15, url=api.url("/public/v1/prices"))
    amsterdam = ZoneInfo("Europe/Amsterdam")
    start = local_day_bounds(date(2025, 12, 16), amsterdam)[0]
    end = local_day_bounds(date(2025, 12, 19), amsterdam)[0]
    series = await source.async_fetch(start, end)
    assert len(series) == 288
    assert [seen.query for seen in api.requests_to("/public/v1/prices")] == [
        {
            "energyType": "ENERGY_TYPE_ELECTRICITY",
            "date": "17-12-2025",
            "interval": "INTERVAL_QUARTER",
        }
    ]
    api.reply(
        "/public/v1/prices",
        Reply(400, body=payload("energyzero", "rest_public-v1-prices_error_bad-date-format.json")),
    )
    with pytest.raises(SourceRequestError, match="does not match regex"):
        await source.async_fetch(start, end)


# Elering


def test_elering_hours_of_one_area() -> None:
    """No recorded reply exists: built from the documented shape and real FI prices."""
    body = json_payload("elering", ELERING_FI)
    series = elering.parse_prices(body, "fi")
    assert len(series) == 23
    assert {slot.duration for slot in series} == {HOUR}
    assert series.slots[0].price == pytest.approx(0.03966)
    assert not elering.parse_prices(body, "ee")


def test_elering_slot_lengths_follow_the_move_to_quarter_hours() -> None:
    switch = int(datetime(2025, 9, 30, 22, tzinfo=UTC).timestamp())
    hours = [{"timestamp": switch - 3600 * i, "price": 10.0} for i in (2, 1)]
    quarters = [{"timestamp": switch + 900 * i, "price": 20.0} for i in range(3)]
    series = elering.parse_prices({"success": True, "data": {"ee": hours + quarters}}, "ee")
    assert [slot.duration for slot in series] == [HOUR, HOUR, QUARTER, QUARTER, QUARTER]
    assert all(a.end == b.start for a, b in zip(series.slots, series.slots[1:], strict=False))


def test_elering_malformed_replies() -> None:
    with pytest.raises(SourceDataError, match="success"):
        elering.parse_prices({"success": False}, "ee")
    with pytest.raises(SourceDataError, match="no ee list"):
        elering.parse_prices({"success": True, "data": {"ee": 3}}, "ee")
    with pytest.raises(SourceDataError, match="lacks"):
        elering.parse_prices({"success": True, "data": {"ee": [{"price": 1}]}}, "ee")


async def test_elering_sends_an_inclusive_end(
    api: LocalApi, session: aiohttp.ClientSession
) -> None:
    api.reply("/api/nps/price", Reply(body=payload("elering", ELERING_FI)))
    source = elering.EleringSource(http(session), "FI", url=api.url("/api/nps/price"))
    start = datetime(2023, 3, 25, 23, tzinfo=UTC)
    series = await source.async_fetch(start, start + 2 * HOUR)
    assert len(series) == 2
    assert api.requests_to("/api/nps/price")[0].query == {
        "start": "2023-03-25T23:00:00Z",
        "end": "2023-03-26T00:59:59.999Z",
    }
