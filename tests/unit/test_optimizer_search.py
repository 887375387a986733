"""How the optimizer searches: its moves, its patterns, its bounds and its time limit."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import product
import math
import time
from zoneinfo import ZoneInfo

from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings, strategies as st
import numpy as np
import pytest

from custom_components.price_optimizer.core.optimizer import (
    Appliance,
    ApplianceState,
    PlanRequest,
    preset,
)
from custom_components.price_optimizer.core.optimizer.clock import monotonic_seconds
from custom_components.price_optimizer.core.optimizer.formulation import (
    encode,
    formulate,
    maximal_counts,
)
from custom_components.price_optimizer.core.optimizer.milp import (
    REL_GAP,
    _highs_model,
    solve,
    within_tolerance,
)
from custom_components.price_optimizer.core.optimizer.neighbourhood import search_neighbourhoods
from custom_components.price_optimizer.core.optimizer.placement import BlockMemo, best_blocks
from custom_components.price_optimizer.core.optimizer.problem import (
    FlexJob,
    Grid,
    Problem,
    build_problem,
)
from custom_components.price_optimizer.core.optimizer.solution import total_cost, total_load
from custom_components.price_optimizer.core.optimizer.tree import Tree
from custom_components.price_optimizer.core.prices import PriceSeries, PriceSlot

from .brute_force import _flex_placements, brute_force

# 20:00 UTC: windows of a few hours cross midnight in Berlin, so starts per day are counted twice.
T0 = datetime(2026, 6, 1, 20, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
HOUR = timedelta(hours=1)
QUARTER = timedelta(minutes=15)
KINDS = ("dishwasher", "washing_machine", "dryer", "ev_charger", "pool_pump", "water_heater")


def hourly(prices: list[float], start: datetime = T0) -> PriceSeries:
    return PriceSeries(tuple(PriceSlot(start + i * HOUR, HOUR, p) for i, p in enumerate(prices)))


@st.composite
def blocks(draw: st.DrawFn) -> tuple[FlexJob, np.ndarray]:
    """An on/off appliance with block rules, sometimes already running, and the room it has."""
    slots = draw(st.integers(3, 9))
    prices = draw(st.lists(st.integers(-3, 9), min_size=slots, max_size=slots))
    first = draw(st.integers(0, slots - 1))
    last = draw(st.integers(first + 1, slots))
    length = draw(st.integers(1, 3))
    pump = preset(
        "custom",
        "pump",
        "Pump",
        operation="interruptible",
        power_kw=2.0,
        duration=length * HOUR,
        max_energy_kwh=2.0 * (length + draw(st.integers(0, 2))),
        min_on_time=draw(st.sampled_from([timedelta(0), 2 * HOUR, 3 * HOUR])),
        min_off_time=draw(st.sampled_from([timedelta(0), 2 * HOUR])),
        max_starts_per_day=draw(st.sampled_from([None, 1, 2])),
        daily_ready_by=None,
        earliest_start=T0 + first * HOUR,
        deadline=T0 + last * HOUR,
    )
    states = {}
    if draw(st.booleans()):
        states = {"pump": ApplianceState(running_since=T0 - HOUR, delivered_kwh=2.0)}
    request = PlanRequest(
        planning_step=HOUR,
        prices=hourly([float(p) for p in prices]),
        now=T0,
        appliances=(pump,),
        states=states,
        zone=BERLIN,
    )
    problem = build_problem(request)
    if not problem.jobs:
        return draw(blocks())
    job = problem.jobs[0]
    assert isinstance(job, FlexJob)
    room = np.array(
        draw(st.lists(st.sampled_from([1.0, 2.0, 3.0]), min_size=slots, max_size=slots))
    )
    return job, room


def exhaustive_blocks(job: FlexJob, room: np.ndarray) -> np.ndarray | None:
    """The cheapest plan that keeps the rules and the room, the earliest among equals."""
    price = np.where(np.isfinite(job.price), job.price, 0.0)
    problem = Problem(
        grid=Grid(T0, HOUR, len(room)),
        price=price,
        jobs=(job,),
        running=(),
        fixed_kw=np.zeros(len(room)),
        limit_kw=None,
        issues=(),
    )
    best: np.ndarray | None = None
    key = (math.inf, math.inf)
    for power in _flex_placements(problem, job):
        if np.any(power > room + 1e-9):
            continue
        candidate = (float(power @ price), float(power @ np.arange(len(power))))
        if candidate[0] < key[0] - 1e-9 or (
            candidate[0] <= key[0] + 1e-9 and candidate[1] < key[1]
        ):
            best, key = power, candidate
    return best


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(blocks())
def test_block_programme_finds_the_cheapest_earliest_plan(case: tuple[FlexJob, np.ndarray]) -> None:
    job, room = case
    expected = exhaustive_blocks(job, room)
    found = best_blocks(job, room, 1.0)
    if expected is None:
        assert found is None
        return
    assert found is not None
    np.testing.assert_array_equal(found, expected)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(
    blocks(),
    st.lists(st.lists(st.sampled_from([1.0, 2.0, 3.0]), min_size=9, max_size=9), max_size=6),
)
def test_remembered_block_plans_equal_fresh_ones(
    case: tuple[FlexJob, np.ndarray], rooms: list[list[float]]
) -> None:
    job, room = case
    memo = BlockMemo()
    for other in [room, *(np.array(r[: len(room)]) for r in rooms), room]:
        remembered = memo.best(0, job, other, 1.0)
        fresh = best_blocks(job, other, 1.0)
        if fresh is None:
            assert remembered is None
        else:
            assert remembered is not None
            np.testing.assert_array_equal(remembered, fresh)


@given(
    st.lists(st.sampled_from([7.0, 4.0, 3.0, 2.0, 1.5, 1.2]), min_size=1, max_size=6, unique=True),
    st.lists(st.integers(1, 3), min_size=6, max_size=6),
    st.integers(1, 24),
)
def test_weight_mixes_are_exactly_the_maximal_ones_that_fit(
    weights: list[float], counts: list[int], capacity: int
) -> None:
    weights = sorted(weights, reverse=True)
    counts = counts[: len(weights)]
    fitting = [
        mix
        for mix in product(*(range(count + 1) for count in counts))
        if sum(w * n for w, n in zip(weights, mix, strict=True)) <= capacity + 1e-9
    ]
    maximal = {
        mix
        for mix in fitting
        if not any(
            mix[k] < counts[k]
            and sum(w * n for w, n in zip(weights, mix, strict=True)) + weights[k]
            <= capacity + 1e-9
            for k in range(len(weights))
        )
    }
    found = maximal_counts(tuple(weights), tuple(counts), float(capacity))
    if found is None:
        assert len(maximal) > 48
    else:
        assert set(found) == maximal
        assert len(found) == len(maximal)


def synthetic_day(seed: int, appliances: int, slots: int, limit: float) -> Problem:
    """A day-like quarter-hour price curve with noise; the six designed kinds, then copies."""
    rng = np.random.default_rng(seed)
    hours = np.arange(slots) / 4
    curve = 0.06 + 0.03 * np.sin((hours - 8) / 24 * 2 * np.pi)
    curve += 0.02 * np.sin((hours - 2) / 12 * 2 * np.pi)
    prices = np.round(curve + rng.normal(0, 0.004, slots), 4)
    series = PriceSeries(
        tuple(PriceSlot(T0 + i * QUARTER, QUARTER, float(p)) for i, p in enumerate(prices))
    )
    end = T0 + slots * QUARTER
    household: list[Appliance] = []
    for number in range(appliances):
        kind = KINDS[number % len(KINDS)]
        lap = number // len(KINDS)
        changes = {"duration": None, "energy_kwh": 10.0} if kind == "ev_charger" else {}
        household.append(
            preset(
                kind,  # type: ignore[arg-type]
                f"{kind}{lap}",
                f"{kind} {lap}",
                daily_ready_by=None,
                earliest_start=T0 + lap * slots * QUARTER / 8,
                deadline=end - lap * slots * QUARTER / 10,
                **changes,
            )
        )
    request = PlanRequest(
        prices=series, now=T0, appliances=tuple(household), household_limit_kw=limit
    )
    return build_problem(request)


def exact_optimum(problem: Problem) -> float:
    """Solve the same model with HiGHS to a zero gap (small models only)."""
    model = _highs_model(formulate(problem), integer=True, time_limit=60.0)
    model.setOptionValue("mip_rel_gap", 0.0)
    model.setOptionValue("mip_abs_gap", 1e-9)
    model.run()
    assert model.getModelStatus().name == "kOptimal"
    return float(model.getInfo().objective_function_value)


def assert_feasible(problem: Problem, solution: object) -> None:
    assert problem.limit_kw is not None
    assert np.all(total_load(problem, solution) <= problem.limit_kw + 1e-6)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("limit", [9.0, 10.0])
@pytest.mark.parametrize("time_limit", [1.0, 0.004])
def test_every_reported_bound_holds_against_an_exact_solve(
    seed: int, limit: float, time_limit: float
) -> None:
    problem = synthetic_day(seed, 6, 48, limit)
    optimum = exact_optimum(problem)
    solution, report = solve(problem, "highs", time_limit)
    if solution is None:
        # Stopped before any plan: not called infeasible, and no bound claimed.
        assert report.status == "time_limit"
        assert report.bound is None
        return
    assert report.bound is not None
    assert report.bound <= optimum + 1e-9
    assert_feasible(problem, solution)
    assert report.objective == pytest.approx(total_cost(problem, solution))
    assert report.objective >= optimum - 1e-9
    if report.status == "optimal":
        assert within_tolerance(report.objective, optimum)
    else:
        assert report.gap is not None
        assert report.gap > REL_GAP


def crowded(count: int, slots: int, limit: float) -> Problem:
    """Many cycles of different powers in a few hours: too many mixes for the slots' hulls."""
    prices = hourly([5, 3, 2, 1, 1, 2, 4, 6, 7, 3][:slots])
    household = tuple(
        preset(
            "custom",
            f"c{n}",
            f"C{n}",
            power_kw=1.0 + 0.1 * n,
            duration=(1 + n % 2) * HOUR,
            daily_ready_by=None,
            earliest_start=T0,
            deadline=T0 + slots * HOUR,
        )
        for n in range(count)
    )
    return build_problem(
        PlanRequest(
            planning_step=HOUR,
            prices=prices,
            now=T0,
            appliances=household,
            household_limit_kw=limit,
        )
    )


@pytest.mark.parametrize(("count", "slots", "limit"), [(10, 8, 7.0), (12, 10, 9.0)])
def test_crowded_slots_go_to_highs_and_still_prove_the_optimum(
    count: int, slots: int, limit: float
) -> None:
    problem = crowded(count, slots, limit)
    assert not formulate(problem).hulls_complete
    optimum = exact_optimum(problem)
    solution, report = solve(problem, "highs", 5.0)
    assert solution is not None
    assert_feasible(problem, solution)
    assert report.status == "optimal"
    assert report.bound is not None
    assert report.bound <= optimum + 1e-9
    assert within_tolerance(total_cost(problem, solution), optimum)


def test_a_crowded_household_stopped_early_reports_a_valid_gap() -> None:
    problem = crowded(12, 10, 9.0)
    optimum = exact_optimum(problem)
    solution, report = solve(problem, "highs", 0.001)
    assert report.status in {"time_limit", "optimal"}
    assert report.bound is None or report.bound <= optimum + 1e-9
    if solution is not None:
        assert_feasible(problem, solution)


def test_a_solve_returns_within_its_time_limit() -> None:
    problem = synthetic_day(1, 12, 96, 12.0)
    started = monotonic_seconds()
    solution, report = solve(problem, "highs", 0.3)
    elapsed = monotonic_seconds() - started
    assert solution is not None
    # Generous: this checks that the limit is kept, not how fast the machine is.
    assert elapsed < 0.3 + 0.25
    assert report.seconds <= elapsed


def test_the_solver_clock_runs_while_the_test_clock_is_frozen() -> None:
    # Home Assistant's test harness freezes time.perf_counter and time.monotonic; the solver's
    # deadlines must not freeze with them.
    with freeze_time("2026-01-05 12:00:00"):
        before = monotonic_seconds()
        time.sleep(0.01)
        assert monotonic_seconds() > before


def test_a_frozen_clock_does_not_stretch_a_solve_past_its_time_limit() -> None:
    problem = synthetic_day(1, 12, 96, 12.0)
    started = monotonic_seconds()
    with freeze_time("2026-01-05 12:00:00"):
        solution, _ = solve(problem, "highs", 0.3)
    assert solution is not None
    # On a frozen clock this solve ran on until its tree closed: 6.5 s on a 2-core x86_64.
    # The bound leaves a loaded machine room and still tells that apart.
    assert monotonic_seconds() - started < 0.3 + 3.0


def test_first_plan_is_any_feasible_plan() -> None:
    problem = synthetic_day(2, 6, 48, 9.0)
    solution, report = solve(problem, "highs", 5.0, first_plan=True)
    assert solution is not None
    assert_feasible(problem, solution)
    assert report.objective == pytest.approx(total_cost(problem, solution))


def test_neighbourhoods_never_make_a_plan_worse_or_break_the_limit() -> None:
    problem = synthetic_day(3, 12, 96, 12.0)
    start, _ = solve(problem, "highs", 0.05)
    assert start is not None
    calls: list[int] = []

    def solve_part(part: Problem, time_limit: float) -> object:
        calls.append(len(part.jobs))
        return solve(part, "highs", time_limit)[0]

    better = search_neighbourhoods(problem, start, monotonic_seconds() + 0.5, solve_part)  # type: ignore[arg-type]
    assert calls
    assert max(calls) == 6
    assert_feasible(problem, better)
    assert total_cost(problem, better) <= total_cost(problem, start) + 1e-12
    # Too few jobs to free some and keep others: the plan comes back as it was.
    small = replace(problem, jobs=problem.jobs[:6])
    plan, _ = solve(small, "highs", 0.05)
    assert plan is not None
    assert search_neighbourhoods(small, plan, monotonic_seconds() + 0.1, solve_part) is plan


def test_a_household_too_tight_to_read_off_the_relaxation_is_rounded_step_by_step() -> None:
    # Found by search: placing the most decided cycles first leaves no room for the last one.
    household = tuple(
        preset(
            "custom",
            f"c{n}",
            f"C{n}",
            power_kw=power,
            duration=2 * HOUR,
            daily_ready_by=None,
            earliest_start=T0,
            deadline=T0 + 4 * HOUR,
        )
        for n, power in enumerate([1.0, 1.0, 3.0, 1.0])
    )
    problem = build_problem(
        PlanRequest(
            planning_step=HOUR,
            prices=hourly([9.0, 9.0, 7.0, 1.0]),
            now=T0,
            appliances=household,
            household_limit_kw=3.0,
        )
    )
    _, best_cost = brute_force(problem)
    solution, report = solve(problem, "highs")
    assert solution is not None
    assert report.stage == "dive"
    assert total_cost(problem, solution) == pytest.approx(best_cost)


def test_a_modulating_charger_with_a_minimum_power_is_planned_exactly() -> None:
    # No cheap exact move for a power range: the plan comes from the dive and the tree.
    prices = hourly([4.0, 1.0, 1.0, 3.0, 2.0, 5.0])
    charger = preset(
        "ev_charger",
        "ev",
        "EV",
        duration=None,
        energy_kwh=16.0,
        min_power_kw=3.0,
        min_on_time=2 * HOUR,
        daily_ready_by=None,
        earliest_start=T0,
        deadline=T0 + 6 * HOUR,
    )
    dryer = preset(
        "dryer", "dryer", "Dryer", daily_ready_by=None, earliest_start=T0, deadline=T0 + 6 * HOUR
    )
    problem = build_problem(
        PlanRequest(prices=prices, now=T0, appliances=(charger, dryer), household_limit_kw=9.0)
    )
    optimum = exact_optimum(problem)
    solution, report = solve(problem, "highs")
    assert solution is not None
    assert_feasible(problem, solution)
    assert report.status == "optimal"
    assert within_tolerance(total_cost(problem, solution), optimum)
    power = solution.power[0]
    assert np.all((power == 0) | ((power >= 3.0 - 1e-9) & (power <= 7.0 + 1e-9)))


def test_a_freely_modulating_charger_leaves_nothing_to_branch_on_once_cycles_are_placed() -> None:
    # The charger has no on/off decisions: an integral point must end the branching, not fail.
    window = {"daily_ready_by": None, "earliest_start": T0, "deadline": T0 + 8 * HOUR}
    household = (
        preset(
            "ev_charger", "ev", "EV", duration=None, energy_kwh=21.0, min_power_kw=0.0, **window
        ),
        preset("dryer", "dryer", "Dryer", duration=2 * HOUR, **window),
        preset("washing_machine", "washer", "Washer", duration=2 * HOUR, **window),
        preset("dishwasher", "dw", "Dishwasher", duration=3 * HOUR, **window),
    )
    problem = build_problem(
        PlanRequest(
            prices=hourly([6.0, 8.0, 5.0, 5.0, 8.0, 6.0, 6.0, 5.0]),
            now=T0,
            appliances=household,
            household_limit_kw=10.5,
        )
    )
    formulation = formulate(problem)
    solution, report = solve(problem, "highs", 5.0)
    assert solution is not None
    assert report.status == "optimal"
    assert within_tolerance(total_cost(problem, solution), exact_optimum(problem))
    model = _highs_model(formulation, integer=False, time_limit=5.0)
    tree = Tree(
        problem, formulation, model, 0.0, formulation.lower, formulation.lower, lambda _: 0.0
    )
    assert tree._branch(encode(problem, formulation, solution)) is None
