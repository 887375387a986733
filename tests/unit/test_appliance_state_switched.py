"""Runs that follow the plug: real starts and stops, late ones, and a person's hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from custom_components.price_optimizer.core.appliance_state import (
    ApplianceRecord,
    adopt,
    follow,
    start_run,
    stop_run,
)
from custom_components.price_optimizer.core.optimizer import AppliancePlan, PlannedRun

from .test_appliance_state import HOUR, T0, Household, one_off, series

MINUTE = timedelta(minutes=1)


def switched(home: Household, now: object = T0) -> PlannedRun:
    """Plan from T0 and return the first planned run of the appliance."""
    home.replan(T0)
    home.record = ApplianceRecord(tracked_since=T0)  # the plan alone starts nothing
    return home.plans[0].runs[0]


def only_follows_reports(home: Household, now: object) -> ApplianceRecord:
    """Move the record along the plan as the planner does for a switched appliance."""
    home.record = follow(
        home.record,
        home.appliance,
        home.plans,
        now,  # type: ignore[arg-type]
        home.prices,
        starts=False,
    )
    return home.record


def test_a_switched_cycle_runs_from_the_reported_start_until_the_reported_stop() -> None:
    prices = series([5, 4, 3, 1, 1, 6, 2, 9])
    home = Household(one_off("dryer", "dryer", T0 + 8 * HOUR, duration=2 * HOUR), prices)
    run = switched(home)
    assert run.start == T0 + 3 * HOUR
    assert only_follows_reports(home, run.start).status == "scheduled"

    # Confirmed two seconds after the boundary: the run counts from its planned start.
    home.record = start_run(
        home.record, home.appliance, home.plans, run.start + 2 * timedelta(seconds=1), prices, run
    )
    assert home.record.status == "running"
    assert home.record.started_by == "automatic"
    assert home.record.current == run
    # The planned end passes with the plug still on (say the broker is down): still running.
    assert only_follows_reports(home, run.end + 10 * MINUTE).status == "running"

    done = stop_run(home.record, home.appliance, home.plans, run.end + 10 * MINUTE, prices)
    assert done.status == "done"
    assert done.started_by == "plan"
    assert done.last_outcome is not None
    # A cycle draws its profile once, however long the plug stays on after it.
    assert done.last_outcome.energy_kwh == pytest.approx(6.0)
    assert (done.last_outcome.paid, done.last_outcome.baseline) == pytest.approx((6.0, 27.0))
    assert done.last_outcome.finished_at == run.end + 10 * MINUTE


def test_a_stop_confirmed_on_time_counts_at_the_planned_end() -> None:
    prices = series([5, 4, 3, 1, 1, 6, 2, 9])
    home = Household(one_off("dryer", "dryer", T0 + 8 * HOUR, duration=2 * HOUR), prices)
    run = switched(home)
    record = start_run(home.record, home.appliance, home.plans, run.start, prices, run)
    done = stop_run(record, home.appliance, home.plans, run.end + 3 * timedelta(seconds=1), prices)
    assert done.last_outcome is not None
    assert done.last_outcome.finished_at == run.end


def test_a_start_confirmed_late_moves_the_cycle_and_its_end() -> None:
    prices = series([5, 4, 3, 1, 1, 6, 2, 9])
    home = Household(one_off("dryer", "dryer", T0 + 8 * HOUR, duration=2 * HOUR), prices)
    run = switched(home)
    late = run.start + 3 * MINUTE
    record = start_run(home.record, home.appliance, home.plans, late, prices, run)
    assert record.current is not None
    assert (record.current.start, record.current.end) == (late, run.end + 3 * MINUTE)
    # The three late minutes are paid at 6 instead of 1: 3 kW x 0.05 h x 5 more.
    assert record.current.cost == pytest.approx(6.0 + 3.0 * 0.05 * 5)


def test_a_start_by_hand_is_the_occurrences_run_and_ends_with_its_cycle() -> None:
    prices = series([5, 4, 3, 1, 1, 6, 2, 9])
    home = Household(one_off("dryer", "dryer", T0 + 8 * HOUR, duration=2 * HOUR), prices)
    switched(home)
    at = T0 + 30 * MINUTE
    record = start_run(home.record, home.appliance, home.plans, at, prices)
    assert record.status == "running"
    assert record.started_by == "manual"
    assert record.current is not None
    assert (record.current.start, record.current.end) == (at, at + 2 * HOUR)
    assert record.due == T0 + 8 * HOUR
    # Nobody switches a cycle off: it ends when its program does.
    home.record = record
    done = only_follows_reports(home, at + 2 * HOUR)
    assert done.status == "done"
    assert done.last_outcome is not None
    # Paid 3 kW for half an hour at 5, an hour at 4, half an hour at 3.
    assert done.last_outcome.paid == pytest.approx(3.0 * (0.5 * 5 + 4 + 0.5 * 3))


def test_a_start_by_hand_outside_every_window_is_not_the_plans_business() -> None:
    prices = series([5, 4, 3, 1, 1, 6, 2, 9])
    dryer = one_off("dryer", "dryer", T0 + 8 * HOUR, duration=2 * HOUR)
    home = Household(replace(dryer, earliest_start=T0 + 2 * HOUR), prices)
    switched(home)
    record = start_run(home.record, home.appliance, home.plans, T0 + HOUR, prices)
    assert record == home.record


def test_a_start_while_running_changes_nothing() -> None:
    prices = series([5, 4, 3, 1, 1, 6, 2, 9])
    home = Household(one_off("dryer", "dryer", T0 + 8 * HOUR, duration=2 * HOUR), prices)
    run = switched(home)
    record = start_run(home.record, home.appliance, home.plans, run.start, prices, run)
    assert start_run(record, home.appliance, home.plans, run.start + MINUTE, prices) == record
    assert start_run(record, home.appliance, home.plans, run.start, prices, run) == record


def test_a_stop_by_hand_ends_the_occurrence_and_pays_for_what_ran() -> None:
    prices = series([5, 4, 3, 1, 1, 6, 2, 9])
    home = Household(one_off("dryer", "dryer", T0 + 8 * HOUR, duration=2 * HOUR), prices)
    run = switched(home)
    record = start_run(home.record, home.appliance, home.plans, run.start, prices, run)
    halfway = run.start + HOUR
    done = stop_run(record, home.appliance, home.plans, halfway, prices, by_hand=True)
    assert done.status == "done"
    assert done.done_until == T0 + 8 * HOUR
    assert done.last_outcome is not None
    assert done.last_outcome.energy_kwh == pytest.approx(3.0)
    # The first hour of the cycle, paid at 1; its baseline is the first hour from T0, at 5.
    assert (done.last_outcome.paid, done.last_outcome.baseline) == pytest.approx((3.0, 15.0))
    assert stop_run(done, home.appliance, home.plans, halfway, prices) == done


def test_a_switched_block_carries_on_into_the_next_one() -> None:
    prices = series([1, 1, 9, 9])
    pump = one_off("pool_pump", "pump", T0 + 4 * HOUR, duration=2 * HOUR)
    home = Household(pump, prices)
    home.replan(T0)
    home.record = ApplianceRecord(tracked_since=T0)
    first = PlannedRun(T0, T0 + HOUR, 1.2, 1.2, 1.2)
    second = PlannedRun(T0 + HOUR, T0 + 2 * HOUR, 1.2, 1.2, 1.2)
    plans = (replace(home.plans[0], runs=(first, second)),)
    record = start_run(home.record, pump, plans, T0, prices, first)
    # The boundary passes; the actuator keeps the plug on and reports the next block.
    record = start_run(record, pump, plans, T0 + HOUR, prices, second)
    assert record.current == second
    assert record.finished == (first,)
    done = stop_run(record, pump, plans, T0 + 2 * HOUR, prices)
    assert done.status == "done"
    assert done.last_outcome is not None
    assert done.last_outcome.energy_kwh == pytest.approx(2.4)


def test_a_block_stopped_late_is_paid_until_the_plug_went_off() -> None:
    prices = series([1, 9, 9, 9])
    heater = one_off("water_heater", "heater", T0 + 4 * HOUR, energy_kwh=4.0, max_energy_kwh=None)
    home = Household(heater, prices)
    run = switched(home)
    assert (run.start, run.end) == (T0, T0 + HOUR)
    record = start_run(home.record, heater, home.plans, T0, prices, run)
    # Home Assistant was down at the planned end; the plug went off two hours late.
    done = stop_run(record, heater, home.plans, T0 + 3 * HOUR, prices)
    assert done.status == "done"
    assert done.last_outcome is not None
    assert done.last_outcome.energy_kwh == pytest.approx(12.0)
    assert done.last_outcome.paid == pytest.approx(4.0 * (1 + 9 + 9))


def test_an_interruptible_start_by_hand_runs_until_the_energy_owed_is_in() -> None:
    prices = series([9, 9, 1, 1])
    heater = one_off("water_heater", "heater", T0 + 4 * HOUR, energy_kwh=6.0, max_energy_kwh=None)
    home = Household(heater, prices)
    switched(home)
    record = start_run(home.record, heater, home.plans, T0, prices)
    assert record.current is not None
    assert record.current.end == T0 + 90 * MINUTE
    # A fresh plan does not cut a person's run short at the next boundary.
    assert adopt(record, heater, home.plans, T0 + HOUR, prices) == record
    home.record = record
    assert only_follows_reports(home, T0 + 90 * MINUTE).status == "done"


def test_an_occurrence_that_owes_nothing_more_takes_no_run_by_hand() -> None:
    prices = series([9, 9, 1, 1])
    heater = one_off("water_heater", "heater", T0 + 4 * HOUR, energy_kwh=4.0, max_energy_kwh=None)
    home = Household(heater, prices)
    switched(home)
    owed = AppliancePlan("heater", "Heater", "scheduled", T0, T0 + 4 * HOUR)
    record = replace(
        home.record,
        due=T0 + 4 * HOUR,
        window_start=T0,
        finished=(PlannedRun(T0, T0 + HOUR, 4.0, 4.0, 9.0),),
    )
    assert start_run(record, heater, (owed,), T0 + 2 * HOUR, prices) == record


def test_who_started_the_run_survives_the_store() -> None:
    record = ApplianceRecord(tracked_since=T0, started_by="automatic")
    assert ApplianceRecord.from_dict(record.as_dict()) == record
    with pytest.raises(ValueError, match="starter"):
        ApplianceRecord.from_dict({**record.as_dict(), "started_by": "robot"})
