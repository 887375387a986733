"""The capacity charge on the planning grid, and what a plan adds to it.

A capacity charge is metered per clock hour (daily peaks) or per 15/60-minute interval (the
monthly peak), in local time. Here the grid's slots are grouped into those metered periods,
each with its local day and month, and the expected base load is summed per period. The cost
of a plan is the charge with the plan (and what already runs) on top of the base load minus
the charge of the base load alone, month by month, computed by the rule's own reference
functions: the model in :mod:`.capacity_rows` must agree with it, and the tests hold it to it.

A horizon that starts inside a metered period sees only the part of it ahead: what the house
drew earlier in that period is not known here.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from ..tariffs.capacity import CapacityTerms, DailyPeaksStepRule, DailyPeakState

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class ChargePeriods:
    """The grid's slots grouped into metered periods; month 0 is the month the plan starts in."""

    terms: CapacityTerms
    period_of_slot: IntArray
    day_of_period: tuple[date, ...]
    month_of_period: IntArray
    base_kwh: FloatArray
    # Hours one metered period lasts (its kWh over this is its average kW).
    period_hours: float
    # The share of a slot's energy in one period: below 1 when slots are longer than the
    # metered interval (an hourly grid under a 15-minute peak), whose periods are then alike.
    slot_share: float = 1.0

    @property
    def count(self) -> int:
        """Return the number of metered periods the grid touches."""
        return len(self.day_of_period)

    @property
    def months(self) -> int:
        """Return the number of local months the grid touches."""
        return int(self.month_of_period.max()) + 1 if self.count else 0

    def per_period(self, slot_kwh: FloatArray) -> FloatArray:
        """Return energy per metered period from energy per grid slot."""
        weights = slot_kwh * self.slot_share
        summed = np.bincount(self.period_of_slot, weights=weights, minlength=self.count)
        return summed.astype(np.float64)


def charge_periods(
    terms: CapacityTerms, starts: Sequence[datetime], step: timedelta, base_kwh: FloatArray
) -> ChargePeriods:
    """Group grid slots of ``step`` starting at ``starts`` (UTC) into the rule's periods."""
    zone = ZoneInfo(terms.time_zone)
    minutes = 60 if isinstance(terms.rule, DailyPeaksStepRule) else terms.rule.interval_minutes
    share = min(timedelta(minutes=minutes) / step, 1.0)
    keys: dict[datetime, int] = {}
    days: list[date] = []
    months: list[tuple[int, int]] = []
    period_of_slot = np.zeros(len(starts), dtype=np.int64)
    for index, start in enumerate(starts):
        local = start.astimezone(zone)
        # The local period's start, back in UTC: the repeated autumn hour stays two hours.
        begin = local.replace(minute=local.minute - local.minute % minutes, second=0)
        key = begin.replace(microsecond=0).astimezone(UTC)
        if key not in keys:
            keys[key] = len(days)
            days.append(local.date())
            months.append((local.year, local.month))
        period_of_slot[index] = keys[key]
    month_index = {month: number for number, month in enumerate(dict.fromkeys(months))}
    return ChargePeriods(
        terms=terms,
        period_of_slot=period_of_slot,
        day_of_period=tuple(days),
        month_of_period=np.array([month_index[m] for m in months], dtype=np.int64),
        base_kwh=np.bincount(period_of_slot, weights=base_kwh * share, minlength=len(days)).astype(
            np.float64
        ),
        period_hours=minutes / 60,
        slot_share=share,
    )


def marginal_cost(periods: ChargePeriods, added_slot_kwh: FloatArray) -> float:
    """Return what ``added_slot_kwh`` (kWh per grid slot) adds to the capacity charge."""
    added = periods.per_period(added_slot_kwh)
    base = periods.base_kwh
    rule = periods.terms.rule
    total = 0.0
    if isinstance(rule, DailyPeaksStepRule):
        for month in range(periods.months):
            inside = np.flatnonzero(periods.month_of_period == month)
            known: dict[Hashable, float] = (
                dict(periods.terms.daily_peaks_kw.items()) if month == 0 else {}
            )
            total += rule.marginal_cost(
                DailyPeakState(known),
                [periods.day_of_period[p] for p in inside.tolist()],
                base[inside].tolist(),
                added[inside].tolist(),
            )
        return total
    earlier_with = list(periods.terms.earlier_peaks_kw)
    earlier_without = list(periods.terms.earlier_peaks_kw)
    for month in range(periods.months):
        inside = periods.month_of_period == month
        so_far = periods.terms.peak_so_far_kw if month == 0 else 0.0
        with_load = max(so_far, rule.peak_kw((base[inside] + added[inside]).tolist()))
        without = max(so_far, rule.peak_kw(base[inside].tolist()))
        total += rule.charge_for_peak(with_load, earlier_with) - rule.charge_for_peak(
            without, earlier_without
        )
        earlier_with.append(with_load)
        earlier_without.append(without)
    return total


def billed_kw_by_month(periods: ChargePeriods, added_slot_kwh: FloatArray) -> list[float]:
    """Return each month's billed mean of daily peaks with ``added_slot_kwh`` (daily-peak rules)."""
    rule = periods.terms.rule
    assert isinstance(rule, DailyPeaksStepRule)
    load = periods.base_kwh + periods.per_period(added_slot_kwh)
    billed = []
    for month in range(periods.months):
        peaks: dict[date, float] = dict(periods.terms.daily_peaks_kw) if month == 0 else {}
        for period in np.flatnonzero(periods.month_of_period == month).tolist():
            day = periods.day_of_period[period]
            peaks[day] = max(peaks.get(day, load[period]), load[period])
        billed.append(rule.billed_kw(list(peaks.values())))
    return billed
