"""Expected savings of a plan, and the ledger of savings realised at the prices paid.

Savings are always "baseline cost minus our cost", the baseline being the
same appliance started at the earliest allowed moment. Expected savings use
the price plan (forecast where the market has not published); the ledger uses
the market prices that were actually paid, once a run is done.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from ..convert import rounded
from ..prices import PriceSeries
from .appliances import Appliance, CyclePhase
from .milp import Backend
from .planner import plan
from .problem import HOUR, PlanRequest
from .schedule import PlannedRun, Schedule


@dataclass(frozen=True, slots=True)
class SavingsEstimate:
    """What the ``estimate_savings`` action answers."""

    run_now_cost: float
    optimised_cost: float
    schedule: Schedule

    @property
    def savings(self) -> float:
        """Return run-now cost minus optimised cost."""
        return self.run_now_cost - self.optimised_cost

    @property
    def savings_percent(self) -> float | None:
        """Return the savings as a share of the run-now cost (None when that is not positive)."""
        if self.run_now_cost <= 0:
            return None
        return 100.0 * self.savings / self.run_now_cost

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-safe form."""
        percent = self.savings_percent
        return {
            "currency": self.schedule.currency,
            "run_now_cost": rounded(self.run_now_cost),
            "optimised_cost": rounded(self.optimised_cost),
            "savings": rounded(self.savings),
            "savings_percent": None if percent is None else round(percent, 3),
            "schedule": self.schedule.as_dict(),
        }


def estimate_savings(request: PlanRequest, backend: Backend | None = None) -> SavingsEstimate:
    """Plan the request and compare it with running everything at once.

    With a battery the optimised cost is lower by what the battery saves over the horizon.
    """
    schedule = plan(request, backend)
    return SavingsEstimate(
        run_now_cost=schedule.baseline_cost,
        optimised_cost=schedule.planned_cost - schedule.battery_saving,
        schedule=schedule,
    )


def profile_cost(
    prices: PriceSeries, start: datetime, phases: Sequence[CyclePhase]
) -> float | None:
    """Return what a power profile starting at ``start`` costs, or None where a price is missing."""
    cost = 0.0
    phase_start = start
    for phase in phases:
        phase_end = phase_start + phase.duration
        covered = timedelta(0)
        for slot in prices.between(phase_start - HOUR, phase_end).slots:
            overlap = min(phase_end, slot.end) - max(phase_start, slot.start)
            if overlap > timedelta(0):
                covered += overlap
                cost += phase.power_kw * (overlap / HOUR) * slot.price
        if covered < phase.duration and phase.power_kw > 0:
            return None
        phase_start = phase_end
    return cost


def cycle_part(phases: Sequence[CyclePhase], length: timedelta) -> tuple[CyclePhase, ...]:
    """Return the first ``length`` of a power profile (all of it when it is shorter)."""
    part: list[CyclePhase] = []
    left = length
    for phase in phases:
        if left <= timedelta(0):
            break
        part.append(CyclePhase(min(phase.duration, left), phase.power_kw))
        left -= phase.duration
    return tuple(part)


def realised_costs(
    appliance: Appliance,
    runs: Sequence[PlannedRun],
    window_start: datetime,
    prices: PriceSeries,
) -> tuple[float, float] | None:
    """Return (cost paid, baseline cost) of a finished occurrence at the prices paid.

    ``runs`` are the blocks that actually ran. The baseline delivers the same
    energy from ``window_start`` on: the cycle itself (as far as it ran), or a
    block at full power. None when a price of either is unknown.
    """
    paid: float | None
    if appliance.operation == "cycle":
        # A cycle stopped early ran only the start of its profile; so does its baseline.
        ran = runs[0].end - runs[0].start if runs else appliance.cycle_duration
        baseline_phases: Sequence[CyclePhase] = cycle_part(appliance.profile, ran)
        paid = profile_cost(prices, runs[0].start, baseline_phases) if runs else 0.0
    else:
        energy = sum(run.energy_kwh for run in runs)
        baseline_phases = (CyclePhase(energy / appliance.power_kw * HOUR, appliance.power_kw),)
        costs = [
            profile_cost(prices, run.start, (CyclePhase(run.end - run.start, run.power_kw),))
            for run in runs
        ]
        paid = None if None in costs else sum(c for c in costs if c is not None)
    if paid is None:
        return None
    baseline = profile_cost(prices, window_start, baseline_phases)
    if baseline is None:
        return None
    return paid, baseline


@dataclass(frozen=True, slots=True)
class SavingsLedger:
    """Savings realised by one appliance so far (a total that only grows by recorded runs).

    Recording is idempotent per occurrence: an occurrence due at or before
    ``recorded_through`` was counted already (a restart may report it twice).
    """

    total: float = 0.0
    runs: int = 0
    recorded_through: datetime | None = None

    def record(self, due: datetime, paid: float, baseline: float) -> SavingsLedger:
        """Return the ledger with one finished occurrence added."""
        if self.recorded_through is not None and due <= self.recorded_through:
            return self
        return replace(
            self,
            total=self.total + (baseline - paid),
            runs=self.runs + 1,
            recorded_through=due,
        )

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-safe form for the Store."""
        return {
            "total": self.total,
            "runs": self.runs,
            "recorded_through": (
                None if self.recorded_through is None else self.recorded_through.isoformat()
            ),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SavingsLedger:
        """Rebuild a ledger from :meth:`as_dict` output."""
        through = data.get("recorded_through")
        return cls(
            total=float(data.get("total", 0.0)),
            runs=int(data.get("runs", 0)),
            recorded_through=None if through is None else datetime.fromisoformat(through),
        )
