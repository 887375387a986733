"""Octopus, Tibber, Amber and ComEd: parsing and requests against the local server."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
import json
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from custom_components.price_optimizer.core.prices import local_day_bounds
from custom_components.price_optimizer.core.sources import amber, comed, octopus, tibber
from custom_components.price_optimizer.core.sources.base import (
    SourceAuthError,
    SourceDataError,
    SourceRequestError,
)
from custom_components.price_optimizer.core.sources.http import HttpPolicy, SourceHttp
from tests.local_api import LocalApi, Reply
from tests.payloads import json_payload, payload

HALF_HOUR = timedelta(minutes=30)
VAR_RATES = "standard-unit-rates_E-1R-VAR-17-01-11_history_keysorted_markallanson.json"
PRODUCT = "product_AFFECT-SEG-FIX-12M-20-11-11_keysorted_markallanson.json"
TIBBER = "CONSTRUCTED_priceInfo_SE3_2025-10-01_quarter-hours.json"
AMBER_PRICES = "SCHEMA-EXAMPLE_prices_one-interval_two-channels.json"
AMBER_SITES = "SCHEMA-EXAMPLE_sites.json"
COMED = "CONSTRUCTED_5minutefeed_2017-03-12_DST-spring.json"


def http(session: aiohttp.ClientSession) -> SourceHttp:
    return SourceHttp(session, "test", HttpPolicy(min_interval=0, attempts=1))


# Octopus


def test_octopus_rates_in_force_are_cut_into_half_hours() -> None:
    results = json_payload("octopus", VAR_RATES)["results"]
    start = datetime(2020, 10, 31, 23, tzinfo=UTC)
    series = octopus.parse_rates(results, start, start + timedelta(hours=2))
    # 23:00-00:00 under the old rate, then the open-ended one from 1 November.
    assert [slot.price for slot in series] == pytest.approx([0.19383, 0.19383, 0.21672, 0.21672])
    assert {slot.duration for slot in series} == {HALF_HOUR}
    assert series.currency == "GBP"


def test_octopus_tariff_code_matches_the_products_own_listing() -> None:
    product = json_payload("octopus", PRODUCT)
    listed = product["single_register_electricity_tariffs"]["_A"]["direct_debit_monthly"]["code"]
    assert octopus.tariff_code("AFFECT-SEG-FIX-12M-20-11-11", "A") == listed


def test_octopus_keeps_the_direct_debit_price_where_both_are_listed() -> None:
    """The 2021 capture has no payment_method; newer replies list both, as copied here."""
    result = json_payload("octopus", VAR_RATES)["results"][0]
    both = [
        {**result, "payment_method": "DIRECT_DEBIT"},
        {**result, "payment_method": "NON_DIRECT_DEBIT", "value_inc_vat": 23.1},
    ]
    start = datetime(2021, 1, 1, tzinfo=UTC)
    series = octopus.parse_rates(both, start, start + HALF_HOUR)
    assert [slot.price for slot in series] == pytest.approx([0.21672])
    with pytest.raises(SourceDataError):
        octopus.parse_rates(["x"], start, start + HALF_HOUR)


async def test_octopus_follows_pages_and_sends_the_period(
    api: LocalApi, session: aiohttp.ClientSession
) -> None:
    """The capture is a single page; it is split here across two to exercise ``next``."""
    body = json_payload("octopus", VAR_RATES)
    rates_path = (
        "/v1/products/VAR-17-01-11/electricity-tariffs/E-1R-VAR-17-01-11-A/standard-unit-rates/"
    )
    first = {**body, "next": api.url("/page2"), "results": body["results"][:2]}
    second = {**body, "results": body["results"][2:]}
    api.reply(rates_path, Reply(body=json.dumps(first)))
    api.reply("/page2", Reply(body=json.dumps(second)))
    source = octopus.OctopusSource(http(session), "VAR-17-01-11", "A", url=api.url("/v1"))
    start = datetime(2019, 4, 30, 22, tzinfo=UTC)
    series = await source.async_fetch(start, start + timedelta(hours=2))
    assert [slot.price for slot in series] == pytest.approx([0.19383] * 4)
    assert api.requests_to(rates_path)[0].query == {
        "period_from": "2019-04-30T22:00:00Z",
        "period_to": "2019-05-01T00:00:00Z",
    }
    assert api.requests_to("/page2")[0].query == {}
    api.reply(rates_path, Reply(body=json.dumps({"detail": "Not found."})))
    with pytest.raises(SourceDataError, match="no results"):
        await source.async_fetch(start, start + HALF_HOUR)


def test_octopus_days_end_at_23_uk_time() -> None:
    agile = octopus.OctopusSource(None, "AGILE-24-10-01", "C").publication  # type: ignore[arg-type]
    london = octopus.LONDON
    morning = datetime(2025, 6, 2, 10, tzinfo=london)
    assert agile.expected_until(morning) == datetime(2025, 6, 2, 23, tzinfo=london)
    assert agile.expected_until(morning.replace(hour=16)) == datetime(2025, 6, 3, 23, tzinfo=london)
    assert agile.next_fetch(datetime(2025, 6, 3, 23, tzinfo=london), morning.replace(hour=17)) == (
        datetime(2025, 6, 3, 16, tzinfo=london)
    )


# Tibber


def test_tibber_total_prices_of_the_first_quarter_hour_day() -> None:
    """No recorded reply exists: built from Tibber's schema and real SE3 spot prices."""
    body = json_payload("tibber", TIBBER)
    series = tibber.parse_prices(body)
    assert len(series) == 96
    assert series.currency == "SEK"
    assert {slot.duration for slot in series} == {timedelta(minutes=15)}
    first = body["data"]["viewer"]["home"]["currentSubscription"]["priceInfo"]["today"][0]
    assert series.slots[0].price == first["total"]
    assert series.start == datetime(2025, 9, 30, 22, tzinfo=UTC)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (
            {"errors": [{"message": "no", "extensions": {"code": "UNAUTHENTICATED"}}]},
            SourceAuthError,
        ),
        ({"errors": [{"message": "home not found"}], "data": None}, SourceRequestError),
        ({"data": None}, SourceDataError),
        ([], SourceDataError),
        ({"data": {"viewer": {"home": None}}}, SourceDataError),
    ],
)
def test_tibber_graphql_errors(body: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        tibber.parse_prices(body)


def test_tibber_homes_are_labelled_by_nickname_or_address() -> None:
    body = {
        "data": {
            "viewer": {
                "homes": [
                    {"id": "h1", "appNickname": "Cabin", "address": {}},
                    {"id": "h2", "appNickname": None, "address": {"address1": "Storgatan 1"}},
                ]
            }
        }
    }
    assert tibber.parse_homes(body) == [("h1", "Cabin"), ("h2", "Storgatan 1")]
    with pytest.raises(SourceDataError):
        tibber.parse_homes({"data": {"viewer": {}}})


async def test_tibber_sends_the_token_and_the_home(
    api: LocalApi, session: aiohttp.ClientSession
) -> None:
    api.reply("/gql", Reply(body=payload("tibber", TIBBER)))
    source = tibber.TibberSource(http(session), "tok", "home-1", url=api.url("/gql"))
    start = datetime(2025, 9, 30, 22, tzinfo=UTC)
    assert len(await source.async_fetch(start, start + timedelta(hours=1))) == 4
    seen = api.requests_to("/gql")[0]
    assert seen.headers["Authorization"] == "Bearer tok"
    assert json.loads(seen.body)["variables"] == {"id": "home-1"}


# Amber


def test_amber_takes_the_general_channel_and_places_slots_by_their_end() -> None:
    """No recorded reply exists: built from the field examples of Amber's official OpenAPI."""
    series = amber.parse_prices(json_payload("amber", AMBER_PRICES))
    assert len(series) == 1
    slot = series.slots[0]
    # startTime is 02:00:01Z in Amber's own example; the slot starts on the boundary.
    assert slot.start == datetime(2021, 5, 5, 2, tzinfo=UTC)
    assert slot.duration == HALF_HOUR
    assert slot.price == pytest.approx(0.2433)
    assert series.currency == "AUD"


def test_amber_forecasts_stay_forecasts() -> None:
    interval = json_payload("amber", AMBER_PRICES)[0]
    series = amber.parse_prices([{**interval, "type": "ForecastInterval"}])
    assert series.slots[0].origin == "forecast"
    assert series.slots[0].lower is None
    with pytest.raises(SourceDataError):
        amber.parse_prices({"not": "a list"})
    with pytest.raises(SourceDataError):
        amber.parse_prices([1])


def test_amber_sites() -> None:
    assert amber.parse_sites(json_payload("amber", AMBER_SITES)) == [
        ("01F5A5CRKMZ5BCX9P1S4V990AM", "3052282872 (Jemena)")
    ]
    with pytest.raises(SourceDataError):
        amber.parse_sites({})
    with pytest.raises(SourceDataError):
        amber.parse_sites([{"nmi": "1"}])


async def test_amber_asks_for_half_hours_with_a_bearer_key(
    api: LocalApi, session: aiohttp.ClientSession
) -> None:
    api.reply("/v1/sites/site-1/prices", Reply(body=payload("amber", AMBER_PRICES)))
    api.reply("/v1/sites", Reply(body=payload("amber", AMBER_SITES)))
    source = amber.AmberSource(http(session), "key", "site-1", url=api.url("/v1"))
    start = datetime(2021, 5, 5, 2, tzinfo=UTC)
    assert len(await source.async_fetch(start, start + HALF_HOUR)) == 1
    seen = api.requests_to("/v1/sites/site-1/prices")[0]
    assert seen.query == {"startDate": "2021-05-04", "endDate": "2021-05-06", "resolution": "30"}
    assert seen.headers["Authorization"] == "Bearer key"
    sites = await amber.AmberSource.async_sites(http(session), "key", url=api.url("/v1"))
    assert sites[0][0] == "01F5A5CRKMZ5BCX9P1S4V990AM"


# ComEd


def test_comed_averages_five_minute_prices_per_hour_across_dst() -> None:
    """No recorded feed exists: built from real ComEd-zone prices of 2017-03-12 (PROVENANCE.md)."""
    body = json_payload("comed", COMED)
    series = comed.parse_feed(body)
    chicago = ZoneInfo("America/Chicago")
    spring = series.between(*local_day_bounds(date(2017, 3, 12), chicago))
    assert len(spring) == 23
    assert series.currency == "USD"
    newest = body[0]
    last_hour = series.slots[-1]
    assert last_hour.end == datetime.fromtimestamp(int(newest["millisUTC"]) / 1000, UTC)
    assert last_hour.price == pytest.approx(float(newest["price"]) / 100)


def test_comed_running_hour_is_the_mean_so_far() -> None:
    hour = datetime(2025, 7, 1, 17, tzinfo=UTC)
    feed = [
        {"millisUTC": str(int((hour + timedelta(minutes=5 * i)).timestamp() * 1000)), "price": p}
        for i, p in ((1, "4.0"), (2, "-1.0"), (3, "6.0"))
    ]
    series = comed.parse_feed(feed)
    assert [(slot.start, slot.price) for slot in series] == [(hour, pytest.approx(0.03))]
    with pytest.raises(SourceDataError):
        comed.parse_feed({"error": "x"})
    with pytest.raises(SourceDataError):
        comed.parse_feed(["x"])


async def test_comed_asks_in_chicago_time(api: LocalApi, session: aiohttp.ClientSession) -> None:
    api.reply("/api", Reply(body=payload("comed", COMED)))
    source = comed.ComEdSource(http(session), url=api.url("/api"))
    start = datetime(2017, 3, 12, 6, tzinfo=UTC)
    series = await source.async_fetch(start, start + timedelta(hours=3))
    assert len(series) == 3
    query = api.requests_to("/api")[0].query
    assert query["type"] == "5minutefeed"
    assert query["datestart"] == "201703120005"
