"""Replay real price history day by day and compare what a household pays.

For each day and appliance of a typical household, four policies:

* run now: start at the earliest allowed moment (the baseline);
* market only: plan with the prices published at each decision time (SDAC
  results at about 12:55 CET for the next day); a window that reaches beyond
  them waits for the next publication, re-planned as the integration does;
* market + forecast: the same, with a forecast function filling the horizon
  beyond the published prices; runs starting before the next publication are
  committed, the rest re-planned when new prices arrive;
* perfect foresight: plan once with the prices that were realised.

All costs are at the realised prices. Appliances are simulated one by one
(no household limit couples them here).

    scripts/in-venv ha-newest python -m benchmarks.savings_backtest --source norway:NO_1

prints the table and writes artifacts/savings_backtest.json. The forecast row
runs the shipped models as the integration does (numpy runtime, the lasso
refitted at each origin, the zone's blend) from the prices published at the
decision time and, for Norwegian zones, the day-ahead load and wind/solar
forecasts up to the same moment; ``--no-forecast`` leaves it out.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from custom_components.price_optimizer.core.forecast import MODELS_DIR
from custom_components.price_optimizer.core.forecast.markets import validated_market
from custom_components.price_optimizer.core.forecast.predictor import Forecaster
from custom_components.price_optimizer.core.optimizer import (
    Appliance,
    ApplianceState,
    CyclePhase,
    PlanRequest,
    plan,
    preset,
)
from custom_components.price_optimizer.core.optimizer.savings import profile_cost
from custom_components.price_optimizer.core.prices import PriceSeries
from custom_components.price_optimizer.core.sources.base import Publication

from .prices import deepforkit, norway, norway_exogenous

# (end of the published prices, due) -> forecast slots from that end until due.
ForecastFn = Callable[[datetime, datetime], PriceSeries]
MODELS = MODELS_DIR

CENTRAL = ZoneInfo("Europe/Berlin")
PUBLICATION = Publication(zone=CENTRAL, at=time(12, 55))
POLICIES = ("run_now", "market_only", "market_forecast", "perfect")


@dataclass(frozen=True)
class Household:
    """Typical appliances with daily windows (local time): earliest start and ready-by."""

    appliances: tuple[Appliance, ...]


def typical_household() -> Household:
    """Dishwasher overnight, EV 20 kWh by 07:00, washer within a day, heater, pool pump."""
    return Household(
        (
            preset("dishwasher", "dishwasher", "Dishwasher", daily_earliest_start=time(19)),
            preset(
                "ev_charger",
                "ev",
                "EV",
                duration=None,
                energy_kwh=20.0,
                daily_earliest_start=time(18),
            ),
            preset(
                "washing_machine",
                "washer",
                "Washer",
                daily_earliest_start=time(7),
                daily_ready_by=time(7),
            ),
            preset("water_heater", "heater", "Water heater", daily_earliest_start=time(18)),
            preset("pool_pump", "pool", "Pool pump"),
        )
    )


def window(appliance: Appliance, day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Return the UTC window of the occurrence that is due on local ``day``."""
    assert appliance.daily_ready_by is not None
    due = datetime.combine(day, appliance.daily_ready_by, zone)
    earliest = appliance.daily_earliest_start
    if earliest is None or earliest >= appliance.daily_ready_by:
        opening_day = day - timedelta(days=1)
    else:
        opening_day = day
    opens = datetime.combine(opening_day, earliest or appliance.daily_ready_by, zone)
    return opens.astimezone(UTC), due.astimezone(UTC)


def decision_times(opens: datetime, due: datetime) -> list[datetime]:
    """Return the window's opening and the slot boundary after each publication inside it.

    Re-planning on a whole hour keeps committed runs in whole slots, as the
    integration's own re-plans at slot boundaries do.
    """
    times = [opens]
    local = opens.astimezone(CENTRAL).date()
    for offset in range(3):
        published = datetime.combine(local + timedelta(days=offset), PUBLICATION.at, CENTRAL)
        boundary = published.astimezone(UTC).replace(minute=0) + timedelta(hours=1)
        if opens < boundary < due:
            times.append(boundary)
    return times


def simulate(
    appliance: Appliance,
    opens: datetime,
    due: datetime,
    realised: PriceSeries,
    knowledge: Callable[[datetime], PriceSeries | None],
) -> float | None:
    """Return the realised cost of one occurrence under a planning policy, or None."""
    one_off = replace(
        appliance,
        daily_ready_by=None,
        daily_earliest_start=None,
        earliest_start=opens,
        deadline=due,
    )
    times = decision_times(opens, due)
    delivered = 0.0
    cost = 0.0
    running_since: datetime | None = None
    for index, now in enumerate(times):
        known = knowledge(now)
        if known is None:
            continue
        following = times[index + 1] if index + 1 < len(times) else due
        state = ApplianceState(running_since=running_since, delivered_kwh=delivered)
        request = PlanRequest(
            prices=known, now=now, appliances=(one_off,), states={one_off.appliance_id: state}
        )
        plans = plan(request).for_appliance(one_off.appliance_id)
        if not plans or plans[0].status != "scheduled":
            continue
        if appliance.operation == "cycle":
            start = plans[0].start
            if start is not None and start < following:
                return profile_cost(realised, start, appliance.profile)
            continue
        running_since = None
        for run in plans[0].runs:
            end = min(run.end, following)
            if run.start >= following:
                break
            part = profile_cost(realised, run.start, (CyclePhase(end - run.start, run.power_kw),))
            if part is None:
                return None
            cost += part
            delivered += run.power_kw * ((end - run.start) / timedelta(hours=1))
            if end == following and run.end > following:
                running_since = run.start
        if delivered >= appliance.target_energy_kwh - 1e-6:
            return cost
    return None


def market_only(realised: PriceSeries, due: datetime) -> Callable[[datetime], PriceSeries | None]:
    """Return what the market had published at ``now``, or None while it does not reach ``due``."""

    def known(now: datetime) -> PriceSeries | None:
        until = PUBLICATION.expected_until(now)
        if until < due:
            return None
        return realised.between(now - timedelta(hours=1), until)

    return known


def with_forecast(
    realised: PriceSeries, due: datetime, forecast_fn: ForecastFn
) -> Callable[[datetime], PriceSeries | None]:
    """Return the published prices at ``now`` and the forecast beyond them up to ``due``."""

    def known(now: datetime) -> PriceSeries | None:
        until = PUBLICATION.expected_until(now)
        history = realised.between(now - timedelta(days=28), until)
        if until >= due:
            return history
        # Known prices win wherever both exist.
        return forecast_fn(until, due).merged_with(history)

    return known


def shipped_forecast(
    prices: PriceSeries,
    zone: ZoneInfo,
    country: str,
    market: str | None,
    exogenous: dict[str, PriceSeries],
) -> ForecastFn:
    """Return a forecast function over the shipped models that sees nothing after its origin.

    Forecasts are kept per origin: every appliance deciding before the same
    publication gets the same forecast, as in the integration.
    """
    forecaster = Forecaster.load(MODELS, prefer_onnx=False)
    wanted = timedelta(hours=forecaster.history_hours_wanted)
    made: dict[datetime, PriceSeries] = {}

    def forecast(until: datetime, due: datetime) -> PriceSeries:
        if until not in made:
            made[until] = forecaster.predict(
                prices.between(until - wanted, until),
                zone,
                country,
                exogenous={
                    name: series.between(until - wanted, until)
                    for name, series in exogenous.items()
                },
                market=market,
            ).as_series(prices.currency)
        return made[until].between(until, due)

    return forecast


def backtest(
    prices: PriceSeries,
    zone: ZoneInfo,
    first: date,
    days: int,
    forecast_fn: ForecastFn | None = None,
) -> dict[str, Any]:
    """Return the realised cost per policy and appliance, summed over the days."""
    household = typical_household()
    totals: dict[str, dict[str, float]] = {
        appliance.appliance_id: dict.fromkeys(POLICIES, 0.0) for appliance in household.appliances
    }
    counted = dict.fromkeys(totals, 0)
    for offset in range(days):
        day = first + timedelta(days=offset)
        for appliance in household.appliances:
            opens, due = window(appliance, day, zone)
            realised = prices.between(opens - timedelta(days=28), due + timedelta(days=1))
            if realised.end is None or realised.end < due:
                continue
            perfect_request = PlanRequest(
                prices=realised.between(opens, due),
                now=opens,
                appliances=(
                    replace(
                        appliance,
                        daily_ready_by=None,
                        daily_earliest_start=None,
                        earliest_start=opens,
                        deadline=due,
                    ),
                ),
            )
            (perfect_plan,) = plan(perfect_request).for_appliance(appliance.appliance_id)
            if perfect_plan.status != "scheduled":
                continue
            results = {
                "run_now": perfect_plan.baseline_cost,
                "perfect": perfect_plan.planned_cost,
                "market_only": simulate(
                    appliance, opens, due, realised, market_only(realised, due)
                ),
                "market_forecast": (
                    None
                    if forecast_fn is None
                    else simulate(
                        appliance, opens, due, realised, with_forecast(realised, due, forecast_fn)
                    )
                ),
            }
            if any(results[p] is None for p in ("run_now", "perfect", "market_only")):
                continue
            counted[appliance.appliance_id] += 1
            for policy, cost in results.items():
                if cost is not None:
                    totals[appliance.appliance_id][policy] += cost
    return {
        "days": days,
        "first_day": first.isoformat(),
        "occurrences": counted,
        "forecast_available": forecast_fn is not None,
        "totals": totals,
    }


def captured(row: dict[str, float], policy: str) -> float | None:
    """Return the share of perfect-foresight savings a policy captured."""
    possible = row["run_now"] - row["perfect"]
    if possible <= 0:
        return None
    return (row["run_now"] - row[policy]) / possible


def print_table(result: dict[str, Any]) -> None:
    """Print costs per appliance and the household total, with shares captured."""
    available = result["forecast_available"]
    rows = dict(result["totals"])
    rows["household"] = {p: sum(r[p] for r in result["totals"].values()) for p in POLICIES}
    print(
        f"{'appliance':<12} {'n':>4} {'run now':>9} {'market':>9} {'mkt+fcst':>9} "
        f"{'perfect':>9} {'market %':>9} {'m+f %':>7}"
    )
    for name, row in rows.items():
        count = result["occurrences"].get(name, sum(result["occurrences"].values()))
        share = captured(row, "market_only")
        forecast = f"{row['market_forecast']:>9.2f}" if available else f"{'n/a':>9}"
        share_f = captured(row, "market_forecast") if available else None
        print(
            f"{name:<12} {count:>4} {row['run_now']:>9.2f} {row['market_only']:>9.2f} "
            f"{forecast} {row['perfect']:>9.2f} "
            f"{'' if share is None else f'{100 * share:.2f}':>9} "
            f"{'n/a' if share_f is None else f'{100 * share_f:.2f}':>7}"
        )
    if not available:
        print("market + forecast: not yet available (no forecaster given)")


def main() -> None:
    """Run the backtest on the chosen price history."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", default="norway:NO_1", help="norway:NO_1 or deepforkit:DE_LU")
    parser.add_argument("--start", type=date.fromisoformat, default=date(2024, 1, 1))
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--output", type=Path, default=Path("artifacts/savings_backtest.json"))
    parser.add_argument("--no-forecast", action="store_true", help="leave out market + forecast")
    args = parser.parse_args()
    kind, zone_name = args.source.split(":")
    exogenous: dict[str, PriceSeries] = {}
    if kind == "norway":
        prices, zone, country = norway(zone_name), ZoneInfo("Europe/Oslo"), "NO"
        exogenous = norway_exogenous(zone_name)
    else:
        prices, zone, country = deepforkit(zone_name), CENTRAL, zone_name[:2]
    forecast_fn = (
        None
        if args.no_forecast
        else shipped_forecast(prices, zone, country, validated_market(zone_name), exogenous)
    )
    result = backtest(prices, zone, args.start, args.days, forecast_fn)
    result["source"] = args.source
    print(f"{args.source}, {args.days} days from {args.start} (costs in EUR at realised prices)")
    print_table(result)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=1))
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
