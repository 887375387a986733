"""The capacity charge as rows and columns of the appliance model.

Daily peaks (Norway): the sum of a month's N largest daily peaks is
``N*z + sum_d e_d`` at its least, with ``e_d >= peak_d - z`` and ``e_d >= 0``; a day's peak
is at least each of its hours, so ``e_d + z >= hour`` per metered hour. The mean stays below
step k's threshold unless that step's binary is on, and the binaries of a month go on in
order; the objective pays each step's fee increase. Steps the base load alone reaches cost
nothing extra and get no binary, nor do steps the plan cannot reach.

Monthly peak (Flanders): one column per month, the floored peak's rise over the base-load
month's floored peak, at least each interval's average minus that; it costs the fee share of
every month whose billed mean it enters (a rolling mean carries it into later months).
Convex, so no binary.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Final, Protocol

import numpy as np
import numpy.typing as npt

from ..tariffs.capacity import DailyPeaksStepRule, MonthlyPeakRule
from .capacity_charge import ChargePeriods

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# A mean this far (kWh summed over the counted days) below a threshold that counts as reached
# stays on the cheaper step: a model cannot tell "below" from "at". It must clear the
# solver's feasibility and integrality tolerances (1e-6, the latter times a step row's
# coefficient of up to a few hundred kWh), or a plan exactly on the threshold passes as
# below it; a watt-hour is far beyond them and far below anything a meter bills.
STEP_MARGIN: Final = 1e-3


class ModelBuilder(Protocol):
    """The part of the model builder the capacity rows use."""

    count: int

    def columns(
        self, cost: FloatArray, lower: float | FloatArray, upper: float | FloatArray, integer: bool
    ) -> IntArray:
        """Add columns; return their indices."""
        ...

    def row(self, index: list[int], value: list[float], lower: float, upper: float) -> None:
        """Add one row."""
        ...


@dataclass(frozen=True, slots=True)
class StepColumn:
    """A step binary: on when month ``month``'s billed mean reaches ``threshold_kw``."""

    column: int
    month: int
    threshold_kw: float


@dataclass(frozen=True, slots=True)
class Draw:
    """The model's load: per entry a slot, a column and the kW that column draws there."""

    slot: IntArray
    column: IntArray
    kw: FloatArray


def charge_rows(  # noqa: PLR0917
    builder: ModelBuilder,
    periods: ChargePeriods,
    draw: Draw,
    fixed_kwh: FloatArray,
    most_kw: FloatArray,
    hours: float,
) -> tuple[StepColumn, ...]:
    """Add the capacity charge; return its step binaries (none for a monthly peak)."""
    committed = periods.base_kwh + periods.per_period(fixed_kwh)
    upper = committed + periods.per_period(most_kw * hours)
    entries = _period_entries(periods, draw, hours, builder.count)
    rule = periods.terms.rule
    if isinstance(rule, DailyPeaksStepRule):
        steps: list[StepColumn] = []
        for month in range(periods.months):
            steps.extend(_daily_month(builder, periods, rule, month, entries, committed, upper))
        return tuple(steps)
    _monthly_peaks(builder, periods, rule, entries, committed, upper)
    return ()


def _period_entries(
    periods: ChargePeriods, draw: Draw, hours: float, columns: int
) -> list[tuple[list[int], list[float]]]:
    """Per metered period: the columns drawing in it and the kWh each adds there."""
    return entries_by_row(
        periods.count,
        periods.period_of_slot[draw.slot],
        draw.column,
        draw.kw * hours * periods.slot_share,
        columns,
    )


def entries_by_row(
    rows: int, row: IntArray, column: IntArray, value: FloatArray, columns: int
) -> list[tuple[list[int], list[float]]]:
    """Per row: the columns with a positive entry in it and their values, repeats summed."""
    found: list[tuple[list[int], list[float]]] = [([], []) for _ in range(rows)]
    key = row * columns + column
    unique, inverse = np.unique(key, return_inverse=True)
    summed = np.bincount(inverse, weights=value, minlength=len(unique))
    for entry, total in zip(unique.tolist(), summed.tolist(), strict=True):
        if total > 0:
            number, index = divmod(entry, columns)
            found[number][0].append(index)
            found[number][1].append(total)
    return found


def _daily_month(  # noqa: PLR0917
    builder: ModelBuilder,
    periods: ChargePeriods,
    rule: DailyPeaksStepRule,
    month: int,
    entries: list[tuple[list[int], list[float]]],
    committed: FloatArray,
    upper: FloatArray,
) -> list[StepColumn]:
    hours = np.flatnonzero(periods.month_of_period == month).tolist()
    known = dict(periods.terms.daily_peaks_kw) if month == 0 else {}
    base_peaks = dict(known)
    floor = dict(known)
    most = dict(known)
    for hour in hours:
        day = periods.day_of_period[hour]
        base_peaks[day] = max(base_peaks.get(day, periods.base_kwh[hour]), periods.base_kwh[hour])
        floor[day] = max(floor.get(day, committed[hour]), committed[hour])
        most[day] = max(most.get(day, upper[hour]), upper[hour])
    counted = min(rule.peaks_counted, len(most))
    reachable = sum(sorted(most.values(), reverse=True)[:counted])
    reached = rule.steps.index(rule.step_of(rule.billed_kw(list(base_peaks.values()))))
    margin = STEP_MARGIN if rule.threshold_included else 0.0
    candidates = [
        number
        for number in range(reached + 1, len(rule.steps))
        if reachable > counted * rule.steps[number].threshold_kw - margin
    ]
    if not candidates:
        return []
    level = builder.columns(np.zeros(1), -np.inf, np.inf, integer=False)
    z = int(level[0])
    excess = {
        day: int(column)
        for day, column in zip(
            most, builder.columns(np.zeros(len(most)), 0.0, np.inf, integer=False), strict=True
        )
    }
    for day, peak in known.items():
        builder.row([excess[day], z], [1.0, 1.0], peak, np.inf)
    for hour in hours:
        day = periods.day_of_period[hour]
        # An hour that cannot top what its day has anyway never sets the day's peak.
        if upper[hour] <= floor[day] and committed[hour] < floor[day]:
            continue
        columns, kwh = entries[hour]
        builder.row(
            [excess[day], z, *columns],
            [1.0, 1.0, *(-value for value in kwh)],
            float(committed[hour]),
            np.inf,
        )
    fees = np.array(
        [
            rule.steps[number].monthly_fee - rule.steps[number - 1].monthly_fee
            for number in candidates
        ]
    )
    binaries = builder.columns(fees, 0.0, 1.0, integer=True).tolist()
    steps = []
    for number, binary in zip(candidates, binaries, strict=True):
        limit = counted * rule.steps[number].threshold_kw - margin
        builder.row(
            [z, *excess.values(), binary],
            [float(counted), *([1.0] * len(excess)), -(reachable - limit)],
            -np.inf,
            limit,
        )
        steps.append(StepColumn(binary, month, rule.steps[number].threshold_kw))
    for lower, higher in pairwise(binaries):
        builder.row([higher, lower], [1.0, -1.0], -np.inf, 0.0)
    return steps


def _monthly_peaks(  # noqa: PLR0917
    builder: ModelBuilder,
    periods: ChargePeriods,
    rule: MonthlyPeakRule,
    entries: list[tuple[list[int], list[float]]],
    committed: FloatArray,
    upper: FloatArray,
) -> None:
    terms = periods.terms
    months = periods.months
    earlier = len(terms.earlier_peaks_kw)
    # Month j bills the mean over itself and up to rolling_months - 1 months before it.
    counted = [min(earlier + j, rule.rolling_months - 1) + 1 for j in range(months)]
    span = periods.period_hours
    for month in range(months):
        inside = np.flatnonzero(periods.month_of_period == month).tolist()
        so_far = terms.peak_so_far_kw if month == 0 else 0.0
        without = max(rule.floor_kw, so_far, rule.peak_kw(periods.base_kwh[inside].tolist()))
        rising = [p for p in inside if upper[p] / span > without]
        if not rising:
            continue
        later = range(month, min(months, month + rule.rolling_months))
        share = sum(rule.fee_per_kw_month / counted[j] for j in later)
        rise = int(builder.columns(np.array([share]), 0.0, np.inf, integer=False)[0])
        for period in rising:
            columns, kwh = entries[period]
            builder.row(
                [rise, *columns],
                [1.0, *(-value / span for value in kwh)],
                float(committed[period] / span - without),
                np.inf,
            )
