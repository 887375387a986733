"""The best placement of one job given the power left by everything else.

Each function returns the cheapest placement that fits ``capacity`` (kW left
per grid slot) and, among equally cheap ones, the earliest, or None when the
job cannot be placed (or, for modulating appliances with on/off rules, when
no exact answer is cheap to compute). These are the moves of the local search
and of the polish; the MILP stays the judge of optimality.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

from .problem import EPSILON, CycleJob, FlexJob, FloatArray, IntArray

BoolArray = npt.NDArray[np.bool_]

# Costs closer than this are equal; the later of two equal plans gives way to the earlier.
COST_TIE: Final = 1e-9

# Answers of the on/off programme kept per job (see BlockMemo).
MEMO_SIZE: Final = 64
# Keys of the on/off programme stay within 2**60 in size; 2**62 marks a state never reached.
_UNREACHED: Final = 1 << 62
_REACHABLE_BELOW: Final = 1 << 61
# Predecessor codes of the on/off dynamic programme (see best_blocks).
_NONE, _START, _ON_NEXT, _STAY_ON, _STOP, _OFF_NEXT, _STAY_OFF = range(7)


def fitting_starts(job: CycleJob, capacity: FloatArray) -> BoolArray:
    """Return, per allowed start, whether the cycle fits ``capacity``."""
    fits = np.ones(len(job.starts), dtype=bool)
    for offset, peak in enumerate(job.peak.tolist()):
        if peak > EPSILON:
            fits &= capacity[job.starts + offset] >= peak - EPSILON
    return fits


def best_cycle_start(job: CycleJob, capacity: FloatArray) -> int | None:
    """Return the cheapest start that fits ``capacity`` (the earliest among equals)."""
    fits = fitting_starts(job, capacity)
    if not fits.any():
        return None
    masked = np.where(fits, job.start_costs(), np.inf)
    best = float(masked.min())
    # The earliest start whose cost ties the cheapest one.
    return int(job.starts[np.flatnonzero(masked <= best + COST_TIE)[0]])


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


def best_blocks(job: FlexJob, capacity: FloatArray, hours: float) -> FloatArray | None:
    """Return the cheapest on/off plan under minimum on/off times and starts per day.

    A dynamic programme over the window's slots; its state is the number of
    slots switched on, how long the current block or pause has lasted (up to
    the minimum that frees it) and the blocks begun today. Ties go to the
    plan whose energy comes earliest. Modulating appliances return None.
    """
    if not job.on_off:
        return None
    size = job.end - job.first
    span = np.arange(job.first, job.end)
    slot_energy = job.max_kw * hours
    fewest = round(job.energy_min / slot_energy)
    most = round(job.energy_max / slot_energy)
    usable = (np.isfinite(job.price[span]) & (capacity[span] >= job.max_kw - EPSILON)).tolist()
    forced = (span < job.forced_on).tolist()
    key = _slot_keys(
        np.where(np.isfinite(job.price[span]), job.price[span], 0.0) * slot_energy, span
    )
    days = job.day_of_slot[span].tolist() if len(job.day_of_slot) else [0] * size
    on_states, off_states = job.min_on, job.min_off
    last = on_states + off_states - 1
    day_states = 1 if job.max_starts is None else job.max_starts + 1
    shape = (most + 1, on_states + off_states, day_states)
    value = np.full(shape, _UNREACHED)
    value[0, on_states - 1 if job.was_on and job.first == 0 else last, 0] = 0
    codes = np.zeros((size, *shape), dtype=np.int8)
    day_picks: dict[int, IntArray] = {}
    for k in range(size):
        if day_states > 1 and k > 0 and days[k] != days[k - 1]:
            day_picks[k] = np.argmin(value, axis=2)
            collapsed = value.min(axis=2)
            value = np.full(shape, _UNREACHED)
            value[:, :, 0] = collapsed
        new = np.full(shape, _UNREACHED)
        code = codes[k]
        if usable[k]:
            _switch_on(value, new, code, int(key[k]), on_states, k + on_states <= size)
        if not forced[k]:
            _switch_off(value, new, code, on_states)
        np.minimum(new, _UNREACHED, out=new)
        value = new
    final = value[fewest:]
    if int(final.min()) >= _REACHABLE_BELOW:
        return None
    c, r, d = (int(i) for i in np.unravel_index(int(np.argmin(final)), final.shape))
    c += fewest
    power = np.zeros(len(capacity))
    for k in range(size - 1, -1, -1):
        kind = int(codes[k, c, r, d])
        if kind in {_START, _ON_NEXT, _STAY_ON}:
            power[job.first + k] = job.max_kw
            c -= 1
        if kind == _START:
            r = last
            d = d - 1 if day_states > 1 else d
        elif kind in {_ON_NEXT, _OFF_NEXT}:
            r -= 1
        elif kind in {_STAY_ON, _STOP}:
            r = on_states - 1
        else:
            r = last
        if k in day_picks:
            d = int(day_picks[k][c, r])
    return power


def _slot_keys(cost: FloatArray, span: IntArray) -> IntArray:
    """Return exact integer keys: cost in fine units first, then the slot index (earlier wins).

    Integers add up without rounding, so equal prices give equal keys whatever
    the order of the sum; the unit (1e-9, coarser only for huge costs) keeps
    the error far below the solver's optimality tolerance.
    """
    shift = 1 << int(span.sum() + 1).bit_length()
    unit = max(1e-9, float(np.abs(cost).sum()) * shift / 2.0**60)
    return np.rint(cost / unit).astype(np.int64) * shift + span


def _switch_on(  # noqa: PLR0917
    value: IntArray, new: IntArray, code: IntArray, key: int, on_states: int, starts: bool
) -> None:
    """Offer every way of being on in this slot: a new block, or the current one going on."""
    last = value.shape[1] - 1
    source = value[:-1]  # one more slot on: count c -> c + 1
    target = new[1:]
    codes = code[1:]
    if on_states > 1:
        target[:, 1:on_states] = source[:, : on_states - 1] + key
        codes[:, 1:on_states] = _ON_NEXT
        _offer(
            target[:, on_states - 1],
            codes[:, on_states - 1],
            source[:, on_states - 1] + key,
            _STAY_ON,
        )
    else:
        target[:, 0] = source[:, 0] + key
        codes[:, 0] = _STAY_ON
    if not starts:
        return
    if value.shape[2] > 1:
        # A new block counts towards today's starts: d -> d + 1.
        _offer(target[:, 0, 1:], codes[:, 0, 1:], source[:, last, :-1] + key, _START)
    else:
        _offer(target[:, 0], codes[:, 0], source[:, last] + key, _START)


def _switch_off(value: IntArray, new: IntArray, code: IntArray, on_states: int) -> None:
    """Offer every way of being off in this slot: stopping a block, or the pause going on."""
    last = value.shape[1] - 1
    if last > on_states:
        new[:, on_states] = value[:, on_states - 1]
        code[:, on_states] = _STOP
        new[:, on_states + 1 :] = value[:, on_states:last]
        code[:, on_states + 1 :] = _OFF_NEXT
    else:
        new[:, last] = value[:, on_states - 1]
        code[:, last] = _STOP
    _offer(new[:, last], code[:, last], value[:, last], _STAY_OFF)


def _offer(target: IntArray, codes: IntArray, offered: IntArray, kind: int) -> None:
    """Keep ``offered`` where it beats what ``target`` holds (views are written in place)."""
    better = offered < target
    target[better] = offered[better]
    codes[better] = kind


class BlockMemo:
    """Answers of :func:`best_blocks` per job, reused while the room they relied on is there.

    The programme depends on the power left only through the slots where the
    appliance fits. An answer found with more such slots stays the answer with
    fewer, as long as it uses none of the slots taken away: the choice only
    shrank, and it was the cheapest and earliest of the larger one.
    """

    def __init__(self) -> None:
        """Start with nothing known."""
        self._answers: dict[int, list[tuple[BoolArray, FloatArray | None]]] = {}

    def best(
        self, number: int, job: FlexJob, capacity: FloatArray, hours: float
    ) -> FloatArray | None:
        """Return :func:`best_blocks` for job ``number``, from memory when it still holds."""
        fits = capacity[job.first : job.end] >= job.max_kw - EPSILON
        known = self._answers.setdefault(number, [])
        for room, answer in known:
            if not (room | ~fits).all():
                continue
            if answer is None:
                return None
            if np.array_equal(room, fits) or fits[answer[job.first : job.end] > 0].all():
                return answer
        answer = best_blocks(job, capacity, hours)
        known.append((fits, answer))
        if len(known) > MEMO_SIZE:
            known.pop(0)
        return answer
