"""The one entry point for a plan: validate, expand, solve, explain, and report.

``plan(request)`` is what the coordinator calls on every re-plan and what the
``estimate_savings`` and ``get_plan`` actions build on. It never raises for a
request that cannot be met: each appliance that cannot be planned gets a
:class:`PlanIssue` instead, and the others are planned.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Final

import numpy as np

from .appliances import Appliance
from .baseline import baseline_energy
from .capacity_charge import marginal_cost
from .energy_plan import EnergyPlan, energy_plan, marginal_price
from .issues import ApplianceError, PlanIssue, issue
from .milp import Backend, SolveReport, solve
from .problem import (
    CycleJob,
    FlexJob,
    FloatArray,
    Job,
    Occurrence,
    PlanRequest,
    Problem,
    build_problem,
    energy_issue,
)
from .schedule import AppliancePlan, PlannedRun, Schedule
from .solution import Solution, capacity_cost, job_draw

# When a solve stops before any plan (a slow device, a very large household), it is tried once
# more with this much time: no plan is not the same as no feasible plan, and a late plan beats
# dropping appliances for a reason that is not true.
PATIENT_TIME_LIMIT: Final = 10.0


def plan(request: PlanRequest, backend: Backend | None = None) -> Schedule:
    """Return the cheapest schedule for the request, with a reason for what cannot be planned."""
    valid: list[Appliance] = []
    invalid: list[AppliancePlan] = []
    for appliance in request.appliances:
        try:
            appliance.validate()
        except ApplianceError as error:
            invalid.append(_blocked(appliance, None, error.issue))
        else:
            valid.append(appliance)
    problem = build_problem(replace(request, appliances=tuple(valid)))
    solution, report = _solve(problem, backend, request.time_limit)
    dropped: list[tuple[Job, PlanIssue]] = []
    if solution is None:
        problem, dropped = _resolve_conflicts(problem, backend, request.time_limit)
        solution, report = _solve(problem, backend, request.time_limit)
    assert solution is not None  # every kept job was feasible together
    plans = [*invalid, *_plans(_priced_at_margin(problem, solution), solution, dropped)]
    order = {appliance.appliance_id: i for i, appliance in enumerate(request.appliances)}
    plans.sort(key=lambda p: (order[p.appliance_id], p.due is None, p.due or request.now))
    capacity_cost, baseline_capacity_cost = _capacity_costs(problem, solution)
    return Schedule(
        energy=_energy_plan(problem, solution),
        created_at=request.now,
        currency=request.prices.currency,
        household_limit_kw=request.household_limit_kw,
        plans=tuple(plans),
        solver=report,
        capacity_cost=capacity_cost,
        baseline_capacity_cost=baseline_capacity_cost,
    )


def _energy_plan(problem: Problem, solution: Solution) -> EnergyPlan | None:
    if problem.energy is None or solution.energy is None:
        return None
    appliances = np.zeros(problem.grid.count)
    for number in range(len(problem.jobs)):
        appliances += job_draw(problem, number, solution)[1]
    return energy_plan(problem.grid, problem.energy, solution.energy, appliances)


def _capacity_costs(problem: Problem, solution: Solution) -> tuple[float | None, float | None]:
    """Return what the plan and the run-now baseline add to the capacity charge."""
    if problem.charge is None:
        return None, None
    baseline = np.zeros(problem.grid.count) if problem.fixed_kwh is None else problem.fixed_kwh
    for job in problem.jobs:
        baseline = baseline + baseline_energy(job, problem.grid.count, problem.grid.hours)
    return capacity_cost(problem, solution), marginal_cost(problem.charge, baseline)


def _resolve_conflicts(
    problem: Problem, backend: Backend | None, time_limit: float
) -> tuple[Problem, list[tuple[Job, PlanIssue]]]:
    """Drop what cannot run: alone first (with a specific reason), then by priority."""
    dropped: list[tuple[Job, PlanIssue]] = []
    alone_feasible: list[Job] = []
    running = ", ".join(r.occurrence.appliance.name for r in problem.running) or "-"
    unlimited = replace(problem, limit_kw=None)
    if problem.energy is not None:
        unlimited = replace(unlimited, energy=replace(problem.energy, import_limit_kw=None))
    for job in problem.jobs:
        if _feasible(problem, [job], backend, time_limit):
            alone_feasible.append(job)
        elif _feasible(unlimited, [job], backend, time_limit):
            # Only what already runs stands in the way.
            dropped.append(
                (
                    job,
                    issue(
                        "household_limit_conflict",
                        appliance=job.appliance.name,
                        limit_kw=problem.limit_kw,
                        competing=running,
                    ),
                )
            )
        else:
            dropped.append((job, _alone_issue(job, problem)))
    ranked = sorted(
        alone_feasible,
        key=lambda job: (-job.appliance.priority, job.occurrence.due),
    )
    kept: list[Job] = []
    for job in ranked:
        if _feasible(problem, [*kept, job], backend, time_limit):
            kept.append(job)
            continue
        competing = ", ".join(sorted({other.appliance.name for other in kept}))
        dropped.append(
            (
                job,
                issue(
                    "household_limit_conflict",
                    appliance=job.appliance.name,
                    limit_kw=problem.limit_kw,
                    competing=competing or running,
                ),
            )
        )
    kept_in_order = tuple(job for job in problem.jobs if any(job is k for k in kept))
    return replace(problem, jobs=kept_in_order), dropped


def _feasible(
    problem: Problem, jobs: list[Job], backend: Backend | None, time_limit: float
) -> bool:
    # Any plan answers the question: no need to search on for the cheapest one.
    part = replace(problem, jobs=tuple(jobs))
    solution, _ = _solve(part, backend, time_limit, first_plan=True)
    return solution is not None


def _solve(
    problem: Problem, backend: Backend | None, time_limit: float, *, first_plan: bool = False
) -> tuple[Solution | None, SolveReport]:
    """Solve; when the time limit ends it before any plan, once more with more time."""
    solution, report = solve(problem, backend, time_limit, first_plan=first_plan)
    if solution is None and report.status == "time_limit":
        patient = max(time_limit, PATIENT_TIME_LIMIT)
        solution, report = solve(problem, backend, patient, first_plan=first_plan)
    return solution, report


def _priced_at_margin(problem: Problem, solution: Solution) -> Problem:
    """With an energy balance, cost each appliance at what its energy costs in the plan.

    Where the plan exports, an appliance's kWh forgoes the export price rather than paying
    the import price; where solar is curtailed, it costs nothing.
    """
    if problem.energy is None or solution.energy is None:
        return problem
    return replace(problem, price=marginal_price(problem.energy, solution.energy))


def _alone_issue(job: Job, problem: Problem) -> PlanIssue:
    """Explain a job that cannot run even alone and without the household limit."""
    appliance = job.appliance
    if appliance.surplus_only:
        return issue(
            "surplus_insufficient",
            appliance=appliance.name,
            energy_kwh=round(appliance.target_energy_kwh, 3),
            deadline=job.occurrence.due.isoformat(),
        )
    if isinstance(job, FlexJob) and appliance.energy_kwh is not None and job.is_simple:
        return energy_issue(
            appliance,
            job.occurrence.window_start.isoformat(),
            job.occurrence.due.isoformat(),
            job.energy_min if job.energy_asked is None else job.energy_asked,
            job.energy_min,
            _deliverable(job, problem),
            problem.grid,
        )
    return issue(
        "starts_insufficient",
        appliance=appliance.name,
        min_on_hours=round(appliance.min_on_time / timedelta(hours=1), 2),
        min_off_hours=round(appliance.min_off_time / timedelta(hours=1), 2),
        max_starts=appliance.max_starts_per_day or "-",
    )


def _deliverable(job: FlexJob, problem: Problem) -> float:
    room = np.clip(problem.capacity()[job.slots], 0.0, job.max_kw)
    return float(room.sum() * problem.grid.hours)


def _plans(
    problem: Problem, solution: Solution, dropped: list[tuple[Job, PlanIssue]]
) -> list[AppliancePlan]:
    grid = problem.grid
    plans: list[AppliancePlan] = []
    for occurrence, reason in problem.issues:
        if isinstance(occurrence, Occurrence):
            plans.append(_blocked(occurrence.appliance, occurrence, reason))
    plans.extend(_blocked(job.appliance, job.occurrence, reason) for job, reason in dropped)
    for running in problem.running:
        appliance = running.occurrence.appliance
        cost = _expected_cost(problem, running.energy)
        run = PlannedRun(
            start=running.started,
            end=running.started + appliance.cycle_duration,
            power_kw=appliance.peak_kw,
            energy_kwh=appliance.target_energy_kwh,
            cost=cost,
        )
        plans.append(
            AppliancePlan(
                appliance_id=appliance.appliance_id,
                name=appliance.name,
                status="running",
                window_start=running.occurrence.window_start,
                due=running.occurrence.due,
                runs=(run,),
                planned_cost=cost,
                baseline_cost=cost,
            )
        )
    for number, job in enumerate(problem.jobs):
        power, energy = job_draw(problem, number, solution)
        runs = _runs(problem, job, solution.starts.get(number), power, energy)
        baseline = baseline_energy(job, grid.count, grid.hours)
        plans.append(
            AppliancePlan(
                appliance_id=job.appliance.appliance_id,
                name=job.appliance.name,
                status="scheduled",
                window_start=job.occurrence.window_start,
                due=job.occurrence.due,
                runs=runs,
                planned_cost=_expected_cost(problem, energy),
                baseline_cost=_expected_cost(problem, baseline),
            )
        )
    return plans


def _runs(
    problem: Problem, job: Job, start: int | None, power: FloatArray, energy: FloatArray
) -> tuple[PlannedRun, ...]:
    grid = problem.grid
    price = np.where(np.isfinite(problem.price), problem.price, 0.0)
    if isinstance(job, CycleJob):
        assert start is not None
        begin = grid.at(start)
        return (
            PlannedRun(
                start=begin,
                end=begin + job.appliance.cycle_duration,
                power_kw=job.appliance.peak_kw,
                energy_kwh=float(energy.sum()),
                cost=float(energy @ price),
            ),
        )
    runs: list[PlannedRun] = []
    slot = 0
    while slot < grid.count:
        if power[slot] <= 0:
            slot += 1
            continue
        last = slot
        while last + 1 < grid.count and abs(power[last + 1] - power[slot]) <= 1e-9:
            last += 1
        block = slice(slot, last + 1)
        runs.append(
            PlannedRun(
                start=grid.at(slot),
                end=grid.at(last + 1),
                power_kw=float(power[slot]),
                energy_kwh=float(energy[block].sum()),
                cost=float(energy[block] @ price[block]),
            )
        )
        slot = last + 1
    return tuple(runs)


def _expected_cost(problem: Problem, energy: FloatArray) -> float:
    used = (energy > 0) & np.isfinite(problem.price)
    return float(energy[used] @ problem.price[used])


def _blocked(
    appliance: Appliance, occurrence: Occurrence | None, reason: PlanIssue
) -> AppliancePlan:
    return AppliancePlan(
        appliance_id=appliance.appliance_id,
        name=appliance.name,
        status="blocked",
        window_start=None if occurrence is None else occurrence.window_start,
        due=None if occurrence is None else occurrence.due,
        issue=reason,
    )
