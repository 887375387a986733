"""The MILP against exhaustive search on random small households, and its solver back-ends."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings, strategies as st
import numpy as np
import pytest

from custom_components.price_optimizer.core.optimizer import Appliance, PlanRequest, preset
from custom_components.price_optimizer.core.optimizer.milp import (
    Backend,
    available_backends,
    default_backend,
    solve,
    within_tolerance,
)
from custom_components.price_optimizer.core.optimizer.problem import Problem, build_problem
from custom_components.price_optimizer.core.optimizer.solution import total_cost, total_load
from custom_components.price_optimizer.core.prices import PriceSeries, PriceSlot

from .brute_force import brute_force

T0 = datetime(2026, 6, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)


@st.composite
def households(draw: st.DrawFn) -> Problem:
    slots = draw(st.integers(4, 7))
    step = draw(st.sampled_from([timedelta(minutes=15), HOUR]))
    # Small integer prices make exact ties common.
    prices = draw(st.lists(st.integers(-3, 9), min_size=slots, max_size=slots))
    series = PriceSeries(
        tuple(PriceSlot(T0 + i * step, step, float(p)) for i, p in enumerate(prices))
    )
    appliances: list[Appliance] = []
    for number in range(draw(st.integers(1, 3))):
        first = draw(st.integers(0, slots - 1))
        last = draw(st.integers(first + 1, slots))
        window = {
            "daily_ready_by": None,
            "earliest_start": T0 + first * step,
            "deadline": T0 + last * step,
        }
        power = float(draw(st.integers(1, 3)))
        length = draw(st.integers(1, 3))
        if draw(st.booleans()):
            appliances.append(
                preset(
                    "custom",
                    f"c{number}",
                    f"C{number}",
                    power_kw=power,
                    duration=length * step,
                    **window,
                )
            )
            continue
        extra = draw(st.integers(0, 2))
        appliances.append(
            preset(
                "custom",
                f"f{number}",
                f"F{number}",
                operation="interruptible",
                power_kw=power,
                duration=length * step,
                max_energy_kwh=power * (length + extra) * (step / HOUR),
                min_on_time=draw(st.sampled_from([timedelta(0), 2 * step])),
                min_off_time=draw(st.sampled_from([timedelta(0), 2 * step])),
                max_starts_per_day=draw(st.sampled_from([None, 1])),
                **window,
            )
        )
    limit = draw(st.sampled_from([None, 3.0, 4.0, 5.0]))
    # Planned on the price slots themselves: a quarter-hour grid under hourly prices would
    # multiply the exhaustive search past what a test can wait for.
    request = PlanRequest(
        prices=series,
        now=T0,
        appliances=tuple(appliances),
        household_limit_kw=limit,
        planning_step=step,
    )
    return build_problem(request)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(households())
def test_milp_finds_the_brute_force_optimum(problem: Problem) -> None:
    best, best_cost = brute_force(problem)
    solution, report = solve(problem)
    if best is None:
        assert solution is None
        assert report.status == "infeasible"
        return
    assert solution is not None
    assert report.status == "optimal"
    assert total_cost(problem, solution) == pytest.approx(best_cost, abs=1e-6)
    if problem.limit_kw is not None:
        assert np.all(total_load(problem, solution) <= problem.limit_kw + 1e-6)


@settings(max_examples=60)
@given(st.lists(st.integers(0, 3), min_size=6, max_size=10), st.integers(1, 3))
def test_single_cycle_takes_the_earliest_of_the_cheapest_starts(
    prices: list[int], length: int
) -> None:
    series = PriceSeries(
        tuple(PriceSlot(T0 + i * HOUR, HOUR, float(p)) for i, p in enumerate(prices))
    )
    dryer = preset("dryer", "d", "Dryer", duration=length * HOUR, daily_ready_by=None)
    problem = build_problem(
        PlanRequest(prices=series, now=T0, appliances=(dryer,), planning_step=HOUR)
    )
    solution, _ = solve(problem)
    assert solution is not None
    costs = [sum(prices[s : s + length]) for s in range(len(prices) - length + 1)]
    assert solution.starts[0] == costs.index(min(costs))


def real_household(limit: float) -> Problem:
    prices = [0.21, 0.2, 0.18, 0.12, 0.1, 0.1, 0.11, 0.15, 0.25, 0.3, 0.28, 0.22] * 2
    series = PriceSeries(tuple(PriceSlot(T0 + i * HOUR, HOUR, p) for i, p in enumerate(prices)))
    window = {"daily_ready_by": None, "earliest_start": T0, "deadline": T0 + 24 * HOUR}
    appliances = (
        preset("dishwasher", "dw", "Dishwasher", **window),
        preset("washing_machine", "wm", "Washer", **window),
        preset("dryer", "dr", "Dryer", **window),
        preset("ev_charger", "ev", "EV", **window),
        preset("pool_pump", "pp", "Pool", **window),
        preset("water_heater", "wh", "Heater", **window),
    )
    request = PlanRequest(prices=series, now=T0, appliances=appliances, household_limit_kw=limit)
    return build_problem(request)


@pytest.mark.parametrize("backend", ["cbc", "pulp_highs"])
def test_cbc_and_pulp_give_the_same_cost_as_highs(backend: Backend) -> None:
    assert backend == "pulp_highs" or "cbc" in available_backends()
    for limit in (9.0, 11.0):
        problem = real_household(limit)
        # A generous limit: this compares answers, not speed (CBC needs over a second here).
        ours, ours_report = solve(problem, "highs", 10.0)
        theirs, theirs_report = solve(problem, backend, 10.0)
        assert ours is not None
        assert theirs is not None
        assert theirs_report.status == ours_report.status == "optimal"
        assert within_tolerance(total_cost(problem, theirs), total_cost(problem, ours))
        assert within_tolerance(total_cost(problem, ours), total_cost(problem, theirs))
    # Below the EV's power: the planner would have refused it, the solvers must too.
    infeasible = replace(real_household(9.0), limit_kw=6.0)
    solution, report = solve(infeasible, backend)
    assert solution is None
    assert report.status == "infeasible"


def test_highs_is_preferred_and_reports_how_it_solved() -> None:
    assert default_backend() == "highs"
    assert available_backends()[0] == "highs"
    _, infeasible = solve(replace(real_household(9.0), limit_kw=6.0))
    assert (infeasible.status, infeasible.gap) == ("infeasible", None)
    _, report = solve(real_household(10.0))
    assert report.backend == "highs"
    assert report.gap is not None
    assert report.as_dict()["status"] == "optimal"
