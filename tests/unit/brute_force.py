"""An exhaustive solver that checks the MILP on small cases."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations, product
import math

import numpy as np

from custom_components.price_optimizer.core.optimizer.problem import (
    CycleJob,
    FlexJob,
    FloatArray,
    Job,
    Problem,
)
from custom_components.price_optimizer.core.optimizer.solution import (
    Solution,
    total_cost,
    total_load,
)


def brute_force(problem: Problem) -> tuple[Solution | None, float]:
    """Return the cheapest plan by trying every combination (tiny problems only)."""
    best: Solution | None = None
    best_cost = math.inf
    choices = [list(_placements(problem, job)) for job in problem.jobs]
    for combination in product(*choices):
        solution = Solution()
        for number, placement in enumerate(combination):
            if isinstance(placement, int):
                solution.starts[number] = placement
            else:
                solution.power[number] = placement
        if problem.limit_kw is not None and np.any(
            total_load(problem, solution) > problem.limit_kw + 1e-7
        ):
            continue
        cost = total_cost(problem, solution)
        if cost < best_cost - 1e-12:
            best, best_cost = solution, cost
    return best, best_cost


def _placements(problem: Problem, job: Job) -> Iterator[int | FloatArray]:
    if isinstance(job, CycleJob):
        yield from job.starts.tolist()
        return
    yield from _flex_placements(problem, job)


def _flex_placements(problem: Problem, job: FlexJob) -> Iterator[FloatArray]:
    """Every on/off pattern that meets the job's own rules (on/off jobs only)."""
    if not job.on_off:
        raise ValueError("brute force enumerates on/off appliances only")
    slot_energy = job.max_kw * problem.grid.hours
    fewest = round(job.energy_min / slot_energy)
    most = round(job.energy_max / slot_energy)
    slots = job.slots.tolist()
    for size in range(fewest, min(most, len(slots)) + 1):
        for chosen in combinations(slots, size):
            on = np.zeros(problem.grid.count, dtype=bool)
            on[list(chosen)] = True
            if _meets_blocks(job, on):
                yield on * job.max_kw


def _meets_blocks(job: FlexJob, on: np.ndarray) -> bool:
    """Check minimum on/off times, starts per day and a block that must go on."""
    if job.forced_on and not on[job.first : job.forced_on].all():
        return False
    previous = job.was_on and job.first == 0
    length = 0
    # A pause before the window counts as long enough; stopping a running block starts one.
    off_length = 0 if previous else job.min_off
    starts_per_day: dict[int, int] = {}
    for slot in range(job.first, job.end):
        if on[slot]:
            if not previous:
                if off_length < job.min_off and slot != job.first:
                    return False
                day = int(job.day_of_slot[slot])
                starts_per_day[day] = starts_per_day.get(day, 0) + 1
                length = 0
            length += 1
            off_length = 0
        else:
            if previous and length < job.min_on and not (job.was_on and length == slot):
                return False
            off_length += 1
        previous = bool(on[slot])
    if previous and length < job.min_on and not (job.was_on and length == job.end):
        return False
    return job.max_starts is None or all(
        count <= job.max_starts for count in starts_per_day.values()
    )
