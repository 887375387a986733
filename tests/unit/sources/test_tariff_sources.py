"""Tariff sources: Flatpeak rates, NREL average rates and URDB time-of-use schedules."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, timedelta
import json
from zoneinfo import ZoneInfo

import aiohttp
from hypothesis import given, settings, strategies as st
import pytest

from custom_components.price_optimizer.core.prices import local_day_bounds
from custom_components.price_optimizer.core.sources import flatpeak, tariffs
from custom_components.price_optimizer.core.sources.base import (
    SourceAuthError,
    SourceDataError,
    SourceRequestError,
)
from custom_components.price_optimizer.core.sources.http import HttpPolicy, SourceHttp
from tests.local_api import LocalApi, Reply
from tests.payloads import json_payload, payload

HOUR = timedelta(hours=1)
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
NEW_YORK = ZoneInfo("America/New_York")
SCE = "item_56bbe2205457a34d2a8b456a_SCE_TOU-8_commercial_reopt.json"
GEORGIA = "item_5d55886c5457a3221535a087_GeorgiaPower_TOU-GSD-10_reopt.json"
NREL = "DOCS-EXAMPLE_utility_rates_v3.json_lat35.45_lon-82.98_two-utilities.json"
RATES = "SCHEMA-EXAMPLE_tariff_rate.json"
LOGIN = "SCHEMA-EXAMPLE_login.json"


def http(session: aiohttp.ClientSession) -> SourceHttp:
    return SourceHttp(session, "test", HttpPolicy(min_interval=0, attempts=1))


# Flatpeak


def test_flatpeak_rate_is_cut_into_slots_on_its_boundaries() -> None:
    """No recorded reply exists: built from the examples in Flatpeak's official OpenAPI file."""
    series = flatpeak.parse_rates(json_payload("flatpeak", RATES))
    # The spec's example rate holds 01:00-02:30: three half-hours.
    assert [(slot.start.hour, slot.start.minute) for slot in series] == [(1, 0), (1, 30), (2, 0)]
    assert {slot.duration for slot in series} == {timedelta(minutes=30)}
    assert {slot.price for slot in series} == {4.998}
    assert series.currency == "EUR"


def test_flatpeak_malformed_replies() -> None:
    body = json_payload("flatpeak", RATES)
    with pytest.raises(SourceDataError, match="tariff_rate"):
        flatpeak.parse_rates({**body, "object": "error"})
    with pytest.raises(SourceDataError, match="currency_code"):
        flatpeak.parse_rates({**body, "currency_code": None})
    with pytest.raises(SourceDataError, match="lacks"):
        flatpeak.parse_rates({**body, "data": [{"valid_from": "2022-12-28T01:00:00Z"}]})
    assert not flatpeak.parse_rates({**body, "data": []})
    odd = {**body["data"][0], "valid_to": "2022-12-28T02:07:00Z"}
    with pytest.raises(SourceDataError, match="quarter-hours"):
        flatpeak.parse_rates({**body, "data": [odd]})
    with pytest.raises(SourceDataError, match="bearer_token"):
        flatpeak.parse_token({"message": "Bad credentials"})


async def test_flatpeak_logs_in_once_and_reuses_the_token(
    api: LocalApi, session: aiohttp.ClientSession
) -> None:
    api.reply("/login", Reply(body=payload("flatpeak", LOGIN)))
    api.reply("/tariffs/rates/loc_1", Reply(body=payload("flatpeak", RATES)))
    now = [0.0]
    source = flatpeak.FlatpeakSource(
        http(session),
        host=api.url("/").rstrip("/"),
        account_id="acc_1",
        api_key="key",
        location_id="loc_1",
        clock=lambda: now[0],
    )
    start = datetime(2022, 12, 28, 0, tzinfo=UTC)
    assert len(await source.async_fetch(start, start + 3 * HOUR)) == 3
    await source.async_fetch(start, start + 3 * HOUR)
    assert len(api.requests_to("/login")) == 1
    login = api.requests_to("/login")[0]
    # base64("acc_1:key"), as Flatpeak's login expects it.
    assert login.headers["Authorization"] == "Basic YWNjXzE6a2V5"
    rates = api.requests_to("/tariffs/rates/loc_1")[0]
    assert rates.headers["Authorization"].startswith("Bearer eyJ")
    assert rates.query == {
        "start_time": "2022-12-28T00:00:00Z",
        "end_time": "2022-12-28T03:00:00Z",
        "direction": "IMPORT",
        "include_tariff": "true",
    }
    now[0] = 3600.0
    await source.async_fetch(start, start + HOUR)
    assert len(api.requests_to("/login")) == 2


async def test_flatpeak_logs_in_without_aiohttp_basic_auth(
    api: LocalApi, session: aiohttp.ClientSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """aiohttp 3.14 deprecates ``BasicAuth``: the login must not need it."""
    monkeypatch.delattr(aiohttp, "BasicAuth")
    api.reply("/login", Reply(body=payload("flatpeak", LOGIN)))
    api.reply("/tariffs/rates/loc_1", Reply(body=payload("flatpeak", RATES)))
    source = flatpeak.FlatpeakSource(
        http(session),
        host=api.url("/").rstrip("/"),
        account_id="acc_661677911f2197045e6cf1b1",
        api_key="sk_live_Ünï:cödé",
        location_id="loc_1",
    )
    start = datetime(2022, 12, 28, 0, tzinfo=UTC)
    assert len(await source.async_fetch(start, start + 3 * HOUR)) == 3
    login = api.requests_to("/login")[0]
    scheme, credentials = login.headers["Authorization"].split(" ")
    assert scheme == "Basic"
    # The password may hold a colon: only the first one separates it from the user.
    assert base64.b64decode(credentials).decode() == (
        "acc_661677911f2197045e6cf1b1:sk_live_Ünï:cödé"
    )


async def test_flatpeak_bad_credentials_are_an_auth_error(
    api: LocalApi, session: aiohttp.ClientSession
) -> None:
    api.reply("/login", Reply(403, body='{"message":"Bad credentials"}'))
    source = flatpeak.FlatpeakSource(
        http(session), host=api.url(""), account_id="a", api_key="b", location_id="c"
    )
    with pytest.raises(SourceAuthError):
        await source.async_fetch(
            datetime(2022, 12, 28, tzinfo=UTC), datetime(2022, 12, 29, tzinfo=UTC)
        )


# NREL


def test_nrel_average_rate_becomes_a_flat_hourly_price() -> None:
    """The provider's documentation example (two utilities at one location)."""
    body = json_payload("nrel_utility_rates", NREL)
    assert tariffs.parse_nrel_rate(body, "residential") == 0.123
    start, end = local_day_bounds(date(2025, 3, 9), NEW_YORK)
    series = tariffs.flat_series(0.123, start, end)
    assert len(series) == 23
    assert {slot.price for slot in series} == {0.123}


def test_nrel_refusals_and_gaps() -> None:
    body = json_payload("nrel_utility_rates", NREL)
    with pytest.raises(SourceRequestError):
        tariffs.parse_nrel_rate({**body, "errors": ["lat out of range"]}, "residential")
    with pytest.raises(SourceRequestError):
        tariffs.parse_nrel_rate({**body, "outputs": {"residential": "no data"}}, "residential")
    with pytest.raises(SourceDataError):
        tariffs.parse_nrel_rate({"outputs": {}}, "residential")
    with pytest.raises(SourceDataError):
        tariffs.parse_nrel_rate([], "residential")


async def test_nrel_missing_key_is_an_auth_error(
    api: LocalApi, session: aiohttp.ClientSession
) -> None:
    api.reply(
        "/api/utility_rates/v3.json",
        Reply(403, body=payload("nrel_utility_rates", "DOCS-EXAMPLE_error_API_KEY_MISSING.json")),
    )
    source = tariffs.NrelSource(
        http(session),
        "",
        latitude=35.45,
        longitude=-82.98,
        sector="residential",
        zone=NEW_YORK,
        url=api.url("/api/utility_rates/v3.json"),
    )
    with pytest.raises(SourceAuthError):
        await source.async_fetch(datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 1, 2, tzinfo=UTC))
    api.reply("/api/utility_rates/v3.json", Reply(body=payload("nrel_utility_rates", NREL)))
    series = await source.async_fetch(
        datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 1, 2, tzinfo=UTC)
    )
    assert len(series) == 24
    assert api.requests_to("/api/utility_rates/v3.json")[-1].query == {
        "api_key": "",
        "lat": "35.4500",
        "lon": "-82.9800",
    }


# URDB


def sce() -> dict[str, object]:
    return json_payload("openei_urdb", SCE)


def test_urdb_summer_weekday_follows_the_time_of_use_periods() -> None:
    """A real URDB rate item (SCE TOU-8) as REopt saved it; the envelope is the documented one."""
    item = sce()
    start, end = local_day_bounds(date(2025, 7, 15), LOS_ANGELES)  # a Tuesday in July
    series = tariffs.expand_schedule(item, LOS_ANGELES, start, end)
    structure = item["energyratestructure"]
    schedule = item["energyweekdayschedule"][6]
    expected = [structure[period][0]["rate"] for period in schedule]  # type: ignore[index]
    assert [slot.price for slot in series] == pytest.approx(expected)
    assert series.slots[12].price == pytest.approx(0.13943)  # noon: on-peak, period 4
    assert series.slots[3].price == pytest.approx(0.06202)  # 03:00: off-peak, period 2


def test_urdb_weekends_and_winter_months_use_their_own_rules() -> None:
    item = sce()
    saturday = tariffs.expand_schedule(
        item, LOS_ANGELES, *local_day_bounds(date(2025, 7, 19), LOS_ANGELES)
    )
    assert {slot.price for slot in saturday} == {0.06202}
    january = tariffs.expand_schedule(
        item, LOS_ANGELES, *local_day_bounds(date(2025, 1, 14), LOS_ANGELES)
    )
    assert [slot.price for slot in january][7:9] == pytest.approx([0.06713, 0.08756])


def test_urdb_adjustments_are_added_to_the_rate() -> None:
    item = json_payload("openei_urdb", GEORGIA)
    start, end = local_day_bounds(date(2025, 1, 6), NEW_YORK)
    series = tariffs.expand_schedule(item, NEW_YORK, start, end)
    period = item["energyweekdayschedule"][0][0]
    first = item["energyratestructure"][period][0]
    assert series.slots[0].price == pytest.approx(first["rate"] + first["adj"])


@settings(max_examples=100)
@given(day=st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)))
def test_urdb_days_have_one_slot_per_local_hour(day: date) -> None:
    start, end = local_day_bounds(day, LOS_ANGELES)
    series = tariffs.expand_schedule(sce(), LOS_ANGELES, start, end)
    assert len(series) == (end - start) / HOUR
    assert all(a.end == b.start for a, b in zip(series.slots, series.slots[1:], strict=False))


def test_urdb_malformed_or_missing_rates() -> None:
    item = sce()
    start = datetime(2025, 7, 15, 7, tzinfo=UTC)
    with pytest.raises(SourceDataError, match="12 months"):
        tariffs.expand_schedule(
            {**item, "energyweekdayschedule": [[0] * 24]}, LOS_ANGELES, start, start + HOUR
        )
    with pytest.raises(SourceDataError, match="incomplete"):
        tariffs.expand_schedule(
            {**item, "energyratestructure": [[{}]]}, LOS_ANGELES, start, start + HOUR
        )
    with pytest.raises(SourceRequestError):
        tariffs.urdb_item({"items": []})
    with pytest.raises(SourceDataError):
        tariffs.urdb_item({"error": "x"})
    with pytest.raises(SourceDataError):
        tariffs.urdb_item({"items": ["x"]})


async def test_urdb_asks_for_one_rate_by_label(
    api: LocalApi, session: aiohttp.ClientSession
) -> None:
    api.reply("/utility_rates", Reply(body=json.dumps({"items": [sce()]})))
    source = tariffs.UrdbSource(
        http(session), "key", "56bbe2205457a34d2a8b456a", LOS_ANGELES, url=api.url("/utility_rates")
    )
    start, end = local_day_bounds(date(2025, 11, 2), LOS_ANGELES)  # autumn DST: 25 hours
    assert len(await source.async_fetch(start, end)) == 25
    assert api.requests_to("/utility_rates")[0].query == {
        "version": "latest",
        "format": "json",
        "detail": "full",
        "getpage": "56bbe2205457a34d2a8b456a",
        "api_key": "key",
    }
