"""Turn a plan request into slot arithmetic: one UTC grid, jobs and their prices.

Everything after this module works on slot indices of one uniform grid in
UTC. Local time enters only here, to place "ready by 07:00"-style deadlines,
through the time zone given with the request; 23- and 25-hour days therefore
need no special case.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
import math
from typing import Final

import numpy as np
import numpy.typing as npt

from ..convert import iso
from ..prices import PriceSeries
from ..tariffs.base_load import BaseLoad
from ..tariffs.capacity import CapacityTerms
from .appliances import Appliance, ApplianceState, CyclePhase
from .battery import Battery
from .capacity_charge import ChargePeriods, charge_periods
from .energy import EnergyTerms, SolarProfile, energy_terms
from .issues import PlanIssue, issue

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Timers fire a little late: a plan made this soon after a boundary may still start in that
# slot, and a plug switched this close to its planned moment counts as on time.
START_GRACE: Final = timedelta(minutes=1)
HOUR: Final = timedelta(hours=1)
# Runs start on this grid or a finer one, whatever the price resolution: an hourly price
# repeats on its four quarter-hours, so a 1.5 h cycle may start at half past.
PLANNING_STEP: Final = timedelta(minutes=15)
# Seconds one solve may take (see PlanRequest).
DEFAULT_TIME_LIMIT: Final = 1.0
# Plans reach this far into the forecast past the published prices, and further only for a
# one-off run whose own window does: the far days are the least sure part of the forecast,
# and a week of quarter-hours with a battery is several times the work of two days.
FORECAST_PLANNED: Final = timedelta(hours=48)
# Energy and power comparisons tolerate float noise from slot arithmetic.
EPSILON: Final = 1e-9


@dataclass(frozen=True, slots=True)
class PlanRequest:
    """Everything one plan depends on.

    ``prices`` is the price plan: market slots where published, forecast slots
    (``origin="forecast"`` with ``lower``/``upper``) beyond. ``states`` is keyed
    by appliance id. ``zone`` places daily ready-by times. ``time_limit`` bounds
    each solve (seconds); a plan stopped by it says so and reports its gap. The
    default keeps a re-plan short beside Home Assistant: six appliances over a
    day of quarter-hours are proven optimal well within it; a much larger
    household may stop at it with a small gap (see benchmarks/optimizer_speed).
    A solve that has no plan at all when the limit ends it is tried once more
    with ten seconds (see planner.PATIENT_TIME_LIMIT). ``planning_step`` is the
    coarsest grid runs start on (finer where the prices are finer).

    ``base_load`` is what the rest of the house is expected to draw: the household limit
    leaves the appliances only what it does not take (never less than nothing), and a
    capacity charge is counted on top of it. ``capacity`` makes the plan pay what it adds to
    the month's capacity charge (see :mod:`.capacity_charge`), counted on the base load
    raised by ``capacity_margin_kw`` in every slot: a plan fitted to the expected load puts
    its peaks just below a step, where an hour the house draws a little more crosses it.

    ``solar`` (the expected PV power; None where unknown, which counts as none) and
    ``battery`` bring in the household's energy balance (see :mod:`.energy`): the
    household limit then bounds import, ``export_limit_kw`` bounds export, and exported
    energy earns ``export_prices`` (nothing without them).
    """

    prices: PriceSeries
    now: datetime
    appliances: Sequence[Appliance]
    states: Mapping[str, ApplianceState] = field(default_factory=dict)
    household_limit_kw: float | None = None
    zone: tzinfo = UTC
    time_limit: float = DEFAULT_TIME_LIMIT
    planning_step: timedelta = PLANNING_STEP
    base_load: BaseLoad | None = None
    capacity: CapacityTerms | None = None
    capacity_margin_kw: float = 0.0
    solar: SolarProfile | None = None
    battery: Battery | None = None
    export_prices: PriceSeries | None = None
    export_limit_kw: float | None = None


@dataclass(frozen=True, slots=True)
class Grid:
    """Uniform UTC slots from ``start``; prices of coarser slots repeat on finer ones."""

    start: datetime
    step: timedelta
    count: int

    @property
    def hours(self) -> float:
        """Return the slot length in hours."""
        return self.step / HOUR

    @property
    def end(self) -> datetime:
        """Return the end of the last slot."""
        return self.at(self.count)

    def at(self, index: int) -> datetime:
        """Return the start of slot ``index`` (``count`` gives the end of the grid)."""
        return self.start + index * self.step

    def index_from(self, when: datetime) -> int:
        """Return the first slot starting at or after ``when``, within ``[0, count]``."""
        return min(max(math.ceil((when - self.start) / self.step - EPSILON), 0), self.count)

    def index_until(self, when: datetime) -> int:
        """Return how many slots end at or before ``when``, within ``[0, count]``."""
        return min(max(math.floor((when - self.start) / self.step + EPSILON), 0), self.count)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One run an appliance owes: its window and the moment it is due."""

    appliance: Appliance
    window_start: datetime
    due: datetime


@dataclass(frozen=True, slots=True)
class CycleJob:
    """An uninterrupted cycle that may start at any index in ``starts``."""

    occurrence: Occurrence
    first: int
    end: int
    energy: FloatArray
    peak: FloatArray
    price: FloatArray
    starts: IntArray

    @property
    def appliance(self) -> Appliance:
        """Return the appliance the job belongs to."""
        return self.occurrence.appliance

    @property
    def length(self) -> int:
        """Return the number of slots one cycle occupies."""
        return len(self.energy)

    def start_costs(self, price: FloatArray | None = None) -> FloatArray:
        """Return the cost of each allowed start (at ``price``, else the job's own)."""
        windows = np.lib.stride_tricks.sliding_window_view(
            self.price if price is None else price, self.length
        )
        return np.asarray(windows[self.starts] @ self.energy, dtype=np.float64)


@dataclass(frozen=True, slots=True)
class FlexJob:
    """An interruptible run: power in ``{0} | [min_kw, max_kw]`` per slot until the energy is met.

    ``slots`` are the usable indices of the window. Blocks last at least
    ``min_on`` slots, pauses ``min_off`` slots, and at most ``max_starts`` blocks
    begin per local day (``day_of_slot``). ``was_on`` tells that a block runs at
    the first grid slot, which must then stay on for ``forced_on`` slots.
    """

    occurrence: Occurrence
    first: int
    end: int
    slots: IntArray
    min_kw: float
    max_kw: float
    energy_min: float
    energy_max: float
    price: FloatArray
    min_on: int = 1
    min_off: int = 1
    max_starts: int | None = None
    day_of_slot: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    was_on: bool = False
    forced_on: int = 0
    # The energy asked for, before an on/off appliance rounds it up to whole slots.
    energy_asked: float | None = None

    @property
    def appliance(self) -> Appliance:
        """Return the appliance the job belongs to."""
        return self.occurrence.appliance

    @property
    def on_off(self) -> bool:
        """Return whether the appliance only switches, without modulating."""
        return self.max_kw - self.min_kw <= EPSILON

    @property
    def is_simple(self) -> bool:
        """Return whether only the energy range binds the slots together."""
        return (
            self.min_on <= 1
            and self.min_off <= 1
            and self.max_starts is None
            and self.forced_on == 0
        )


Job = CycleJob | FlexJob


@dataclass(frozen=True, slots=True)
class RunningCycle:
    """A cycle that runs now: fixed in place, its load already committed."""

    occurrence: Occurrence
    started: datetime
    energy: FloatArray
    peak: FloatArray


@dataclass(frozen=True, slots=True)
class Problem:
    """The jobs to plan on one grid, the load already fixed and the household limit."""

    grid: Grid
    price: FloatArray
    jobs: tuple[Job, ...]
    running: tuple[RunningCycle, ...]
    fixed_kw: FloatArray
    limit_kw: float | None
    issues: tuple[tuple[Occurrence | Appliance, PlanIssue], ...]
    done: tuple[Occurrence, ...] = ()
    # The expected base load (kW per slot); None when the request gave none.
    base_kw: FloatArray | None = None
    # The capacity charge's metered periods, and the energy per slot of what is already
    # committed (running cycles, jobs held in place), which the charge counts as the plan's.
    charge: ChargePeriods | None = None
    fixed_kwh: FloatArray | None = None
    # The energy balance, with solar or a battery (see :mod:`.energy`).
    energy: EnergyTerms | None = None

    def capacity(self) -> FloatArray:
        """Return the power left for the jobs in each slot (infinite without a limit)."""
        if self.limit_kw is None:
            return np.full(self.grid.count, np.inf)
        room = self.limit_kw - self.fixed_kw
        if self.energy is not None:
            # Solar and the battery may carry the appliances past the limit on import.
            room = room + self.energy.solar_kwh / self.grid.hours
            if self.energy.battery is not None:
                room = room + self.energy.battery.max_discharge_kw
        if self.base_kw is None:
            return room
        # A base load above the limit leaves nothing, but does not make the plan infeasible.
        left: FloatArray = room - np.minimum(self.base_kw, np.maximum(room, 0.0))
        return left


def planning_step(
    prices: PriceSeries, now: datetime, coarsest: timedelta = PLANNING_STEP
) -> timedelta:
    """Return the grid step: the finest slot length still ahead, at most ``coarsest``."""
    ahead = [slot.duration for slot in prices if slot.end > now]
    return min([*ahead, coarsest])


def planning_start(
    prices: PriceSeries, now: datetime, coarsest: timedelta = PLANNING_STEP
) -> datetime:
    """Return the first grid boundary a plan made at ``now`` may start a run on.

    That is the boundary that passed at most :data:`START_GRACE` ago, or else the next one.
    """
    step = planning_step(prices, now, coarsest)
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    return epoch + math.ceil((now - START_GRACE - epoch) / step - EPSILON) * step


def build_grid(
    prices: PriceSeries, now: datetime, coarsest: timedelta = PLANNING_STEP
) -> tuple[Grid, FloatArray, FloatArray]:
    """Return the grid from ``now`` to the end of the prices, and median and upper prices on it.

    The step is :func:`planning_step`; a coarser price repeats on each grid slot
    it covers. Slots not covered by a price are NaN and cannot be used.
    """
    ahead = [slot for slot in prices if slot.end > now]
    step = planning_step(prices, now, coarsest)
    start = planning_start(prices, now, coarsest)
    end = prices.end or start
    count = max(math.ceil((end - start) / step - EPSILON), 0)
    grid = Grid(start=start, step=step, count=count)
    median = np.full(count, np.nan)
    upper = np.full(count, np.nan)
    for slot in ahead:
        first = grid.index_from(slot.start)
        last = grid.index_until(slot.end)
        median[first:last] = slot.price
        if slot.origin == "forecast" and slot.upper is not None:
            upper[first:last] = slot.upper
        else:
            upper[first:last] = slot.price
    return grid, median, upper


def cycle_on_grid(
    phases: Sequence[CyclePhase], started: datetime, grid: Grid
) -> tuple[FloatArray, FloatArray]:
    """Return energy (kWh) and peak power (kW) per grid slot of a cycle started at ``started``."""
    energy = np.zeros(grid.count)
    peak = np.zeros(grid.count)
    phase_start = started
    for phase in phases:
        phase_end = phase_start + phase.duration
        first = max(math.floor((phase_start - grid.start) / grid.step + EPSILON), 0)
        last = min(math.ceil((phase_end - grid.start) / grid.step - EPSILON), grid.count)
        for index in range(first, last):
            overlap = min(phase_end, grid.at(index + 1)) - max(phase_start, grid.at(index))
            if overlap > timedelta(0):
                energy[index] += phase.power_kw * (overlap / HOUR)
                peak[index] = max(peak[index], phase.power_kw)
        phase_start = phase_end
    return energy, peak


def occurrences(
    appliance: Appliance, state: ApplianceState, request: PlanRequest, horizon_end: datetime
) -> list[Occurrence]:
    """Return the runs the appliance still owes, earliest first, up to one due after the horizon."""
    if not appliance.is_daily:
        start = appliance.earliest_start or request.now
        due = appliance.deadline or horizon_end
        pending = state.done_until is None or due > state.done_until
        return [Occurrence(appliance, start, due)] if pending else []
    zone = request.zone
    ready_by = appliance.daily_ready_by
    assert ready_by is not None
    found: list[Occurrence] = []
    day = request.now.astimezone(zone).date() - timedelta(days=1)
    while True:
        due = _local(day, ready_by, zone)
        window_start = _daily_window_start(appliance, day, zone)
        day += timedelta(days=1)
        if due <= request.now or (state.done_until is not None and due <= state.done_until):
            continue
        found.append(Occurrence(appliance, window_start, due))
        if due > horizon_end:
            return found


def _daily_window_start(appliance: Appliance, day: date, zone: tzinfo) -> datetime:
    ready_by = appliance.daily_ready_by
    earliest = appliance.daily_earliest_start
    assert ready_by is not None
    if earliest is None:
        return _local(day - timedelta(days=1), ready_by, zone)
    if earliest < ready_by:
        return _local(day, earliest, zone)
    return _local(day - timedelta(days=1), earliest, zone)


def _local(day: date, moment: object, zone: tzinfo) -> datetime:
    # fold=0 picks the first of a repeated autumn hour; a skipped spring time moves forward.
    local = datetime.combine(day, moment, zone)  # type: ignore[arg-type]
    return local.astimezone(UTC).astimezone(zone).astimezone(UTC)


def planned_prices(request: PlanRequest) -> PriceSeries:
    """Return the prices the plan covers: up to :data:`FORECAST_PLANNED` past the published.

    A one-off appliance's deadline (or, without one, its earliest start plus as much)
    reaches further, up to the end of the forecast.
    """
    prices = request.prices
    if prices.start is None:
        return prices
    published = [slot.end for slot in prices if slot.origin != "forecast"]
    reach = max(*published, prices.start, request.now) + FORECAST_PLANNED
    for appliance in request.appliances:
        if appliance.deadline is not None:
            reach = max(reach, appliance.deadline)
        elif appliance.earliest_start is not None:
            reach = max(reach, appliance.earliest_start + FORECAST_PLANNED)
    return prices.between(prices.start, reach)


def build_problem(request: PlanRequest) -> Problem:
    """Expand appliances into jobs on one grid, fix running cycles, and explain what cannot be."""
    prices = planned_prices(request)
    grid, median, upper = build_grid(prices, request.now, request.planning_step)
    fixed_kw = np.zeros(grid.count)
    jobs: list[Job] = []
    running: list[RunningCycle] = []
    issues: list[tuple[Occurrence | Appliance, PlanIssue]] = []
    zone = request.zone
    day_of_slot = np.array(
        [grid.at(i).astimezone(zone).date().toordinal() for i in range(grid.count)],
        dtype=np.int64,
    )
    limit = request.household_limit_kw
    starts = [grid.at(index) for index in range(grid.count)]
    base_kwh = _base_kwh(request, starts, grid)
    site = energy_terms(
        starts=starts,
        step=grid.step,
        import_price=median,
        base_kwh=base_kwh,
        running_kwh=np.zeros(grid.count),
        solar=request.solar,
        export_prices=request.export_prices,
        export_limit_kw=request.export_limit_kw,
        battery=request.battery,
        import_limit_kw=limit,
    )
    for appliance in request.appliances:
        state = request.states.get(appliance.appliance_id, ApplianceState())
        price = upper if appliance.risk == "upper" else median
        capped = effective = price
        if appliance.price_cap is not None:
            effective = effective_price(appliance, price, site)
            capped = np.where(effective <= appliance.price_cap + EPSILON, price, np.nan)
        pending = occurrences(appliance, state, request, grid.end)
        owner = _running_occurrence(appliance, state, request, pending, grid.end)
        if owner is not None and state.running_since is not None:
            if pending and pending[0].due == owner.due:
                pending.pop(0)
            energy, peak = cycle_on_grid(appliance.profile, state.running_since, grid)
            running.append(RunningCycle(owner, state.running_since, energy, peak))
            fixed_kw += peak
        delivered = state.delivered_kwh
        if appliance.surplus_only and (site is None or not site.solar_known.any()):
            reason = issue("surplus_needs_solar", appliance=appliance.name)
            issues.extend((occurrence, reason) for occurrence in pending)
            continue
        for occurrence in pending:
            # With solar or a battery, an appliance above the limit may still run beside them.
            problem = _job_issue(occurrence, grid, None if site else limit, request.now)
            if problem is not None:
                issues.append((occurrence, problem))
                if problem.code == "awaiting_prices":
                    break
                continue
            if appliance.operation == "cycle":
                job: Job | PlanIssue = _cycle_job(occurrence, grid, capped)
                uncapped = _cycle_job(occurrence, grid, price) if capped is not price else job
            else:
                job = _flex_job(occurrence, grid, capped, day_of_slot, state, delivered)
                uncapped = job
                if capped is not price:
                    uncapped = _flex_job(occurrence, grid, price, day_of_slot, state, delivered)
                delivered = 0.0
            if isinstance(job, PlanIssue) and not isinstance(uncapped, PlanIssue):
                job = _cap_issue(appliance, occurrence, uncapped, effective)
            if isinstance(job, PlanIssue):
                issues.append((occurrence, job))
            else:
                jobs.append(job)
    base_kw, charge, fixed_kwh = _household_load(request, grid, starts, base_kwh, running)
    balance = None
    if site is not None:
        running_kwh = sum((cycle.energy for cycle in running), np.zeros(grid.count))
        balance = replace(site, running_kwh=running_kwh)
    return Problem(
        grid=grid,
        price=median,
        jobs=tuple(jobs),
        running=tuple(running),
        fixed_kw=fixed_kw,
        limit_kw=limit,
        issues=tuple(issues),
        base_kw=base_kw,
        charge=charge,
        fixed_kwh=fixed_kwh,
        energy=balance,
    )


def _household_load(
    request: PlanRequest,
    grid: Grid,
    starts: Sequence[datetime],
    base_kwh: FloatArray,
    running: Sequence[RunningCycle],
) -> tuple[FloatArray | None, ChargePeriods | None, FloatArray | None]:
    """Return the base load (kW per slot), the capacity charge's periods, committed kWh."""
    base_kw = None if request.base_load is None else base_kwh / grid.hours
    if request.capacity is None or not grid.count:
        return base_kw, None, None
    fixed_kwh = np.zeros(grid.count)
    for cycle in running:
        fixed_kwh += cycle.energy
    cautious_kwh = base_kwh + request.capacity_margin_kw * grid.hours
    return base_kw, charge_periods(request.capacity, starts, grid.step, cautious_kwh), fixed_kwh


def _base_kwh(request: PlanRequest, starts: Sequence[datetime], grid: Grid) -> FloatArray:
    """Return the expected base load's energy per slot (none without a base load)."""
    if request.base_load is None:
        return np.zeros(grid.count)
    base_kwh = np.array(request.base_load.expected_kwh(starts, grid.step), dtype=np.float64)
    cleaned: FloatArray = np.maximum(base_kwh.reshape(grid.count), 0.0)
    return cleaned


def effective_price(
    appliance: Appliance, price: FloatArray, site: EnergyTerms | None
) -> FloatArray:
    """Return what the appliance's energy costs in each slot, for its price cap.

    That is the export price it forgoes on the part the expected solar surplus covers, and
    the price on the rest.
    """
    if site is None:
        return price
    need = appliance.peak_kw * site.hours
    covered = np.minimum(site.surplus_kwh, need)
    blended: FloatArray = (covered * site.export_price + (need - covered) * price) / need
    return blended


def _cap_issue(
    appliance: Appliance, occurrence: Occurrence, uncapped: Job, effective: FloatArray
) -> PlanIssue:
    """Explain a run skipped because its window has no slot cheap enough."""
    window = effective[uncapped.first : uncapped.end]
    return issue(
        "price_cap_not_met",
        appliance=appliance.name,
        price_cap=appliance.price_cap,
        cheapest=round(float(np.nanmin(window)), 4) if np.isfinite(window).any() else "-",
        deadline=iso(occurrence.due),
    )


def _running_occurrence(
    appliance: Appliance,
    state: ApplianceState,
    request: PlanRequest,
    pending: list[Occurrence],
    horizon_end: datetime,
) -> Occurrence | None:
    """Return the occurrence a running cycle belongs to: the first due after it started.

    A cycle started late (by hand, or held up) may still run after that
    occurrence's due time, which ``pending`` has already left out: it must not
    take the next day's occurrence instead.
    """
    if state.running_since is None or appliance.operation != "cycle":
        return None
    if not appliance.is_daily:
        return pending[0] if pending else None
    since = occurrences(appliance, state, replace(request, now=state.running_since), horizon_end)
    return since[0] if since else None


def _job_issue(
    occurrence: Occurrence, grid: Grid, limit: float | None, now: datetime
) -> PlanIssue | None:
    appliance = occurrence.appliance
    if occurrence.due <= now:
        return issue("deadline_passed", appliance=appliance.name, deadline=iso(occurrence.due))
    if occurrence.due > grid.end + EPSILON * grid.step:
        return issue(
            "awaiting_prices",
            appliance=appliance.name,
            deadline=iso(occurrence.due),
            prices_until=iso(grid.end),
        )
    if limit is not None and appliance.lowest_on_kw > limit + EPSILON:
        return issue(
            "power_above_limit",
            appliance=appliance.name,
            power_kw=appliance.lowest_on_kw,
            limit_kw=limit,
        )
    return None


def _cycle_job(occurrence: Occurrence, grid: Grid, price: FloatArray) -> CycleJob | PlanIssue:
    appliance = occurrence.appliance
    aligned = Grid(grid.start, grid.step, math.ceil(appliance.cycle_duration / grid.step - EPSILON))
    energy, peak = cycle_on_grid(appliance.profile, grid.start, aligned)
    first = grid.index_from(max(occurrence.window_start, grid.start))
    end = grid.index_until(occurrence.due)
    length = len(energy)
    usable = np.isfinite(price)
    starts = [
        start for start in range(first, end - length + 1) if usable[start : start + length].all()
    ]
    if not starts:
        return issue(
            "window_too_short",
            appliance=appliance.name,
            window_start=iso(max(occurrence.window_start, grid.start)),
            deadline=iso(occurrence.due),
            available_hours=round(_longest_run(usable[first:end]) * grid.hours, 2),
            needed_hours=round(appliance.cycle_duration / HOUR, 2),
        )
    return CycleJob(
        occurrence=occurrence,
        first=first,
        end=end,
        energy=energy,
        peak=peak,
        price=np.where(usable, price, np.inf),
        starts=np.array(starts, dtype=np.int64),
    )


def _flex_job(  # noqa: PLR0917
    occurrence: Occurrence,
    grid: Grid,
    price: FloatArray,
    day_of_slot: IntArray,
    state: ApplianceState,
    delivered_kwh: float,
) -> FlexJob | PlanIssue:
    appliance = occurrence.appliance
    first = grid.index_from(max(occurrence.window_start, grid.start))
    end = grid.index_until(occurrence.due)
    slots = np.array([t for t in range(first, end) if np.isfinite(price[t])], dtype=np.int64)
    energy_min = max(appliance.target_energy_kwh - delivered_kwh, 0.0)
    energy_max = max(appliance.flexible_energy_kwh - delivered_kwh, 0.0)
    max_kw = appliance.power_kw
    min_kw = appliance.lowest_on_kw
    slot_energy = max_kw * grid.hours
    energy_asked = energy_min
    if min_kw >= max_kw - EPSILON:
        # Switching only in whole slots: the target rounds up to whole slots, the maximum down.
        slots_needed = math.ceil(energy_min / slot_energy - EPSILON)
        energy_min = slots_needed * slot_energy
        energy_max = max(energy_min, math.floor(energy_max / slot_energy + EPSILON) * slot_energy)
    deliverable = len(slots) * slot_energy
    if energy_min > deliverable + EPSILON:
        window = iso(max(occurrence.window_start, grid.start))
        if appliance.energy_kwh is None:
            return issue(
                "window_too_short",
                appliance=appliance.name,
                window_start=window,
                deadline=iso(occurrence.due),
                available_hours=round(len(slots) * grid.hours, 2),
                needed_hours=round(energy_min / max_kw, 2),
            )
        return energy_issue(
            appliance, window, iso(occurrence.due), energy_asked, energy_min, deliverable, grid
        )
    was_on = state.running_since is not None and first == 0
    forced_on = 0
    if was_on and state.running_since is not None:
        forced_on = grid.index_from(state.running_since + appliance.min_on_time)
    return FlexJob(
        occurrence=occurrence,
        first=first,
        end=end,
        slots=slots,
        min_kw=min_kw,
        max_kw=max_kw,
        energy_min=energy_min,
        energy_max=energy_max,
        price=np.where(np.isfinite(price), price, np.inf),
        min_on=max(math.ceil(appliance.min_on_time / grid.step - EPSILON), 1),
        min_off=max(math.ceil(appliance.min_off_time / grid.step - EPSILON), 1),
        max_starts=appliance.max_starts_per_day,
        day_of_slot=day_of_slot,
        was_on=was_on,
        forced_on=min(forced_on, end),
        energy_asked=energy_asked,
    )


def energy_issue(  # noqa: PLR0917
    appliance: Appliance,
    window_start: str,
    deadline: str,
    asked_kwh: float,
    needed_kwh: float,
    deliverable_kwh: float,
    grid: Grid,
) -> PlanIssue:
    """Explain an energy target that does not fit, and why an on/off appliance needs more."""
    if needed_kwh <= asked_kwh + EPSILON:
        return issue(
            "energy_cannot_fit",
            appliance=appliance.name,
            window_start=window_start,
            deadline=deadline,
            energy_kwh=round(needed_kwh, 3),
            max_energy_kwh=round(deliverable_kwh, 3),
        )
    return issue(
        "energy_cannot_fit_whole_slots",
        appliance=appliance.name,
        window_start=window_start,
        deadline=deadline,
        asked_kwh=round(asked_kwh, 3),
        energy_kwh=round(needed_kwh, 3),
        power_kw=appliance.power_kw,
        slot_minutes=round(grid.step / timedelta(minutes=1)),
        slot_kwh=round(appliance.power_kw * grid.hours, 3),
        max_energy_kwh=round(deliverable_kwh, 3),
    )


def _longest_run(usable: npt.NDArray[np.bool_]) -> int:
    longest = current = 0
    for flag in usable:
        current = current + 1 if flag else 0
        longest = max(longest, current)
    return longest
