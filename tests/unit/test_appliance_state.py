"""The appliance state machine: started at the planned start, done at the end, never twice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest

from custom_components.price_optimizer.core.appliance_state import (
    FOREVER,
    ApplianceRecord,
    Outcome,
    adopt,
    follow,
    next_change,
    plan_state,
    priced_run,
)
from custom_components.price_optimizer.core.optimizer import (
    Appliance,
    AppliancePlan,
    PlanIssue,
    PlanRequest,
    find_cheapest_windows,
    plan,
    planning_start,
    preset,
)
from custom_components.price_optimizer.core.prices import PriceSeries, PriceSlot

T0 = datetime(2026, 3, 2, tzinfo=UTC)
HOUR = timedelta(hours=1)
QUARTER = timedelta(minutes=15)


def series(prices: Sequence[float], step: timedelta = HOUR) -> PriceSeries:
    return PriceSeries(tuple(PriceSlot(T0 + i * step, step, p) for i, p in enumerate(prices)))


def one_off(kind: str, appliance_id: str, end: datetime, **changes: object) -> Appliance:
    return preset(
        kind,  # type: ignore[arg-type]
        appliance_id,
        appliance_id.title(),
        daily_ready_by=None,
        earliest_start=T0,
        deadline=end,
        **changes,
    )


class Household:
    """One appliance, planned and followed as the planner does it."""

    def __init__(self, appliance: Appliance, prices: PriceSeries) -> None:
        self.appliance = appliance
        self.prices = prices
        self.record = ApplianceRecord(tracked_since=T0)
        self.plans: tuple[AppliancePlan, ...] = ()

    def replan(self, now: datetime) -> None:
        start = planning_start(self.prices, now)
        self.record = follow(self.record, self.appliance, self.plans, now, self.prices)
        request = PlanRequest(
            prices=self.prices,
            now=now,
            appliances=(self.appliance,),
            states={self.appliance.appliance_id: plan_state(self.record, self.appliance, start)},
        )
        self.plans = plan(request).for_appliance(self.appliance.appliance_id)
        record = adopt(self.record, self.appliance, self.plans, start, self.prices)
        self.record = follow(record, self.appliance, self.plans, now, self.prices)

    def at(self, now: datetime) -> ApplianceRecord:
        self.record = follow(self.record, self.appliance, self.plans, now, self.prices)
        return self.record


@pytest.mark.parametrize(
    ("step", "offset"),
    [
        (HOUR, timedelta(0)),
        (HOUR, timedelta(seconds=30)),
        (HOUR, timedelta(minutes=2)),
        (HOUR, timedelta(minutes=59)),
        (QUARTER, timedelta(minutes=1)),
        (QUARTER, timedelta(minutes=7)),
    ],
)
def test_planning_start_is_where_the_optimizer_starts_new_runs(
    step: timedelta, offset: timedelta
) -> None:
    prices = series([1.0] * 12, step)
    now = T0 + 4 * step + offset
    appliance = one_off("dryer", "dryer", T0 + 12 * step, duration=step)
    planned = plan(PlanRequest(prices=prices, now=now, appliances=(appliance,)))
    # Flat prices: ties go to the earliest start the optimizer allows.
    assert planned.for_appliance("dryer")[0].start == planning_start(prices, now)


def test_a_cycle_runs_from_its_planned_start_to_its_end_and_lands_in_the_ledger() -> None:
    prices = series([5, 4, 3, 1, 1, 6, 2, 9])
    dryer = one_off("dryer", "dryer", T0 + 8 * HOUR, duration=2 * HOUR)
    home = Household(dryer, prices)
    home.replan(T0)
    assert home.record.status == "scheduled"
    (window,) = find_cheapest_windows(prices, 2 * HOUR, now=T0, power_kw=3.0)
    assert home.plans[0].start == window.start == T0 + 3 * HOUR
    assert next_change({"dryer": home.record}, home.plans, T0) == T0 + 3 * HOUR

    running = home.at(T0 + 3 * HOUR)
    assert running.status == "running"
    assert running.current is not None
    assert (running.current.start, running.current.end) == (T0 + 3 * HOUR, T0 + 5 * HOUR)
    assert (running.expected_cost, running.expected_savings) == pytest.approx((6.0, 21.0))
    assert next_change({"dryer": running}, home.plans, T0 + 3 * HOUR) == T0 + 5 * HOUR
    home.replan(T0 + 4 * HOUR)
    assert home.record.current == running.current

    done = home.at(T0 + 5 * HOUR)
    assert done.status == "done"
    assert done.current is None
    # Paid 3 kW x (1 + 1); had it started at once: 3 kW x (5 + 4).
    assert done.last_outcome == Outcome(
        due=T0 + 8 * HOUR, finished_at=T0 + 5 * HOUR, energy_kwh=6.0, paid=6.0, baseline=27.0
    )
    assert done.ledger.total == pytest.approx(21.0)
    assert done.ledger.runs == 1
    home.replan(T0 + 5 * HOUR)
    assert home.plans == ()
    assert home.record.status == "done"
    assert home.record.ledger.runs == 1


def test_interruptible_blocks_are_scheduled_between_and_done_after_the_last() -> None:
    prices = series([1, 9, 9, 1, 9, 9])
    heater = one_off("water_heater", "heater", T0 + 6 * HOUR, energy_kwh=8.0, max_energy_kwh=None)
    home = Household(heater, prices)
    home.replan(T0)
    assert [(run.start, run.end) for run in home.plans[0].runs] == [
        (T0, T0 + HOUR),
        (T0 + 3 * HOUR, T0 + 4 * HOUR),
    ]
    assert home.record.status == "running"
    home.replan(T0 + HOUR)
    assert home.record.status == "scheduled"
    assert home.record.delivered_kwh == pytest.approx(4.0)
    assert next_change({"heater": home.record}, home.plans, T0 + HOUR) == T0 + 3 * HOUR
    assert [run.start for run in home.plans[0].runs] == [T0 + 3 * HOUR]
    assert home.at(T0 + 3 * HOUR).status == "running"
    done = home.at(T0 + 4 * HOUR)
    assert done.status == "done"
    assert done.last_outcome is not None
    assert done.last_outcome.energy_kwh == pytest.approx(8.0)
    # Paid 4 kW x (1 + 1); the baseline runs flat out from the start: 4 kW x (1 + 9).
    assert (done.last_outcome.paid, done.last_outcome.baseline) == pytest.approx((8.0, 40.0))


def test_a_replan_in_the_middle_of_a_slot_keeps_the_block_running_to_the_boundary() -> None:
    prices = series([1, 1, 1, 9, 9, 9])
    pump = one_off("pool_pump", "pump", T0 + 6 * HOUR, duration=3 * HOUR, min_on_time=HOUR)
    home = Household(pump, prices)
    home.replan(T0)
    assert home.record.current is not None
    assert home.record.current.end == T0 + 3 * HOUR
    # A plan made at 00:40 cannot change the quarter-hour under way: it changes from 00:45 on.
    home.prices = series([1, 1, 20, 2, 2, 2])
    home.replan(T0 + 40 * timedelta(minutes=1))
    assert home.record.current is not None
    assert (home.record.current.start, home.record.current.end) == (T0, T0 + 2 * HOUR)
    state = plan_state(home.record, pump, T0 + 3 * QUARTER)
    assert state.delivered_kwh == pytest.approx(0.9)
    assert state.running_since == T0
    assert [run.start for run in home.plans[0].runs] == [T0 + 3 * QUARTER, T0 + 3 * HOUR]
    assert home.at(T0 + 2 * HOUR).status == "scheduled"
    home.at(T0 + 3 * HOUR)
    assert home.at(T0 + 4 * HOUR).status == "done"
    assert home.record.last_outcome is not None
    assert home.record.last_outcome.energy_kwh == pytest.approx(3.6)


def test_a_block_that_the_new_plan_stops_ends_at_the_boundary() -> None:
    prices = series([1, 1, 9, 9])
    pump = one_off("pool_pump", "pump", T0 + 4 * HOUR, duration=2 * HOUR, min_on_time=QUARTER)
    home = Household(pump, prices)
    home.replan(T0)
    home.prices = series([1, 9, 1, 9])
    home.replan(T0 + 30 * timedelta(minutes=1))
    assert home.record.current is not None
    assert home.record.current.end == T0 + HOUR
    assert home.record.current.cost == pytest.approx(1.2)
    assert home.at(T0 + HOUR).status == "scheduled"


def test_after_a_restart_a_stale_plan_settles_what_ended_and_starts_nothing() -> None:
    prices = series([9, 1, 1, 9, 1, 1])
    dryer = one_off("dryer", "dryer", T0 + 6 * HOUR, duration=2 * HOUR)
    washer = one_off("washing_machine", "washer", T0 + 6 * HOUR, duration=2 * HOUR)
    dryer_home, washer_home = Household(dryer, prices), Household(washer, prices)
    dryer_home.replan(T0)
    washer_home.replan(T0)
    dryer_home.at(T0 + HOUR)
    assert dryer_home.record.status == "running"
    later = T0 + 3 * HOUR + 10 * timedelta(minutes=1)
    settled = follow(dryer_home.record, dryer, dryer_home.plans, later, prices, starts=False)
    assert settled.status == "done"
    assert settled.ledger.total == pytest.approx(3.0 * (9 + 1) - 3.0 * (1 + 1))
    # Down at 01:00, when the washer should have started: nothing switched it on.
    stale = follow(washer_home.record, washer, washer_home.plans, T0 + 2 * HOUR, prices, False)
    assert stale.current is None


def test_a_deadline_that_passes_between_blocks_settles_what_ran() -> None:
    prices = series([1, 9, 1, 9])
    heater = one_off("water_heater", "heater", T0 + 4 * HOUR, energy_kwh=8.0, max_energy_kwh=None)
    home = Household(heater, prices)
    home.replan(T0)
    home.at(T0 + HOUR)
    assert home.record.due == T0 + 4 * HOUR
    # The second block never ran (the plug stayed off); the deadline then passes.
    home.plans = ()
    done = home.at(T0 + 4 * HOUR)
    assert done.status == "done"
    assert done.last_outcome is not None
    assert done.last_outcome.energy_kwh == pytest.approx(4.0)
    assert done.last_outcome.finished_at == T0 + HOUR


def test_a_finished_one_off_request_is_done_until_its_window_changes() -> None:
    prices = series([2, 1, 3, 4])
    dryer = one_off("dryer", "dryer", T0 + 4 * HOUR, duration=HOUR)
    home = Household(dryer, prices)
    home.replan(T0)
    home.at(T0 + HOUR)
    home.replan(T0 + 2 * HOUR)
    assert home.record.status == "done"
    assert plan_state(home.record, dryer, T0 + 2 * HOUR).done_until == FOREVER
    assert home.plans == ()
    again = replace(dryer, deadline=T0 + 5 * HOUR)
    assert plan_state(home.record, again, T0 + 2 * HOUR).done_until is None
    home.appliance = replace(dryer, power_kw=2.5)
    home.replan(T0 + 2 * HOUR)
    assert home.plans == ()


def test_a_one_off_request_without_deadline_follows_the_end_of_the_prices() -> None:
    heater = preset(
        "water_heater", "heater", "Heater", daily_ready_by=None, energy_kwh=8.0, max_energy_kwh=None
    )
    home = Household(heater, series([1, 9, 1, 9]))
    home.replan(T0)
    assert home.record.due == T0 + 4 * HOUR
    home.prices = series([1, 9, 9, 9, 9, 1])
    home.replan(T0 + HOUR)
    assert home.record.due == T0 + 6 * HOUR
    assert [run.start for run in home.plans[0].runs] == [T0 + 5 * HOUR]
    assert home.at(T0 + 5 * HOUR).status == "running"
    assert home.at(T0 + 6 * HOUR).status == "done"


def test_a_new_occurrence_settles_an_unfinished_earlier_one() -> None:
    prices = series([1] * 24 + [5] * 24)
    zone_free = preset("pool_pump", "pump", "Pump", duration=2 * HOUR, min_on_time=HOUR)
    record = ApplianceRecord(
        tracked_since=T0,
        due=T0,
        window_start=T0 - 24 * HOUR,
        finished=(priced_run(T0 - 2 * HOUR, T0 - HOUR, 1.2, prices),),
    )
    home = Household(zone_free, prices)
    home.record = record
    home.replan(T0)
    assert home.record.ledger.runs == 0  # the earlier block has no price: nothing counted
    assert home.record.last_outcome is not None
    assert home.record.last_outcome.due == T0
    assert home.record.due == T0 + 24 * HOUR


def test_status_tells_blocked_from_waiting_for_prices() -> None:
    prices = series([1, 2, 3, 4])
    too_long = one_off("dishwasher", "long", T0 + 2 * HOUR, duration=3 * HOUR)
    blocked = Household(too_long, prices)
    blocked.replan(T0)
    assert blocked.record.status == "blocked"
    assert blocked.record.issue is not None
    assert blocked.record.issue.code == "window_too_short"
    daily = Household(preset("dishwasher", "dw", "Dishwasher", daily_ready_by=time(7)), prices)
    daily.replan(T0)
    assert daily.record.status == "idle"
    assert daily.record.issue is not None
    assert daily.record.issue.code == "awaiting_prices"


def test_records_round_trip_through_the_store() -> None:
    prices = series([5, 4, 3, 1, 1, 6, 2, 9])
    home = Household(one_off("dryer", "dryer", T0 + 8 * HOUR, duration=2 * HOUR), prices)
    home.replan(T0)
    running = home.at(T0 + 3 * HOUR)
    done = replace(home.at(T0 + 5 * HOUR), automatic_control=False)
    blocked = replace(done, issue=PlanIssue("deadline_passed", {"appliance": "Dryer"}))
    for record in (running, done, blocked, ApplianceRecord(tracked_since=T0)):
        assert ApplianceRecord.from_dict(record.as_dict()) == record
    with pytest.raises(ValueError, match="unknown status"):
        ApplianceRecord.from_dict({**done.as_dict(), "status": "sleeping"})
    assert Outcome(due=T0, finished_at=T0, energy_kwh=0, paid=None, baseline=1.0).savings is None


def test_a_run_of_the_next_day_settles_the_unfinished_day_before() -> None:
    prices = series([1] * 48)
    heater = preset("water_heater", "heater", "Heater", daily_ready_by=time(6), max_energy_kwh=None)
    record = ApplianceRecord(
        tracked_since=T0,
        due=T0 + 6 * HOUR,
        window_start=T0 - 18 * HOUR,
        finished=(priced_run(T0, T0 + HOUR, 4.0, prices),),
    )
    # Today's heating could not be finished; tomorrow's plan runs now.
    tomorrow = AppliancePlan(
        appliance_id="heater",
        name="Heater",
        status="scheduled",
        window_start=T0 + 6 * HOUR,
        due=T0 + 30 * HOUR,
        runs=(priced_run(T0 + 2 * HOUR, T0 + 4 * HOUR, 4.0, prices),),
    )
    moved = follow(record, heater, [tomorrow], T0 + 2 * HOUR, prices)
    assert moved.last_outcome is not None
    assert moved.last_outcome.due == T0 + 6 * HOUR
    assert moved.last_outcome.paid == pytest.approx(4.0)
    assert moved.ledger.runs == 1
    assert moved.due == T0 + 30 * HOUR
    assert moved.status == "running"
