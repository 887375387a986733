"""A solution as starts and power per slot; its cost, its load, and the earliest-first polish.

Polishing moves one job at a time to its best placement given all others
(the cheapest, and among equally cheap the earliest). It never raises the
cost, so it can follow any solver; it makes plans deterministic where prices
tie, which is what keeps re-planning from flapping between equal choices.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np

from .capacity_charge import marginal_cost
from .energy import EnergyFlows, flows_cost
from .placement import COST_TIE, BlockMemo, best_blocks, best_cycle_start, best_simple_flex
from .problem import EPSILON, CycleJob, FloatArray, Problem

MAX_POLISH_ROUNDS: Final = 50


@dataclass(slots=True)
class Solution:
    """Per job number: a cycle's start slot, or a flexible job's kW in every grid slot."""

    starts: dict[int, int] = field(default_factory=dict)
    power: dict[int, FloatArray] = field(default_factory=dict)
    # The energy balance, with solar or a battery.
    energy: EnergyFlows | None = None

    def copy(self) -> Solution:
        """Return an independent copy."""
        return Solution(
            dict(self.starts), {k: v.copy() for k, v in self.power.items()}, self.energy
        )


def job_draw(problem: Problem, number: int, solution: Solution) -> tuple[FloatArray, FloatArray]:
    """Return the job's power (kW) and energy (kWh) per grid slot."""
    job = problem.jobs[number]
    count = problem.grid.count
    if isinstance(job, CycleJob):
        start = solution.starts[number]
        power = np.zeros(count)
        energy = np.zeros(count)
        power[start : start + job.length] = job.peak
        energy[start : start + job.length] = job.energy
        return power, energy
    power = solution.power[number]
    return power, power * problem.grid.hours


def job_cost(problem: Problem, number: int, solution: Solution) -> float:
    """Return what the job costs at its planning prices."""
    job = problem.jobs[number]
    _, energy = job_draw(problem, number, solution)
    used = energy > 0
    return float(energy[used] @ job.price[used])


def total_cost(problem: Problem, solution: Solution) -> float:
    """Return what all jobs cost at their planning prices, with what they add to capacity.

    With an energy balance that is the balance's cost and the jobs' risk premiums.
    """
    if problem.energy is not None and solution.energy is not None:
        energy = flows_cost(problem.energy, solution.energy) + sum(
            _premium(problem, number, solution) for number in range(len(problem.jobs))
        )
    else:
        energy = sum(job_cost(problem, number, solution) for number in range(len(problem.jobs)))
    if problem.charge is None:
        return energy
    return energy + capacity_cost(problem, solution)


def _premium(problem: Problem, number: int, solution: Solution) -> float:
    """Return what a job planned on the upper forecast pays over the median."""
    job = problem.jobs[number]
    _, energy = job_draw(problem, number, solution)
    used = (energy > 0) & np.isfinite(problem.price)
    return float(energy[used] @ np.maximum(job.price[used] - problem.price[used], 0.0))


def planned_energy(problem: Problem, solution: Solution) -> FloatArray:
    """Return the energy per slot of the planned jobs and what is already committed.

    With an energy balance: what the grid delivers beyond the base load.
    """
    if problem.energy is not None and solution.energy is not None:
        beyond: FloatArray = solution.energy.grid_import - problem.energy.base_kwh
        return beyond
    energy = np.zeros(problem.grid.count) if problem.fixed_kwh is None else problem.fixed_kwh
    for number in range(len(problem.jobs)):
        energy = energy + job_draw(problem, number, solution)[1]
    return energy


def capacity_cost(problem: Problem, solution: Solution) -> float:
    """Return what the plan adds to the capacity charge (0 without one)."""
    if problem.charge is None:
        return 0.0
    return marginal_cost(problem.charge, planned_energy(problem, solution))


def total_load(problem: Problem, solution: Solution) -> FloatArray:
    """Return the power per slot of the planned jobs and the running cycles."""
    load = problem.fixed_kw.copy()
    for number in range(len(problem.jobs)):
        load += job_draw(problem, number, solution)[0]
    return load


def lateness(problem: Problem, number: int, solution: Solution) -> float:
    """Return the energy-weighted slot index: smaller means earlier."""
    _, energy = job_draw(problem, number, solution)
    return float(energy @ np.arange(len(energy)))


def best_placement(
    problem: Problem, number: int, capacity: FloatArray, memo: BlockMemo | None = None
) -> Solution | None:
    """Return a one-job solution with the job at its best placement within ``capacity``."""
    job = problem.jobs[number]
    placed = Solution()
    if isinstance(job, CycleJob):
        start = best_cycle_start(job, capacity)
        if start is None:
            return None
        placed.starts[number] = start
        return placed
    if job.is_simple:
        power = best_simple_flex(job, capacity, problem.grid.hours)
    elif memo is not None:
        power = memo.best(number, job, capacity, problem.grid.hours)
    else:
        power = best_blocks(job, capacity, problem.grid.hours)
    if power is None:
        return None
    placed.power[number] = power
    return placed


def capacity_left(problem: Problem, solution: Solution) -> FloatArray:
    """Return the power the household limit leaves beside every planned job and running cycle."""
    if problem.limit_kw is None:
        return np.full(problem.grid.count, np.inf)
    return problem.capacity() - total_load(problem, solution) + problem.fixed_kw


def polish(problem: Problem, solution: Solution, memo: BlockMemo | None = None) -> Solution:
    """Move each job to its cheapest (then earliest) placement given the others, until stable."""
    solution = solution.copy()
    left = capacity_left(problem, solution)
    for _ in range(MAX_POLISH_ROUNDS):
        moved = False
        for number in range(len(problem.jobs)):
            own, _ = job_draw(problem, number, solution)
            capacity = left + own
            placed = best_placement(problem, number, capacity, memo)
            if placed is None:
                continue
            candidate = solution.copy()
            candidate.starts.update(placed.starts)
            candidate.power.update(placed.power)
            if _better(problem, number, candidate, solution):
                solution = candidate
                left = capacity - job_draw(problem, number, solution)[0]
                moved = True
        if not moved:
            break
    return solution


def _better(problem: Problem, number: int, candidate: Solution, current: Solution) -> bool:
    if problem.charge is None:
        new = job_cost(problem, number, candidate)
        old = job_cost(problem, number, current)
    else:
        # The charge ties the jobs together: a move pays only if the whole plan gets cheaper.
        new = total_cost(problem, candidate)
        old = total_cost(problem, current)
    if new < old - COST_TIE:
        return True
    return (
        new <= old + COST_TIE
        and lateness(problem, number, candidate) < lateness(problem, number, current) - EPSILON
    )
