"""A real household's base load and capacity terms, for planning benchmarks.

The household is DE_KN_residential4 of Open Power System Data's Household Data
(CC-BY-4.0; Open Power System Data, Household Data 2020-04-15, primary data
CoSSMic / ISC Konstanz), see ../shared/pv/SOURCES.md: hourly cumulative kWh
counters. Its consumption is grid import + PV - export; the base load is that
minus the planned kinds' own meters (dishwasher, washing machine, EV), which
the optimizer places itself. The data ends in 2018, the benchmark's prices are
of 2025: a benchmark date stands for the same calendar date of ``DATA_YEAR``.
The profile is learnt from the year before that date's October; the month so
far is what the house drew on the days before it (its daily peak hours, with
everything it ran).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
import math
from pathlib import Path
from zoneinfo import ZoneInfo

from custom_components.price_optimizer.core.tariffs.base_load import (
    BaseLoadProfile,
    learn_base_load,
)
from custom_components.price_optimizer.core.tariffs.capacity import (
    CapacityStep,
    CapacityTerms,
    DailyPeaksStepRule,
)
from custom_components.price_optimizer.core.tariffs.presets import preset

from .residential4 import HOUSEHOLD_FILE, hourly_rises

PLANNED_METERS = ("dishwasher", "washing_machine", "ev")
HOUR = timedelta(hours=1)
OSLO = "Europe/Oslo"
DATA_YEAR = 2016
# The preset's fees are NOK, the benchmark's prices EUR: the 2025 mean ECB reference rate,
# rounded (the plans depend on the fees' ratio to prices, not on the exact rate).
NOK_PER_EUR = 11.7


def hourly_consumption(
    path: Path = HOUSEHOLD_FILE,
) -> tuple[dict[datetime, float], dict[datetime, float]]:
    """Return (whole house, base load) kWh per UTC hour start."""
    house: dict[datetime, float] = {}
    base: dict[datetime, float] = {}
    for start, delta in hourly_rises(path):
        total = delta["grid_import"] + delta["pv"] - delta["grid_export"]
        if not math.isfinite(total) or total < 0:
            continue
        planned = sum(delta[m] for m in PLANNED_METERS if math.isfinite(delta[m]))
        house[start] = total
        base[start] = max(total - planned, 0.0)
    return house, base


def base_load(base: dict[datetime, float]) -> BaseLoadProfile:
    """The base load per weekday and local hour, learnt from the year before DATA_YEAR's October."""
    until = datetime(DATA_YEAR, 10, 1, tzinfo=ZoneInfo(OSLO)).astimezone(UTC)
    since = until - timedelta(days=365)
    return learn_base_load({t: v for t, v in base.items() if since <= t < until}, HOUR, OSLO)


def month_so_far(day: date, house: dict[datetime, float]) -> dict[date, float]:
    """Daily peak hours of the days of ``day``'s month before it (DATA_YEAR's dates)."""
    zone = ZoneInfo(OSLO)
    peaks: dict[date, float] = {}
    for number in range(1, day.day):
        earlier = date(DATA_YEAR, day.month, number)
        start = datetime.combine(earlier, datetime.min.time(), zone).astimezone(UTC)
        hours = [house.get(start + i * HOUR) for i in range(24)]
        known = [kwh for kwh in hours if kwh is not None]
        if known:
            peaks[date(day.year, day.month, number)] = max(known)
    return peaks


def capacity_terms(day: date, house: dict[datetime, float]) -> CapacityTerms:
    """Elvia's (Oslo) capacity steps in force on ``day``, in EUR, with the month so far."""
    period = preset("norway", "no_elvia").period_on(day)
    assert period is not None
    rule = period.capacity
    assert isinstance(rule, DailyPeaksStepRule)
    steps = tuple(CapacityStep(s.threshold_kw, s.monthly_fee / NOK_PER_EUR) for s in rule.steps)
    return CapacityTerms(
        rule=DailyPeaksStepRule(
            steps=steps,
            peaks_counted=rule.peaks_counted,
            threshold_included=rule.threshold_included,
        ),
        time_zone=OSLO,
        daily_peaks_kw=month_so_far(day, house),
    )
