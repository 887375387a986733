"""Capacity charges: what a month's peaks cost, and what adding a load to the month costs.

Two rule kinds:

* :class:`DailyPeaksStepRule` (Norway's ``TRE_DØGNMAX_MND``): the month's fee is the step of the
  mean of the N highest daily peak hours, each on a different day (N = 3).
* :class:`MonthlyPeakRule` (Flanders' capaciteitstarief): a fee per kW of the month's highest 15-
  or 60-minute average power, never below a floor; optionally billed on the mean of up to twelve
  months' floored peaks.

Consumption is given per interval in kWh; an interval's average power is kWh / hours. Days are
local dates of the tariff's zone, given by the caller with each hour (no time arithmetic here).
The marginal cost is what the optimizer plans with: the month's charge with a candidate load on
top of the expected base load, minus the charge with the base load alone.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import pairwise
import math
from typing import Any, Literal

from .issues import TariffError

MAX_ROLLING_MONTHS = 12
# kW a plan adds to the expected base load when it prices a capacity charge (it changes no
# energy cost: the base load's energy is the same whatever the plan). Chosen on 2024-10..2025-04
# of NO1 under Elvia's steps and held out on 2025-05..2026-01 (benchmarks/tariff_backtest.py).
CAPACITY_MARGIN_KW = 3.0


@dataclass(frozen=True, slots=True)
class CapacityStep:
    """From ``threshold_kw`` up to the next step's threshold, the month costs ``monthly_fee``."""

    threshold_kw: float
    monthly_fee: float


@dataclass(frozen=True, slots=True)
class DailyPeakState:
    """The month so far: each day's highest hourly consumption (kWh in one hour = average kW)."""

    daily_peaks_kw: Mapping[Hashable, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DailyPeaksStepRule:
    """Monthly step fee on the mean of the ``peaks_counted`` highest daily peak hours."""

    steps: tuple[CapacityStep, ...]
    peaks_counted: int = 3
    threshold_included: bool = True
    kind: Literal["daily_peaks_step"] = "daily_peaks_step"

    def step_of(self, billed_kw: float) -> CapacityStep:
        """The step ``billed_kw`` falls in."""
        current = self.steps[0]
        for step in self.steps[1:]:
            reached = (
                billed_kw >= step.threshold_kw
                if self.threshold_included
                else billed_kw > step.threshold_kw
            )
            if not reached:
                break
            current = step
        return current

    def fee_for(self, billed_kw: float) -> float:
        """The monthly fee of the step ``billed_kw`` falls in."""
        return self.step_of(billed_kw).monthly_fee

    def billed_kw(self, daily_peaks_kw: Sequence[float]) -> float:
        """Mean of the highest daily peaks; a month with fewer days so far uses those it has."""
        top = sorted(daily_peaks_kw, reverse=True)[: self.peaks_counted]
        return sum(top) / len(top) if top else 0.0

    def charge(self, hourly_kwh: Sequence[float], days: Sequence[Hashable]) -> float:
        """The month's fee for hourly consumption ``hourly_kwh`` on local ``days``."""
        return self.fee_for(
            self.billed_kw(list(self.state(hourly_kwh, days).daily_peaks_kw.values()))
        )

    def state(self, hourly_kwh: Sequence[float], days: Sequence[Hashable]) -> DailyPeakState:
        """The daily peaks of hours already measured."""
        return DailyPeakState(_daily_peaks({}, hourly_kwh, days))

    def marginal_cost(
        self,
        state: DailyPeakState,
        days: Sequence[Hashable],
        base_kwh: Sequence[float],
        added_kwh: Sequence[float],
    ) -> float:
        """What adding ``added_kwh`` on top of the expected ``base_kwh`` costs this month.

        ``days`` labels each future hour; a day already in ``state`` (today) keeps its peak so far.
        """
        if not len(days) == len(base_kwh) == len(added_kwh):
            raise ValueError("days, base load and added load must be the same length")
        with_load = [b + a for b, a in zip(base_kwh, added_kwh, strict=True)]
        without = _daily_peaks(state.daily_peaks_kw, base_kwh, days)
        with_added = _daily_peaks(state.daily_peaks_kw, with_load, days)
        return self.fee_for(self.billed_kw(list(with_added.values()))) - self.fee_for(
            self.billed_kw(list(without.values()))
        )

    def headroom_kw(
        self, state: DailyPeakState, days: Sequence[Hashable], base_kwh: Sequence[float]
    ) -> float:
        """How far the billed mean may rise over the base-load month before the next step."""
        billed = self.billed_kw(list(_daily_peaks(state.daily_peaks_kw, base_kwh, days).values()))
        above = [s.threshold_kw for s in self.steps if s.threshold_kw > billed]
        return math.inf if not above else above[0] - billed


def _daily_peaks(
    known: Mapping[Hashable, float], hourly_kwh: Sequence[float], days: Sequence[Hashable]
) -> dict[Hashable, float]:
    if len(hourly_kwh) != len(days):
        raise ValueError("one day label per hour is needed")
    peaks = dict(known)
    for kwh, day in zip(hourly_kwh, days, strict=True):
        peaks[day] = max(peaks.get(day, kwh), kwh)
    return peaks


@dataclass(frozen=True, slots=True)
class MonthlyPeakRule:
    """A fee per kW of the month's highest interval average, with a floor.

    ``fee_per_kw_month`` is per kW and month (a yearly rate / 12). With ``rolling_months`` > 1
    the billed power is the mean of max(peak, floor) over this month and up to
    ``rolling_months - 1`` earlier ones (Flanders: twelve).
    """

    fee_per_kw_month: float
    floor_kw: float = 0.0
    interval_minutes: Literal[15, 60] = 15
    rolling_months: int = 1
    kind: Literal["monthly_peak"] = "monthly_peak"

    def peak_kw(self, interval_kwh: Sequence[float]) -> float:
        """The highest average power of the given intervals."""
        return max(interval_kwh, default=0.0) * 60 / self.interval_minutes

    def charge_for_peak(self, peak_kw: float, earlier_peaks_kw: Sequence[float] = ()) -> float:
        """The month's charge when its peak is ``peak_kw``."""
        recent = (
            list(earlier_peaks_kw)[-(self.rolling_months - 1) :] if self.rolling_months > 1 else []
        )
        billed = [max(p, self.floor_kw) for p in [*recent, peak_kw]]
        return self.fee_per_kw_month * sum(billed) / len(billed)

    def charge(
        self, interval_kwh: Sequence[float], earlier_peaks_kw: Sequence[float] = ()
    ) -> float:
        """The month's charge for consumption ``interval_kwh`` (kWh per interval)."""
        return self.charge_for_peak(self.peak_kw(interval_kwh), earlier_peaks_kw)

    def marginal_cost(
        self,
        peak_so_far_kw: float,
        base_kwh: Sequence[float],
        added_kwh: Sequence[float],
        earlier_peaks_kw: Sequence[float] = (),
    ) -> float:
        """What adding ``added_kwh`` on top of the expected ``base_kwh`` costs this month."""
        if len(base_kwh) != len(added_kwh):
            raise ValueError("base load and added load must be the same length")
        without = max(peak_so_far_kw, self.peak_kw(base_kwh))
        with_load = max(
            peak_so_far_kw, self.peak_kw([b + a for b, a in zip(base_kwh, added_kwh, strict=True)])
        )
        return self.charge_for_peak(with_load, earlier_peaks_kw) - self.charge_for_peak(
            without, earlier_peaks_kw
        )


CapacityRule = DailyPeaksStepRule | MonthlyPeakRule


def with_vat(rule: CapacityRule, vat_rate: float) -> CapacityRule:
    """The rule with its fees raised by ``vat_rate`` (0.25 for 25 %).

    Published capacity fees exclude VAT; a plan that weighs them against energy prices with
    VAT must add it, or it undervalues every step it could avoid.
    """
    if isinstance(rule, MonthlyPeakRule):
        return replace(rule, fee_per_kw_month=rule.fee_per_kw_month * (1 + vat_rate))
    steps = tuple(replace(s, monthly_fee=s.monthly_fee * (1 + vat_rate)) for s in rule.steps)
    return replace(rule, steps=steps)


@dataclass(frozen=True, slots=True)
class CapacityTerms:
    """A capacity charge as the planner sees it: the rule and the current month so far.

    ``daily_peaks_kw`` holds this month's measured daily peak hours by local date (today's
    peak so far included), ``peak_so_far_kw`` this month's highest interval average
    (:class:`MonthlyPeakRule`), ``earlier_peaks_kw`` earlier months' peaks, oldest first (a
    rolling :class:`MonthlyPeakRule`). "This month" is the local month a plan starts in; a
    later month inside the horizon starts with no peaks.
    """

    rule: CapacityRule
    time_zone: str
    daily_peaks_kw: Mapping[date, float] = field(default_factory=dict)
    peak_so_far_kw: float = 0.0
    earlier_peaks_kw: tuple[float, ...] = ()


def _non_negative(data: Mapping[str, Any], key: str, default: float | None) -> float:
    value = data.get(key, default)
    if value is None:
        raise TariffError("field_missing", at=[(key,)], component="capacity", field=key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise TariffError(
            "field_invalid", at=[(key,)], component="capacity", field=key, value=value
        )
    if value < 0:
        raise TariffError("capacity_rule_invalid", at=[(key,)], field=key, value=value)
    return float(value)


def capacity_rule_from_dict(data: Mapping[str, Any]) -> CapacityRule:
    """A validated capacity rule from its plain (stored) form."""
    kind = data.get("kind")
    if kind == "monthly_peak":
        interval = data.get("interval_minutes", 15)
        rolling = data.get("rolling_months", 1)
        if interval not in (15, 60):
            raise TariffError(
                "capacity_rule_invalid",
                at=[("interval_minutes",)],
                field="interval_minutes",
                value=interval,
            )
        if not isinstance(rolling, int) or not 1 <= rolling <= MAX_ROLLING_MONTHS:
            raise TariffError(
                "capacity_rule_invalid",
                at=[("rolling_months",)],
                field="rolling_months",
                value=rolling,
            )
        return MonthlyPeakRule(
            fee_per_kw_month=_non_negative(data, "fee_per_kw_month", None),
            floor_kw=_non_negative(data, "floor_kw", 0.0),
            interval_minutes=interval,
            rolling_months=rolling,
        )
    if kind != "daily_peaks_step":
        raise TariffError("capacity_rule_invalid", at=[("kind",)], field="kind", value=kind)
    counted = data.get("peaks_counted", 3)
    if not isinstance(counted, int) or isinstance(counted, bool) or counted < 1:
        raise TariffError(
            "capacity_rule_invalid", at=[("peaks_counted",)], field="peaks_counted", value=counted
        )
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise TariffError("capacity_steps_missing", at=[("steps",)])
    steps = []
    # Steps are numbered from 1 for people and placed from 0 in the list.
    for number, raw in enumerate(raw_steps, 1):
        place = number - 1
        if not isinstance(raw, Mapping):
            raise TariffError(
                "field_invalid",
                at=[("steps", place)],
                component="capacity",
                field="steps",
                value=raw,
            )
        threshold = raw.get("threshold_kw")
        fee = raw.get("monthly_fee")
        for key, value in (("threshold_kw", threshold), ("monthly_fee", fee)):
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
            ):
                raise TariffError(
                    "field_invalid",
                    at=[("steps", place, key)],
                    component="capacity",
                    field=key,
                    value=value,
                )
            if value < 0:
                raise TariffError(
                    "capacity_step_negative",
                    at=[("steps", place, key)],
                    step=number,
                    field=key,
                    value=value,
                )
        steps.append(CapacityStep(float(threshold), float(fee)))  # type: ignore[arg-type]
    if steps[0].threshold_kw != 0:
        raise TariffError(
            "capacity_steps_unordered",
            at=[("steps", 0, "threshold_kw")],
            step=1,
            threshold_kw=steps[0].threshold_kw,
        )
    for number, (lower, upper) in enumerate(pairwise(steps), 2):
        if upper.threshold_kw <= lower.threshold_kw:
            # The step is out of order with the one before it: either threshold may be wrong.
            raise TariffError(
                "capacity_steps_unordered",
                at=[("steps", number - 2, "threshold_kw"), ("steps", number - 1, "threshold_kw")],
                step=number,
                threshold_kw=upper.threshold_kw,
            )
    return DailyPeaksStepRule(
        steps=tuple(steps),
        peaks_counted=counted,
        threshold_included=bool(data.get("threshold_included", True)),
    )


def capacity_rule_to_dict(rule: CapacityRule) -> dict[str, Any]:
    """The plain form :func:`capacity_rule_from_dict` reads."""
    if isinstance(rule, MonthlyPeakRule):
        return {
            "kind": rule.kind,
            "fee_per_kw_month": rule.fee_per_kw_month,
            "floor_kw": rule.floor_kw,
            "interval_minutes": rule.interval_minutes,
            "rolling_months": rule.rolling_months,
        }
    return {
        "kind": rule.kind,
        "peaks_counted": rule.peaks_counted,
        "threshold_included": rule.threshold_included,
        "steps": [
            {"threshold_kw": s.threshold_kw, "monthly_fee": s.monthly_fee} for s in rule.steps
        ],
    }
