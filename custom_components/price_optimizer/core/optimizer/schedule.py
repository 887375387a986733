"""The plan as the Home Assistant side reads it: runs per appliance, costs, savings.

Everything here is JSON-safe through ``as_dict``/``from_dict`` so it can be
kept in a Store, returned by actions and shown as entity attributes. Costs are
expected costs: market prices where published, the forecast median beyond
(whatever risk setting chose the plan).

With a capacity charge, what the plan adds to the month's charge (over the
base load alone) is ``capacity_cost``; it belongs to the whole plan, not to one
appliance, so the appliances' costs stay energy costs and the schedule's
``planned_cost`` adds it. ``baseline_cost`` likewise adds what the run-now
baseline would add to the charge, so savings compare like with like.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from ..convert import from_iso, optional_float, rounded
from .energy_plan import EnergyPlan, from_optional_dict
from .issues import PlanIssue
from .milp import SolveReport

PlanStatus = Literal["scheduled", "running", "blocked"]
PLAN_STATUSES: tuple[PlanStatus, ...] = PlanStatus.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class PlannedRun:
    """One uninterrupted block at one power."""

    start: datetime
    end: datetime
    power_kw: float
    energy_kwh: float
    cost: float

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-safe form."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "power_kw": rounded(self.power_kw),
            "energy_kwh": rounded(self.energy_kwh),
            "cost": rounded(self.cost),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlannedRun:
        """Rebuild a run from :meth:`as_dict` output."""
        return cls(
            start=datetime.fromisoformat(data["start"]),
            end=datetime.fromisoformat(data["end"]),
            power_kw=float(data["power_kw"]),
            energy_kwh=float(data["energy_kwh"]),
            cost=float(data["cost"]),
        )


@dataclass(frozen=True, slots=True)
class AppliancePlan:
    """One occurrence of one appliance: its runs, or why it has none.

    ``due`` is the moment the occurrence must be done by; the Home Assistant
    side records it as ``ApplianceState.done_until`` once the run finished.
    """

    appliance_id: str
    name: str
    status: PlanStatus
    window_start: datetime | None
    due: datetime | None
    runs: tuple[PlannedRun, ...] = ()
    planned_cost: float | None = None
    baseline_cost: float | None = None
    issue: PlanIssue | None = None

    @property
    def start(self) -> datetime | None:
        """Return when the first run starts."""
        return self.runs[0].start if self.runs else None

    @property
    def end(self) -> datetime | None:
        """Return when the last run ends."""
        return self.runs[-1].end if self.runs else None

    @property
    def savings(self) -> float | None:
        """Return baseline cost minus planned cost."""
        if self.planned_cost is None or self.baseline_cost is None:
            return None
        return self.baseline_cost - self.planned_cost

    def is_on(self, when: datetime) -> bool:
        """Return whether a run covers ``when``."""
        return any(run.start <= when < run.end for run in self.runs)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-safe form."""
        return {
            "appliance_id": self.appliance_id,
            "name": self.name,
            "status": self.status,
            "window_start": None if self.window_start is None else self.window_start.isoformat(),
            "due": None if self.due is None else self.due.isoformat(),
            "runs": [run.as_dict() for run in self.runs],
            "planned_cost": rounded(self.planned_cost),
            "baseline_cost": rounded(self.baseline_cost),
            "savings": rounded(self.savings),
            "issue": None if self.issue is None else self.issue.as_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AppliancePlan:
        """Rebuild a plan from :meth:`as_dict` output."""
        status = data["status"]
        if status not in PLAN_STATUSES:
            raise ValueError(f"unknown plan status {status!r}")
        return cls(
            appliance_id=str(data["appliance_id"]),
            name=str(data["name"]),
            status=status,
            window_start=from_iso(data.get("window_start")),
            due=from_iso(data.get("due")),
            runs=tuple(PlannedRun.from_dict(run) for run in data.get("runs", ())),
            planned_cost=data.get("planned_cost"),
            baseline_cost=data.get("baseline_cost"),
            issue=None if data.get("issue") is None else PlanIssue.from_dict(data["issue"]),
        )


@dataclass(frozen=True, slots=True)
class Schedule:
    """Every appliance's plan at ``created_at`` for one household."""

    created_at: datetime
    currency: str
    household_limit_kw: float | None
    plans: tuple[AppliancePlan, ...]
    solver: SolveReport | None = None
    # What the plan and the baseline add to the capacity charge; None without one.
    capacity_cost: float | None = None
    baseline_capacity_cost: float | None = None
    # The household's balance, with solar or a battery.
    energy: EnergyPlan | None = None

    @property
    def battery_saving(self) -> float:
        """Return what the battery saves over the horizon (0 without one)."""
        if self.energy is None or self.energy.battery_saving is None:
            return 0.0
        return self.energy.battery_saving

    @property
    def planned_cost(self) -> float:
        """Return the expected cost of all scheduled and running plans, capacity included."""
        energy = sum(plan.planned_cost or 0.0 for plan in self.plans)
        return energy + (self.capacity_cost or 0.0)

    @property
    def baseline_cost(self) -> float:
        """Return the expected cost if every appliance started at its earliest moment."""
        energy = sum(plan.baseline_cost or 0.0 for plan in self.plans)
        return energy + (self.baseline_capacity_cost or 0.0)

    @property
    def savings(self) -> float:
        """Return baseline cost minus planned cost, and what the battery saves."""
        return self.baseline_cost - self.planned_cost + self.battery_saving

    def for_appliance(self, appliance_id: str) -> tuple[AppliancePlan, ...]:
        """Return the plans of one appliance, the earliest due first."""
        return tuple(plan for plan in self.plans if plan.appliance_id == appliance_id)

    def next_run(self, appliance_id: str, now: datetime) -> PlannedRun | None:
        """Return the run of the appliance that is on at ``now`` or starts next."""
        runs = [
            run for plan in self.for_appliance(appliance_id) for run in plan.runs if run.end > now
        ]
        return min(runs, key=lambda run: run.start, default=None)

    def is_on(self, appliance_id: str, now: datetime) -> bool:
        """Return whether the plan has the appliance on at ``now`` (the "run now" sensor)."""
        return any(plan.is_on(now) for plan in self.for_appliance(appliance_id))

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-safe form for the Store and action responses."""
        data = {
            "created_at": self.created_at.isoformat(),
            "currency": self.currency,
            "household_limit_kw": self.household_limit_kw,
            "planned_cost": rounded(self.planned_cost),
            "baseline_cost": rounded(self.baseline_cost),
            "savings": rounded(self.savings),
            "plans": [plan.as_dict() for plan in self.plans],
            "solver": None if self.solver is None else self.solver.as_dict(),
        }
        if self.capacity_cost is not None:
            # Only plans made with a capacity charge have these keys.
            data["capacity_cost"] = rounded(self.capacity_cost)
            data["baseline_capacity_cost"] = rounded(self.baseline_capacity_cost)
        if self.energy is not None:
            data["energy"] = self.energy.as_dict()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Schedule:
        """Rebuild a schedule from :meth:`as_dict` output (the solver report is not kept)."""
        limit = data.get("household_limit_kw")
        return cls(
            created_at=datetime.fromisoformat(data["created_at"]),
            currency=str(data.get("currency", "EUR")),
            household_limit_kw=None if limit is None else float(limit),
            plans=tuple(AppliancePlan.from_dict(plan) for plan in data.get("plans", ())),
            capacity_cost=optional_float(data.get("capacity_cost")),
            baseline_capacity_cost=optional_float(data.get("baseline_capacity_cost")),
            energy=from_optional_dict(data.get("energy")),
        )
