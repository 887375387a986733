"""Nord Pool Data Portal parsing on replies recorded by Home Assistant core's tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import aiohttp
import pytest

from custom_components.price_optimizer.core.sources.base import SourceDataError
from custom_components.price_optimizer.core.sources.http import HttpPolicy, SourceHttp
from custom_components.price_optimizer.core.sources.nordpool import (
    NordPoolSource,
    delivery_days,
    parse_day,
)
from tests.local_api import LocalApi, Reply
from tests.payloads import json_payload, payload

SE3_15 = "DayAheadPriceIndices_SE3_SEK_2025-10-01_res15_ha-core.json"
SE3_60 = "DayAheadPriceIndices_SE3_SEK_2025-10-01_res60_ha-core.json"
NL = "DayAheadPrices_NL_EUR_2024-11-05_hourly_ha-core.json"


def test_first_quarter_hour_day_has_96_slots_in_sek() -> None:
    body = json_payload("nordpool", SE3_15)
    series = parse_day(body, "SE3", "SEK")
    assert series.currency == "SEK"
    assert len(series) == 96
    assert series.start == datetime(2025, 9, 30, 22, tzinfo=UTC)
    assert series.end == datetime(2025, 10, 1, 22, tzinfo=UTC)
    assert {slot.duration for slot in series} == {timedelta(minutes=15)}
    assert series.slots[0].price == pytest.approx(0.55668)
    entries = body["multiIndexEntries"]
    assert [slot.price for slot in series] == pytest.approx(
        [entry["entryPerArea"]["SE3"] / 1000 for entry in entries]
    )


def test_hourly_index_is_the_mean_of_its_quarters() -> None:
    quarters = parse_day(json_payload("nordpool", SE3_15), "SE3", "SEK")
    hours = parse_day(json_payload("nordpool", SE3_60), "SE3", "SEK")
    assert len(hours) == 24
    for index, hour in enumerate(hours):
        mean = sum(slot.price for slot in quarters.slots[4 * index : 4 * index + 4]) / 4
        # Nord Pool averages in EUR and converts; the two can differ by 0.06 SEK/MWh.
        assert hour.price == pytest.approx(mean, abs=1e-4)


def test_day_ahead_prices_endpoint_shape_parses_too() -> None:
    series = parse_day(json_payload("nordpool", NL), "NL", "EUR")
    assert len(series) == 24
    assert max(slot.price for slot in series) == pytest.approx(0.47299)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "not a JSON object"),
        ({"currency": "EUR", "multiIndexEntries": []}, "asked for SEK"),
        ({"currency": "SEK"}, "no price entries"),
        ({"currency": "SEK", "multiIndexEntries": [{"entryPerArea": {}}]}, "lacks"),
    ],
)
def test_malformed_replies_are_rejected(body: object, message: str) -> None:
    with pytest.raises(SourceDataError, match=message):
        parse_day(body, "SE3", "SEK")


def test_delivery_days_are_cet_days_overlapping_the_window() -> None:
    start = datetime(2025, 9, 30, 22, tzinfo=UTC)
    assert delivery_days(start, start + timedelta(days=1)) == [date(2025, 10, 1)]
    assert delivery_days(start - timedelta(hours=1), start + timedelta(days=1, hours=1)) == [
        date(2025, 9, 30),
        date(2025, 10, 1),
        date(2025, 10, 2),
    ]


async def test_source_asks_per_day_and_skips_an_unpublished_day(
    api: LocalApi, session: aiohttp.ClientSession
) -> None:
    api.reply(
        "/api/DayAheadPriceIndices",
        Reply(body=payload("nordpool", SE3_15)),
        query={"date": "2025-10-01"},
    )
    api.reply("/api/DayAheadPriceIndices", Reply(204), query={"date": "2025-10-02"})
    http = SourceHttp(session, "Nord Pool", HttpPolicy(min_interval=0, attempts=1))
    source = NordPoolSource(http, "SE3", "SEK", 15, url=api.url("/api"))
    start = datetime(2025, 9, 30, 22, tzinfo=UTC)
    series = await source.async_fetch(start, start + timedelta(days=2))
    assert len(series) == 96
    first, second = api.requests_to("/api/DayAheadPriceIndices")
    assert first.query == {
        "date": "2025-10-01",
        "market": "DayAhead",
        "indexNames": "SE3",
        "currency": "SEK",
        "resolutionInMinutes": "15",
    }
    assert second.query["date"] == "2025-10-02"
    assert source.publication.at.hour == 13


async def test_germany_is_asked_for_under_nord_pools_own_name(
    api: LocalApi, session: aiohttp.ClientSession
) -> None:
    api.reply("/api/DayAheadPriceIndices", Reply(204))
    http = SourceHttp(session, "Nord Pool", HttpPolicy(min_interval=0, attempts=1))
    source = NordPoolSource(http, "DE-LU", "EUR", 60, url=api.url("/api"))
    start = datetime(2025, 9, 30, 22, tzinfo=UTC)
    assert not await source.async_fetch(start, start + timedelta(hours=1))
    assert api.requests_to("/api/DayAheadPriceIndices")[0].query["indexNames"] == "GER"
