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

from .problem import EPSILON, CycleJob, FlexJob, FloatArray, Problem

# Costs closer than this are equal; the later of two equal plans gives way to the earlier.
COST_TIE: Final = 1e-9
MAX_POLISH_ROUNDS: Final = 50


@dataclass(slots=True)
class Solution:
    """Per job number: a cycle's start slot, or a flexible job's kW in every grid slot."""

    starts: dict[int, int] = field(default_factory=dict)
    power: dict[int, FloatArray] = field(default_factory=dict)

    def copy(self) -> Solution:
        """Return an independent copy."""
        return Solution(dict(self.starts), {k: v.copy() for k, v in self.power.items()})


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
    """Return what all jobs cost at their planning prices."""
    return sum(job_cost(problem, number, solution) for number in range(len(problem.jobs)))


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


def best_cycle_start(job: CycleJob, capacity: FloatArray) -> int | None:
    """Return the cheapest start that fits ``capacity`` (the earliest among equals)."""
    fits = np.ones(len(job.starts), dtype=bool)
    for offset, peak in enumerate(job.peak):
        fits &= capacity[job.starts + offset] >= peak - EPSILON
    if not fits.any():
        return None
    costs = np.where(fits, job.start_costs(), np.inf)
    best = float(costs.min())
    # The earliest start whose cost ties the cheapest one.
    return int(job.starts[np.flatnonzero(costs <= best + COST_TIE)[0]])


def best_simple_flex(job: FlexJob, capacity: FloatArray, hours: float) -> FloatArray | None:
    """Return the cheapest power plan of a job bound only by its energy range, or None.

    Cheapest slots first (earlier first among equal prices); beyond the
    target, slots are only added while they pay (negative prices).
    """
    count = len(capacity)
    span = np.arange(job.first, job.end)
    price = job.price[span]
    room = np.minimum(capacity[span], job.max_kw)
    usable = np.isfinite(price) & (room >= job.min_kw - EPSILON) & (room > EPSILON)
    order = span[usable][np.lexsort((span[usable], price[usable]))]
    power = np.zeros(count)
    if job.on_off:
        needed = round(job.energy_min / (job.max_kw * hours))
        most = round(job.energy_max / (job.max_kw * hours))
        if needed > len(order):
            return None
        paying = int(np.count_nonzero(job.price[order[needed:]] < 0))
        power[order[: max(needed, min(most, needed + paying))]] = job.max_kw
        return power
    if job.min_kw > EPSILON:
        return None
    energy = 0.0
    for slot in order.tolist():
        if energy >= job.energy_max - EPSILON:
            break
        if energy >= job.energy_min - EPSILON and job.price[slot] >= 0:
            break
        goal = job.energy_min if job.price[slot] >= 0 else job.energy_max
        take = min(float(capacity[slot]), job.max_kw, (goal - energy) / hours)
        power[slot] = take
        energy += take * hours
    if energy < job.energy_min - 1e-6:
        return None
    return power


def polish(problem: Problem, solution: Solution) -> Solution:
    """Move each job to its cheapest (then earliest) placement given the others, until stable."""
    solution = solution.copy()
    if problem.limit_kw is None:
        capacity_left = np.full(problem.grid.count, np.inf)
    else:
        capacity_left = problem.capacity() - total_load(problem, solution) + problem.fixed_kw
    for _ in range(MAX_POLISH_ROUNDS):
        moved = False
        for number, job in enumerate(problem.jobs):
            if isinstance(job, FlexJob) and not job.is_simple:
                continue
            own, _ = job_draw(problem, number, solution)
            capacity = capacity_left + own
            candidate = solution.copy()
            if isinstance(job, CycleJob):
                start = best_cycle_start(job, capacity)
                if start is None:
                    continue
                candidate.starts[number] = start
            else:
                power = best_simple_flex(job, capacity, problem.grid.hours)
                if power is None:
                    continue
                candidate.power[number] = power
            if _better(problem, number, candidate, solution):
                solution = candidate
                capacity_left = capacity - job_draw(problem, number, solution)[0]
                moved = True
        if not moved:
            break
    return solution


def _better(problem: Problem, number: int, candidate: Solution, current: Solution) -> bool:
    new = job_cost(problem, number, candidate)
    old = job_cost(problem, number, current)
    if new < old - COST_TIE:
        return True
    return (
        new <= old + COST_TIE
        and lateness(problem, number, candidate) < lateness(problem, number, current) - EPSILON
    )
