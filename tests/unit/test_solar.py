"""A solar forecast read into mean PV power per UTC slot, in the shapes the integrations give."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
import json
from pathlib import Path
import string
from zoneinfo import ZoneInfo

from hypothesis import given, strategies as st
import pytest

from custom_components.price_optimizer.core.solar import (
    MAX_AGE,
    SOLAR_ISSUE_CODES,
    SolarForecast,
    SolarForecastError,
    SolarForPlan,
    SolarSource,
    forecast_from_attributes,
    forecast_from_energy_platform,
    forecast_from_entries,
    forecast_from_wh,
    freshness_issue,
    solar_issue,
)
from custom_components.price_optimizer.repair_issues import solar_issue_translation_key

BERLIN = ZoneInfo("Europe/Berlin")
HOUR = timedelta(hours=1)
QUARTER = timedelta(minutes=15)
HALF = timedelta(minutes=30)


def local(text: str, zone: ZoneInfo = BERLIN) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# Forecast.Solar's shape: local offsets, the day's first key at sunrise, no keys at night.
FORECAST_SOLAR = {
    "2026-11-24T07:47:12+01:00": 35,
    "2026-11-24T08:00:00+01:00": 210,
    "2026-11-24T09:00:00+01:00": 640,
    "2026-11-24T10:00:00+01:00": 1100,
    "2026-11-24T11:00:00+01:00": 1320,
    "2026-11-24T12:00:00+01:00": 1290,
    "2026-11-24T13:00:00+01:00": 980,
    "2026-11-24T14:00:00+01:00": 520,
    "2026-11-24T15:00:00+01:00": 160,
    "2026-11-24T16:00:00+01:00": 12,
    "2026-11-25T07:48:40+01:00": 20,
    "2026-11-25T08:00:00+01:00": 150,
    "2026-11-25T09:00:00+01:00": 400,
}


def test_reads_forecast_solar_hours_as_energy_of_the_hour_starting_there() -> None:
    forecast = forecast_from_energy_platform({"wh_hours": FORECAST_SOLAR})
    assert forecast.total_kwh == pytest.approx(sum(FORECAST_SOLAR.values()) / 1000)
    # 10:00-11:00 local is 09:00-10:00 UTC: 1100 Wh, 1.1 kW all hour long.
    assert forecast.mean_kw([utc("2026-11-24T09:00"), utc("2026-11-24T09:45")], QUARTER) == [
        pytest.approx(1.1),
        pytest.approx(1.1),
    ]
    # The sunrise key lasts until the next full hour: 35 Wh over 12 min 48 s.
    sunrise = local("2026-11-24T07:47:12")
    assert forecast.periods[0].start == sunrise.astimezone(UTC)
    assert forecast.periods[0].duration == timedelta(minutes=12, seconds=48)


def test_leaves_out_nights_as_no_production_and_the_time_after_the_forecast_unknown() -> None:
    forecast = forecast_from_wh(FORECAST_SOLAR)
    night = local("2026-11-24T22:00").astimezone(UTC)
    assert forecast.mean_kw([night], HOUR) == [0.0]
    after = local("2026-11-25T10:00").astimezone(UTC)
    assert forecast.mean_kw([after - HOUR, after], HOUR) == [pytest.approx(0.4), None]


def test_is_zero_before_sunrise_only_back_to_when_it_was_read() -> None:
    forecast = forecast_from_wh(FORECAST_SOLAR)
    early = local("2026-11-24T05:00").astimezone(UTC)
    assert forecast.mean_kw([early], HOUR) == [None]
    read = forecast.read_at(local("2026-11-24T04:10").astimezone(UTC))
    assert read.mean_kw([early], HOUR) == [0.0]
    assert read.mean_kw([early - HOUR], HOUR) == [None]


def test_reads_solcast_half_hours_at_their_own_resolution() -> None:
    # Solcast's energy platform: half-hour periods worth pv_estimate (kW) x 500 Wh.
    forecast = forecast_from_wh(
        {
            "2026-06-10T05:00:00+00:00": 0,
            "2026-06-10T05:30:00+00:00": 400,
            "2026-06-10T06:00:00+00:00": 900,
            "2026-06-10T06:30:00+00:00": 1500,
        }
    )
    assert [p.duration for p in forecast.periods] == [HALF] * 4
    assert forecast.mean_kw([utc("2026-06-10T05:00"), utc("2026-06-10T06:00")], HOUR) == [
        pytest.approx(0.4),
        pytest.approx(2.4),
    ]
    assert forecast.mean_kw([utc("2026-06-10T06:30")], QUARTER) == [pytest.approx(3.0)]


def test_reads_solcast_detailed_forecast_in_kilowatts_with_local_datetimes() -> None:
    sydney = ZoneInfo("Australia/Sydney")
    entries = [
        {
            "period_start": local(f"2026-01-15T{hh:02d}:{mm:02d}", sydney),
            "pv_estimate": kw,
            "pv_estimate10": kw / 2,
            "pv_estimate90": kw * 1.2,
        }
        for (hh, mm), kw in zip(
            [(10, 0), (10, 30), (11, 0), (11, 30)], [3.0, 4.0, 5.0, 5.0], strict=True
        )
    ]
    name, forecast = forecast_from_attributes({"detailedForecast": entries, "dayname": "x"})
    assert name == "detailedForecast"
    start = local("2026-01-15T10:00", sydney).astimezone(UTC)
    assert forecast.mean_kw([start, start + HOUR], HOUR) == [
        pytest.approx(3.5),
        pytest.approx(5.0),
    ]
    assert forecast.total_kwh == pytest.approx(8.5)


def test_reads_solcast_detailed_forecast_as_text_the_way_its_readme_shows_it() -> None:
    forecast = forecast_from_entries(
        [
            {"period_start": "2025-04-06T08:00:00+10:00", "pv_estimate": 50.0},
            {"period_start": "2025-04-06T08:30:00+10:00", "pv_estimate": 10.0},
        ]
    )
    assert forecast.mean_kw([utc("2025-04-05T22:00")], HOUR) == [pytest.approx(30.0)]


def test_prefers_open_meteo_quarter_hours_over_its_hours() -> None:
    attributes = {
        "watts": {"2026-07-01T12:00:00+02:00": 4000},
        "wh_period": {"2026-07-01T12:00:00+02:00": 3000},
        "wh_period_15m": {
            "2026-07-01T12:00:00+02:00": 700,
            "2026-07-01T12:15:00+02:00": 800,
        },
    }
    name, forecast = forecast_from_attributes(attributes)
    assert name == "wh_period_15m"
    assert forecast.mean_kw([utc("2026-07-01T10:15")], QUARTER) == [pytest.approx(3.2)]
    name, forecast = forecast_from_attributes({"wh_period": attributes["wh_period"]})
    assert (name, forecast.mean_kw([utc("2026-07-01T10:00")], HOUR)) == ("wh_period", [3.0])


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"2026-11-24T08:00:00+01:00": -5}, "value_negative"),
        ({"2026-11-24T08:00:00+01:00": float("nan")}, "value_invalid"),
        ({"2026-11-24T08:00:00+01:00": "12"}, "value_invalid"),
        ({"2026-11-24T08:00:00+01:00": True}, "value_invalid"),
        ({"2026-11-24T08:00:00": 5}, "timestamp_without_zone"),
        ({"tomorrow morning": 5}, "timestamp_invalid"),
        ({}, "empty"),
        ([1, 2], "not_a_forecast"),
        # One instant written in two offsets.
        ({"2026-11-24T08:00:00+01:00": 5, "2026-11-24T07:00:00+00:00": 6}, "timestamp_repeated"),
        # Daily totals are not periods of a forecast.
        ({"2026-11-24T00:00:00+01:00": 5000, "2026-11-25T00:00:00+01:00": 6000}, "step_too_long"),
    ],
)
def test_refuses_what_is_not_a_forecast_and_says_why(data: object, problem: str) -> None:
    with pytest.raises(SolarForecastError) as caught:
        forecast_from_wh(data)
    assert caught.value.issue.code == "forecast_malformed"
    assert caught.value.issue.placeholders["problem"] == problem


def test_refuses_entries_without_a_start_or_an_estimate() -> None:
    with pytest.raises(SolarForecastError) as caught:
        forecast_from_entries(
            [
                {"period_start": "2026-01-01T10:00:00+00:00", "pv_estimate": 1.0},
                {"period_start": "2026-01-01T10:30:00+00:00"},
            ]
        )
    assert dict(caught.value.issue.placeholders) == {"problem": "entry_invalid", "entry": "2"}
    with pytest.raises(SolarForecastError) as caught:
        forecast_from_energy_platform({"wh": {}})
    assert caught.value.issue.placeholders["problem"] == "not_a_forecast"


def test_a_sensor_without_a_forecast_attribute_has_no_forecast() -> None:
    with pytest.raises(SolarForecastError) as caught:
        forecast_from_attributes({"unit_of_measurement": "kWh", "watts": {}})
    assert caught.value.issue.code == "no_forecast"


def test_a_forecast_is_stale_when_it_ended_starts_too_late_or_stopped_changing() -> None:
    forecast = forecast_from_wh(FORECAST_SOLAR)
    midday = local("2026-11-24T12:30").astimezone(UTC)
    assert freshness_issue(forecast, midday, changed_at=midday - HOUR) is None
    # At night before the first sunrise it is still the forecast for now, unless the source
    # leaves out no night (a sensor's whole days).
    night = local("2026-11-24T01:00").astimezone(UTC)
    assert freshness_issue(forecast, night) is None
    not_yet = freshness_issue(forecast, night, leading_night=timedelta(0))
    assert not_yet is not None
    assert not_yet.code == "forecast_not_started"
    ended = freshness_issue(forecast, local("2026-11-25T10:00").astimezone(UTC))
    assert ended is not None
    assert ended.code == "forecast_ended"
    too_early = freshness_issue(forecast, local("2026-11-22T12:00").astimezone(UTC))
    assert too_early is not None
    assert too_early.code == "forecast_not_started"
    old = freshness_issue(forecast, midday, changed_at=midday - MAX_AGE - HOUR)
    assert old is not None
    assert (old.code, old.placeholders["hours"]) == ("forecast_old", "25")


def test_a_plan_adds_up_the_entries_of_one_source_and_uses_none_with_an_issue() -> None:
    plane = forecast_from_wh({"2026-06-10T10:00:00+00:00": 2000, "2026-06-10T11:00:00+00:00": 1000})
    other = forecast_from_wh({"2026-06-10T10:00:00+00:00": 500})
    source = SolarSource("energy_platform", ("a", "b"), ("East", "West"), ("forecast_solar",) * 2)
    now = utc("2026-06-10T09:50")
    both = SolarForPlan(source, now, forecasts=(plane.read_at(now), other.read_at(now)))
    assert both.expected_kw([utc("2026-06-10T10:00"), utc("2026-06-10T11:00")], HOUR) == [
        2.5,
        None,  # the second plane says nothing past 11:00
    ]
    assert [s.kw for s in both.on_slots([(utc("2026-06-10T10:00"), HALF)])] == [2.5]
    assert both.as_dict()["covers_until"] == "2026-06-10T11:00:00+00:00"
    assert source.label == "East (forecast_solar), West (forecast_solar)"
    broken = SolarForPlan(
        source, now, forecasts=(plane,), issue=freshness_issue(plane, utc("2026-06-11T00:00"))
    )
    assert not broken.used
    assert broken.expected_kw([utc("2026-06-10T10:00")], HOUR) == [None]
    assert broken.on_slots([(utc("2026-06-10T10:00"), HOUR)]) == ()
    assert broken.as_dict()["reason"] == "forecast_ended"


def test_joins_one_day_sensor_with_the_next() -> None:
    today = forecast_from_wh({"2026-06-10T10:00:00+00:00": 2000})
    tomorrow = forecast_from_wh({"2026-06-11T10:00:00+00:00": 3000})
    both = today.joined(tomorrow)
    assert both.mean_kw(
        [utc("2026-06-10T10:00"), utc("2026-06-10T20:00"), utc("2026-06-11T10:00")], HOUR
    ) == [2.0, 0.0, 3.0]
    with pytest.raises(SolarForecastError):
        today.joined(today)


# --- Every zone's days, the 23- and 25-hour ones too ------------------------------------

ZONES = ("Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Europe/London")
DST_DAYS = (
    date(2026, 3, 29),
    date(2026, 10, 25),
    date(2026, 3, 8),
    date(2026, 11, 1),
    date(2026, 4, 5),
    date(2026, 10, 4),
    date(2026, 6, 21),
)


@st.composite
def local_hours(draw: st.DrawFn, minutes: int = 60) -> tuple[ZoneInfo, list[datetime], list[float]]:
    """Period starts on one zone's local clock over one to three days, and their values."""
    zone = ZoneInfo(draw(st.sampled_from(ZONES)))
    day = draw(st.sampled_from(DST_DAYS))
    days = draw(st.integers(1, 3))
    start = datetime.combine(day, time.min, zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=days), time.min, zone).astimezone(UTC)
    count = int((end - start) / timedelta(minutes=minutes))
    starts = [start + i * timedelta(minutes=minutes) for i in range(count)]
    values = draw(st.lists(st.floats(0, 5000, allow_nan=False), min_size=count, max_size=count))
    return zone, starts, values


@given(local_hours(), st.booleans())
def test_energy_is_kept_and_each_hour_reads_back_on_dst_days(
    drawn: tuple[ZoneInfo, list[datetime], list[float]], leave_out_zeros: bool
) -> None:
    zone, starts, values = drawn
    written = {
        start.astimezone(zone).isoformat(): wh
        for start, wh in zip(starts, values, strict=True)
        if wh > 0 or not leave_out_zeros
    }
    if not written:
        return
    forecast = forecast_from_wh(written)
    kept = [(s, wh) for s, wh in zip(starts, values, strict=True) if wh > 0 or not leave_out_zeros]
    assert forecast.total_kwh == pytest.approx(sum(wh for _, wh in kept) / 1000)
    # Every hour between the first and last key reads back as it was written (a left-out
    # zero as zero), whichever offset its key was written in.
    first, last = kept[0][0], kept[-1][0]
    inside = [(s, wh) for s, wh in zip(starts, values, strict=True) if first <= s <= last]
    assert forecast.mean_kw([s for s, _ in inside], HOUR) == pytest.approx(
        [wh / 1000 for _, wh in inside]
    )
    # A quarter-hour grid over the whole forecast holds all of its energy.
    quarters = int((forecast.end - forecast.start) / QUARTER)
    grid = [forecast.start + i * QUARTER for i in range(quarters)]
    kw = forecast.mean_kw(grid, QUARTER)
    assert None not in kw
    assert sum(k * 0.25 for k in kw if k is not None) == pytest.approx(forecast.total_kwh)


@given(local_hours(minutes=30))
def test_half_hour_kilowatts_average_into_hours_on_dst_days(
    drawn: tuple[ZoneInfo, list[datetime], list[float]],
) -> None:
    zone, starts, values = drawn
    entries = [
        {"period_start": start.astimezone(zone), "pv_estimate": kw / 1000}
        for start, kw in zip(starts, values, strict=True)
    ]
    forecast = forecast_from_entries(entries)
    hours = starts[::2]
    means = [(a + b) / 2000 for a, b in zip(values[::2], values[1::2], strict=True)]
    assert forecast.mean_kw(hours, HOUR) == pytest.approx(means)
    assert forecast.end == starts[-1] + HALF


def test_a_forecast_needs_periods() -> None:
    with pytest.raises(SolarForecastError):
        SolarForecast(())


def test_every_reason_has_a_repair_issue_that_uses_only_what_is_passed_to_it() -> None:
    translations = json.loads(
        (
            Path(__file__).resolve().parents[2]
            / "custom_components/price_optimizer/translations/en.json"
        ).read_text()
    )["issues"]
    passed = {"title", "source", "since", "details"}
    for code in SOLAR_ISSUE_CODES:
        texts = translations[solar_issue_translation_key(solar_issue(code))]
        for text in texts.values():
            used = {name for _, name, _, _ in string.Formatter().parse(text) if name}
            assert used <= passed, (code, used - passed)
            assert "{source}" in text or "{title}" in text
