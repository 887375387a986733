"""Replay a real house with its own solar, real prices and a home battery, day by day.

**The house.** Household DE_KN_residential4 of Open Power System Data's Household Data
(CC-BY-4.0; Open Power System Data, Household Data 2020-04-15, primary data CoSSMic / ISC
Konstanz; ../shared/pv/SOURCES.md), hourly meter counters. Its own PV meter is the solar
production: the panels belong to this house, so the PV is used as measured, scaled by 1 (no
scaling is needed, and none is done). Its peak hour (8.8 kWh) and its 2016 yield (11.1 MWh)
put it at about 10 kWp. Its consumption is grid import + PV - grid export; the base load is
that less the house's own EV, dishwasher and washing-machine meters, because the planned
appliances below take their place (as in household_load.py and tariff_backtest.py). The heat
pump, lighting and everything else stay in the base load. The measured 15-minute output of
the PVDAQ system in ../shared/pv is not used: it is in Colorado, with another sun and other
weather than this house's, and it covers July to October 2016 only, so no winter month. No
production is modelled from weather data (pvlib is not needed).

**Prices.** German day-ahead (EPEX DE-AT-LU) of the same dates, from the epftoolbox DE dataset
(../shared/data/epf/DE.csv, see ../shared/data/SOURCES.md). The household pays a dynamic
tariff, which did not exist for German households in 2016: (spot + the 2016 per-kWh charges)
x 1.19 VAT. The charges, EUR/kWh excluding VAT, are listed in ``CHARGES_2016`` with their
sources; no supplier margin and no standing charge (neither depends on the plan). Export earns
the EEG 2014 feed-in tariff for rooftop PV up to 10 kWp commissioned in 2016, 12.31 ct/kWh
(unchanged from January 2016 to the year's end: energieprojekte.com/photovoltaik/
einspeiseverguetung.htm, expydoc "EEG Vergütungssätze ab Januar 2016"); systems up to 10 kWp
pay no EEG surcharge on own use. No export limit: the house's meter shows up to 8.4 kWh
exported in an hour, above the 70 % cap the EEG allows small systems instead of remote control.

**Each day.** One plan at 13:00 local time (SDAC publishes the next day at about 12:55 CET),
on the prices published then, over the horizon to the end of the next day; the first 24 hours
of it are carried out, then the next plan takes over from the state of charge reached. Every
price a plan uses was published at its decision. The appliances of the day (presets, windows
inside those 24 hours so nothing a plan commits is re-planned):

* dishwasher (1.5 kW, 2 h) from 19:00, ready by 07:00;
* washing machine (2 kW, 1.5 h) any time from 13:00 until 13:00 the next day;
* EV charger, 10 kWh between 17:00 and 07:00, at 1.4-7 kW (a 6 A minimum); the house's own
  car drew about 3 kWh a day in both months, so this car drives more.

**Forecasts at each decision.** Solar: for each hour ahead, the mean of the same local hour
over the 7 whole days before the decision's day (:func:`persistence_solar`, a forecast
anyone has without a weather service). Base load: ``learn_base_load`` over the 28 days before
the decision (mean by weekday and local hour), as the integration learns it from its
recorder.

**Policies** (bills are import x import price - export x feed-in tariff, per quarter-hour, on
the actual PV and base load; the data is hourly, so each hour is spread evenly over its
quarters and mismatch within an hour is not seen):

* ``no_optimisation``: every appliance starts when its window opens (EV at full power until
  done, the core's run-now baseline); the battery, if any, in plain self-consumption (charges
  from the actual surplus, discharges to cover the actual deficit, within its power and
  state-of-charge bounds);
* ``appliances_only``: appliances as planned on the forecasts without the battery; the battery
  in self-consumption;
* ``appliances_and_battery``: the co-optimised plan (appliances and battery) on the forecasts.
  The battery follows the plan's mode per slot (``EnergySlot.mode``, what an inverter is told):
  *self_consumption* acts on the actual surplus and deficit; *charge_grid* charges the planned
  kWh; *charge_solar* charges the planned kWh but only from actual surplus; *discharge* gives
  the planned kWh but never more than the house actually needs (this battery may not export);
  *hold* stays idle. Following the kWh literally instead would charge from the grid when the
  sun under-delivers and push stored energy to the grid when the house needs less than
  forecast. Without a battery this is ``appliances_only``, and is reported as such;
* ``perfect``: the same plan made with the actual PV and base load as its forecasts.

``soc_violations`` counts the carried-out slots where a plan's command, applied to the state of
charge the battery actually had, would have taken it below its minimum or above its maximum,
so the replay had to cut it to the bound, plus the slots where the plan's own trajectory left
the bounds (an optimizer fault; the JSON lists each with its day and starting charge). The
self-consumption policies never command beyond the bounds. The JSON's ``soc_violations`` is
that of ``appliances_and_battery``; ``soc_violations_by_policy`` has every policy's.

**Stored energy.** Every policy starts half full, but ends where its last day left it. The
bills are what the meter bills; ``bills_valuing_stored_energy`` also credits the energy
gained in store (debits it when lost) at the replay's mean import price times the discharge
efficiency, what that energy saves once given to the house.

**A diagnostic.** A plan is indifferent to *when* it fills the battery from surplus as long as
it expects the surplus to fill it anyway, and then often holds it and exports in the morning,
filling it in the afternoon; on a day the afternoon brings less sun than forecast, the
battery stays emptier than a plain self-consumption inverter would have left it.
``appliances_and_battery_taking_surplus`` replays the same kind of plan (made from its own
state of charge) with the battery taking the actual surplus it has room for wherever the plan
holds it or charges less, to show what that indifference costs. Two more diagnostics split
what the planned battery gains or loses: ``planned_appliances_battery_in_self_consumption``
runs the co-optimised plan's appliances with the battery in self-consumption (from its own
state of charge), so the battery's modes are compared with self-consumption on the same
appliances; ``appliances_and_battery_solar_known`` plans each day knowing its actual PV (the
base load still learnt), so what the solar forecast's error costs shows apart.

**Battery.** 10 kWh usable (``min_soc`` 0), 5 kW each way, 95 % charge and 95 % discharge
efficiency, half full at the first decision, grid charging allowed, no export from it. Its
wear cost of 0.02 EUR per kWh discharged is an assumption, the same as the optimizer speed
benchmark's; it steers how readily a plan cycles, and is not in the bills (the JSON gives each
policy's discharged kWh to price wear at any other figure).

Every solve has the integration's time limit (``PlanRequest``'s default, ``--time-limit``); a
plan stopped by it is kept, as the integration keeps it; the JSON's ``solver`` block counts
the plans proven optimal and gives the worst gap.

    scripts/in-venv ha-newest python -m benchmarks.solar_battery_backtest

prints the table and writes benchmarks/results/solar_battery_backtest.json.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
import csv
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
import json
import math
from pathlib import Path
import time as clock
from typing import Any, Final
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from custom_components.price_optimizer.core.optimizer import (
    Appliance,
    PlanRequest,
    Schedule,
    SolveReport,
    plan,
    preset,
)
from custom_components.price_optimizer.core.optimizer.baseline import baseline_energy
from custom_components.price_optimizer.core.optimizer.battery import Battery
from custom_components.price_optimizer.core.optimizer.energy import BatteryMode
from custom_components.price_optimizer.core.optimizer.problem import (
    DEFAULT_TIME_LIMIT,
    build_problem,
)
from custom_components.price_optimizer.core.prices import PriceSeries, PriceSlot, per_kwh
from custom_components.price_optimizer.core.solar import MeasuredSolar
from custom_components.price_optimizer.core.tariffs.base_load import KnownLoad, learn_base_load

from .household_load import hourly_consumption
from .residential4 import hourly_rises
from .tariff_backtest import local_midnight, quarters, solver_summary

ROOT: Final = Path(__file__).resolve().parents[1]
DE_PRICES: Final = ROOT.parent / "shared" / "data" / "epf" / "DE.csv"
OUTPUT: Final = ROOT / "benchmarks" / "results" / "solar_battery_backtest.json"

ZONE: Final = ZoneInfo("Europe/Berlin")
HOUR: Final = timedelta(hours=1)
QUARTER: Final = timedelta(minutes=15)
DECISION_TIME: Final = time(13, 0)
SOLAR_HISTORY_DAYS: Final = 7
LEARNING_DAYS: Final = 28
# kWh below this are float noise of the solve and the replay.
TOLERANCE_KWH: Final = 1e-6

VAT: Final = 0.19
# German per-kWh charges of 2016 for a household, EUR/kWh excluding VAT.
CHARGES_2016: Final = {
    # The surcharges of 2016 as suppliers passed them on (EEG 6.354 ct, KWKG 0.445 ct,
    # StromNEV §19 0.378 ct, offshore liability 0.040 ct, interruptible loads 0 ct), e.g.
    # Gemeindewerke Herxheim's 2016 price breakdown ("Was steckt im Strompreis?").
    "eeg_surcharge": 0.06354,
    "kwkg_surcharge": 0.00445,
    "stromnev_19_surcharge": 0.00378,
    "offshore_liability_surcharge": 0.00040,
    "interruptible_loads_surcharge": 0.0,
    # Stromsteuer, StromStG §3: 2.05 ct/kWh.
    "electricity_tax": 0.0205,
    # Konzessionsabgabe, KAV §2: 1.59 ct/kWh for household customers in a municipality of
    # 25,000-100,000 inhabitants (Konstanz had about 84,000).
    "concession_fee": 0.0159,
    # Mean 2016 network charge of a 4,000 kWh household, final price sheets: 7.49 ct/kWh
    # (enet.eu, "Großteil der endgültigen Entgelte für 2016 veröffentlicht").
    "network_charge": 0.0749,
}
FEED_IN_TARIFF_2016: Final = 0.1231

BATTERY: Final = Battery(
    "Home battery",
    capacity_kwh=10.0,
    soc=0.5,
    max_charge_kw=5.0,
    max_discharge_kw=5.0,
    min_soc=0.0,
    max_soc=1.0,
    charge_efficiency=0.95,
    discharge_efficiency=0.95,
    wear_cost=0.02,
)
FloatArray = npt.NDArray[np.float64]
Energies = Sequence[float] | FloatArray
"""KWh (or a price) per slot."""

POLICIES: Final = ("no_optimisation", "appliances_only", "appliances_and_battery", "perfect")
# The co-optimised plan, its battery taking the actual surplus where the plan holds it back.
TAKING_SURPLUS: Final = "appliances_and_battery_taking_surplus"
# The co-optimised plan's appliances with the battery in self-consumption: what following the
# plan's battery modes adds to or takes from the bill, the appliances' placement aside.
PLANNED_APPLIANCES_SELF_CONSUMPTION: Final = "planned_appliances_battery_in_self_consumption"
# The co-optimised plan made knowing the day's actual PV (base load still learnt): what the
# solar forecast's error costs the plan.
SOLAR_KNOWN: Final = "appliances_and_battery_solar_known"
DIAGNOSTICS: Final = (TAKING_SURPLUS, PLANNED_APPLIANCES_SELF_CONSUMPTION, SOLAR_KNOWN)
DIAGNOSTIC_LABELS: Final = {
    TAKING_SURPLUS: "  + battery taking the surplus",
    PLANNED_APPLIANCES_SELF_CONSUMPTION: "  planned appliances, battery SC",
    SOLAR_KNOWN: "  + battery, actual PV known",
}
# The policies whose battery is in self-consumption whatever their plan says.
SELF_CONSUMING: Final = ("appliances_only", PLANNED_APPLIANCES_SELF_CONSUMPTION)


@dataclass(frozen=True)
class Month:
    """A replayed period: the local days plans are made on."""

    name: str
    first_day: date
    days: int


MONTHS: Final = {
    "summer": Month("2016-07 summer", date(2016, 7, 1), 31),
    "winter": Month("2016-12 winter", date(2016, 12, 1), 31),
}


# --- data ------------------------------------------------------------------------------------


def german_prices(path: Path = DE_PRICES) -> PriceSeries:
    """Return the epftoolbox DE day-ahead prices per kWh, hourly UTC slots.

    The file has 24 wall-clock rows per Central European day: the spring row that does not
    exist is dropped, and the averaged autumn row prices both hours of that local hour.
    """
    slots: dict[datetime, PriceSlot] = {}
    with path.open(newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for row in reader:
            if not row or not row[1]:
                continue
            wall = datetime.fromisoformat(row[0])
            price = per_kwh(float(row[1]))
            for fold in (0, 1):
                start = wall.replace(tzinfo=ZONE, fold=fold).astimezone(UTC)
                if start.astimezone(ZONE).replace(tzinfo=None) == wall:
                    slots.setdefault(start, PriceSlot(start, HOUR, price))
    return PriceSeries(tuple(sorted(slots.values(), key=lambda s: s.start)), currency="EUR")


def household_price(spot: float) -> float:
    """Return what a kWh costs the household at ``spot`` (EUR/kWh): charges, then VAT."""
    return (spot + sum(CHARGES_2016.values())) * (1 + VAT)


def import_prices(spot: PriceSeries) -> PriceSeries:
    """Return the household's import price of every spot slot."""
    return replace(spot, slots=tuple(replace(s, price=household_price(s.price)) for s in spot))


def export_prices(spot: PriceSeries) -> PriceSeries:
    """Return the feed-in tariff on the same slots."""
    return replace(spot, slots=tuple(replace(s, price=FEED_IN_TARIFF_2016) for s in spot))


@dataclass(frozen=True)
class House:
    """The house's measured hours: PV and base load, kWh per UTC hour start."""

    pv: Mapping[datetime, float]
    base: Mapping[datetime, float]


def load_house() -> House:
    """Read the household's PV and base load (consumption less the planned kinds' meters)."""
    pv = {
        start: max(rise["pv"], 0.0) for start, rise in hourly_rises() if math.isfinite(rise["pv"])
    }
    _, base = hourly_consumption()
    return House(pv=pv, base=base)


# --- forecasts -------------------------------------------------------------------------------


def persistence_solar(
    measured: Mapping[datetime, float],
    now: datetime,
    until: datetime,
    zone: ZoneInfo = ZONE,
    days: int = SOLAR_HISTORY_DAYS,
) -> MeasuredSolar:
    """Forecast each hour from ``now`` to ``until``: the mean of its local hour on past days.

    Only the ``days`` whole local days before ``now``'s local day are read, so nothing
    measured at or after the decision enters. An hour with no past measurement is unknown.
    """
    today = now.astimezone(zone).date()
    forecast: dict[datetime, float] = {}
    hour = now.replace(minute=0, second=0, microsecond=0)
    while hour < until:
        local = hour.astimezone(zone)
        past = []
        for back in range(1, days + 1):
            earlier = datetime.combine(today - timedelta(days=back), local.time(), zone)
            kwh = measured.get(earlier.astimezone(UTC))
            if kwh is not None:
                past.append(kwh)
        if past:
            forecast[hour] = sum(past) / len(past)
        hour += HOUR
    return MeasuredSolar(forecast)


# --- the battery on actual values ------------------------------------------------------------


@dataclass(frozen=True)
class BatteryCommand:
    """What the battery is told for one slot: a plan's mode and its planned energies."""

    mode: BatteryMode
    charge_kwh: float = 0.0
    discharge_kwh: float = 0.0


SELF_CONSUMPTION: Final = BatteryCommand("self_consumption")


@dataclass(frozen=True)
class BatteryReplay:
    """The battery's flows per slot on actual values; ``stored_kwh`` at each slot's end."""

    charge_kwh: tuple[float, ...]
    discharge_kwh: tuple[float, ...]
    stored_kwh: tuple[float, ...]
    # Slots where the command would have left the state-of-charge bounds and was cut.
    clamped: int


def replay_battery(
    battery: Battery,
    stored_kwh: float,
    commands: Sequence[BatteryCommand],
    net_load_kwh: Energies,
    hours: float,
    *,
    take_surplus: bool = False,
) -> BatteryReplay:
    """Carry out ``commands`` on the actual net load (house minus PV, kWh per slot).

    See the module docstring for what each mode does on actual values. ``take_surplus``
    lets the battery take the actual surplus it has room for where the plan holds it or
    charges less (an inverter that never exports what it could store).
    """
    charges: list[float] = []
    discharges: list[float] = []
    stored_after: list[float] = []
    clamped = 0
    stored = stored_kwh
    for command, net in zip(commands, net_load_kwh, strict=True):
        room = max(battery.max_kwh - stored, 0.0) / battery.charge_efficiency
        available = max(stored - battery.min_kwh, 0.0) * battery.discharge_efficiency
        surplus = max(-net, 0.0)
        need = max(net, 0.0)
        most_charge = battery.max_charge_kw * hours
        most_discharge = battery.max_discharge_kw * hours
        wanted_charge = wanted_discharge = 0.0
        if command.mode == "self_consumption":
            wanted_charge = min(surplus, most_charge, room)
            wanted_discharge = min(need, most_discharge, available)
        elif command.mode == "charge_grid":
            wanted_charge = min(command.charge_kwh, most_charge)
        elif command.mode == "charge_solar":
            wanted_charge = min(command.charge_kwh, surplus, most_charge)
        if take_surplus and command.mode in {"hold", "charge_solar"}:
            wanted_charge = max(wanted_charge, min(surplus, most_charge, room))
        elif command.mode == "discharge":
            wanted_discharge = min(command.discharge_kwh, most_discharge)
            if not battery.may_export:
                wanted_discharge = min(wanted_discharge, need)
        charge = min(wanted_charge, room)
        discharge = min(wanted_discharge, available)
        if wanted_charge > charge + TOLERANCE_KWH or wanted_discharge > discharge + TOLERANCE_KWH:
            clamped += 1
        stored += charge * battery.charge_efficiency - discharge / battery.discharge_efficiency
        charges.append(charge)
        discharges.append(discharge)
        stored_after.append(stored)
    return BatteryReplay(tuple(charges), tuple(discharges), tuple(stored_after), clamped)


def settle(
    net_load_kwh: Energies,
    charge_kwh: Energies,
    discharge_kwh: Energies,
    import_price: Energies,
    export_price: Energies,
) -> tuple[float, float, float]:
    """Return (bill, imported kWh, exported kWh) of the slots as a meter nets them."""
    grid = np.asarray(net_load_kwh) + np.asarray(charge_kwh) - np.asarray(discharge_kwh)
    imported = np.maximum(grid, 0.0)
    exported = np.maximum(-grid, 0.0)
    bill = float(imported @ np.asarray(import_price) - exported @ np.asarray(export_price))
    return bill, float(imported.sum()), float(exported.sum())


def plan_bound_violations(battery: Battery, stored_kwh: Sequence[float | None]) -> int:
    """Return how many slots of a plan's own trajectory leave the battery's bounds."""
    return sum(
        1
        for kwh in stored_kwh
        if kwh is not None
        and (kwh < battery.min_kwh - TOLERANCE_KWH or kwh > battery.max_kwh + TOLERANCE_KWH)
    )


# --- the replay ------------------------------------------------------------------------------


def day_appliances(day: date, zone: ZoneInfo = ZONE) -> tuple[Appliance, ...]:
    """The appliances the plan made at 13:00 on ``day`` places (see the module docstring)."""

    def at(offset: int, moment: time) -> datetime:
        return datetime.combine(day + timedelta(days=offset), moment, zone).astimezone(UTC)

    return (
        preset(
            "dishwasher",
            "dishwasher",
            "Dishwasher",
            daily_ready_by=None,
            earliest_start=at(0, time(19)),
            deadline=at(1, time(7)),
        ),
        preset(
            "washing_machine",
            "washing_machine",
            "Washing machine",
            daily_ready_by=None,
            earliest_start=at(0, DECISION_TIME),
            deadline=at(1, DECISION_TIME),
        ),
        preset(
            "ev_charger",
            "ev",
            "EV",
            duration=None,
            energy_kwh=10.0,
            min_power_kw=1.4,
            daily_ready_by=None,
            earliest_start=at(0, time(17)),
            deadline=at(1, time(7)),
        ),
    )


@dataclass
class PolicyLedger:
    """What one policy has paid and done so far."""

    stored_kwh: float
    bill: float = 0.0
    imported_kwh: float = 0.0
    exported_kwh: float = 0.0
    discharged_kwh: float = 0.0
    appliances_kwh: float = 0.0
    replay_clamped: int = 0
    plan_out_of_bounds: list[dict[str, Any]] = field(default_factory=list)
    blocked: int = 0
    # The import prices of the carried-out quarter-hours, summed, and how many there were.
    import_price_sum: float = 0.0
    quarter_hours: int = 0

    @property
    def stored_energy_value(self) -> float:
        """Return what the energy stored at the end is worth: the mean import price it saves.

        A kWh left stored is given to the house later, saving its import at the discharge
        efficiency: valued at the replay's mean import price. The first state of charge is
        the same for every policy, so a battery that ends emptier pays for it here.
        """
        if not self.quarter_hours:
            return 0.0
        return BATTERY.discharge_efficiency * self.import_price_sum / self.quarter_hours

    @property
    def soc_violations(self) -> int:
        """Slots cut to a bound on replay, and slots where a plan itself left the bounds."""
        return self.replay_clamped + sum(int(item["slots"]) for item in self.plan_out_of_bounds)


@dataclass(frozen=True)
class DayActuals:
    """The carried-out quarter-hours of one day: what the house and the sun really did."""

    starts: tuple[datetime, ...]
    base_kwh: FloatArray
    pv_kwh: FloatArray
    import_price: FloatArray
    export_price: FloatArray


def day_actuals(house: House, buy: PriceSeries, sell: PriceSeries, now: datetime) -> DayActuals:
    """Return the actual base load, PV and prices of the 24 hours from ``now``."""
    local = now.astimezone(ZONE)
    until = datetime.combine(local.date() + timedelta(days=1), local.time(), ZONE)
    starts = tuple(quarters(now, until.astimezone(UTC)))
    pv = MeasuredSolar(house.pv).expected_kw(starts, QUARTER)
    if any(kw is None for kw in pv):
        raise ValueError(f"PV not measured throughout the day from {now.isoformat()}")
    return DayActuals(
        starts=starts,
        base_kwh=np.array(KnownLoad(house.base).expected_kwh(starts, QUARTER)),
        pv_kwh=np.array([(kw or 0.0) * (QUARTER / HOUR) for kw in pv]),
        import_price=np.array([_price_at(buy, start) for start in starts]),
        export_price=np.array([_price_at(sell, start) for start in starts]),
    )


def _price_at(series: PriceSeries, start: datetime) -> float:
    slot = series.slot_at(start)
    if slot is None:
        raise ValueError(f"no price at {start.isoformat()}")
    return slot.price


def planned_appliances_kwh(schedule: Schedule, starts: Sequence[datetime]) -> FloatArray:
    """Return the planned appliances' energy in each carried-out quarter-hour."""
    assert schedule.energy is not None
    by_start = {slot.start: slot.appliances_kwh for slot in schedule.energy.slots}
    return np.array([by_start[start] for start in starts])


def planned_commands(schedule: Schedule, starts: Sequence[datetime]) -> list[BatteryCommand]:
    """Return the plan's battery mode and energies for each carried-out quarter-hour."""
    assert schedule.energy is not None
    by_start = {slot.start: slot for slot in schedule.energy.slots}
    commands = []
    for start in starts:
        slot = by_start[start]
        assert slot.mode is not None
        commands.append(BatteryCommand(slot.mode, slot.charge_kwh, slot.discharge_kwh))
    return commands


def planned_stored(schedule: Schedule, starts: Sequence[datetime]) -> list[float | None]:
    """Return the plan's stored energy at the end of each carried-out quarter-hour."""
    assert schedule.energy is not None
    by_start = {slot.start: slot.stored_kwh for slot in schedule.energy.slots}
    return [by_start[start] for start in starts]


def run_now_kwh(request: PlanRequest, starts: Sequence[datetime]) -> tuple[FloatArray, int]:
    """Return every appliance's energy started at its window's opening, and how many cannot."""
    problem = build_problem(request)
    grid = problem.grid
    energy = np.zeros(grid.count)
    for job in problem.jobs:
        energy += baseline_energy(job, grid.count, grid.hours)
    by_start = {grid.at(index): energy[index] for index in range(grid.count)}
    return np.array([by_start[start] for start in starts]), len(problem.issues)


def blocked_occurrences(schedule: Schedule) -> int:
    """Return how many of the plan's occurrences it could not schedule."""
    return sum(1 for p in schedule.plans if p.status != "scheduled")


@dataclass
class CaseReplay:
    """One case's ledgers, solves and timing."""

    name: str
    battery: Battery | None
    ledgers: dict[str, PolicyLedger]
    solves: dict[str, list[SolveReport]]
    days: int = 0


def replay_month(
    month: Month,
    house: House,
    spot: PriceSeries,
    days: int | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> tuple[CaseReplay, CaseReplay]:
    """Replay the month without and with the battery; they share the appliance-only plans."""
    buy, sell = import_prices(spot), export_prices(spot)
    without, with_battery = (
        CaseReplay(
            name=f"{month.name}, {'no battery' if battery is None else '10 kWh battery'}",
            battery=battery,
            ledgers={
                p: PolicyLedger(stored_kwh=BATTERY.stored_kwh)
                for p in (*POLICIES, *(DIAGNOSTICS if battery else ()))
            },
            solves={p: [] for p in (*POLICIES, *DIAGNOSTICS)},
        )
        for battery in (None, BATTERY)
    )
    cases = (without, with_battery)
    for offset in range(month.days if days is None else days):
        day = month.first_day + timedelta(days=offset)
        now = datetime.combine(day, DECISION_TIME, ZONE).astimezone(UTC)
        end = local_midnight(day + timedelta(days=2), ZONE)
        actuals = day_actuals(house, buy, sell, now)
        learnt = learn_base_load(
            {t: kwh for t, kwh in house.base.items() if now - LEARNING_DAYS * 24 * HOUR <= t < now},
            HOUR,
            ZONE.key,
        )
        request = PlanRequest(
            prices=buy.between(now, end),
            now=now,
            appliances=day_appliances(day),
            zone=ZONE,
            time_limit=time_limit,
            export_prices=sell.between(now, end),
        )
        forecast = replace(request, solar=persistence_solar(house.pv, now, end), base_load=learnt)
        hindsight = replace(request, solar=MeasuredSolar(house.pv), base_load=KnownLoad(house.base))
        run_now, run_now_blocked = run_now_kwh(forecast, actuals.starts)
        appliances_plan = plan(forecast)
        for case in cases:
            battery = case.battery
            schedules = {
                "appliances_only": appliances_plan,
                "perfect": plan(replace(hindsight, battery=_battery_of(case, "perfect"))),
                "appliances_and_battery": appliances_plan,
            }
            if battery is not None:
                for policy in ("appliances_and_battery", TAKING_SURPLUS):
                    schedules[policy] = plan(replace(forecast, battery=_battery_of(case, policy)))
                in_sc = PLANNED_APPLIANCES_SELF_CONSUMPTION
                schedules[in_sc] = plan(replace(forecast, battery=_battery_of(case, in_sc)))
                schedules[SOLAR_KNOWN] = plan(
                    replace(forecast, solar=hindsight.solar, battery=_battery_of(case, SOLAR_KNOWN))
                )
            # Without a battery both names stand for one plan: its solve counts once.
            solved = [*schedules] if battery is not None else ["appliances_only", "perfect"]
            for policy in solved:
                report = schedules[policy].solver
                if report is not None:
                    case.solves[policy].append(report)
            _carry_out(
                case.ledgers["no_optimisation"],
                battery,
                actuals,
                run_now,
                [SELF_CONSUMPTION] * len(actuals.starts),
            )
            case.ledgers["no_optimisation"].blocked += run_now_blocked
            for policy, schedule in schedules.items():
                ledger = case.ledgers[policy]
                ledger.blocked += blocked_occurrences(schedule)
                commands = [SELF_CONSUMPTION] * len(actuals.starts)
                if battery is not None and policy not in SELF_CONSUMING:
                    commands = planned_commands(schedule, actuals.starts)
                    out = plan_bound_violations(battery, planned_stored(schedule, actuals.starts))
                    if out:
                        ledger.plan_out_of_bounds.append(
                            {"day": day.isoformat(), "slots": out, "stored_kwh": ledger.stored_kwh}
                        )
                appliances = planned_appliances_kwh(schedule, actuals.starts)
                _carry_out(
                    ledger,
                    battery,
                    actuals,
                    appliances,
                    commands,
                    take_surplus=policy == TAKING_SURPLUS,
                )
            case.days += 1
    return cases


def _battery_of(case: CaseReplay, policy: str) -> Battery | None:
    """Return the case's battery as the policy's own replay left it."""
    if case.battery is None:
        return None
    stored = case.ledgers[policy].stored_kwh
    return replace(case.battery, soc=min(max(stored / case.battery.capacity_kwh, 0.0), 1.0))


def _carry_out(
    ledger: PolicyLedger,
    battery: Battery | None,
    actuals: DayActuals,
    appliances: FloatArray,
    commands: Sequence[BatteryCommand],
    *,
    take_surplus: bool = False,
) -> None:
    net = actuals.base_kwh + appliances - actuals.pv_kwh
    zeros = np.zeros(len(net))
    charge: Energies = zeros
    discharge: Energies = zeros
    if battery is not None:
        replayed = replay_battery(
            battery, ledger.stored_kwh, commands, net, QUARTER / HOUR, take_surplus=take_surplus
        )
        charge, discharge = replayed.charge_kwh, replayed.discharge_kwh
        ledger.stored_kwh = replayed.stored_kwh[-1]
        ledger.replay_clamped += replayed.clamped
    bill, imported, exported = settle(
        net, charge, discharge, actuals.import_price, actuals.export_price
    )
    ledger.bill += bill
    ledger.imported_kwh += imported
    ledger.exported_kwh += exported
    ledger.discharged_kwh += float(np.sum(discharge))
    ledger.appliances_kwh += float(appliances.sum())
    ledger.import_price_sum += float(actuals.import_price.sum())
    ledger.quarter_hours += len(net)


# --- report ----------------------------------------------------------------------------------


def case_result(case: CaseReplay, month: Month) -> dict[str, Any]:
    """The JSON of one case."""
    ledgers = case.ledgers
    battery = case.battery
    return {
        "name": case.name,
        "days": case.days,
        "currency": "EUR",
        "first_day": month.first_day.isoformat(),
        "bills": {policy: round(ledgers[policy].bill, 2) for policy in POLICIES},
        # The bill less the value of what the battery gained in stored energy over the replay.
        "bills_valuing_stored_energy": {
            policy: round(_valued_bill(ledgers[policy], battery), 2) for policy in POLICIES
        },
        "soc_violations": ledgers["appliances_and_battery"].soc_violations,
        "soc_violations_by_policy": {p: ledgers[p].soc_violations for p in ledgers},
        **{
            diagnostic: None
            if diagnostic not in ledgers
            else {
                "bill": round(ledgers[diagnostic].bill, 2),
                "bill_valuing_stored_energy": round(_valued_bill(ledgers[diagnostic], battery), 2),
            }
            for diagnostic in DIAGNOSTICS
        },
        "battery": None
        if battery is None
        else {
            "usable_kwh": battery.max_kwh - battery.min_kwh,
            "max_charge_kw": battery.max_charge_kw,
            "max_discharge_kw": battery.max_discharge_kw,
            "charge_efficiency": battery.charge_efficiency,
            "discharge_efficiency": battery.discharge_efficiency,
            "wear_cost_per_kwh": battery.wear_cost,
            "first_stored_kwh": battery.stored_kwh,
        },
        "policies": {
            policy: {
                "imported_kwh": round(ledger.imported_kwh, 2),
                "exported_kwh": round(ledger.exported_kwh, 2),
                "appliances_kwh": round(ledger.appliances_kwh, 2),
                "discharged_kwh": round(ledger.discharged_kwh, 2),
                "end_stored_kwh": None if battery is None else round(ledger.stored_kwh, 3),
                "blocked_occurrences": ledger.blocked,
                "replay_clamped_slots": ledger.replay_clamped,
                "plan_out_of_bounds": ledger.plan_out_of_bounds,
            }
            for policy, ledger in ledgers.items()
        },
        "solver": {
            policy: solver_summary(reports) for policy, reports in case.solves.items() if reports
        },
    }


def _valued_bill(ledger: PolicyLedger, battery: Battery | None) -> float:
    if battery is None:
        return ledger.bill
    gained = ledger.stored_kwh - battery.stored_kwh
    return ledger.bill - gained * ledger.stored_energy_value


def print_table(cases: Sequence[dict[str, Any]]) -> None:
    """One line per case: the four bills (and valuing stored energy), SoC violations."""
    print(
        f"{'case':<32} {'days':>4} {'no optim.':>10} {'appliances':>10} {'+ battery':>10} "
        f"{'perfect':>10} {'soc viol.':>9}"
    )
    for case in cases:
        rows = (("bills", case["name"]), ("bills_valuing_stored_energy", "  valuing stored energy"))
        for key, label in rows:
            if key != "bills" and case["battery"] is None:
                continue
            bills = case[key]
            days = case["days"] if key == "bills" else ""
            violations = case["soc_violations"] if key == "bills" else ""
            print(
                f"{label:<32} {days:>4} "
                + " ".join(f"{bills[policy]:>10.2f}" for policy in POLICIES)
                + f" {violations:>9}"
            )
        for diagnostic, label in DIAGNOSTIC_LABELS.items():
            result = case[diagnostic]
            if result is not None:
                print(
                    f"{label:<32} {'':>4} {'':>21} "
                    f"{result['bill']:>10.2f} ({result['bill_valuing_stored_energy']:.2f} valuing "
                    "stored energy)"
                )
    print("bills in EUR: import x (spot + 2016 charges) x 1.19 - export x 12.31 ct")


def main() -> None:
    """Replay the chosen months, print the table and write the JSON."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--months", nargs="+", default=list(MONTHS), choices=list(MONTHS))
    parser.add_argument("--days", type=int, default=None, help="fewer days per month (quick run)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument(
        "--time-limit", type=float, default=DEFAULT_TIME_LIMIT, help="seconds per solve"
    )
    args = parser.parse_args()
    started = clock.perf_counter()
    house = load_house()
    spot = german_prices()
    results = [
        case_result(case, MONTHS[key])
        for key in args.months
        for case in replay_month(MONTHS[key], house, spot, args.days, args.time_limit)
    ]
    print_table(results)
    output = {
        "cases": results,
        "tariff": {
            "import": "(spot + charges) x (1 + vat)",
            "charges_eur_per_kwh": CHARGES_2016,
            "vat": VAT,
            "feed_in_eur_per_kwh": FEED_IN_TARIFF_2016,
        },
        "time_limit_seconds": args.time_limit,
        "seconds": round(clock.perf_counter() - started, 1),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(output, indent=1) + "\n")
    print(f"wrote {args.output} in {output['seconds']} s")


if __name__ == "__main__":
    main()
