"""The solar and battery backtest forecasts from the past only and settles plans on actuals."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from benchmarks.solar_battery_backtest import (
    SELF_CONSUMPTION,
    ZONE,
    BatteryCommand,
    german_prices,
    persistence_solar,
    plan_bound_violations,
    planned_appliances_kwh,
    planned_commands,
    replay_battery,
    settle,
)
from custom_components.price_optimizer.core.optimizer import PlanRequest, plan, preset
from custom_components.price_optimizer.core.optimizer.battery import Battery
from custom_components.price_optimizer.core.prices import PriceSeries, PriceSlot
from custom_components.price_optimizer.core.solar import MeasuredSolar
from custom_components.price_optimizer.core.tariffs.base_load import KnownLoad

HOUR = timedelta(hours=1)
QUARTER_HOURS = 0.25
BATTERY = Battery(
    "Test battery",
    capacity_kwh=10.0,
    soc=0.5,
    max_charge_kw=4.0,
    max_discharge_kw=4.0,
    min_soc=0.1,
    max_soc=0.9,
    charge_efficiency=0.9,
    discharge_efficiency=0.8,
)


def _local(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), ZONE).astimezone(UTC)


def test_persistence_solar_reads_only_the_whole_days_before_the_decision() -> None:
    decision_day = date(2016, 7, 10)
    measured: dict[datetime, float] = {}
    for back in range(1, 8):
        measured[_local(decision_day - timedelta(days=back), 14)] = float(back)
    # What the sun did at and after the decision must not enter the forecast.
    for ahead in range(3):
        for hour in range(24):
            measured[_local(decision_day + timedelta(days=ahead), hour)] = 100.0
    # Older than the seven days: left out as well.
    measured[_local(decision_day - timedelta(days=8), 14)] = 50.0
    now = _local(decision_day, 13)
    forecast = persistence_solar(measured, now, _local(decision_day + timedelta(days=2), 0))

    today, tomorrow = forecast.expected_kw(
        [_local(decision_day, 14), _local(decision_day + timedelta(days=1), 14)], HOUR
    )
    assert today == pytest.approx(4.0)  # the mean of 1..7
    assert tomorrow == pytest.approx(4.0)
    # An hour never measured on the past days stays unknown rather than zero.
    assert forecast.expected_kw([_local(decision_day, 15)], HOUR) == [None]


def test_self_consumption_takes_the_surplus_and_covers_the_need_within_bounds() -> None:
    commands = [SELF_CONSUMPTION] * 4
    # Surplus 2 kWh (more than 4 kW allows in a quarter), then a need, then far too much of each.
    net = [-2.0, 0.5, -10.0, 10.0]
    replay = replay_battery(BATTERY, 5.0, commands, net, QUARTER_HOURS)

    assert replay.charge_kwh[0] == pytest.approx(1.0)  # 4 kW for a quarter
    assert replay.stored_kwh[0] == pytest.approx(5.9)
    assert replay.discharge_kwh[1] == pytest.approx(0.5)
    assert replay.stored_kwh[1] == pytest.approx(5.9 - 0.5 / 0.8)
    assert replay.charge_kwh[2] == pytest.approx(1.0)
    assert replay.discharge_kwh[3] == pytest.approx(1.0)
    assert min(replay.stored_kwh) >= BATTERY.min_kwh
    assert max(replay.stored_kwh) <= BATTERY.max_kwh
    # Stopping at its own limits is what self-consumption does: no command was cut.
    assert replay.clamped == 0


def test_a_command_beyond_the_bounds_is_cut_to_them_and_counted() -> None:
    nearly_full = BATTERY.max_kwh - 0.45
    replay = replay_battery(
        BATTERY,
        nearly_full,
        [BatteryCommand("charge_grid", charge_kwh=1.0), BatteryCommand("charge_grid", 0.5)],
        [0.3, 0.3],
        QUARTER_HOURS,
    )
    assert replay.charge_kwh[0] == pytest.approx(0.5)  # 0.45 kWh of room at 90 %
    assert replay.stored_kwh[0] == pytest.approx(BATTERY.max_kwh)
    assert replay.charge_kwh[1] == pytest.approx(0.0)
    assert replay.clamped == 2

    nearly_empty = BATTERY.min_kwh + 0.5
    replay = replay_battery(
        BATTERY,
        nearly_empty,
        [BatteryCommand("discharge", discharge_kwh=0.8)],
        [2.0],
        QUARTER_HOURS,
    )
    assert replay.discharge_kwh[0] == pytest.approx(0.4)  # 0.5 kWh stored gives 0.4 out
    assert replay.stored_kwh[0] == pytest.approx(BATTERY.min_kwh)
    assert replay.clamped == 1


def test_a_planned_discharge_never_exports_and_solar_charging_needs_actual_surplus() -> None:
    replay = replay_battery(
        BATTERY,
        5.0,
        [
            BatteryCommand("discharge", discharge_kwh=0.9),
            BatteryCommand("charge_solar", charge_kwh=0.8),
            BatteryCommand("hold"),
        ],
        # The house needs less than planned; the sun gives less than planned; then a surplus.
        [0.3, -0.2, -0.6],
        QUARTER_HOURS,
    )
    assert replay.discharge_kwh[0] == pytest.approx(0.3)
    assert replay.charge_kwh[1] == pytest.approx(0.2)
    assert replay.charge_kwh[2] == 0.0
    # Forecast errors are not bound violations.
    assert replay.clamped == 0

    taking = replay_battery(
        BATTERY,
        5.0,
        [BatteryCommand("hold"), BatteryCommand("charge_solar", charge_kwh=0.1)],
        [-0.6, -0.5],
        QUARTER_HOURS,
        take_surplus=True,
    )
    assert taking.charge_kwh == pytest.approx((0.6, 0.5))
    assert taking.discharge_kwh == (0.0, 0.0)


def test_settle_nets_each_slot_as_a_meter_does() -> None:
    bill, imported, exported = settle(
        net_load_kwh=[1.0, -2.0, 0.5],
        charge_kwh=[0.0, 1.0, 0.0],
        discharge_kwh=[0.5, 0.0, 0.0],
        import_price=[0.3, 0.3, 0.2],
        export_price=[0.1, 0.1, 0.1],
    )
    assert imported == pytest.approx(1.0)  # 0.5 in the first slot, 0.5 in the last
    assert exported == pytest.approx(1.0)
    assert bill == pytest.approx(0.5 * 0.3 + 0.5 * 0.2 - 1.0 * 0.1)


def test_plan_bound_violations_counts_slots_outside_the_bounds() -> None:
    stored = [BATTERY.min_kwh, BATTERY.min_kwh - 0.01, None, BATTERY.max_kwh + 0.01, 5.0]
    assert plan_bound_violations(BATTERY, stored) == 2


def test_a_plan_replayed_on_its_own_forecast_costs_what_it_planned() -> None:
    start = datetime(2016, 7, 1, 11, tzinfo=UTC)
    hours = 12
    spot = [0.30, 0.28, 0.22, 0.20, 0.24, 0.31, 0.36, 0.40, 0.33, 0.26, 0.22, 0.21]
    prices = PriceSeries(
        tuple(PriceSlot(start + i * HOUR, HOUR, price) for i, price in enumerate(spot)), "EUR"
    )
    feed_in = PriceSeries(tuple(PriceSlot(s.start, HOUR, 0.12) for s in prices), "EUR")
    solar = {start + i * HOUR: max(4.0 - 0.8 * i, 0.0) for i in range(hours)}
    base = {start + i * HOUR: 0.4 + 0.1 * (i % 3) for i in range(hours)}
    washer = preset(
        "washing_machine",
        "washer",
        "Washer",
        daily_ready_by=None,
        earliest_start=start,
        deadline=start + hours * HOUR,
    )
    schedule = plan(
        PlanRequest(
            prices=prices,
            now=start,
            appliances=(washer,),
            solar=MeasuredSolar(solar),
            base_load=KnownLoad(base),
            battery=BATTERY,
            export_prices=feed_in,
        )
    )
    assert schedule.energy is not None
    starts = [slot.start for slot in schedule.energy.slots]
    appliances = planned_appliances_kwh(schedule, starts)
    net = [
        slot.base_kwh + appliance - slot.solar_kwh
        for slot, appliance in zip(schedule.energy.slots, appliances, strict=True)
    ]
    replay = replay_battery(
        BATTERY, BATTERY.stored_kwh, planned_commands(schedule, starts), net, QUARTER_HOURS
    )
    bill, _, _ = settle(
        net,
        replay.charge_kwh,
        replay.discharge_kwh,
        [slot.import_price for slot in schedule.energy.slots],
        [slot.export_price for slot in schedule.energy.slots],
    )
    assert schedule.energy.battery_saving is not None
    assert schedule.energy.battery_saving > 0  # the battery does something worth replaying
    assert bill == pytest.approx(schedule.energy.bill, abs=1e-4)
    assert replay.stored_kwh == pytest.approx(
        [slot.stored_kwh for slot in schedule.energy.slots], abs=1e-4
    )
    assert replay.clamped == 0


def test_german_prices_drop_the_missing_spring_hour_and_repeat_the_autumn_one(
    tmp_path: Path,
) -> None:
    rows = [",Price,Ampirion Load Forecast,PV+Wind Forecast"]
    for day in ("2016-03-27", "2016-10-30"):
        rows.extend(f"{day} {hour:02d}:00:00,{10 + hour}.0,1.0,1.0" for hour in range(24))
    path = tmp_path / "DE.csv"
    path.write_text("\n".join(rows) + "\n")
    prices = german_prices(path)

    spring = [s for s in prices if s.start.astimezone(ZONE).date() == date(2016, 3, 27)]
    autumn = [s for s in prices if s.start.astimezone(ZONE).date() == date(2016, 10, 30)]
    assert len(spring) == 23
    assert all(s.start.astimezone(ZONE).hour != 2 for s in spring)
    assert len(autumn) == 25
    twice = [s for s in autumn if s.start.astimezone(ZONE).hour == 2]
    assert [s.price for s in twice] == pytest.approx([0.012, 0.012])
    assert all(s.duration == HOUR for s in prices)
