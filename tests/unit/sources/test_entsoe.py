"""ENTSO-E A44/A65/A69 parsing on recorded replies (and NO1 documents built from real data)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
import re
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from custom_components.price_optimizer.core.prices import local_day_bounds
from custom_components.price_optimizer.core.sources.base import SourceDataError, SourceRequestError
from custom_components.price_optimizer.core.sources.entsoe import (
    AREAS,
    EntsoeSource,
    cet_time_in,
    parse_forecasts,
    parse_prices,
)
from custom_components.price_optimizer.core.sources.http import HttpPolicy, SourceHttp
from tests.local_api import LocalApi, Reply
from tests.payloads import payload

QUARTER = timedelta(minutes=15)
HOUR = timedelta(hours=1)
DE_LU = "a44_DE-LU_2025-10-31_to_11-01_PT15M_A03_two-sequences_openhab.xml"
NL_NEGATIVE = "a44_NL_2025-04-02_PT60M_A03_gap-pos21_negative-prices_jarvis.xml"
NL_SPRING = "a44_NL_2016-03-27_DST-spring-23h_2-series_A01_legacy-ns7-0_jarvis.xml"
NL_LEGACY = "a44_NL_2023-02-16_PT60M_A01_legacy-ns7-0_jarvis.xml"
NO_DATA = "ack_999_no-matching-data_NL_2023-02-20_jarvis.xml"
NO1_AUTUMN = "CONSTRUCTED_a44_NO1_2025-10-26_DST-autumn-25h_PT15M_A03.xml"


def fast_http(session: aiohttp.ClientSession) -> SourceHttp:
    return SourceHttp(session, "ENTSO-E", HttpPolicy(min_interval=0, attempts=1))


def points_of(text: str, sequence: str, day_start: str) -> dict[int, float]:
    """Return position -> price of one TimeSeries of a recorded document (read independently)."""
    for chunk in text.split("<TimeSeries>")[1:]:
        if (
            f".position>{sequence}</classificationSequence" in chunk
            and f"<start>{day_start}</start>" in chunk
        ):
            pairs = re.findall(r"<position>(\d+)</position>\s*<price.amount>([-\d.]+)<", chunk)
            return {int(position): float(price) for position, price in pairs}
    raise AssertionError("series not found")


def test_de_lu_quarter_hours_take_the_first_sequence_and_fill_omitted_positions() -> None:
    text = payload("entsoe", DE_LU)
    series = parse_prices(text)

    assert series.currency == "EUR"
    assert len(series) == 192
    assert series.start == datetime(2025, 10, 30, 23, tzinfo=UTC)
    assert series.end == datetime(2025, 11, 1, 23, tzinfo=UTC)
    assert {slot.duration for slot in series} == {QUARTER}
    # Sequence 1 (listed second in the file) wins over sequence 2 on both days.
    day_one = points_of(text, "1", "2025-10-30T23:00Z")
    day_two = points_of(text, "1", "2025-10-31T23:00Z")
    assert series.slots[0].price == pytest.approx(day_one[1] / 1000)
    assert series.slots[96].price == pytest.approx(day_two[1] / 1000)
    # Day two of sequence 1 omits position 45: it repeats position 44.
    assert 45 not in day_two
    assert series.slots[96 + 44].price == series.slots[96 + 43].price == day_two[44] / 1000
    assert series.slots[96 + 45].price == pytest.approx(day_two[46] / 1000)
    # Every slot of sequence 1 matches, the filled one included.
    expected = [day_one[p] for p in range(1, 97)]
    assert [slot.price for slot in series.slots[:96]] == pytest.approx([p / 1000 for p in expected])


def without_series(text: str, sequence: str, day_start: str) -> str:
    """Return the document without one of its TimeSeries."""
    blocks = re.split(r"(?=<TimeSeries>)|(?<=</TimeSeries>)", text)
    return "".join(
        block
        for block in blocks
        if not (
            block.startswith("<TimeSeries>")
            and f".position>{sequence}</classificationSequence" in block
            and f"<start>{day_start}</start>" in block
        )
    )


def test_sequence_two_fills_in_only_where_sequence_one_is_missing() -> None:
    text = payload("entsoe", DE_LU)
    series = parse_prices(without_series(text, "1", "2025-10-31T23:00Z"))
    sequence_two = points_of(text, "2", "2025-10-31T23:00Z")
    assert len(series) == 192
    assert series.slots[0].price == pytest.approx(
        points_of(text, "1", "2025-10-30T23:00Z")[1] / 1000
    )
    assert series.slots[96].price == pytest.approx(sequence_two[1] / 1000)
    assert 16 not in sequence_two
    assert series.slots[96 + 15].price == series.slots[96 + 14].price


def test_nl_negative_prices_and_an_omitted_hour() -> None:
    series = parse_prices(payload("entsoe", NL_NEGATIVE))
    assert len(series) == 24
    assert {slot.duration for slot in series} == {HOUR}
    prices = [slot.price for slot in series]
    assert min(prices) == pytest.approx(-0.054)
    assert prices[17] == pytest.approx(-0.00001)
    assert prices[19] == prices[20] == pytest.approx(0.114)
    assert sum(price < 0 for price in prices) == 7


def test_dst_spring_day_has_23_hours_and_the_next_day_24() -> None:
    series = parse_prices(payload("entsoe", NL_SPRING))
    amsterdam = ZoneInfo("Europe/Amsterdam")
    spring = series.between(*local_day_bounds(date(2016, 3, 27), amsterdam))
    after = series.between(*local_day_bounds(date(2016, 3, 28), amsterdam))
    assert len(spring) == 23
    assert len(after) == 24
    assert len(series) == 47


def test_dst_autumn_day_has_100_quarter_hours() -> None:
    """No recorded 25-hour reply exists; this one is built from real NO1 prices (PROVENANCE.md)."""
    series = parse_prices(payload("entsoe", NO1_AUTUMN))
    oslo = ZoneInfo("Europe/Oslo")
    assert len(series.between(*local_day_bounds(date(2025, 10, 26), oslo))) == 100
    assert series.slots[0].price == pytest.approx(0.00676)


def test_legacy_documents_without_curve_details_parse() -> None:
    series = parse_prices(payload("entsoe", NL_LEGACY))
    assert len(series) == 24
    assert series.start == datetime(2023, 2, 15, 23, tzinfo=UTC)


def test_no_data_acknowledgement_is_an_empty_series() -> None:
    assert not parse_prices(payload("entsoe", NO_DATA))
    assert parse_forecasts(payload("entsoe", NO_DATA)) == ()


def test_other_acknowledgements_are_refused_requests() -> None:
    text = payload("entsoe", NO_DATA).replace("<code>999</code>", "<code>A02</code>")
    with pytest.raises(SourceRequestError, match="No matching data"):
        parse_prices(text)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t[: len(t) // 2], "well-formed"),
        (
            lambda t: t.replace("<price_Measure_Unit.name>MWH", "<price_Measure_Unit.name>KWH"),
            "unit",
        ),
        (lambda t: t.replace("<resolution>PT15M", "<resolution>P1D", 1), "resolution"),
        (lambda t: t.replace("<price.amount>91.45<", "<price.amount>n/a<"), "number"),
        (lambda t: t.replace("<position>1</position>", "<position>0</position>", 1), "position"),
        (
            lambda t: t.replace("<currency_Unit.name>EUR", "<currency_Unit.name>PLN", 1),
            "currencies",
        ),
        (lambda t: t.replace("Publication_MarketDocument", "GL_MarketDocument"), "price document"),
        (
            lambda t: t.replace(
                '<?xml version="1.0" encoding="utf-8"?>',
                '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>',
            ),
            "DTD",
        ),
    ],
)
def test_malformed_documents_are_rejected(edit: object, message: str) -> None:
    text = payload("entsoe", DE_LU)
    with pytest.raises(SourceDataError, match=message):
        parse_prices(edit(text))  # type: ignore[operator]


def test_load_and_renewable_forecasts_cover_the_autumn_day() -> None:
    """Built from ENTSO-E's real NO1 forecasts (no recorded A65/A69 reply exists)."""
    load = parse_forecasts(
        payload("entsoe", "CONSTRUCTED_a65_NO1_2025-10-26_load-forecast_PT15M.xml")
    )
    renewables = parse_forecasts(
        payload("entsoe", "CONSTRUCTED_a69_NO1_2025-10-26_wind-solar-forecast_PT15M.xml")
    )
    assert [(s.kind, s.unit, len(s.points)) for s in load] == [("load_forecast", "MW", 100)]
    assert [(s.kind, len(s.points)) for s in renewables] == [
        ("solar_forecast", 100),
        ("wind_onshore_forecast", 100),
    ]
    assert load[0].points[0].start == datetime(2025, 10, 25, 22, tzinfo=UTC)
    assert load[0].end == datetime(2025, 10, 26, 23, tzinfo=UTC)
    assert load[0].points[8].value == pytest.approx(3215.59)


def test_every_area_maps_to_an_eic_code_and_a_zone() -> None:
    assert AREAS["DE-LU"].eic == "10Y1001A1001A82H"
    assert AREAS["NL"].eic == "10YNL----------L"
    assert len({zone.eic for zone in AREAS.values()}) == len(AREAS)
    helsinki = AREAS["FI"].zone
    assert cet_time_in(helsinki, time(13, 5)).hour == 14


async def test_source_asks_for_the_zone_and_window_and_trims_to_it(
    api: LocalApi, session: aiohttp.ClientSession
) -> None:
    api.reply("/api", Reply(body=payload("entsoe", DE_LU), content_type="text/xml"))
    source = EntsoeSource(fast_http(session), "token-abc", "DE-LU", url=api.url("/api"))
    start = datetime(2025, 10, 31, 23, tzinfo=UTC)
    series = await source.async_fetch(start, start + timedelta(hours=6))

    assert len(series) == 24
    assert series.start == start
    query = api.requests_to("/api")[0].query
    assert query == {
        "documentType": "A44",
        "in_Domain": "10Y1001A1001A82H",
        "out_Domain": "10Y1001A1001A82H",
        "periodStart": "202510312300",
        "periodEnd": "202511010500",
        "securityToken": "token-abc",
    }
    assert source.publication.zone == ZoneInfo("Europe/Berlin")
    assert source.publication.at == time(13, 5)


async def test_source_reads_a_no_data_acknowledgement_sent_with_status_400(
    api: LocalApi, session: aiohttp.ClientSession
) -> None:
    api.reply("/api", Reply(400, body=payload("entsoe", NO_DATA), content_type="text/xml"))
    source = EntsoeSource(fast_http(session), "t", "NL", url=api.url("/api"))
    now = datetime(2023, 2, 19, 5, tzinfo=UTC)
    assert not await source.async_fetch(now, now + timedelta(days=1))


async def test_source_reports_a_400_without_acknowledgement_as_refused(
    api: LocalApi, session: aiohttp.ClientSession
) -> None:
    api.reply("/api", Reply(400, body="<html>Bad Request</html>", content_type="text/html"))
    source = EntsoeSource(fast_http(session), "t", "NL", url=api.url("/api"))
    now = datetime(2023, 2, 19, 5, tzinfo=UTC)
    with pytest.raises(SourceRequestError, match="Bad Request"):
        await source.async_fetch(now, now + timedelta(days=1))


async def test_source_fetches_load_wind_and_solar_forecasts(
    api: LocalApi, session: aiohttp.ClientSession
) -> None:
    api.reply(
        "/api",
        Reply(body=payload("entsoe", "CONSTRUCTED_a65_NO1_2025-10-26_load-forecast_PT15M.xml")),
        query={"documentType": "A65", "processType": "A01"},
    )
    api.reply(
        "/api",
        Reply(
            body=payload("entsoe", "CONSTRUCTED_a69_NO1_2025-10-26_wind-solar-forecast_PT15M.xml")
        ),
        query={"documentType": "A69", "processType": "A01"},
    )
    source = EntsoeSource(fast_http(session), "t", "NO1", url=api.url("/api"))
    start = datetime(2025, 10, 25, 22, tzinfo=UTC)
    series = await source.async_fetch_exogenous(start, start + timedelta(hours=25))
    assert [s.kind for s in series] == ["load_forecast", "solar_forecast", "wind_onshore_forecast"]
    load_query, renewables_query = (seen.query for seen in api.requests_to("/api"))
    assert load_query["outBiddingZone_Domain"] == "10YNO-1--------2"
    assert renewables_query["in_Domain"] == "10YNO-1--------2"
