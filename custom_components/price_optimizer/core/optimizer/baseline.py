"""The "run now" baseline: what a household without a planner would pay.

The baseline starts every appliance at the earliest moment its window allows
and runs it flat out until done, as a household without a planner would; the
household limit is not considered (nobody checks it when pressing start).
"""

from __future__ import annotations

import numpy as np

from .problem import EPSILON, CycleJob, FloatArray, Job


def baseline_energy(job: Job, count: int, hours: float) -> FloatArray:
    """Return the energy per slot (kWh) of the job started at its earliest moment."""
    energy = np.zeros(count)
    if isinstance(job, CycleJob):
        start = int(job.starts[0])
        energy[start : start + job.length] = job.energy
        return energy
    remaining = job.energy_min
    for slot in job.slots.tolist():
        if remaining <= EPSILON:
            break
        full = job.max_kw * hours
        take = full if job.on_off else min(full, remaining)
        energy[slot] = take
        remaining -= take
    return energy
