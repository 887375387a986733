"""The month-to-date peaks a capacity charge bills, found in a real household's meter."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest

from custom_components.price_optimizer.core.tariffs.base_load import energy_from_meter
from custom_components.price_optimizer.core.tariffs.capacity import (
    CapacityStep,
    CapacityTerms,
    DailyPeaksStepRule,
    MonthlyPeakRule,
)
from custom_components.price_optimizer.core.tariffs.load_statistics import (
    StatisticsRow,
    energy_from_statistics,
)
from custom_components.price_optimizer.core.tariffs.month_peaks import (
    MonthPeaks,
    clock_hour_energy,
    interval_energy,
    month_key,
    month_peaks,
)
from tests.household_meter import HOUSEHOLD, consumption_readings

HOUR = timedelta(hours=1)
QUARTER = timedelta(minutes=15)
BERLIN = "Europe/Berlin"
ELVIA = DailyPeaksStepRule(
    steps=tuple(
        CapacityStep(t, f)
        for t, f in [(0, 112), (2, 184), (5, 300), (10, 420), (15, 540), (20, 656), (25, 1248)]
    )
)
needs_household = pytest.mark.skipif(
    not HOUSEHOLD.exists(), reason="the household data is not here"
)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@cache
def household_hours() -> dict[datetime, float]:
    """KWh per UTC hour the household used: grid import + PV - export, Jan-Nov 2016."""
    return energy_from_meter(consumption_readings("2016-01-01", "2016-11-02"), HOUR)


def highest(hours: dict[datetime, float], first: str, end: str) -> float:
    return max(kwh for start, kwh in hours.items() if utc(first) <= start < utc(end))


@needs_household
def test_daily_peaks_of_a_spring_dst_month_count_the_short_day_in_local_time() -> None:
    hours = household_hours()
    peaks = month_peaks(hours, HOUR, BERLIN, utc("2016-03-31T21:30"))
    assert peaks.month == "2016-03"
    assert sorted(peaks.daily_peaks_kw) == [date(2016, 3, d) for d in range(1, 32)]
    # 27 March has 23 clock hours: 23:00Z on the 26th to 22:00Z on the 27th.
    day = [s for s in hours if utc("2016-03-26T23:00") <= s < utc("2016-03-27T22:00")]
    assert len(day) == 23
    assert peaks.daily_peaks_kw[date(2016, 3, 27)] == max(hours[s] for s in day)
    assert peaks.daily_peaks_kw[date(2016, 3, 26)] == highest(
        hours, "2016-03-25T23:00", "2016-03-26T23:00"
    )
    assert peaks.peak_so_far_kw == highest(hours, "2016-02-29T23:00", "2016-03-31T22:00")
    assert peaks.earlier_months == {
        "2016-01": highest(hours, "2016-01-01T00:00", "2016-01-31T23:00"),
        "2016-02": highest(hours, "2016-01-31T23:00", "2016-02-29T23:00"),
    }


@needs_household
def test_the_long_autumn_day_has_twenty_five_clock_hours() -> None:
    hours = household_hours()
    peaks = month_peaks(hours, HOUR, BERLIN, utc("2016-10-31T12:00"))
    day = [s for s in hours if utc("2016-10-29T22:00") <= s < utc("2016-10-30T23:00")]
    assert len(day) == 25
    assert peaks.daily_peaks_kw[date(2016, 10, 30)] == max(hours[s] for s in day)
    assert len(peaks.earlier_months) == 9


@needs_household
def test_the_billed_step_is_the_capacity_rules_own_charge_of_the_month() -> None:
    hours = household_hours()
    now = utc("2016-01-20T10:30")
    peaks = month_peaks(hours, HOUR, BERLIN, now)
    january = sorted((s, kwh) for s, kwh in hours.items() if s < now)
    local_days = [s.astimezone(ZoneInfo(BERLIN)).date() for s, _ in january]
    expected_fee = ELVIA.charge([kwh for _, kwh in january], local_days)
    assert peaks.charge(ELVIA) == expected_fee
    top3 = sorted(peaks.daily_peaks_kw.values(), reverse=True)[:3]
    assert peaks.billed_kw(ELVIA) == pytest.approx(sum(top3) / 3)
    step, next_threshold = peaks.step(ELVIA)
    assert step.monthly_fee == expected_fee
    assert next_threshold is not None
    assert step.threshold_kw <= peaks.billed_kw(ELVIA) < next_threshold


@needs_household
def test_a_rolling_monthly_peak_charge_uses_the_earlier_months() -> None:
    hours = household_hours()
    rule = MonthlyPeakRule(
        fee_per_kw_month=4.0, floor_kw=2.5, interval_minutes=60, rolling_months=3
    )
    peaks = month_peaks(hours, HOUR, BERLIN, utc("2016-04-15T00:00"))
    feb, mar = peaks.earlier_months["2016-02"], peaks.earlier_months["2016-03"]
    billed = [max(p, 2.5) for p in (feb, mar, peaks.peak_so_far_kw)]
    assert peaks.charge(rule) == pytest.approx(4.0 * sum(billed) / 3)
    assert peaks.billed_kw(rule) == peaks.peak_so_far_kw


def test_quarter_hour_peak_from_five_minute_energy() -> None:
    start = utc("2026-11-02T10:00")
    five = {start + timedelta(minutes=5 * i): 0.1 for i in range(24)}
    five[start + timedelta(minutes=20)] = 0.5  # in the 10:15 quarter
    peaks = month_peaks(five, timedelta(minutes=5), BERLIN, start + 2 * HOUR, interval_minutes=15)
    assert peaks.peak_so_far_kw == pytest.approx((0.1 + 0.5 + 0.1) * 4)
    assert peaks.daily_peaks_kw == {date(2026, 11, 2): pytest.approx(0.1 * 11 + 0.5)}


def test_hourly_data_stands_for_its_quarters_in_a_quarter_hour_rule() -> None:
    start = utc("2026-11-02T10:00")
    assert interval_energy({start: 2.0}, HOUR, 15) == {start + i * QUARTER: 0.5 for i in range(4)}
    peaks = month_peaks({start: 2.0}, HOUR, BERLIN, start, interval_minutes=15)
    assert peaks.peak_so_far_kw == 2.0


def test_intervals_that_do_not_fit_are_refused() -> None:
    start = utc("2026-11-02T10:00")
    with pytest.raises(ValueError, match="divide an hour"):
        clock_hour_energy({start: 1.0}, timedelta(minutes=25), BERLIN)
    with pytest.raises(ValueError, match="multiple"):
        interval_energy({start: 1.0}, timedelta(minutes=25), 15)
    with pytest.raises(ValueError, match="multiple"):
        interval_energy({start: 1.0}, timedelta(minutes=10), 15)


def test_clock_hours_of_a_half_hour_zone_start_at_half_past_utc() -> None:
    start = utc("2026-11-02T10:00")
    quarters = {start + i * QUARTER: float(i) for i in range(8)}
    hours = clock_hour_energy(quarters, QUARTER, "Asia/Kolkata")
    assert hours == {
        utc("2026-11-02T09:30"): 0.0 + 1.0,
        utc("2026-11-02T10:30"): 2.0 + 3.0 + 4.0 + 5.0,
        utc("2026-11-02T11:30"): 6.0 + 7.0,
    }


def test_known_months_keep_the_higher_peak_and_only_twelve_are_kept() -> None:
    now = utc("2026-11-15T12:00")
    data = {utc("2026-10-20T12:00"): 3.0, utc("2026-11-03T12:00"): 1.0}
    known = {f"2025-{m:02d}": float(m) for m in range(1, 13)} | {"2026-10": 5.0, "2026-11": 9.0}
    peaks = month_peaks(data, HOUR, BERLIN, now, known_months=known)
    assert peaks.earlier_months["2026-10"] == 5.0
    assert list(peaks.earlier_months) == [*(f"2025-{m:02d}" for m in range(2, 13)), "2026-10"]
    assert peaks.peak_so_far_kw == 1.0  # the current month comes from data, not from what was known
    lower = month_peaks(data, HOUR, BERLIN, now, known_months={"2026-10": 2.0})
    assert lower.earlier_months == {"2026-10": 3.0}


def test_month_key_is_the_local_month() -> None:
    assert month_key(utc("2026-10-31T23:30"), BERLIN) == "2026-11"
    assert month_key(utc("2026-10-31T23:30"), "UTC") == "2026-10"


def test_month_peaks_round_trip_through_plain_dicts() -> None:
    peaks = MonthPeaks(
        month="2026-11",
        interval_minutes=15,
        daily_peaks_kw={date(2026, 11, 1): 2.5, date(2026, 11, 2): 3.25},
        peak_so_far_kw=4.0,
        earlier_months={"2026-10": 3.0, "2026-09": 5.0},
    )
    assert MonthPeaks.from_dict(peaks.as_dict()) == peaks
    assert peaks.earlier_peaks_kw == (5.0, 3.0)
    assert MonthPeaks.from_dict({"month": "2026-11"}) == MonthPeaks(month="2026-11")


def test_energy_statistics_become_differences_and_power_means_become_energy() -> None:
    t0 = utc("2026-11-02T10:00")
    sums = [StatisticsRow(t0 + i * HOUR, t0 + (i + 1) * HOUR, s) for i, s in enumerate([5, 6.5, 8])]
    assert energy_from_statistics(sums, "energy", HOUR) == {t0 + HOUR: 1.5, t0 + 2 * HOUR: 1.5}
    means = [
        StatisticsRow(t0, t0 + QUARTER, 2.0),
        StatisticsRow(t0 + HOUR, t0 + HOUR + QUARTER, float("nan")),
    ]
    assert energy_from_statistics(means, "power", QUARTER) == {t0: 0.5}


def test_a_new_month_starts_empty_with_the_last_month_among_the_earlier() -> None:
    peaks = MonthPeaks(
        month="2026-11",
        daily_peaks_kw={date(2026, 11, 30): 4.0},
        peak_so_far_kw=4.0,
        earlier_months={f"2025-{m:02d}": 1.0 for m in range(1, 13)},
    )
    december = peaks.rolled_to("2026-12")
    assert december.month == "2026-12"
    assert december.daily_peaks_kw == {}
    assert december.peak_so_far_kw == 0.0
    assert december.earlier_peaks_kw == (*([1.0] * 11), 4.0)
    assert "2025-01" not in december.earlier_months
    assert peaks.rolled_to("2026-11") is peaks


def test_the_planner_takes_the_month_as_capacity_terms() -> None:
    peaks = MonthPeaks(
        month="2026-11",
        daily_peaks_kw={date(2026, 11, 1): 2.5},
        peak_so_far_kw=4.0,
        earlier_months={"2026-10": 3.0, "2026-09": 5.0},
    )
    terms = peaks.terms(ELVIA, BERLIN)
    assert terms == CapacityTerms(
        rule=ELVIA,
        time_zone=BERLIN,
        daily_peaks_kw={date(2026, 11, 1): 2.5},
        peak_so_far_kw=4.0,
        earlier_peaks_kw=(5.0, 3.0),
    )
