"""What planning on the household's total price is worth, replayed on real prices and a real house.

Each replayed day the six appliance presets (dishwasher, washing machine, dryer, EV charger,
pool pump, water heater) are planned together, once, at 13:00 local time: the day-ahead auction
results for the next day are out (SDAC publishes at about 12:55 CET), so every price a plan uses
was published at its decision time and no forecast is needed. Each occurrence keeps its preset's
ready-by time on the next day (07:00, or 06:00 for the water heater) and opens at the decision;
the pool pump, ready by midnight, runs on the whole next calendar day. No household power limit
is set, so only prices and the capacity charge keep the appliances apart. The bills cover the
base load of every local day from the first plan's day to the day after the last plan, and
every planned run; a month the replay only partly covers pays its whole capacity fee.

The house is real: hourly meter counters of household DE_KN_residential4 of Open Power System
Data's Household Data (CC-BY-4.0, Konstanz, 2015-10..2018-02; ../shared/pv/SOURCES.md). Its
consumption is grid import + PV - export; the base load is that consumption less the house's own
EV, dishwasher and washing-machine meters, since the plan places those appliances itself (the
house has no dryer, pool pump or water-heater meter: those presets come on top). Only
whole local days (24 hours, every counter present and rising) are used, 2015-10-14..2017-03-06.
A replayed day takes the base load of the house's day on the same weekday nearest in the season
(the rule the bundled replay prices follow): weekday habits and the seasonal heating, lighting
and heat-pump load both carry over, which a calendar-day mapping would trade for one of them
(the same date in another year falls on another weekday). Local hours map to local hours, so a
23- or 25-hour replayed day skips or repeats one hour of the house's day.

Three policies, all billed at the household's total price (energy of base load + appliances at
each slot's total price, plus each month's capacity charge computed exactly with the rule's
``charge`` on the month's hourly consumption, with VAT):

* ``spot_only``: plan on the market price alone, blind to tariffs and base load, as the
  integration did before it knew the tariff;
* ``total_price``: plan on the total price (market + grid tariff + taxes, then VAT), with the
  base load expected from the house's last 28 days (``learn_base_load``, the mean by weekday
  and local hour) and the month's capacity terms (the rule with VAT and the daily peaks the
  meter measured so far), counted on that load plus ``CAPACITY_MARGIN_KW``, as the integration
  plans. Without the margin the plans fit their peaks just below a step, an hour drawing a
  little more than its mean crosses it, and the month's later days then pay nothing to go on
  up to the next step;
* ``perfect``: the same with the day's actual base load known and no margin.

Every solve has the integration's own time limit (``PlanRequest``'s default, ``--time-limit``
to change it); a plan stopped by it is kept, as the integration keeps it, so the bills depend
on the machine's speed and load. The JSON's ``solver`` block counts the plans proven optimal
and gives the worst gap.

Runs an earlier plan committed inside a new plan's horizon (the pool pump's afternoon) count as
load the new plan plans around, as the integration sees a running appliance. Because every plan
sees only published prices, ``perfect`` and ``total_price`` see the same prices; they differ
only in the base load, so only where a capacity charge or its peaks depend on it. Each plan
minimises its own day's cost given the month so far; none sees the rest of the month.

Cases:

* ``DK1``: N1 A/S (GLN 5790001089030, North Jutland, in DK1) grid tariff ``CD``/``CD R``,
  Energinet's system tariff (41000) and transmission tariff (40000) and the electricity tax
  (elafgift EA-001), all parsed from the recorded DatahubPricelist replies in
  tests/fixtures/energidataservice_tariffs (copies of ../shared/fixtures/energidataservice_tariffs);
  VAT 25 %. The replies hold every one of these charges from 2023-01-01 on (the system and
  transmission tariffs and the tax start there), so plans are made 2023-01-01..2023-06-29 and
  billed to 2023-06-30, the end of the DK1 prices (Deepforkit ENTSO-E, CC0; the bundled replay
  file holds the same prices).
* ``NO1``: Elvia's household tariff from the shipped preset (energy part by time band, monthly
  step on the mean of the three highest daily peak hours), plans made 2024-10-01..2025-12-29 and
  billed to 2025-12-30 on the NO1
  prices (ENTSO-E via NOR_EPF; 15-minute from 2025-10-01; the local 00:00 hour of 2024-12-31 is
  missing there, so the day whose plan would span it is not planned and that hour is not billed).
  VAT 25 % on everything, capacity included. The preset's energy part leaves out the taxes, added
  here per kWh excl. VAT: forbruksavgift 16.44 øre (2024-04..12, Skatteetaten's published rate
  for 2024), 9.79 øre (2025-01..03), 16.93 øre (2025-04..09), 12.53 øre (2025-10..12) (2025 rates
  as listed by fri-nettleie, ../shared/tariffs/TARIFF_FACTS.md), and the Enova levy 1 øre/kWh
  (same source). The state's electricity support (strømstøtte) is left out.

Market prices are in EUR/MWh; they are converted at the month's mean of the ECB's euro reference
rates (DKK_PER_EUR, NOK_PER_EUR below, from the ECB's eurofxref-hist series).

    scripts/in-venv ha-newest python -m benchmarks.tariff_backtest

prints the table and writes benchmarks/results/tariff_backtest.json.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
import json
from pathlib import Path
import time as clock
from typing import Any, Final
from zoneinfo import ZoneInfo

from custom_components.price_optimizer.core.optimizer import (
    PRESETS,
    Appliance,
    PlanRequest,
    Schedule,
    SolveReport,
    plan,
    preset,
)
from custom_components.price_optimizer.core.optimizer.problem import DEFAULT_TIME_LIMIT
from custom_components.price_optimizer.core.prices import PriceSeries
from custom_components.price_optimizer.core.tariffs.base_load import (
    BaseLoad,
    KnownLoad,
    learn_base_load,
)
from custom_components.price_optimizer.core.tariffs.capacity import (
    CAPACITY_MARGIN_KW,
    CapacityRule,
    CapacityTerms,
    DailyPeaksStepRule,
    MonthlyPeakRule,
    with_vat,
)
from custom_components.price_optimizer.core.tariffs.energidataservice import (
    parse_pricelist,
    reply_components,
)
from custom_components.price_optimizer.core.tariffs.model import (
    Component,
    Tariff,
    slot_price,
    validate_tariff,
)
from custom_components.price_optimizer.core.tariffs.presets import preset as tariff_preset

from .prices import deepforkit, norway
from .residential4 import HOUSEHOLD_FILE, hourly_rises

ROOT: Final = Path(__file__).resolve().parents[1]
TARIFF_REPLIES: Final = ROOT / "tests" / "fixtures" / "energidataservice_tariffs"
OUTPUT: Final = ROOT / "benchmarks" / "results" / "tariff_backtest.json"

QUARTER: Final = timedelta(minutes=15)
HOUR: Final = timedelta(hours=1)
DECISION_TIME: Final = time(13, 0)
# The house's own meters, local time: Konstanz.
HOUSEHOLD_ZONE: Final = ZoneInfo("Europe/Berlin")
# Meters of appliances the plan places itself; their energy is not base load.
PLANNED_METERS: Final = ("ev", "dishwasher", "washing_machine")
# Days of base load the expected profile is learnt from, as from a recorder's history.
LEARNING_DAYS: Final = 28
POLICIES: Final = ("spot_only", "total_price", "perfect")
PLANNED_KINDS: Final = (
    "dishwasher",
    "washing_machine",
    "dryer",
    "ev_charger",
    "pool_pump",
    "water_heater",
)
VAT: Final = 0.25

# Monthly means of the ECB's daily euro reference rates.
DKK_PER_EUR: Final = {
    (2023, 1): 7.4383,
    (2023, 2): 7.4447,
    (2023, 3): 7.4456,
    (2023, 4): 7.4518,
    (2023, 5): 7.4485,
    (2023, 6): 7.4492,
}
NOK_PER_EUR: Final = {
    (2024, 10): 11.7907,
    (2024, 11): 11.7408,
    (2024, 12): 11.7447,
    (2025, 1): 11.7456,
    (2025, 2): 11.6574,
    (2025, 3): 11.5472,
    (2025, 4): 11.8380,
    (2025, 5): 11.5968,
    (2025, 6): 11.5841,
    (2025, 7): 11.8537,
    (2025, 8): 11.8653,
    (2025, 9): 11.6702,
    (2025, 10): 11.6633,
    (2025, 11): 11.7402,
    (2025, 12): 11.8428,
}
# Norwegian per-kWh taxes excl. VAT, NOK: (valid from, valid to, rate); see the module docstring.
FORBRUKSAVGIFT: Final = (
    (date(2024, 4, 1), date(2025, 1, 1), 0.1644),
    (date(2025, 1, 1), date(2025, 4, 1), 0.0979),
    (date(2025, 4, 1), date(2025, 10, 1), 0.1693),
    (date(2025, 10, 1), date(2026, 1, 1), 0.1253),
)
ENOVA_LEVY: Final = 0.01

Loads = dict[datetime, float]
"""KWh per UTC quarter-hour."""


@dataclass(frozen=True)
class Case:
    """One market, tariff and period to replay."""

    name: str
    zone: ZoneInfo
    currency: str
    market: PriceSeries
    tariff: Tariff
    first_day: date
    days: int
    capacity_rule: Callable[[date], CapacityRule | None] = lambda _month: None
    capacity_vat: float = 0.0


@dataclass(frozen=True)
class Bill:
    """What one policy's consumption costs at the household's total price."""

    energy_kwh: float
    energy_cost: float
    capacity_cost: float
    monthly_capacity: Mapping[str, float] = field(default_factory=dict)

    @property
    def total(self) -> float:
        """Energy and capacity together."""
        return self.energy_cost + self.capacity_cost


# --- the house -------------------------------------------------------------------------------


def household_days(path: Path = HOUSEHOLD_FILE) -> dict[date, tuple[float, ...]]:
    """The house's base load per whole local day: 24 hourly kWh, local hours 00..23."""
    hourly: dict[datetime, float] = {}
    for start, rise in hourly_rises(path):
        parts = [rise[m] for m in ("grid_import", "pv", "grid_export", *PLANNED_METERS)]
        # A missing reading or a counter that fell leaves the hour out.
        if not all(part >= 0 for part in parts):
            continue
        imported, pv, exported, *planned = parts
        # Counters of 1 Wh resolution can leave a few Wh below zero in an idle hour.
        hourly[start] = max(imported + pv - exported - sum(planned), 0.0)
    by_day: dict[date, dict[int, float]] = {}
    for start, kwh in hourly.items():
        local = start.astimezone(HOUSEHOLD_ZONE)
        by_day.setdefault(local.date(), {})[local.hour] = kwh
    return {
        day: tuple(hours[h] for h in range(24))
        for day, hours in sorted(by_day.items())
        if len(hours) == 24 and _day_length(day, HOUSEHOLD_ZONE) == 24 * HOUR
    }


def _day_length(day: date, zone: ZoneInfo) -> timedelta:
    start = datetime.combine(day, time(0), zone)
    end = datetime.combine(day + timedelta(days=1), time(0), zone)
    return end.astimezone(UTC) - start.astimezone(UTC)


def same_weekday_in_season(candidates: Sequence[date], target: date) -> date:
    """The candidate on ``target``'s weekday nearest it in the season (the earliest on a tie)."""

    def season_distance(day: date) -> int:
        apart = abs(day.timetuple().tm_yday - target.timetuple().tm_yday)
        return min(apart, 365 - apart)

    same_weekday = [day for day in candidates if day.weekday() == target.weekday()]
    return min(same_weekday, key=lambda day: (season_distance(day), day))


def quarters(start: datetime, end: datetime) -> list[datetime]:
    """UTC quarter-hour starts in ``[start, end)``."""
    count = int((end - start) / QUARTER)
    return [start + n * QUARTER for n in range(count)]


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC moment local ``day`` begins."""
    return datetime.combine(day, time(0), zone).astimezone(UTC)


def base_load(
    house: Mapping[date, tuple[float, ...]], zone: ZoneInfo, first: date, last: date
) -> Loads:
    """The replayed base load of local days ``first`` .. ``last``, per UTC quarter."""
    candidates = sorted(house)
    loads: Loads = {}
    day = first
    while day <= last:
        profile = house[same_weekday_in_season(candidates, day)]
        for quarter in quarters(
            local_midnight(day, zone), local_midnight(day + timedelta(days=1), zone)
        ):
            loads[quarter] = profile[quarter.astimezone(zone).hour] / 4
        day += timedelta(days=1)
    return loads


# --- prices and tariffs ----------------------------------------------------------------------


def in_currency(
    prices: PriceSeries, rates: Mapping[tuple[int, int], float], zone: ZoneInfo, currency: str
) -> PriceSeries:
    """Market prices in ``currency`` at each local month's rate; months without one are left out."""
    slots = []
    for slot in prices:
        local = slot.start.astimezone(zone)
        rate = rates.get((local.year, local.month))
        if rate is not None:
            slots.append(replace(slot, price=slot.price * rate))
    return PriceSeries(tuple(slots), currency)


def total_prices(case: Case) -> dict[datetime, float]:
    """The household's total price of every market slot."""
    return {
        slot.start: slot_price(case.tariff, slot.start, slot.duration, slot.price).total
        for slot in case.market
    }


def priced_by(series: PriceSeries, prices: Mapping[datetime, float]) -> PriceSeries:
    """The same slots at other prices."""
    return replace(series, slots=tuple(replace(s, price=prices[s.start]) for s in series))


def quarter_prices(series: PriceSeries, prices: Mapping[datetime, float]) -> dict[datetime, float]:
    """Each slot's price repeated on its quarter-hours."""
    return {q: prices[s.start] for s in series for q in quarters(s.start, s.end)}


def danish_components(folder: Path = TARIFF_REPLIES) -> tuple[Component, ...]:
    """N1's grid tariff, Energinet's system and transmission tariffs and the electricity tax."""
    replies = (
        "GridTariffs.json",
        "SystemTariffs.json",
        "TransmissionGridTariffs.json",
        "ElectricityTaxes.json",
    )
    return tuple(
        component
        for name in replies
        for component in reply_components(parse_pricelist((folder / name).read_bytes()))
    )


def dk1_case(first_day: date = date(2023, 1, 1), days: int = 180) -> Case:
    """N1's customers in DK1, first half of 2023."""
    zone = ZoneInfo("Europe/Copenhagen")
    tariff = Tariff(
        time_zone=zone.key,
        currency="DKK",
        vat_rate=VAT,
        holiday_country="DK",
        components=danish_components(),
    )
    validate_tariff(tariff)
    return Case(
        name="DK1",
        zone=zone,
        currency="DKK",
        market=in_currency(deepforkit("DK_1"), DKK_PER_EUR, zone, "DKK"),
        tariff=tariff,
        first_day=first_day,
        days=days,
    )


def norwegian_taxes() -> tuple[Component, ...]:
    """Forbruksavgift by period and the Enova levy, per kWh excl. VAT."""
    return (
        *(
            Component("forbruksavgift", "tax", valid_from=start, valid_to=end, base_price=rate)
            for start, end, rate in FORBRUKSAVGIFT
        ),
        Component("enova", "tax", valid_from=FORBRUKSAVGIFT[0][0], base_price=ENOVA_LEVY),
    )


def no1_case(first_day: date = date(2024, 10, 1), days: int = 455) -> Case:
    """Elvia's household customers in NO1, October 2024 to December 2025."""
    zone = ZoneInfo("Europe/Oslo")
    elvia = tariff_preset("norway", "no_elvia")
    energy = elvia.tariff(VAT)
    tariff = replace(energy, components=(*energy.components, *norwegian_taxes()))
    validate_tariff(tariff)

    def capacity_rule(month: date) -> CapacityRule | None:
        period = elvia.period_on(month)
        return None if period is None else period.capacity

    since = local_midnight(first_day, zone)
    return Case(
        name="NO1",
        zone=zone,
        currency="NOK",
        market=in_currency(norway("NO_1", since=since), NOK_PER_EUR, zone, "NOK"),
        tariff=tariff,
        first_day=first_day,
        days=days,
        capacity_rule=capacity_rule,
        capacity_vat=VAT,
    )


# --- planning --------------------------------------------------------------------------------


def household_appliances(day: date, zone: ZoneInfo) -> tuple[Appliance, ...]:
    """The six presets, each with the occurrence that the plan made at 13:00 on ``day`` places."""
    decision = datetime.combine(day, DECISION_TIME, zone)
    tomorrow = day + timedelta(days=1)
    appliances = []
    for kind in PLANNED_KINDS:
        ready_by: time = PRESETS[kind]["daily_ready_by"]
        if ready_by == time(0):
            # Ready by midnight: the whole next calendar day.
            opens = datetime.combine(tomorrow, time(0), zone)
            due = datetime.combine(tomorrow + timedelta(days=1), time(0), zone)
        else:
            opens, due = decision, datetime.combine(tomorrow, ready_by, zone)
        appliances.append(
            preset(
                kind,
                kind,
                kind.replace("_", " "),
                daily_ready_by=None,
                earliest_start=opens.astimezone(UTC),
                deadline=due.astimezone(UTC),
            )
        )
    return tuple(appliances)


def horizon(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """From the decision on ``day`` to the end of the next day: what the plan may use."""
    decision = datetime.combine(day, DECISION_TIME, zone).astimezone(UTC)
    return decision, local_midnight(day + timedelta(days=2), zone)


def covers(series: PriceSeries, start: datetime, end: datetime) -> bool:
    """Whether the slots run without a gap from ``start`` to ``end``."""
    moment = start
    for slot in series:
        if slot.start != moment:
            return False
        moment = slot.end
    return moment >= end


def run_loads(schedule: Schedule) -> tuple[Loads, int]:
    """The planned appliances' energy per UTC quarter, and how many occurrences were not planned."""
    loads: Loads = {}
    blocked = 0
    for appliance_plan in schedule.plans:
        if appliance_plan.status != "scheduled":
            blocked += 1
        for run in appliance_plan.runs:
            moment = run.start
            while moment < run.end:
                quarter = moment - timedelta(minutes=moment.minute % 15, seconds=moment.second)
                piece_end = min(run.end, quarter + QUARTER)
                loads[quarter] = loads.get(quarter, 0.0) + run.power_kw * (
                    (piece_end - moment) / HOUR
                )
                moment = piece_end
    return loads, blocked


def add(into: Loads, more: Mapping[datetime, float]) -> None:
    """Add ``more`` to ``into``, quarter by quarter."""
    for quarter, kwh in more.items():
        into[quarter] = into.get(quarter, 0.0) + kwh


def plan_requests(
    case: Case,
    day: date,
    *,
    market: PriceSeries,
    total: PriceSeries,
    base: Mapping[datetime, float],
    house_loads: Mapping[str, Mapping[datetime, float]],
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> dict[str, PlanRequest]:
    """The three policies' requests for the plan made on ``day``.

    ``house_loads`` is each policy's consumption so far (the actual base load and the runs its
    earlier plans committed); ``base`` the actual base load of every replayed quarter.
    """
    appliances = household_appliances(day, case.zone)
    now, end = horizon(day, case.zone)
    spot = PlanRequest(
        prices=market, now=now, appliances=appliances, zone=case.zone, time_limit=time_limit
    )
    total_request = replace(spot, prices=total)
    learnt = learn_base_load(
        hourly({q: base[q] for q in quarters(now - timedelta(days=LEARNING_DAYS), now)}),
        HOUR,
        case.zone.key,
    )
    actual = KnownLoad({q: base[q] for q in quarters(now, end)}, QUARTER)
    requests = {"spot_only": spot}
    for policy, expected, margin_kw in (
        ("total_price", learnt, CAPACITY_MARGIN_KW),
        ("perfect", actual, 0.0),
    ):
        loads = house_loads[policy]
        committed = KnownLoad(
            {q: loads[q] - base[q] for q in quarters(now, end) if loads[q] > base[q]}, QUARTER
        )
        requests[policy] = replace(
            total_request,
            base_load=WithCommittedRuns(expected, committed),
            capacity=capacity_terms(case, loads, now),
            capacity_margin_kw=margin_kw,
        )
    return requests


@dataclass(frozen=True)
class WithCommittedRuns:
    """What the rest of the house draws: its base load and the runs earlier plans committed."""

    base: BaseLoad
    committed: KnownLoad

    def expected_kwh(self, starts: Sequence[datetime], duration: timedelta) -> list[float]:
        """Base load and committed runs of each slot."""
        return [
            base + runs
            for base, runs in zip(
                self.base.expected_kwh(starts, duration),
                self.committed.expected_kwh(starts, duration),
                strict=True,
            )
        ]


def capacity_terms(
    case: Case, loads: Mapping[datetime, float], now: datetime
) -> CapacityTerms | None:
    """The month's capacity rule and what the meter measured this month until ``now``.

    The rule's fees get the VAT the bill adds, as the energy prices the plan weighs them against.
    """
    month = now.astimezone(case.zone).date().replace(day=1)
    published = case.capacity_rule(month)
    if published is None:
        return None
    rule = with_vat(published, case.capacity_vat)
    measured = {q: loads[q] for q in quarters(local_midnight(month, case.zone), now) if q in loads}
    hours = hourly(measured)
    peaks: dict[date, float] = {}
    for start, kwh in hours.items():
        local_day = start.astimezone(case.zone).date()
        peaks[local_day] = max(peaks.get(local_day, 0.0), kwh)
    by_quarter = isinstance(rule, MonthlyPeakRule) and rule.interval_minutes == 15
    intervals = measured if by_quarter else hours
    per_hour = 4 if by_quarter else 1
    return CapacityTerms(
        rule=rule,
        time_zone=case.zone.key,
        daily_peaks_kw=peaks,
        peak_so_far_kw=max(intervals.values(), default=0.0) * per_hour,
    )


# --- billing ---------------------------------------------------------------------------------


def hourly(loads: Mapping[datetime, float]) -> dict[datetime, float]:
    """KWh per UTC hour."""
    hours: dict[datetime, float] = {}
    for quarter, kwh in loads.items():
        start = quarter.replace(minute=0)
        hours[start] = hours.get(start, 0.0) + kwh
    return hours


def bill(case: Case, loads: Mapping[datetime, float], prices: Mapping[datetime, float]) -> Bill:
    """Energy at each quarter's total price plus each month's capacity charge with VAT."""
    energy_cost = sum(kwh * prices[quarter] for quarter, kwh in loads.items())
    months: dict[date, dict[datetime, float]] = {}
    for quarter, kwh in loads.items():
        month = quarter.astimezone(case.zone).date().replace(day=1)
        months.setdefault(month, {})[quarter] = kwh
    monthly = {}
    for month, month_loads in sorted(months.items()):
        rule = case.capacity_rule(month)
        if rule is not None:
            charge = capacity_charge(rule, month_loads, case.zone)
            monthly[month.isoformat()[:7]] = charge * (1 + case.capacity_vat)
    return Bill(
        energy_kwh=sum(loads.values()),
        energy_cost=energy_cost,
        capacity_cost=sum(monthly.values()),
        monthly_capacity=monthly,
    )


def capacity_charge(rule: CapacityRule, loads: Mapping[datetime, float], zone: ZoneInfo) -> float:
    """One month's charge by the rule's own ``charge``, on the intervals it measures."""
    if isinstance(rule, DailyPeaksStepRule):
        hours = sorted(hourly(loads).items())
        return rule.charge([kwh for _, kwh in hours], [s.astimezone(zone).date() for s, _ in hours])
    # No earlier months are replayed: the month's own peak is billed.
    intervals = loads if rule.interval_minutes == 15 else hourly(loads)
    return rule.charge([intervals[start] for start in sorted(intervals)])


@dataclass
class Replay:
    """Everything a replay produced: consumption per policy, its bills and what was skipped."""

    case: Case
    prices: dict[datetime, float]
    base: Loads
    loads: dict[str, Loads]
    bills: dict[str, Bill]
    planned_days: int
    skipped_days: list[date]
    blocked: dict[str, int]
    solves: dict[str, list[SolveReport]]
    unpriced_quarters: int
    time_limit: float
    seconds: float


def replay(
    case: Case, house: Mapping[date, tuple[float, ...]], time_limit: float = DEFAULT_TIME_LIMIT
) -> Replay:
    """Plan every day of the case under each policy and bill the result."""
    started = clock.perf_counter()
    totals = total_prices(case)
    prices = quarter_prices(case.market, totals)
    last_day = case.first_day + timedelta(days=case.days)
    all_base = base_load(house, case.zone, case.first_day - timedelta(days=LEARNING_DAYS), last_day)
    billed_from = local_midnight(case.first_day, case.zone)
    billed_until = local_midnight(last_day + timedelta(days=1), case.zone)
    base = {
        q: kwh for q, kwh in all_base.items() if billed_from <= q < billed_until and q in prices
    }
    unpriced = sum(1 for q in all_base if billed_from <= q < billed_until and q not in prices)
    loads = {policy: dict(base) for policy in POLICIES}
    blocked = dict.fromkeys(POLICIES, 0)
    solves: dict[str, list[SolveReport]] = {policy: [] for policy in POLICIES}
    skipped: list[date] = []
    planned = 0
    for offset in range(case.days):
        day = case.first_day + timedelta(days=offset)
        start, end = horizon(day, case.zone)
        market = case.market.between(start, end)
        if not covers(market, start, end):
            skipped.append(day)
            continue
        requests = plan_requests(
            case,
            day,
            market=market,
            total=priced_by(market, totals),
            base=all_base,
            house_loads=loads,
            time_limit=time_limit,
        )
        for policy, request in requests.items():
            schedule = plan(request)
            planned_loads, not_planned = run_loads(schedule)
            add(loads[policy], planned_loads)
            blocked[policy] += not_planned
            if schedule.solver is not None:
                solves[policy].append(schedule.solver)
        planned += 1
    return Replay(
        case=case,
        prices=prices,
        base=base,
        loads=loads,
        bills={policy: bill(case, loads[policy], prices) for policy in POLICIES},
        planned_days=planned,
        skipped_days=skipped,
        blocked=blocked,
        solves=solves,
        unpriced_quarters=unpriced,
        time_limit=time_limit,
        seconds=clock.perf_counter() - started,
    )


# --- report ----------------------------------------------------------------------------------


def case_result(result: Replay) -> dict[str, Any]:
    """The JSON of one case."""
    bills = result.bills
    return {
        "name": result.case.name,
        "days": result.planned_days,
        "spot_only_bill": round(bills["spot_only"].total, 2),
        "total_price_bill": round(bills["total_price"].total, 2),
        "perfect_bill": round(bills["perfect"].total, 2),
        "currency": result.case.currency,
        "first_day": result.case.first_day.isoformat(),
        "skipped_days": [day.isoformat() for day in result.skipped_days],
        "unpriced_quarters": result.unpriced_quarters,
        "blocked_occurrences": result.blocked,
        "solver": {policy: solver_summary(reports) for policy, reports in result.solves.items()},
        "time_limit_seconds": result.time_limit,
        "seconds": round(result.seconds, 1),
        "policies": {
            policy: {
                "energy_kwh": round(b.energy_kwh, 3),
                "energy_cost": round(b.energy_cost, 2),
                "capacity_cost": round(b.capacity_cost, 2),
                "monthly_capacity": {k: round(v, 2) for k, v in b.monthly_capacity.items()},
            }
            for policy, b in bills.items()
        },
    }


def solver_summary(reports: Sequence[SolveReport]) -> dict[str, Any]:
    """How the policy's plans were solved: proven optimal or stopped, the worst gap, the time."""
    gaps = [r.gap for r in reports if r.gap is not None]
    seconds = sorted(r.seconds for r in reports)
    return {
        "plans": len(reports),
        "optimal": sum(1 for r in reports if r.status == "optimal"),
        "worst_gap": round(max(gaps), 6) if gaps else None,
        "median_seconds": round(seconds[len(seconds) // 2], 4) if seconds else None,
        "max_seconds": round(seconds[-1], 4) if seconds else None,
    }


def print_table(cases: Iterable[dict[str, Any]]) -> None:
    """One line per case and policy: energy, capacity, bill and the saving against spot-only."""
    print(
        f"{'case':<5} {'days':>4} {'policy':<12} {'kWh':>9} {'energy':>11} "
        f"{'capacity':>9} {'bill':>11} {'vs spot':>8}"
    )
    for case in cases:
        spot = case["spot_only_bill"]
        for policy in POLICIES:
            row = case["policies"][policy]
            total = case[f"{policy}_bill"]
            print(
                f"{case['name']:<5} {case['days']:>4} {policy:<12} {row['energy_kwh']:>9.1f} "
                f"{row['energy_cost']:>11.2f} {row['capacity_cost']:>9.2f} {total:>11.2f} "
                f"{100 * (spot - total) / spot:>7.2f}%"
            )
        print(f"{'':<5} bills in {case['currency']}")


def main() -> None:
    """Replay the chosen cases, print the table and write the JSON."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", nargs="+", default=["DK1", "NO1"], choices=["DK1", "NO1"])
    parser.add_argument("--days", type=int, default=None, help="fewer days per case (a quick run)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument(
        "--time-limit", type=float, default=DEFAULT_TIME_LIMIT, help="seconds per solve"
    )
    args = parser.parse_args()
    house = household_days()
    builders = {"DK1": dk1_case, "NO1": no1_case}
    results = []
    for name in args.cases:
        case = builders[name]() if args.days is None else builders[name](days=args.days)
        results.append(case_result(replay(case, house, args.time_limit)))
    print_table(results)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({"cases": results}, indent=1) + "\n")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
