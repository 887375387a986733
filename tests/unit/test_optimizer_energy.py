"""Plans with solar, a home battery, export and the appliances' surplus and price options."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from itertools import product
from zoneinfo import ZoneInfo

from hypothesis import given, settings, strategies as st
import numpy as np
import pytest

from custom_components.price_optimizer.core.optimizer import (
    Appliance,
    PlanRequest,
    Schedule,
    estimate_savings,
    plan,
    preset,
)
from custom_components.price_optimizer.core.optimizer.battery import Battery
from custom_components.price_optimizer.core.optimizer.energy_plan import EnergyPlan
from custom_components.price_optimizer.core.optimizer.issues import ApplianceError
from custom_components.price_optimizer.core.prices import PriceSeries, PriceSlot
from custom_components.price_optimizer.core.tariffs.base_load import KnownLoad

HOUR = timedelta(hours=1)
QUARTER = timedelta(minutes=15)
START = datetime(2026, 6, 1, tzinfo=UTC)
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Solar:
    """A solar forecast of fixed kW per interval (None: unknown)."""

    kw: dict[datetime, float | None]
    interval: timedelta = HOUR

    def expected_kw(self, starts: Sequence[datetime], duration: timedelta) -> list[float | None]:
        epoch = datetime(2000, 1, 1, tzinfo=UTC)
        return [self.kw.get(start - (start - epoch) % self.interval) for start in starts]


def _prices(
    values: Sequence[float], step: timedelta = HOUR, start: datetime = START
) -> PriceSeries:
    return PriceSeries(
        tuple(PriceSlot(start + i * step, step, float(p)) for i, p in enumerate(values))
    )


def _solar(
    values: Sequence[float | None], step: timedelta = HOUR, start: datetime = START
) -> Solar:
    return Solar({start + i * step: kw for i, kw in enumerate(values)}, step)


def _base(values: Sequence[float], step: timedelta = HOUR, start: datetime = START) -> KnownLoad:
    return KnownLoad({start + i * step: kwh for i, kwh in enumerate(values)}, interval=step)


def _battery(**changes: object) -> Battery:
    settings_ = {
        "name": "Home battery",
        "capacity_kwh": 10.0,
        "soc": 0.1,
        "max_charge_kw": 5.0,
        "max_discharge_kw": 5.0,
        "min_soc": 0.1,
        "max_soc": 1.0,
        "charge_efficiency": 0.95,
        "discharge_efficiency": 0.95,
    }
    settings_.update(changes)
    return Battery(**settings_)  # type: ignore[arg-type]


def _request(prices: PriceSeries, **changes: object) -> PlanRequest:
    # Plans on the prices' own hours, so that a slot here is a slot of the plan.
    request = PlanRequest(prices=prices, now=START, appliances=(), planning_step=HOUR)
    return replace(request, **changes)  # type: ignore[arg-type]


def _one_off(kind: str, hours: int, **changes: object) -> Appliance:
    """A preset appliance that runs once between START and ``hours`` later."""
    return preset(
        kind,  # type: ignore[arg-type]
        kind,
        kind.replace("_", " ").capitalize(),
        daily_ready_by=None,
        earliest_start=START,
        deadline=START + hours * HOUR,
        **changes,
    )


def _energy(schedule: Schedule) -> EnergyPlan:
    assert schedule.energy is not None
    return schedule.energy


def _assert_balanced(energy: EnergyPlan, battery: Battery | None) -> None:
    """Every slot balances, the battery stays in bounds and follows its efficiencies exactly."""
    stored = None if battery is None else battery.stored_kwh
    for slot in energy.slots:
        supply = slot.grid_import_kwh + slot.discharge_kwh + slot.solar_kwh - slot.curtailed_kwh
        demand = slot.base_kwh + slot.appliances_kwh + slot.charge_kwh + slot.grid_export_kwh
        assert supply == pytest.approx(demand, abs=TOLERANCE)
        assert slot.grid_import_kwh * slot.grid_export_kwh == 0
        assert slot.curtailed_kwh <= slot.solar_kwh + TOLERANCE
        if battery is None:
            assert slot.charge_kwh == slot.discharge_kwh == 0
            continue
        assert stored is not None
        assert slot.stored_kwh is not None
        expected = (
            stored
            + battery.charge_efficiency * slot.charge_kwh
            - slot.discharge_kwh / battery.discharge_efficiency
        )
        assert slot.stored_kwh == pytest.approx(expected, abs=TOLERANCE)
        low = min(battery.min_kwh, battery.stored_kwh)
        high = max(battery.max_kwh, battery.stored_kwh)
        assert low - TOLERANCE <= slot.stored_kwh <= high + TOLERANCE
        hours = (slot.end - slot.start) / HOUR
        assert slot.charge_kwh <= battery.max_charge_kw * hours + TOLERANCE
        assert slot.discharge_kwh <= battery.max_discharge_kw * hours + TOLERANCE
        stored = slot.stored_kwh


def _policy_cost(
    battery: Battery,
    import_price: Sequence[float],
    export_price: Sequence[float],
    net_kwh: Sequence[float],
    solar_kwh: Sequence[float],
    actions: Sequence[str],
    end_value: float,
) -> float:
    """The cost of one hand-made hourly policy (brute force's side), export unlimited."""
    stored = battery.stored_kwh
    cost = 0.0
    for t, action in enumerate(actions):
        room = (battery.max_kwh - stored) / battery.charge_efficiency
        available = (stored - battery.min_kwh) * battery.discharge_efficiency
        charge = discharge = 0.0
        if action == "charge":
            charge = max(min(battery.max_charge_kw, room), 0.0)
            if not battery.grid_charging:
                charge = min(charge, max(-net_kwh[t], 0.0))
        elif action == "discharge":
            discharge = max(min(battery.max_discharge_kw, available), 0.0)
        elif action == "follow" and net_kwh[t] < 0:
            charge = max(min(battery.max_charge_kw, room, -net_kwh[t]), 0.0)
        elif action == "follow":
            discharge = max(min(battery.max_discharge_kw, available, net_kwh[t]), 0.0)
        if not battery.may_export:
            # Only solar goes to the grid: the battery covers the house at most.
            discharge = min(discharge, max(net_kwh[t] + solar_kwh[t] + charge, 0.0))
        stored += battery.charge_efficiency * charge - discharge / battery.discharge_efficiency
        grid = net_kwh[t] + charge - discharge
        if grid >= 0:
            cost += grid * import_price[t]
        else:
            # Exporting at a negative price: curtail instead, as far as solar allows.
            cost -= -grid * export_price[t] if export_price[t] >= 0 else 0.0
        cost += battery.wear_cost * discharge
    return cost - end_value * stored


@st.composite
def battery_cases(
    draw: st.DrawFn,
) -> tuple[Battery, list[float], list[float], list[float], list[float]]:
    slots = draw(st.integers(2, 5))
    import_price = draw(st.lists(st.integers(-5, 30), min_size=slots, max_size=slots))
    export_price = draw(st.lists(st.integers(-5, 10), min_size=slots, max_size=slots))
    solar = draw(st.lists(st.integers(0, 6), min_size=slots, max_size=slots))
    base = draw(st.lists(st.integers(0, 4), min_size=slots, max_size=slots))
    battery = _battery(
        capacity_kwh=float(draw(st.integers(2, 12))),
        soc=draw(st.sampled_from([0.0, 0.2, 0.5, 1.0])),
        min_soc=draw(st.sampled_from([0.0, 0.1])),
        max_soc=draw(st.sampled_from([0.9, 1.0])),
        max_charge_kw=float(draw(st.integers(1, 4))),
        max_discharge_kw=float(draw(st.integers(1, 4))),
        charge_efficiency=draw(st.sampled_from([1.0, 0.9, 0.8])),
        discharge_efficiency=draw(st.sampled_from([1.0, 0.95, 0.7])),
        wear_cost=float(draw(st.integers(0, 3))),
        grid_charging=draw(st.booleans()),
        may_export=draw(st.booleans()),
    )
    return (
        battery,
        [float(p) for p in import_price],
        [float(p) for p in export_price],
        [float(s) for s in solar],
        [float(b) for b in base],
    )


@settings(max_examples=60)
@given(battery_cases())
def test_the_battery_stays_in_bounds_and_beats_every_simple_policy(
    case: tuple[Battery, list[float], list[float], list[float], list[float]],
) -> None:
    battery, import_price, export_price, solar, base = case
    request = _request(
        _prices(import_price),
        solar=_solar(solar),
        base_load=_base(base),
        export_prices=_prices(export_price),
        battery=battery,
    )
    schedule = plan(request)
    energy = _energy(schedule)
    _assert_balanced(energy, battery)
    assert schedule.solver is not None
    assert schedule.solver.status == "optimal"
    end_value = max(
        float(min(import_price)) * battery.discharge_efficiency - battery.wear_cost, 0.0
    )
    net = [b - s for b, s in zip(base, solar, strict=True)]
    planned = energy.bill + battery.wear_cost * sum(s.discharge_kwh for s in energy.slots)
    planned -= end_value * (energy.end_stored_kwh or 0.0)
    brute = min(
        _policy_cost(battery, import_price, export_price, net, solar, actions, end_value)
        for actions in product(("idle", "charge", "discharge", "follow"), repeat=len(import_price))
    )
    assert planned <= brute + 1e-6


def test_cheap_energy_is_stored_for_the_dear_hour_with_both_losses() -> None:
    battery = _battery(soc=0.0, min_soc=0.0, charge_efficiency=0.9, discharge_efficiency=0.8)
    request = _request(_prices([0.10, 0.50]), base_load=_base([0.0, 3.0]), battery=battery)
    energy = _energy(plan(request))
    first, second = energy.slots
    # 3 kWh delivered in the dear hour need 3 / 0.8 stored, which need 3 / 0.8 / 0.9 charged.
    assert first.charge_kwh == pytest.approx(3 / 0.8 / 0.9)
    assert second.discharge_kwh == pytest.approx(3.0)
    assert second.grid_import_kwh == pytest.approx(0.0)
    assert energy.bill == pytest.approx(0.10 * 3 / 0.8 / 0.9)
    assert energy.battery_saving == pytest.approx(0.50 * 3 - 0.10 * 3 / 0.72)
    assert first.mode == "charge_grid"
    assert second.mode == "self_consumption"


def test_storing_is_skipped_when_the_losses_eat_the_spread() -> None:
    battery = _battery(soc=0.0, min_soc=0.0, charge_efficiency=0.8, discharge_efficiency=0.8)
    request = _request(_prices([0.40, 0.50]), base_load=_base([0.0, 3.0]), battery=battery)
    energy = _energy(plan(request))
    assert all(slot.charge_kwh == 0 for slot in energy.slots)
    assert energy.battery_saving == pytest.approx(0.0)


def test_a_grid_that_may_not_charge_leaves_the_battery_to_solar() -> None:
    battery = _battery(soc=0.0, min_soc=0.0, grid_charging=False)
    request = _request(
        _prices([-0.2, 0.1, 0.9]),
        solar=_solar([0.0, 2.0, 0.0]),
        base_load=_base([0.5, 0.5, 2.0]),
        battery=battery,
    )
    energy = _energy(plan(request))
    _assert_balanced(energy, battery)
    for slot in energy.slots:
        # The grid covers the house at most: never the charge.
        assert slot.grid_import_kwh <= slot.base_kwh + slot.appliances_kwh + TOLERANCE
        assert slot.charge_kwh <= slot.solar_kwh + TOLERANCE
    # Paid to import, yet the grid may not fill the battery.
    assert energy.slots[0].charge_kwh == 0
    assert energy.slots[1].charge_kwh == pytest.approx(2.0)
    assert energy.slots[2].discharge_kwh == pytest.approx(2.0 * 0.95 * 0.95)


def test_negative_prices_are_taken_without_artefacts() -> None:
    battery = _battery(soc=0.5, min_soc=0.0)
    request = _request(
        _prices([-0.30, -0.05, 0.40]),
        solar=_solar([4.0, 4.0, 0.0]),
        base_load=_base([0.5, 0.5, 0.5]),
        export_prices=_prices([-0.10, -0.20, 0.05]),
        battery=battery,
    )
    energy = _energy(plan(request))
    _assert_balanced(energy, battery)
    paid_to_import, cheap = energy.slots[0], energy.slots[1]
    # Exporting costs here: solar is curtailed, never sold at a loss.
    assert paid_to_import.grid_export_kwh == cheap.grid_export_kwh == 0
    assert paid_to_import.curtailed_kwh > 0
    for slot in energy.slots:
        assert slot.charge_kwh * slot.discharge_kwh == 0


def test_export_that_earns_more_than_import_costs_does_not_run_both_at_once() -> None:
    request = _request(
        _prices([-0.10, 0.20]),
        solar=_solar([3.0, 0.0]),
        base_load=_base([1.0, 1.0]),
        export_prices=_prices([0.08, 0.05]),
        export_limit_kw=5.0,
    )
    energy = _energy(plan(request))
    _assert_balanced(energy, None)
    first = energy.slots[0]
    # Import is paid for and export earns: the house imports, solar is exported.
    assert first.grid_import_kwh * first.grid_export_kwh == 0
    # Importing 1 kWh (paid 0.10) would leave 3 kWh of solar to curtail: exporting 2 kWh
    # earns more. The second hour imports at 0.20.
    assert first.grid_export_kwh == pytest.approx(2.0)
    assert energy.bill == pytest.approx(-0.08 * 2.0 + 0.20)


def test_the_household_limit_bounds_import_not_the_appliances() -> None:
    ev = _one_off("ev_charger", 3, energy_kwh=7.0, duration=None)
    request = _request(
        _prices([0.30, 0.30, 0.30]),
        appliances=(ev,),
        solar=_solar([4.0, 4.0, 4.0]),
        household_limit_kw=3.5,
    )
    schedule = plan(request)
    energy = _energy(schedule)
    _assert_balanced(energy, None)
    assert schedule.plans[0].status == "scheduled"
    for slot in energy.slots:
        assert slot.grid_import_kwh <= 3.5 + TOLERANCE


def test_a_surplus_only_appliance_runs_only_on_surplus() -> None:
    heater = _one_off(
        "water_heater", 6, power_kw=2.0, energy_kwh=4.0, max_energy_kwh=None, surplus_only=True
    )
    request = _request(
        _prices([0.05, 0.05, 0.30, 0.30, 0.30, 0.05]),
        appliances=(heater,),
        solar=_solar([0.0, 1.0, 3.0, 3.5, 1.0, 0.0]),
        base_load=_base([0.5] * 6),
        export_prices=_prices([0.02] * 6),
    )
    schedule = plan(request)
    energy = _energy(schedule)
    _assert_balanced(energy, None)
    assert schedule.plans[0].status == "scheduled"
    drawn = sum(slot.appliances_kwh for slot in energy.slots)
    assert drawn == pytest.approx(4.0)
    for slot in energy.slots:
        assert slot.grid_import_kwh <= slot.base_kwh + TOLERANCE


def test_a_surplus_only_appliance_without_enough_surplus_says_so() -> None:
    heater = _one_off(
        "water_heater", 3, power_kw=2.0, energy_kwh=4.0, max_energy_kwh=None, surplus_only=True
    )
    request = _request(
        _prices([0.05, 0.05, 0.05]), appliances=(heater,), solar=_solar([1.0, 1.0, 1.0])
    )
    (heater_plan,) = plan(request).plans
    assert heater_plan.status == "blocked"
    assert heater_plan.issue is not None
    assert heater_plan.issue.code == "surplus_insufficient"


def test_a_surplus_only_appliance_without_a_solar_forecast_is_not_planned() -> None:
    dishwasher = _one_off("dishwasher", 3, surplus_only=True)
    (blocked,) = plan(_request(_prices([0.1, 0.2, 0.3]), appliances=(dishwasher,))).plans
    assert blocked.issue is not None
    assert blocked.issue.code == "surplus_needs_solar"
    unknown = _request(
        _prices([0.1, 0.2, 0.3]), appliances=(dishwasher,), solar=_solar([None, None, None])
    )
    (still_blocked,) = plan(unknown).plans
    assert still_blocked.issue is not None
    assert still_blocked.issue.code == "surplus_needs_solar"


def test_a_capped_appliance_is_skipped_with_its_reason() -> None:
    dishwasher = _one_off("dishwasher", 4, price_cap=0.15)
    schedule = plan(_request(_prices([0.30, 0.20, 0.18, 0.40]), appliances=(dishwasher,)))
    (skipped,) = schedule.plans
    assert skipped.status == "blocked"
    assert skipped.issue is not None
    assert skipped.issue.code == "price_cap_not_met"
    assert skipped.issue.placeholders["cheapest"] == "0.18"


def test_a_capped_appliance_runs_where_solar_makes_it_cheap_enough() -> None:
    dishwasher = _one_off("dishwasher", 4, price_cap=0.15)
    power = dishwasher.peak_kw
    request = _request(
        _prices([0.30, 0.20, 0.18, 0.40]),
        appliances=(dishwasher,),
        solar=_solar([0.0, 0.0, power + 1.0, power + 1.0]),
        base_load=_base([0.5] * 4),
        export_prices=_prices([0.05] * 4),
    )
    (capped,) = plan(request).plans
    assert capped.status == "scheduled"
    assert capped.start is not None
    assert capped.start >= START + 2 * HOUR


def test_an_unknown_solar_slot_counts_as_none_and_the_plan_says_how_many_were_known() -> None:
    battery = _battery(soc=0.5)
    request = _request(_prices([0.1, 0.2, 0.3, 0.4]), solar=_solar([2.0, None]), battery=battery)
    energy = _energy(plan(request))
    assert energy.solar_slots_known == 1
    assert [slot.solar_kwh for slot in energy.slots] == [2.0, 0.0, 0.0, 0.0]


@pytest.mark.parametrize(
    ("day_start", "hours"),
    [
        (datetime(2026, 3, 28, 23, tzinfo=UTC), 23),
        (datetime(2026, 10, 24, 22, tzinfo=UTC), 25),
    ],
)
def test_a_battery_and_a_daily_appliance_over_a_daylight_saving_day(
    day_start: datetime, hours: int
) -> None:
    zone = ZoneInfo("Europe/Berlin")
    slots = hours * 4
    rng = np.random.default_rng(hours)
    prices = _prices(rng.uniform(-0.05, 0.4, slots).round(3).tolist(), QUARTER, day_start)
    noon = [max(0.0, 4.0 * np.sin(np.pi * (i / slots))) for i in range(slots)]
    dishwasher = preset("dishwasher", "dw", "Dishwasher", daily_ready_by=time(23))
    battery = _battery(soc=0.4)
    request = PlanRequest(
        prices=prices,
        now=day_start,
        appliances=(dishwasher,),
        zone=zone,
        solar=_solar(noon, QUARTER, day_start),
        base_load=_base([0.1] * slots, QUARTER, day_start),
        export_prices=_prices([0.05] * slots, QUARTER, day_start),
        battery=battery,
    )
    schedule = plan(request)
    energy = _energy(schedule)
    assert len(energy.slots) == slots
    _assert_balanced(energy, battery)
    dw = schedule.plans[0]
    assert dw.status == "scheduled"
    assert dw.end is not None
    assert dw.end <= day_start.astimezone(zone).replace(hour=23)


def test_a_battery_with_no_appliances_is_still_planned_and_its_plan_round_trips() -> None:
    battery = _battery(soc=0.9)
    schedule = plan(
        _request(_prices([0.5, 0.1, 0.1, 0.5]), base_load=_base([1.0] * 4), battery=battery)
    )
    energy = _energy(schedule)
    assert energy.slots[0].discharge_kwh > 0
    assert schedule.savings == pytest.approx(energy.battery_saving)
    assert Schedule.from_dict(schedule.as_dict()).energy == EnergyPlan.from_dict(energy.as_dict())


@pytest.mark.parametrize(
    ("change", "setting"),
    [
        ({"capacity_kwh": 0.0}, "capacity_kwh"),
        ({"min_soc": 0.9, "max_soc": 0.5}, "soc_range"),
        ({"charge_efficiency": 1.2}, "efficiency"),
        ({"wear_cost": -0.01}, "wear_cost"),
        ({"max_charge_kw": -1.0}, "power"),
        ({"soc": float("nan")}, "value"),
    ],
)
def test_battery_settings_that_can_never_plan_are_refused(
    change: dict[str, float], setting: str
) -> None:
    with pytest.raises(ApplianceError) as refused:
        _battery(**change).validate()
    assert refused.value.issue.code == "battery_invalid"
    assert refused.value.issue.placeholders["setting"] == setting


def test_the_savings_estimate_counts_what_the_battery_saves() -> None:
    dishwasher = _one_off("dishwasher", 4)
    request = _request(
        _prices([0.4, 0.1, 0.1, 0.5]),
        appliances=(dishwasher,),
        base_load=_base([1.0] * 4),
        battery=_battery(soc=0.9),
    )
    estimate = estimate_savings(request)
    saving = _energy(estimate.schedule).battery_saving
    assert saving is not None
    assert saving > 0
    appliance_savings = estimate.schedule.baseline_cost - estimate.schedule.planned_cost
    assert estimate.savings == pytest.approx(appliance_savings + saving)


def test_a_crowded_household_under_its_limit_with_a_battery_keeps_every_bound() -> None:
    hours = 12
    rng = np.random.default_rng(7)
    appliances = (
        _one_off("ev_charger", hours, duration=None, energy_kwh=14.0),
        _one_off("water_heater", hours, max_energy_kwh=None),
        _one_off("dryer", hours),
        _one_off("dishwasher", hours),
    )
    battery = _battery(soc=0.5)
    request = _request(
        _prices(rng.uniform(-0.02, 0.4, hours).round(3).tolist()),
        appliances=appliances,
        solar=_solar([0, 0, 1, 3, 5, 6, 6, 5, 3, 1, 0, 0]),
        base_load=_base([0.6] * hours),
        export_prices=_prices([0.04] * hours),
        battery=battery,
        household_limit_kw=7.5,
    )
    schedule = plan(request)
    energy = _energy(schedule)
    _assert_balanced(energy, battery)
    assert all(p.status == "scheduled" for p in schedule.plans)
    for slot in energy.slots:
        assert slot.grid_import_kwh <= 7.5 + TOLERANCE
    assert schedule.solver is not None
    assert schedule.solver.objective is not None
    assert schedule.solver.bound is not None
    assert schedule.solver.bound <= schedule.solver.objective + TOLERANCE


def test_the_energy_expected_stored_moves_along_each_slot_from_the_measured_start() -> None:
    battery = _battery(soc=0.0, min_soc=0.0, charge_efficiency=0.9, discharge_efficiency=0.8)
    energy = _energy(
        plan(_request(_prices([0.10, 0.50]), base_load=_base([0.0, 3.0]), battery=battery))
    )
    first, second = energy.slots
    assert first.stored_kwh is not None
    assert second.stored_kwh is not None
    assert energy.stored_at(START - HOUR, 0.0) == 0.0
    assert energy.stored_at(START, 0.0) == 0.0
    # Half through the charging hour, half of what it stores is in.
    assert energy.stored_at(START + HOUR / 2, 0.0) == pytest.approx(first.stored_kwh / 2)
    assert energy.stored_at(START + HOUR, 0.0) == pytest.approx(first.stored_kwh)
    halfway_out = (first.stored_kwh + second.stored_kwh) / 2
    assert energy.stored_at(START + 1.5 * HOUR, 0.0) == pytest.approx(halfway_out)
    assert energy.stored_at(START + 5 * HOUR, 0.0) == pytest.approx(second.stored_kwh)
