"""From a relaxation's fractional values to a plan, without solving anything again.

Each job is read at its most likely placement: a cycle at its heaviest start,
an on/off appliance in the slots it is most on (as many as the relaxation
delivers, within its energy range). The most decided jobs are placed first;
a job whose reading no longer fits the power left is placed at its best
placement in that room instead. The polish then moves each job to its
cheapest, earliest placement given the others.
"""

from __future__ import annotations

import numpy as np

from .formulation import NO_COLUMN, Formulation
from .placement import BlockMemo
from .problem import CycleJob, FlexJob, FloatArray, Problem
from .solution import Solution, best_placement, job_draw, polish


def round_relaxation(
    problem: Problem, formulation: Formulation, value: FloatArray, memo: BlockMemo | None = None
) -> Solution | None:
    """Return a plan read from ``value`` (None if some job cannot be placed this way)."""
    readings: list[tuple[float, int, Solution]] = []
    for number, job in enumerate(problem.jobs):
        if isinstance(job, CycleJob):
            shares = value[formulation.start_columns[number]]
            chosen = int(np.argmax(shares))
            start = Solution(starts={number: int(job.starts[chosen])})
            readings.append((1.0 - float(shares[chosen]), number, start))
            continue
        flexible = _flex_reading(problem, formulation, number, job, value, memo)
        if flexible is None:
            return None
        readings.append((flexible[0], number, flexible[1]))
    room = problem.capacity().copy()
    solution = Solution()
    for _, number, reading in sorted(readings, key=lambda item: (item[0], item[1])):
        placed: Solution | None = reading
        if not np.all(job_draw(problem, number, reading)[0] <= room + 1e-9):
            placed = best_placement(problem, number, room, memo)
        if placed is None:
            return None
        solution.starts.update(placed.starts)
        solution.power.update(placed.power)
        room -= job_draw(problem, number, placed)[0]
    return polish(problem, solution, memo)


def read_jobs(problem: Problem, formulation: Formulation, value: FloatArray) -> Solution | None:
    """Return each job at its most likely placement in ``value``, nothing moved to fit.

    For a model with an energy balance: whether a placement fits depends on the solar and
    the battery beside it, which the solver settles around it.
    """
    solution = Solution()
    for number, job in enumerate(problem.jobs):
        if isinstance(job, CycleJob):
            shares = value[formulation.start_columns[number]]
            solution.starts[number] = int(job.starts[int(np.argmax(shares))])
            continue
        flexible = _flex_reading(problem, formulation, number, job, value, None)
        if flexible is None:
            return None
        solution.power.update(flexible[1].power)
    return solution


def _flex_reading(  # noqa: PLR0917
    problem: Problem,
    formulation: Formulation,
    number: int,
    job: FlexJob,
    value: FloatArray,
    memo: BlockMemo | None,
) -> tuple[float, Solution] | None:
    """Return (indecision, plan) of an interruptible job read from the relaxation."""
    span = np.arange(job.first, job.end)
    power = np.zeros(problem.grid.count)
    on = formulation.on_columns[number]
    if job.on_off and (on != NO_COLUMN).all():
        share = value[on]
        slot_energy = job.max_kw * problem.grid.hours
        fewest = round(job.energy_min / slot_energy)
        most = round(job.energy_max / slot_energy)
        count = min(max(round(float(share.sum())), fewest), most)
        # The slots most on; among equal shares the cheaper, then the earlier.
        order = np.lexsort((span, job.price[span], -share))
        power[span[order[:count]]] = job.max_kw
        indecision = float(np.minimum(share, 1.0 - share).clip(0.0).sum())
        placed = Solution(power={number: power})
        if not job.is_simple and not _keeps_block_rules(job, power):
            best = best_placement(problem, number, np.full(problem.grid.count, np.inf), memo)
            if best is None:
                return None
            placed = best
        return indecision, placed
    if (on != NO_COLUMN).any():
        # Modulating within a power range: no cheap exact move, leave it to the solver.
        return None
    draw = formulation.power_columns[number]
    power[span] = np.clip(value[draw], 0.0, job.max_kw)
    power[power < 1e-9] = 0.0
    return 0.0, Solution(power={number: power})


def _keeps_block_rules(job: FlexJob, power: FloatArray) -> bool:
    """Return whether an on/off reading keeps minimum on/off times and starts per day."""
    on = power[job.first : job.end] > 0
    if job.forced_on and not on[: job.forced_on - job.first].all():
        return False
    previous = job.was_on and job.first == 0
    run = job.min_on if previous else 0
    pause = 0 if previous else job.min_off
    starts: dict[int, int] = {}
    for k, state in enumerate(on.tolist()):
        if state and not previous:
            if pause < job.min_off or k + job.min_on > len(on):
                return False
            day = int(job.day_of_slot[job.first + k])
            starts[day] = starts.get(day, 0) + 1
            run = 0
        if not state and previous and run < job.min_on:
            return False
        run = run + 1 if state else run
        pause = 0 if state else pause + 1
        previous = state
    return job.max_starts is None or all(count <= job.max_starts for count in starts.values())
