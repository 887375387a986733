"""Planning: cheapest placement, ties, DST, slot sizes, negative prices, state, reasons."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.price_optimizer.core.optimizer import (
    Appliance,
    ApplianceState,
    CyclePhase,
    PlanRequest,
    Schedule,
    estimate_savings,
    find_cheapest_windows,
    plan,
    preset,
)
from custom_components.price_optimizer.core.optimizer.issues import IssueCode
from custom_components.price_optimizer.core.optimizer.milp import solve
from custom_components.price_optimizer.core.optimizer.problem import build_problem
from custom_components.price_optimizer.core.prices import PriceSeries, PriceSlot

BERLIN = ZoneInfo("Europe/Berlin")
HOUR = timedelta(hours=1)
QUARTER = timedelta(minutes=15)
T0 = datetime(2026, 3, 2, tzinfo=UTC)


def series(prices: Sequence[float], start: datetime = T0, step: timedelta = HOUR) -> PriceSeries:
    return PriceSeries(tuple(PriceSlot(start + i * step, step, p) for i, p in enumerate(prices)))


def one_off(
    kind: str, appliance_id: str, start: datetime, end: datetime, **changes: object
) -> Appliance:
    return preset(
        kind,  # type: ignore[arg-type]
        appliance_id,
        appliance_id.title(),
        daily_ready_by=None,
        earliest_start=start,
        deadline=end,
        **changes,
    )


def request(prices: PriceSeries, appliances: Sequence[Appliance], **changes: object) -> PlanRequest:
    base = PlanRequest(prices=prices, now=prices.start or T0, appliances=tuple(appliances))
    return replace(base, **changes)


def only_plan(schedule: Schedule, appliance_id: str):  # type: ignore[no-untyped-def]
    (found,) = schedule.for_appliance(appliance_id)
    return found


def test_cycle_runs_in_the_cheapest_window_and_saves_against_running_now() -> None:
    prices = series([5, 4, 3, 1, 1, 6, 2, 9])
    dryer = one_off("dryer", "dryer", T0, T0 + 8 * HOUR, duration=2 * HOUR)
    schedule = plan(request(prices, [dryer]))
    found = only_plan(schedule, "dryer")
    assert found.status == "scheduled"
    assert (found.start, found.end) == (T0 + 3 * HOUR, T0 + 5 * HOUR)
    assert found.planned_cost == pytest.approx(3.0 * (1 + 1))
    assert found.baseline_cost == pytest.approx(3.0 * (5 + 4))
    assert found.savings == pytest.approx(21.0)
    assert schedule.savings == pytest.approx(21.0)
    assert schedule.solver is not None
    assert schedule.solver.status == "optimal"
    assert schedule.is_on("dryer", T0 + 3 * HOUR)
    assert not schedule.is_on("dryer", T0 + 5 * HOUR)
    assert schedule.next_run("dryer", T0) == found.runs[0]


def test_equal_costs_break_toward_the_earliest_start_every_time() -> None:
    prices = series([3, 1, 1, 1, 1, 3, 1, 1])
    washer = one_off("washing_machine", "washer", T0, T0 + 8 * HOUR, duration=2 * HOUR)
    heater = one_off(
        "water_heater", "heater", T0, T0 + 8 * HOUR, energy_kwh=8.0, max_energy_kwh=None
    )
    first = plan(request(prices, [washer, heater]))
    again = plan(request(prices, [washer, heater]))
    assert only_plan(first, "washer").start == T0 + HOUR
    assert [run.start for run in only_plan(first, "heater").runs] == [T0 + HOUR]
    assert first.as_dict()["plans"] == again.as_dict()["plans"]


def test_household_limit_spreads_appliances_and_is_never_exceeded() -> None:
    prices = series([9, 1, 2, 9, 9, 9])
    dryer = one_off("dryer", "dryer", T0, T0 + 6 * HOUR)
    ev = one_off("ev_charger", "ev", T0, T0 + 6 * HOUR, duration=HOUR)
    schedule = plan(request(prices, [dryer, ev], household_limit_kw=8.0))
    assert only_plan(schedule, "ev").start == T0 + HOUR
    assert only_plan(schedule, "dryer").start == T0 + 2 * HOUR
    without_limit = plan(request(prices, [dryer, ev]))
    assert only_plan(without_limit, "dryer").start == T0 + HOUR


def test_quarter_hours_with_hourly_forecast_beyond() -> None:
    market = [
        PriceSlot(T0 + i * QUARTER, QUARTER, p) for i, p in enumerate([4, 4, 1, 1, 1, 1, 4, 4])
    ]
    forecast = [
        PriceSlot(T0 + 2 * HOUR + i * HOUR, HOUR, p, origin="forecast", lower=p - 1, upper=p + 5)
        for i, p in enumerate([0.5, 3])
    ]
    prices = PriceSeries(tuple(market + forecast))
    end = T0 + 4 * HOUR
    median = one_off("dishwasher", "median", T0, end, duration=HOUR)
    cautious = one_off("dishwasher", "cautious", T0, end, duration=HOUR, risk="upper")
    schedule = plan(request(prices, [median, cautious]))
    assert only_plan(schedule, "median").start == T0 + 2 * HOUR
    assert only_plan(schedule, "cautious").start == T0 + 30 * timedelta(minutes=1)
    assert only_plan(schedule, "cautious").planned_cost == pytest.approx(1.5)


def test_plans_reach_two_forecast_days_unless_a_one_off_window_reaches_further() -> None:
    # A day published, then six days of hourly forecast whose cheapest hour is on day five.
    published = [PriceSlot(T0 + i * HOUR, HOUR, 5.0) for i in range(24)]
    forecast = [
        PriceSlot(T0 + i * HOUR, HOUR, 1.0 if i == 24 * 5 + 3 else 4.0, origin="forecast")
        for i in range(24, 24 * 7)
    ]
    prices = PriceSeries(tuple(published + forecast))
    open_ended = preset("ev_charger", "ev", "EV", daily_ready_by=None, duration=HOUR)
    schedule = plan(request(prices, [open_ended]))
    assert only_plan(schedule, "ev").due == T0 + 3 * 24 * HOUR
    assert only_plan(schedule, "ev").start < T0 + 3 * 24 * HOUR

    weekend = one_off("dryer", "dryer", T0, T0 + 6 * 24 * HOUR, duration=HOUR)
    schedule = plan(request(prices, [weekend]))
    assert only_plan(schedule, "dryer").start == T0 + (24 * 5 + 3) * HOUR

    later = one_off("dryer", "later", T0 + 4 * 24 * HOUR, None, duration=HOUR)  # type: ignore[arg-type]
    schedule = plan(request(prices, [later]))
    assert only_plan(schedule, "later").start == T0 + (24 * 5 + 3) * HOUR


def test_daily_ready_by_follows_local_time_across_the_autumn_change() -> None:
    # 2025-10-26 in Berlin has 25 hours; 07:00 local is 06:00 UTC that day.
    start = datetime(2025, 10, 25, 22, tzinfo=UTC)
    prices = series([5.0] * 10 + [1.0] * 4 + [5.0] * 11, start=start)
    dishwasher = preset("dishwasher", "dw", "Dishwasher", duration=HOUR)
    schedule = plan(request(prices, [dishwasher], zone=BERLIN, now=start))
    found = schedule.for_appliance("dw")[0]
    assert found.due == datetime(2025, 10, 26, 6, tzinfo=UTC)
    assert found.start == start
    in_spring = datetime(2026, 3, 28, 23, tzinfo=UTC)
    spring = plan(
        request(series([5.0] * 9, start=in_spring), [dishwasher], zone=BERLIN, now=in_spring)
    )
    assert spring.for_appliance("dw")[0].due == datetime(2026, 3, 29, 5, tzinfo=UTC)


def test_daily_window_with_an_earliest_start_and_awaiting_next_prices() -> None:
    start = datetime(2026, 3, 2, 12, tzinfo=UTC)  # 13:00 in Berlin
    prices = series([1.0] * 6 + [3.0] * 6 + [2.0] * 8, start=start)
    dishwasher = preset(
        "dishwasher", "dw", "Dishwasher", daily_earliest_start=time(22), duration=HOUR
    )
    schedule = plan(request(prices, [dishwasher], zone=BERLIN, now=start))
    planned, waiting = schedule.for_appliance("dw")
    assert planned.window_start == datetime(2026, 3, 2, 21, tzinfo=UTC)
    assert planned.start == datetime(2026, 3, 3, 0, tzinfo=UTC)
    assert waiting.status == "blocked"
    assert waiting.issue is not None
    assert waiting.issue.code == "awaiting_prices"


def test_negative_prices_make_a_flexible_appliance_take_more() -> None:
    prices = series([2, -1, -3, 1, 2, 2])
    heater = one_off(
        "water_heater", "heater", T0, T0 + 6 * HOUR, energy_kwh=4.0, max_energy_kwh=12.0
    )
    schedule = plan(request(prices, [heater]))
    found = only_plan(schedule, "heater")
    assert [(run.start, run.end) for run in found.runs] == [(T0 + HOUR, T0 + 3 * HOUR)]
    assert found.planned_cost == pytest.approx(-16.0)
    fixed = plan(request(prices, [replace(heater, max_energy_kwh=None)]))
    assert only_plan(fixed, "heater").planned_cost == pytest.approx(-12.0)


def test_modulating_charger_follows_negative_prices_within_its_range() -> None:
    prices = series([1, -2, 3, 4])
    ev = one_off(
        "ev_charger",
        "ev",
        T0,
        T0 + 4 * HOUR,
        duration=None,
        energy_kwh=8.0,
        max_energy_kwh=9.0,
        min_power_kw=0.0,
        power_kw=6.0,
    )
    schedule = plan(request(prices, [ev], household_limit_kw=10.0, planning_step=HOUR))
    found = only_plan(schedule, "ev")
    assert [(run.start, run.power_kw) for run in found.runs] == [(T0, 2.0), (T0 + HOUR, 6.0)]
    assert found.planned_cost == pytest.approx(2.0 - 12.0)


def test_a_running_cycle_stays_in_place_and_takes_its_share_of_the_limit() -> None:
    prices = series([9, 1, 1, 9, 9, 2, 2, 9])
    now = T0 + HOUR
    dryer = one_off("dryer", "dryer", T0, T0 + 8 * HOUR, duration=2 * HOUR)
    washer = one_off("washing_machine", "washer", T0, T0 + 8 * HOUR, duration=2 * HOUR)
    states = {"dryer": ApplianceState(running_since=T0 + 30 * timedelta(minutes=1))}
    schedule = plan(
        request(prices, [dryer, washer], now=now, states=states, household_limit_kw=4.0)
    )
    running = only_plan(schedule, "dryer")
    assert running.status == "running"
    assert running.start == T0 + 30 * timedelta(minutes=1)
    assert running.planned_cost == pytest.approx(3.0 * 1 + 1.5 * 1)
    assert only_plan(schedule, "washer").start == T0 + 5 * HOUR


def test_a_cycle_running_past_its_deadline_keeps_its_own_occurrence() -> None:
    # Started by hand at 06:30 Berlin, due 07:00: at 07:30 it still runs, past its due time.
    due = datetime(2026, 3, 2, 6, tzinfo=UTC)
    now = due + 30 * timedelta(minutes=1)
    prices = series([5.0] * 6 + [1.0] * 2 + [5.0] * 16, start=due)
    dishwasher = preset("dishwasher", "dw", "Dishwasher", duration=2 * HOUR)
    states = {"dw": ApplianceState(running_since=due - 30 * timedelta(minutes=1))}
    schedule = plan(request(prices, [dishwasher], zone=BERLIN, now=now, states=states))
    running, tomorrow, *_ = schedule.for_appliance("dw")
    assert running.status == "running"
    assert running.due == due
    assert running.start == due - 30 * timedelta(minutes=1)
    # The next morning's run is still owed and planned in its cheapest hours.
    assert tomorrow.status == "scheduled"
    assert tomorrow.due == due + 24 * HOUR
    assert tomorrow.start == due + 6 * HOUR


def test_finished_occurrences_are_not_planned_again() -> None:
    prices = series([1, 2, 3, 4])
    dryer = one_off("dryer", "dryer", T0, T0 + 4 * HOUR)
    schedule = plan(
        request(prices, [dryer], states={"dryer": ApplianceState(done_until=T0 + 4 * HOUR)})
    )
    assert schedule.for_appliance("dryer") == ()


def test_interruptible_running_block_keeps_its_minimum_on_time_and_delivered_energy() -> None:
    prices = series([5, 5, 1, 1, 1, 1])
    pump = one_off("pool_pump", "pump", T0, T0 + 6 * HOUR, duration=4 * HOUR, min_on_time=2 * HOUR)
    states = {"pump": ApplianceState(running_since=T0 - HOUR, delivered_kwh=1.2)}
    schedule = plan(request(prices, [pump], states=states))
    found = only_plan(schedule, "pump")
    assert [(run.start, run.end) for run in found.runs] == [
        (T0, T0 + HOUR),
        (T0 + 2 * HOUR, T0 + 4 * HOUR),
    ]


def test_blocks_respect_minimum_on_off_times_and_starts_per_day() -> None:
    prices = series([1, 9, 1, 9, 1, 9, 1, 1, 9, 9])
    pump = one_off(
        "pool_pump",
        "pump",
        T0,
        T0 + 10 * HOUR,
        duration=4 * HOUR,
        min_on_time=2 * HOUR,
        min_off_time=2 * HOUR,
        max_starts_per_day=2,
    )
    found = only_plan(plan(request(prices, [pump])), "pump")
    lengths = [(run.end - run.start) / HOUR for run in found.runs]
    assert all(length >= 2 for length in lengths)
    assert len(found.runs) <= 2
    gaps = [(b.start - a.end) / HOUR for a, b in zip(found.runs, found.runs[1:], strict=False)]
    assert all(gap >= 2 for gap in gaps)
    assert sum(lengths) == 4


def reason(schedule: Schedule, appliance_id: str) -> IssueCode:
    found = only_plan(schedule, appliance_id)
    assert found.status == "blocked"
    assert found.issue is not None
    return found.issue.code


def test_requests_that_cannot_be_met_say_why() -> None:
    prices = series([1, 2, 3, 4])
    end = T0 + 4 * HOUR
    too_long = one_off("dishwasher", "long", T0, T0 + 2 * HOUR, duration=3 * HOUR)
    too_strong = one_off("ev_charger", "strong", T0, end)
    too_much = one_off("water_heater", "much", T0, end, energy_kwh=20.0, max_energy_kwh=None)
    too_late = one_off("dryer", "late", T0 - 2 * HOUR, T0 - HOUR)
    beyond = one_off("dryer", "beyond", T0, end + HOUR)
    invalid = one_off("dryer", "invalid", T0, end, power_kw=-1.0)
    pump = one_off("pool_pump", "pump", T0, end, duration=3 * HOUR, min_on_time=HOUR)
    schedule = plan(
        request(
            prices,
            [too_long, too_strong, too_much, too_late, beyond, invalid],
            household_limit_kw=5.0,
        )
    )
    assert reason(schedule, "long") == "window_too_short"
    assert reason(schedule, "strong") == "power_above_limit"
    assert reason(schedule, "much") == "energy_cannot_fit"
    assert reason(schedule, "late") == "deadline_passed"
    assert reason(schedule, "beyond") == "awaiting_prices"
    assert reason(schedule, "invalid") == "power_not_positive"
    found = only_plan(schedule, "long")
    assert found.issue is not None
    assert found.issue.placeholders["needed_hours"] == "3"
    assert found.issue.placeholders["available_hours"] == "2"
    ev = one_off("ev_charger", "ev", T0, end, duration=2 * HOUR)
    short = one_off("ev_charger", "short", T0, end, duration=None, energy_kwh=30.0)
    # 30 kWh at 7 kW in whole quarter-hours: 18 slots, 31.5 kWh; the message says both.
    assert reason(plan(request(prices, [ev, short], household_limit_kw=7.0)), "short") == (
        "energy_cannot_fit_whole_slots"
    )
    dryer = one_off("dryer", "dryer", T0, end, duration=2 * HOUR)
    busy = plan(
        request(
            prices,
            [pump, dryer],
            household_limit_kw=3.5,
            states={"dryer": ApplianceState(running_since=T0)},
        )
    )
    assert only_plan(busy, "dryer").status == "running"
    assert reason(busy, "pump") == "household_limit_conflict"
    gapped = PriceSeries(tuple(slot for slot in series([1] * 7) if slot.start != T0 + 3 * HOUR))
    one_block = one_off(
        "pool_pump", "gapped", T0, T0 + 7 * HOUR, duration=4 * HOUR, max_starts_per_day=1
    )
    assert reason(plan(request(gapped, [one_block])), "gapped") == "starts_insufficient"


def test_a_busy_limit_drops_the_lowest_priority_first() -> None:
    prices = series([1, 2, 3, 4])
    end = T0 + 2 * HOUR
    dryer = one_off("dryer", "dryer", T0, end, duration=2 * HOUR, priority=1)
    washer = one_off("washing_machine", "washer", T0, end, duration=2 * HOUR, priority=0)
    dishwasher = one_off("dishwasher", "dw", T0, T0 + 4 * HOUR, duration=HOUR, priority=2)
    schedule = plan(request(prices, [washer, dryer, dishwasher], household_limit_kw=4.5))
    assert only_plan(schedule, "dryer").status == "scheduled"
    assert only_plan(schedule, "dw").status == "scheduled"
    assert reason(schedule, "washer") == "household_limit_conflict"
    found = only_plan(schedule, "washer")
    assert found.issue is not None
    assert found.issue.placeholders == {
        "appliance": "Washer",
        "limit_kw": "4.5",
        "competing": "Dryer, Dw",
    }


def test_a_solve_stopped_before_any_plan_is_not_taken_for_a_conflict() -> None:
    prices = series([9, 1, 2, 9, 9, 9, 3, 2])
    end = T0 + 8 * HOUR
    household = [
        one_off("dryer", "dryer", T0, end),
        one_off("ev_charger", "ev", T0, end, duration=2 * HOUR),
        one_off("dishwasher", "dw", T0, end),
    ]
    hurried = request(prices, household, household_limit_kw=8.0, time_limit=1e-6)
    # So short that not even the relaxation is solved: the solver has no plan to give.
    solution, report = solve(build_problem(hurried), "highs", hurried.time_limit)
    assert (solution, report.status) == (None, "time_limit")
    schedule = plan(hurried)
    assert schedule.solver is not None
    assert schedule.solver.status == "optimal"
    assert [found.status for found in schedule.plans] == ["scheduled"] * 3
    assert schedule.as_dict()["plans"] == plan(replace(hurried, time_limit=10.0)).as_dict()["plans"]


def test_schedule_round_trips_through_the_store_form() -> None:
    prices = series([3, 1, 2, 5])
    appliances = [
        one_off("dishwasher", "dw", T0, T0 + 4 * HOUR, duration=HOUR),
        one_off("ev_charger", "ev", T0, T0 + 2 * HOUR, duration=None, energy_kwh=50.0),
        one_off(
            "dryer",
            "dryer",
            T0,
            T0 + 4 * HOUR,
            duration=None,
            phases=(CyclePhase(timedelta(minutes=30), 3.0), CyclePhase(timedelta(minutes=30), 0.5)),
        ),
    ]
    schedule = plan(request(prices, appliances))
    restored = Schedule.from_dict(schedule.as_dict())
    assert restored.as_dict() == {**schedule.as_dict(), "solver": None}
    assert only_plan(restored, "dryer").runs[0].energy_kwh == pytest.approx(1.75)
    with pytest.raises(ValueError, match="unknown plan status"):
        Schedule.from_dict({**schedule.as_dict(), "plans": [{"status": "maybe"}]})


def test_a_cycle_on_hourly_prices_may_start_at_half_past() -> None:
    # 2 kW for 1.5 h, ready by 23:00: 21:00-22:30 costs 0.967, 21:30-23:00 costs 0.930.
    evening = T0 + 20 * HOUR
    prices = series([0.40, 0.33483, 0.29767], start=evening)
    washer = one_off("washing_machine", "washer", evening, evening + 3 * HOUR, duration=6 * QUARTER)
    schedule = plan(request(prices, [washer]))
    (run,) = only_plan(schedule, "washer").runs
    assert (run.start, run.end) == (evening + 6 * QUARTER, evening + 3 * HOUR)
    assert run.cost == pytest.approx(2.0 * (0.5 * 0.33483 + 0.29767))
    estimate = estimate_savings(request(prices, [washer]))
    (estimated,) = only_plan(estimate.schedule, "washer").runs
    assert estimated == run
    (window,) = find_cheapest_windows(
        prices, washer.cycle_duration, now=evening, latest_end=evening + 3 * HOUR, power_kw=2.0
    )
    assert (window.start, window.end, window.cost) == (run.start, run.end, pytest.approx(run.cost))
