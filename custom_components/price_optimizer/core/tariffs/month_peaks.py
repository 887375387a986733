"""The month-to-date peaks a capacity charge bills, from the household's measured energy.

The input is energy per UTC interval (kWh), as :mod:`.base_load` makes it from a sensor's
history. A daily-peaks rule needs each local day's highest clock hour; a monthly-peak rule needs
the month's highest 15- or 60-minute average and, when it bills a rolling mean, the earlier
months' peaks. Clock hours are local: on a day with a half-hour offset zone they do not start on
UTC hours, and a DST day has 23 or 25 of them, each counted on the local date it starts on.

Where the data is coarser than the rule's interval (hourly statistics for a 15-minute rule), an
interval's average stands for each of its quarters: the peak found is then a lower bound.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from .capacity import (
    MAX_ROLLING_MONTHS,
    CapacityRule,
    CapacityStep,
    CapacityTerms,
    DailyPeaksStepRule,
    MonthlyPeakRule,
)

HOUR = timedelta(hours=1)


def clock_hour_energy(
    interval_kwh: Mapping[datetime, float], interval: timedelta, time_zone: str
) -> dict[datetime, float]:
    """KWh per local clock hour, keyed by the hour's UTC start, from shorter intervals."""
    if interval > HOUR or HOUR % interval:
        raise ValueError("the interval must divide an hour")
    zone = ZoneInfo(time_zone)
    hours: dict[datetime, float] = {}
    for start, kwh in interval_kwh.items():
        local = start.astimezone(zone)
        hour = start - timedelta(minutes=local.minute, seconds=local.second)
        hours[hour] = hours.get(hour, 0.0) + kwh
    return hours


def interval_energy(
    interval_kwh: Mapping[datetime, float], interval: timedelta, minutes: int
) -> dict[datetime, float]:
    """KWh per UTC interval of ``minutes``: shorter intervals summed, longer ones divided."""
    target = timedelta(minutes=minutes)
    result: dict[datetime, float] = {}
    if interval >= target:
        if interval % target:
            raise ValueError("the data's interval must be a multiple of the rule's, or divide it")
        parts = interval // target
        for start, kwh in interval_kwh.items():
            for part in range(parts):
                result[start + part * target] = kwh / parts
        return result
    if target % interval:
        raise ValueError("the data's interval must be a multiple of the rule's, or divide it")
    for start, kwh in interval_kwh.items():
        bucket = start - (start - datetime(2000, 1, 1, tzinfo=start.tzinfo)) % target
        result[bucket] = result.get(bucket, 0.0) + kwh
    return result


@dataclass(frozen=True, slots=True)
class MonthPeaks:
    """What the current local month has billed so far, and the peaks of the months before.

    ``daily_peaks_kw`` is each local date's highest clock hour (kWh in an hour = average kW);
    ``peak_so_far_kw`` the month's highest ``interval_minutes`` average; ``earlier_peaks_kw``
    the highest averages of earlier months, oldest first, by ``earlier_months`` ("YYYY-MM").
    """

    month: str
    interval_minutes: Literal[15, 60] = 60
    daily_peaks_kw: Mapping[date, float] = field(default_factory=dict)
    peak_so_far_kw: float = 0.0
    earlier_months: Mapping[str, float] = field(default_factory=dict)

    @property
    def earlier_peaks_kw(self) -> tuple[float, ...]:
        """The earlier months' peaks, oldest first."""
        return tuple(self.earlier_months[month] for month in sorted(self.earlier_months))

    def billed_kw(self, rule: CapacityRule) -> float:
        """The power the rule bills so far: the mean of the top daily peaks, or the peak."""
        if isinstance(rule, DailyPeaksStepRule):
            return rule.billed_kw(list(self.daily_peaks_kw.values()))
        return self.peak_so_far_kw

    def step(self, rule: DailyPeaksStepRule) -> tuple[CapacityStep, float | None]:
        """The step the month is in so far, and the next step's threshold (None at the top)."""
        current = rule.step_of(self.billed_kw(rule))
        above = [s.threshold_kw for s in rule.steps if s.threshold_kw > current.threshold_kw]
        return current, (above[0] if above else None)

    def charge(self, rule: CapacityRule) -> float:
        """The month's capacity charge if it ended now."""
        if isinstance(rule, MonthlyPeakRule):
            return rule.charge_for_peak(self.peak_so_far_kw, self.earlier_peaks_kw)
        return rule.fee_for(self.billed_kw(rule))

    def terms(self, rule: CapacityRule, time_zone: str) -> CapacityTerms:
        """The capacity charge as the planner takes it: the rule and this month so far."""
        return CapacityTerms(
            rule=rule,
            time_zone=time_zone,
            daily_peaks_kw=dict(self.daily_peaks_kw),
            peak_so_far_kw=self.peak_so_far_kw,
            earlier_peaks_kw=self.earlier_peaks_kw,
        )

    def rolled_to(self, month: str) -> MonthPeaks:
        """The state at the start of a later ``month``: this month's peak joins the earlier."""
        if month <= self.month:
            return self
        earlier = {**self.earlier_months, self.month: self.peak_so_far_kw}
        kept = sorted(earlier)[-MAX_ROLLING_MONTHS:]
        return MonthPeaks(
            month=month,
            interval_minutes=self.interval_minutes,
            earlier_months={key: earlier[key] for key in kept},
        )

    def as_dict(self) -> dict[str, Any]:
        """The plain (stored) form :meth:`from_dict` reads."""
        return {
            "month": self.month,
            "interval_minutes": self.interval_minutes,
            "daily_peaks_kw": {day.isoformat(): kw for day, kw in self.daily_peaks_kw.items()},
            "peak_so_far_kw": self.peak_so_far_kw,
            "earlier_months": dict(self.earlier_months),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MonthPeaks:
        """Read what :meth:`as_dict` wrote."""
        return cls(
            month=str(data["month"]),
            interval_minutes=15 if data.get("interval_minutes") == 15 else 60,
            daily_peaks_kw={
                date.fromisoformat(day): float(kw)
                for day, kw in data.get("daily_peaks_kw", {}).items()
            },
            peak_so_far_kw=float(data.get("peak_so_far_kw", 0.0)),
            earlier_months={
                str(month): float(kw) for month, kw in data.get("earlier_months", {}).items()
            },
        )


def month_key(moment: datetime, time_zone: str) -> str:
    """The local month of a moment, as "YYYY-MM"."""
    return moment.astimezone(ZoneInfo(time_zone)).strftime("%Y-%m")


def month_peaks(
    interval_kwh: Mapping[datetime, float],
    interval: timedelta,
    time_zone: str,
    now: datetime,
    *,
    interval_minutes: Literal[15, 60] = 60,
    known_months: Mapping[str, float] | None = None,
) -> MonthPeaks:
    """The current local month's peaks, and the earlier months' peaks in the data.

    ``known_months`` are earlier months' peaks found before (from finer data, or from data
    since dropped from the window): a month keeps the higher of what was known and what is
    found. Only the last twelve earlier months are kept, the longest rolling mean billed.
    """
    zone = ZoneInfo(time_zone)
    current = month_key(now, time_zone)
    hours = clock_hour_energy(interval_kwh, interval, time_zone)
    this_month = sorted(
        (start, kwh) for start, kwh in hours.items() if month_key(start, time_zone) == current
    )
    daily = DailyPeaksStepRule(steps=(CapacityStep(0.0, 0.0),)).state(
        [kwh for _, kwh in this_month], [start.astimezone(zone).date() for start, _ in this_month]
    )
    averaged = hours if interval_minutes == 60 else interval_energy(interval_kwh, interval, 15)
    by_month: dict[str, list[float]] = {}
    for start, kwh in averaged.items():
        by_month.setdefault(month_key(start, time_zone), []).append(kwh)
    rule = MonthlyPeakRule(fee_per_kw_month=0.0, interval_minutes=interval_minutes)
    found = {month: rule.peak_kw(values) for month, values in by_month.items()}
    earlier = {month: kw for month, kw in (known_months or {}).items() if month < current}
    for month, kw in found.items():
        if month < current:
            earlier[month] = max(kw, earlier.get(month, kw))
    kept = sorted(earlier)[-MAX_ROLLING_MONTHS:]
    return MonthPeaks(
        month=current,
        interval_minutes=interval_minutes,
        daily_peaks_kw={
            day: kw for day, kw in daily.daily_peaks_kw.items() if isinstance(day, date)
        },
        peak_so_far_kw=found.get(current, 0.0),
        earlier_months={month: earlier[month] for month in kept},
    )
