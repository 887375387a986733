"""Planning with the capacity charge and the base load, against the rules' reference functions."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from itertools import combinations, product
import math
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings, strategies as st
import numpy as np

from custom_components.price_optimizer.core.optimizer import (
    Appliance,
    ApplianceState,
    PlanRequest,
    Schedule,
    estimate_savings,
    plan,
    preset,
)
from custom_components.price_optimizer.core.optimizer.clock import monotonic_seconds
from custom_components.price_optimizer.core.optimizer.formulation import encode, formulate
from custom_components.price_optimizer.core.optimizer.milp import solve, within_tolerance
from custom_components.price_optimizer.core.optimizer.neighbourhood import search_neighbourhoods
from custom_components.price_optimizer.core.optimizer.problem import (
    CycleJob,
    FlexJob,
    Problem,
    build_problem,
)
from custom_components.price_optimizer.core.optimizer.solution import (
    Solution,
    best_placement,
    capacity_cost,
    job_cost,
    job_draw,
    total_cost,
    total_load,
)
from custom_components.price_optimizer.core.prices import PriceSeries, PriceSlot
from custom_components.price_optimizer.core.tariffs.base_load import (
    BaseLoad,
    BaseLoadProfile,
    KnownLoad,
)
from custom_components.price_optimizer.core.tariffs.capacity import (
    CapacityStep,
    CapacityTerms,
    DailyPeaksStepRule,
    DailyPeakState,
    MonthlyPeakRule,
)

OSLO = "Europe/Oslo"
HOUR = timedelta(hours=1)
QUARTER = timedelta(minutes=15)
# Local midnight of a month's last day, the day clocks go forward, the day they go back, and
# the evening of a month that ends in summer time.
STARTS = (
    datetime(2026, 1, 31, 19, tzinfo=UTC),
    datetime(2026, 3, 28, 23, tzinfo=UTC),
    datetime(2026, 10, 24, 23, tzinfo=UTC),
    datetime(2026, 3, 31, 19, tzinfo=UTC),
)


@dataclass(frozen=True)
class Case:
    request: PlanRequest
    base: KnownLoad


def _prices(start: datetime, step: timedelta, values: list[int]) -> PriceSeries:
    return PriceSeries(
        tuple(PriceSlot(start + i * step, step, float(p)) for i, p in enumerate(values))
    )


@st.composite
def daily_rules(draw: st.DrawFn) -> DailyPeaksStepRule:
    thresholds = sorted(set(draw(st.lists(st.integers(1, 8), min_size=1, max_size=4))))
    rises = draw(st.lists(st.integers(1, 25), min_size=len(thresholds), max_size=len(thresholds)))
    fees = np.cumsum([draw(st.integers(0, 50)), *rises]).tolist()
    return DailyPeaksStepRule(
        steps=tuple(
            CapacityStep(float(t), float(f)) for t, f in zip([0, *thresholds], fees, strict=True)
        ),
        peaks_counted=draw(st.integers(1, 3)),
        threshold_included=draw(st.booleans()),
    )


@st.composite
def monthly_rules(draw: st.DrawFn) -> MonthlyPeakRule:
    return MonthlyPeakRule(
        fee_per_kw_month=float(draw(st.integers(1, 12))),
        floor_kw=float(draw(st.integers(0, 4))),
        interval_minutes=draw(st.sampled_from([15, 60])),
        rolling_months=draw(st.integers(1, 3)),
    )


@st.composite
def cases(draw: st.DrawFn) -> Case:
    start = draw(st.sampled_from(STARTS))
    step = draw(st.sampled_from([HOUR, QUARTER]))
    slots = draw(st.integers(4, 7)) if step == HOUR else draw(st.integers(8, 14))
    prices = _prices(
        start, step, draw(st.lists(st.integers(0, 19), min_size=slots, max_size=slots))
    )
    window = {"daily_ready_by": None, "earliest_start": start, "deadline": start + slots * step}
    appliances: list[Appliance] = [
        preset(
            "custom",
            f"c{number}",
            f"C{number}",
            power_kw=float(draw(st.integers(1, 5))),
            duration=draw(st.integers(1, 3)) * step,
            **window,
        )
        for number in range(draw(st.integers(1, 2)))
    ]
    if draw(st.booleans()):
        appliances.append(
            preset(
                "custom",
                "f",
                "F",
                operation="interruptible",
                power_kw=float(draw(st.integers(1, 4))),
                duration=draw(st.integers(1, 2)) * step,
                **window,
            )
        )
    hours = math.ceil(slots * step / HOUR) + 1
    base = KnownLoad(
        {
            start + i * HOUR: draw(st.integers(0, 30)) / 10
            for i in range(hours)
            if draw(st.booleans())
        }
    )
    local_day = start.astimezone(ZoneInfo(OSLO)).date()
    known = {
        local_day - timedelta(days=back): draw(st.integers(0, 60)) / 10
        for back in range(draw(st.integers(0, 3)))
    }
    rule = draw(st.one_of(daily_rules(), monthly_rules()))
    terms = CapacityTerms(
        rule=rule,
        time_zone=OSLO,
        daily_peaks_kw=known,
        peak_so_far_kw=draw(st.integers(0, 60)) / 10,
        earlier_peaks_kw=tuple(
            draw(st.lists(st.integers(0, 60).map(lambda v: v / 10), max_size=2))
        ),
    )
    request = PlanRequest(
        prices=prices,
        now=start,
        appliances=tuple(appliances),
        household_limit_kw=draw(st.sampled_from([None, 6.0, 8.0])),
        planning_step=step,
        base_load=base,
        capacity=terms,
    )
    return Case(request, base)


def _periods(
    request: PlanRequest, problem: Problem, slot_kwh: np.ndarray, minutes: int
) -> tuple[list[tuple[int, int]], list[Hashable], list[date], list[float]]:
    """Split slot energy into the local metered periods: (month, key, day, kWh) in order."""
    zone = ZoneInfo(OSLO)
    grid = problem.grid
    period = timedelta(minutes=minutes)
    found: dict[Hashable, list] = {}
    for index in range(grid.count):
        pieces = max(grid.step // period, 1)
        for piece in range(pieces):
            moment = grid.at(index) + piece * period
            local = moment.astimezone(zone)
            # Whole-hour offsets: a local period starts where its UTC floor does.
            utc_floor = moment - timedelta(minutes=moment.minute % minutes)
            entry = found.setdefault(utc_floor, [(local.year, local.month), local.date(), 0.0])
            entry[2] += float(slot_kwh[index]) / pieces
    return (
        [entry[0] for entry in found.values()],
        list(found),
        [entry[1] for entry in found.values()],
        [entry[2] for entry in found.values()],
    )


def reference_capacity_cost(request: PlanRequest, problem: Problem, added_kwh: np.ndarray) -> float:
    """What ``added_kwh`` adds to the charge, month by month, from the rule's own functions."""
    terms = request.capacity
    assert terms is not None
    base_kwh = np.array(
        (request.base_load or KnownLoad({})).expected_kwh(
            [problem.grid.at(i) for i in range(problem.grid.count)], problem.grid.step
        )
    )
    rule = terms.rule
    minutes = 60 if isinstance(rule, DailyPeaksStepRule) else rule.interval_minutes
    months, _, days, base = _periods(request, problem, base_kwh, minutes)
    added = _periods(request, problem, added_kwh, minutes)[3]
    total = 0.0
    earlier_with = list(terms.earlier_peaks_kw)
    earlier_without = list(terms.earlier_peaks_kw)
    for number, month in enumerate(dict.fromkeys(months)):
        inside = [i for i, m in enumerate(months) if m == month]
        month_base = [base[i] for i in inside]
        month_added = [added[i] for i in inside]
        if isinstance(rule, DailyPeaksStepRule):
            state = DailyPeakState(dict(terms.daily_peaks_kw) if number == 0 else {})
            total += rule.marginal_cost(state, [days[i] for i in inside], month_base, month_added)
            continue
        if number == 0:
            total += rule.marginal_cost(
                terms.peak_so_far_kw, month_base, month_added, terms.earlier_peaks_kw
            )
        else:
            # A later month bills the earlier months' peaks as they came out with the plan.
            total += rule.charge(
                [b + a for b, a in zip(month_base, month_added, strict=True)], earlier_with
            ) - rule.charge(month_base, earlier_without)
        so_far = terms.peak_so_far_kw if number == 0 else 0.0
        earlier_with.append(
            max(so_far, rule.peak_kw([b + a for b, a in zip(month_base, month_added, strict=True)]))
        )
        earlier_without.append(max(so_far, rule.peak_kw(month_base)))
    return total


def _placements(problem: Problem, number: int) -> list[Solution]:
    job = problem.jobs[number]
    if isinstance(job, CycleJob):
        return [Solution(starts={number: start}) for start in job.starts.tolist()]
    assert isinstance(job, FlexJob)
    assert job.on_off
    needed = round(job.energy_min / (job.max_kw * problem.grid.hours))
    placements = []
    for chosen in combinations(job.slots.tolist(), needed):
        power = np.zeros(problem.grid.count)
        power[list(chosen)] = job.max_kw
        placements.append(Solution(power={number: power}))
    return placements


def _plan_energy(problem: Problem, solution: Solution) -> np.ndarray:
    energy = np.zeros(problem.grid.count)
    for number in range(len(problem.jobs)):
        energy += job_draw(problem, number, solution)[1]
    return energy


def brute_force(request: PlanRequest, problem: Problem) -> float:
    """The cheapest energy plus capacity cost over every placement that keeps the limit."""
    base_kw = (
        np.array(
            (request.base_load or KnownLoad({})).expected_kwh(
                [problem.grid.at(i) for i in range(problem.grid.count)], problem.grid.step
            )
        )
        / problem.grid.hours
    )
    best = math.inf
    for combination in product(*(_placements(problem, n) for n in range(len(problem.jobs)))):
        solution = Solution()
        for part in combination:
            solution.starts.update(part.starts)
            solution.power.update(part.power)
        load = sum(job_draw(problem, n, solution)[0] for n in range(len(problem.jobs)))
        limit = request.household_limit_kw
        if limit is not None and np.any(load > np.maximum(limit - base_kw, 0.0) + 1e-9):
            continue
        energy = sum(job_cost(problem, n, solution) for n in range(len(problem.jobs)))
        added = _plan_energy(problem, solution)
        best = min(best, energy + reference_capacity_cost(request, problem, added))
    return best


@settings(
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(cases())
def test_plans_with_the_capacity_cost_the_rule_charges(case: Case) -> None:
    request = case.request
    problem = build_problem(request)
    if len(problem.jobs) != len(request.appliances):
        return
    best = brute_force(request, problem)
    solution, report = solve(problem)
    if not math.isfinite(best):
        assert solution is None
        return
    assert solution is not None
    assert report.status == "optimal"
    planned = _plan_energy(problem, solution)
    charge = reference_capacity_cost(request, problem, planned)
    assert math.isclose(capacity_cost(problem, solution), charge, abs_tol=1e-9)
    energy = sum(job_cost(problem, n, solution) for n in range(len(problem.jobs)))
    assert best <= energy + charge + 1e-9
    assert within_tolerance(energy + charge, best)
    assert report.objective is not None
    assert math.isclose(report.objective, energy + charge, abs_tol=1e-9)


def _step_request(top_fee: float) -> PlanRequest:
    """A 3 kW hour that is cheapest where the rest of the house draws most.

    Two earlier days peaked at 5 kW. Run in the cheap hour (base 2.2 kW) the day peaks at
    5.2 kW and the mean of the three highest days reaches the 5 kW step; an hour later
    (base 1 kW) it stays on the 2 kW step, for 3 kWh at one unit more.
    """
    start = datetime(2026, 2, 10, 23, tzinfo=UTC)  # 00:00 in Oslo
    today = date(2026, 2, 11)
    return PlanRequest(
        prices=_prices(start, HOUR, [1, 2, 9, 9]),
        now=start,
        appliances=(
            preset(
                "custom",
                "heater",
                "Heater",
                power_kw=3.0,
                duration=HOUR,
                daily_ready_by=None,
                earliest_start=start,
                deadline=start + 4 * HOUR,
            ),
        ),
        planning_step=HOUR,
        base_load=KnownLoad({start: 2.2, start + HOUR: 1.0, start + 2 * HOUR: 1.0}),
        capacity=CapacityTerms(
            rule=DailyPeaksStepRule(
                steps=(
                    CapacityStep(0.0, 100.0),
                    CapacityStep(2.0, 150.0),
                    CapacityStep(5.0, 150.0 + top_fee),
                )
            ),
            time_zone=OSLO,
            daily_peaks_kw={today - timedelta(days=1): 5.0, today - timedelta(days=2): 5.0},
        ),
    )


def test_stays_below_a_step_that_costs_more_than_the_cheap_hour_saves() -> None:
    schedule = plan(_step_request(top_fee=50.0))
    (run,) = schedule.plans[0].runs
    assert run.start == datetime(2026, 2, 11, 0, tzinfo=UTC)
    assert schedule.capacity_cost == 0.0
    assert schedule.planned_cost == 6.0
    # The run-now baseline takes the cheap hour and pays for the step.
    assert schedule.baseline_capacity_cost == 50.0
    assert schedule.baseline_cost == 53.0


def test_crosses_a_step_that_costs_less_than_the_cheap_hour_saves() -> None:
    schedule = plan(_step_request(top_fee=2.0))
    (run,) = schedule.plans[0].runs
    assert run.start == datetime(2026, 2, 10, 23, tzinfo=UTC)
    assert schedule.capacity_cost == 2.0
    assert schedule.planned_cost == 5.0
    assert schedule.savings == 0.0


def test_a_run_that_would_reach_a_step_exactly_is_split_below_it() -> None:
    """Half an hour at 2 kW is 1 kWh in one clock hour: exactly the 1 kW step, which counts.

    Across the half hour the run takes 0.5 kWh from each of two hours and stays below.
    """
    start = datetime(2026, 1, 31, 19, tzinfo=UTC)
    request = PlanRequest(
        prices=_prices(start, QUARTER, [0] * 8),
        now=start,
        appliances=(
            preset(
                "custom",
                "c0",
                "C0",
                power_kw=2.0,
                duration=timedelta(minutes=30),
                daily_ready_by=None,
                earliest_start=start,
                deadline=start + 2 * HOUR,
            ),
        ),
        planning_step=QUARTER,
        capacity=CapacityTerms(
            rule=DailyPeaksStepRule(
                steps=(CapacityStep(0.0, 0.0), CapacityStep(1.0, 1.0)), peaks_counted=1
            ),
            time_zone=OSLO,
        ),
    )
    schedule = plan(request)
    (run,) = schedule.plans[0].runs
    assert run.start.minute == 45
    assert schedule.capacity_cost == 0.0


def test_savings_count_the_capacity_charge_on_both_sides() -> None:
    estimate = estimate_savings(_step_request(top_fee=50.0))
    assert estimate.run_now_cost == 53.0
    assert estimate.optimised_cost == 6.0


def test_schedule_keeps_its_capacity_cost_through_its_dict() -> None:
    schedule = plan(_step_request(top_fee=50.0))
    data = schedule.as_dict()
    assert data["capacity_cost"] == 0.0
    assert data["baseline_capacity_cost"] == 50.0
    again = Schedule.from_dict(data)
    assert again.capacity_cost == 0.0
    assert again.baseline_capacity_cost == 50.0
    assert again.planned_cost == schedule.planned_cost


def test_monthly_peak_moves_a_load_away_from_the_base_load_peak() -> None:
    start = datetime(2026, 2, 10, 23, tzinfo=UTC)
    request = PlanRequest(
        prices=_prices(start, HOUR, [1, 2]),
        now=start,
        appliances=(
            preset(
                "custom",
                "dryer",
                "Dryer",
                power_kw=3.0,
                duration=HOUR,
                daily_ready_by=None,
                earliest_start=start,
                deadline=start + 2 * HOUR,
            ),
        ),
        planning_step=QUARTER,
        base_load=KnownLoad({start: 3.0, start + HOUR: 0.5}),
        capacity=CapacityTerms(
            rule=MonthlyPeakRule(fee_per_kw_month=4.0, floor_kw=2.5),
            time_zone=OSLO,
            peak_so_far_kw=3.0,
        ),
    )
    schedule = plan(request)
    # The cheap hour would lift the peak from 3 to 6 kW (12 a month) to save 3.
    assert schedule.plans[0].runs[0].start == start + HOUR
    assert schedule.capacity_cost is not None
    assert math.isclose(schedule.capacity_cost, 2.0)
    assert schedule.baseline_capacity_cost is not None
    assert math.isclose(schedule.baseline_capacity_cost, 12.0)


def _limit_request(base: dict[datetime, float]) -> PlanRequest:
    start = datetime(2026, 2, 10, 23, tzinfo=UTC)
    return PlanRequest(
        prices=_prices(start, HOUR, [1, 2, 3]),
        now=start,
        appliances=(
            preset(
                "custom",
                "washer",
                "Washer",
                power_kw=3.0,
                duration=HOUR,
                daily_ready_by=None,
                earliest_start=start,
                deadline=start + 3 * HOUR,
            ),
        ),
        household_limit_kw=5.0,
        planning_step=HOUR,
        base_load=KnownLoad(base),
    )


def test_household_limit_leaves_the_appliances_what_the_base_load_does_not_take() -> None:
    start = datetime(2026, 2, 10, 23, tzinfo=UTC)
    request = _limit_request({start: 2.5, start + HOUR: 7.0, start + 2 * HOUR: 1.0})
    problem = build_problem(request)
    # Above the limit, the base load leaves nothing (and the plan stays feasible).
    assert problem.capacity().tolist() == [2.5, 0.0, 4.0]
    schedule = plan(request)
    assert schedule.plans[0].status == "scheduled"
    assert schedule.plans[0].runs[0].start == start + 2 * HOUR
    assert schedule.capacity_cost is None


def test_household_limit_without_base_load_is_the_limit_itself() -> None:
    start = datetime(2026, 2, 10, 23, tzinfo=UTC)
    request = _limit_request({})
    assert build_problem(request).capacity().tolist() == [5.0, 5.0, 5.0]
    assert plan(request).plans[0].runs[0].start == start


def test_without_base_load_and_capacity_the_plan_is_unchanged() -> None:
    request = _step_request(top_fee=50.0)
    bare = PlanRequest(
        prices=request.prices,
        now=request.now,
        appliances=request.appliances,
        planning_step=request.planning_step,
    )
    schedule = plan(bare)
    assert schedule.capacity_cost is None
    assert "capacity_cost" not in schedule.as_dict()
    assert schedule.plans[0].runs[0].start == request.now
    assert schedule.planned_cost == 3.0
    # A base load of nothing changes nothing either.
    zero = PlanRequest(
        prices=request.prices,
        now=request.now,
        appliances=request.appliances,
        planning_step=request.planning_step,
        base_load=KnownLoad({}),
    )
    assert plan(zero).as_dict() | {"solver": None} == schedule.as_dict() | {"solver": None}


def test_known_load_spreads_each_measured_interval_over_the_slots_it_covers() -> None:
    start = datetime(2026, 2, 10, 23, tzinfo=UTC)
    load: BaseLoad = KnownLoad({start: 2.0, start + HOUR: 4.0})
    assert load.expected_kwh([start, start + 30 * timedelta(minutes=1)], HOUR) == [2.0, 3.0]
    assert load.expected_kwh([start + 2 * HOUR], QUARTER) == [0.0]
    profile: BaseLoad = BaseLoadProfile(time_zone=OSLO, kw={(2, 0): 1.0})
    assert profile.expected_kwh([start], QUARTER) == [0.25]


def _crowded_request() -> PlanRequest:
    """Eight cycles under a binding limit on a monthly peak, with a running one."""
    start = datetime(2026, 2, 10, 23, tzinfo=UTC)
    slots = 12
    window = {"daily_ready_by": None, "earliest_start": start, "deadline": start + slots * HOUR}
    appliances = tuple(
        preset(
            "custom",
            f"c{number}",
            f"C{number}",
            power_kw=float(1 + number % 3),
            duration=(1 + number % 2) * HOUR,
            **window,
        )
        for number in range(8)
    )
    return PlanRequest(
        prices=_prices(start, HOUR, [5, 1, 3, 2, 8, 1, 4, 6, 2, 7, 3, 9]),
        now=start,
        appliances=(*appliances, replace(appliances[0], appliance_id="running", name="Running")),
        states={"running": ApplianceState(running_since=start)},
        household_limit_kw=6.0,
        planning_step=HOUR,
        base_load=KnownLoad({start + i * HOUR: 0.5 + 0.25 * (i % 4) for i in range(slots)}),
        capacity=CapacityTerms(
            rule=MonthlyPeakRule(fee_per_kw_month=3.0, floor_kw=2.5, interval_minutes=60),
            time_zone=OSLO,
        ),
    )


def test_capacity_cost_counts_what_already_runs() -> None:
    request = _crowded_request()
    problem = build_problem(request)
    assert len(problem.running) == 1
    solution, report = solve(problem)
    assert solution is not None
    assert report.status == "optimal"
    assert problem.fixed_kwh is not None
    committed = _plan_energy(problem, solution) + problem.fixed_kwh
    expected = reference_capacity_cost(request, problem, committed)
    assert math.isclose(capacity_cost(problem, solution), expected, abs_tol=1e-9)
    schedule = plan(request)
    assert schedule.capacity_cost is not None
    assert math.isclose(schedule.capacity_cost, expected, abs_tol=1e-9)


def test_neighbourhoods_keep_the_held_jobs_in_the_capacity_charge() -> None:
    problem = build_problem(_crowded_request())
    incumbent = Solution()
    # Start from a plan that keeps the limit: each job at its best place in the room left.
    room = problem.capacity().copy()
    for number in range(len(problem.jobs)):
        placed = best_placement(problem, number, room)
        assert placed is not None
        incumbent.starts.update(placed.starts)
        room -= job_draw(problem, number, placed)[0]
    before = total_cost(problem, incumbent)
    better = search_neighbourhoods(
        problem,
        incumbent,
        monotonic_seconds() + 0.5,
        lambda part, limit: solve(part, "highs", limit)[0],
    )
    assert total_cost(problem, better) <= before + 1e-9
    assert np.all(total_load(problem, better) <= 6.0 + 1e-9 - problem.base_kw)


def test_a_plan_written_into_the_model_sets_the_steps_it_reaches() -> None:
    problem = build_problem(_step_request(top_fee=50.0))
    formulation = formulate(problem)
    (step,) = formulation.steps
    assert step.threshold_kw == 5.0
    cheap_hour = encode(problem, formulation, Solution(starts={0: 0}))
    hour_later = encode(problem, formulation, Solution(starts={0: 1}))
    assert cheap_hour[step.column] == 1.0
    assert hour_later[step.column] == 0.0
