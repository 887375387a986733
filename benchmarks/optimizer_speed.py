"""Solve time and optimality gap of the appliance MILP on real quarter-hour prices.

Instances: days of real NO1 15-minute day-ahead prices (October-December
2025), every appliance free to run any time of its window, and a household
limit low enough to bind (checked: the plan without a limit exceeds it).
The "6 x 96 capacity" scenario adds Elvia's capacity steps (Oslo) with the
month so far, and a real household's base load (see household_load.py).
The "battery + solar" scenarios add that household's own PV, metered hourly on
the same calendar day of 2016 (residential4.py), a 10 kWh / 5 kW battery at
half charge, and export at the spot price; the limit then bounds import.

    scripts/in-venv ha-newest python -m benchmarks.optimizer_speed [--days N] [--repeats R]

prints a table and writes benchmarks/results/optimizer_speed.json.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import cache
import json
import math
import os
from pathlib import Path
import statistics
import time
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from custom_components.price_optimizer.core.optimizer import Appliance, PlanRequest, preset
from custom_components.price_optimizer.core.optimizer.battery import Battery
from custom_components.price_optimizer.core.optimizer.milp import Backend, solve
from custom_components.price_optimizer.core.optimizer.problem import (
    DEFAULT_TIME_LIMIT,
    Problem,
    build_problem,
)
from custom_components.price_optimizer.core.optimizer.solution import total_load
from custom_components.price_optimizer.core.prices import PriceSeries
from custom_components.price_optimizer.core.solar import MeasuredSolar
from custom_components.price_optimizer.core.tariffs.base_load import BaseLoadProfile

from .household_load import OSLO, base_load, capacity_terms, hourly_consumption
from .prices import norway
from .residential4 import hourly_rises

FIRST_DAY = datetime(2025, 9, 30, 22, tzinfo=UTC)  # 2025-10-01 00:00 in Oslo
QUARTER = timedelta(minutes=15)
BATTERY = Battery(
    "Home battery",
    capacity_kwh=10.0,
    soc=0.5,
    max_charge_kw=5.0,
    max_discharge_kw=5.0,
    charge_efficiency=0.95,
    discharge_efficiency=0.95,
    wear_cost=0.02,
)


@dataclass(frozen=True)
class Scenario:
    """A household size on a horizon of quarter-hours with binding limits."""

    name: str
    appliances: int
    slots: int
    # None plans without a household limit.
    limits: tuple[float | None, ...]
    # Fewer days for the large ones: each may run into the time limit.
    share_of_days: float
    # Plan on a capacity charge over a real household's base load.
    charged: bool = False
    # Plan with the household's solar, a battery and export.
    energy: bool = False


SCENARIOS = (
    Scenario("6 x 96", 6, 96, (9.0, 10.0, 11.0), 1.0),
    Scenario("6 x 96 capacity", 6, 96, (10.0, 11.0, 12.0), 1.0, charged=True),
    Scenario("6 x 96 battery + solar", 6, 96, (None,), 1.0, energy=True),
    Scenario("6 x 192 battery + solar", 6, 192, (None,), 1.0, energy=True),
    Scenario("6 x 96 battery + solar, limit", 6, 96, (9.0, 11.0), 1.0, energy=True),
    Scenario("12 x 192", 12, 192, (14.0, 16.0), 0.25),
    Scenario("20 x 192", 20, 192, (20.0, 24.0), 0.25),
)


def household(count: int, start: datetime, end: datetime) -> list[Appliance]:
    """Return ``count`` appliances: the six designed kinds, then more of them with own windows."""
    kinds = ("dishwasher", "washing_machine", "dryer", "ev_charger", "pool_pump", "water_heater")
    span = end - start
    appliances = []
    for number in range(count):
        kind = kinds[number % len(kinds)]
        lap = number // len(kinds)
        # Later copies get staggered windows, as a second car or a second heater would.
        earliest = start + lap * span / 8
        deadline = end - lap * span / 10
        changes: dict[str, Any] = {}
        if kind == "ev_charger" and lap:
            changes = {"duration": None, "energy_kwh": 20.0}
        appliances.append(
            preset(
                kind,  # type: ignore[arg-type]
                f"{kind}_{lap}",
                f"{kind} {lap}",
                daily_ready_by=None,
                earliest_start=earliest,
                deadline=deadline,
                **changes,
            )
        )
    return appliances


def instance(prices: PriceSeries, scenario: Scenario, day: int, limit: float | None) -> Problem:
    """Return the problem of one scenario on the quarter-hours from ``day``."""
    start = FIRST_DAY + timedelta(days=day)
    end = start + scenario.slots * QUARTER
    window = prices.between(start, end)
    request = PlanRequest(
        prices=window,
        now=start,
        appliances=tuple(household(scenario.appliances, start, end)),
        household_limit_kw=limit,
    )
    if scenario.charged:
        house, _ = _household()
        local_day = start.astimezone(ZoneInfo(OSLO)).date()
        request = replace(
            request, base_load=_base_load(), capacity=capacity_terms(local_day, house)
        )
    if scenario.energy:
        request = replace(
            request,
            base_load=_base_load(),
            solar=_solar(),
            battery=BATTERY,
            export_prices=window,
        )
    return build_problem(request)


@cache
def _solar() -> MeasuredSolar:
    """The household's own PV, nine years on (the prices' days on its 2016 calendar days)."""
    shift = datetime(2025, 1, 1, tzinfo=UTC) - datetime(2016, 1, 1, tzinfo=UTC)
    return MeasuredSolar(
        {
            start + shift: rises["pv"]
            for start, rises in hourly_rises()
            if start.year == 2016 and math.isfinite(rises["pv"]) and rises["pv"] >= 0
        }
    )


@cache
def _household() -> tuple[dict[datetime, float], dict[datetime, float]]:
    return hourly_consumption()


@cache
def _base_load() -> BaseLoadProfile:
    return base_load(_household()[1])


def binding(problem: Problem) -> bool:
    """Return whether the cheapest plan without a limit would exceed the limit."""
    if problem.limit_kw is None:
        return False
    if problem.energy is not None:
        unlimited = replace(problem.energy, import_limit_kw=None)
        free, _ = solve(replace(problem, limit_kw=None, energy=unlimited))
        assert free is not None
        assert free.energy is not None
        drawn = free.energy.grid_import / problem.grid.hours
        return bool(np.any(drawn > problem.limit_kw + 1e-6))
    free, _ = solve(replace(problem, limit_kw=None))
    assert free is not None
    return bool(np.any(total_load(problem, free) > problem.limit_kw + 1e-6))


def measure(problem: Problem, backend: Backend, repeats: int, time_limit: float) -> dict[str, Any]:
    """Solve ``repeats`` times (including building the model); return medians and the worst gap.

    Wall time is what a user waits; CPU time of this process is shown beside it
    because the machine may be shared, and a busy machine stretches wall time.
    A plan stopped by the time limit may differ from one repeat to the next: an
    instance counts as proven optimal only if every repeat proved it, and its
    gap is the largest of the repeats.
    """
    seconds = []
    cpu_seconds = []
    reports = []
    for _ in range(repeats):
        started, cpu_started = time.perf_counter(), time.process_time()
        _, report = solve(problem, backend, time_limit)
        seconds.append(time.perf_counter() - started)
        cpu_seconds.append(time.process_time() - cpu_started)
        reports.append(report)
    gaps = [report.gap for report in reports]
    return {
        "median_ms": 1000 * statistics.median(seconds),
        "max_ms": 1000 * max(seconds),
        "cpu_median_ms": 1000 * statistics.median(cpu_seconds),
        "status": "optimal" if all(r.status == "optimal" for r in reports) else reports[-1].status,
        "stages": sorted({report.stage for report in reports}),
        "gap": None if None in gaps else max(gap for gap in gaps if gap is not None),
        "reports": [report.as_dict() for report in reports],
    }


def main() -> None:
    """Run every scenario and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=20, help="days per scenario and limit")
    parser.add_argument("--repeats", type=int, default=5, help="solves per instance")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=DEFAULT_TIME_LIMIT,
        help="seconds per solve (default: what plan() uses)",
    )
    parser.add_argument("--backend", default="highs", choices=["highs", "pulp_highs", "cbc"])
    parser.add_argument(
        "--scenario",
        action="append",
        choices=[scenario.name for scenario in SCENARIOS],
        help="run only this scenario (repeatable; default: all)",
    )
    parser.add_argument(
        "--output", type=Path, default=Path("benchmarks/results/optimizer_speed.json")
    )
    args = parser.parse_args()
    prices = norway("NO_1", since=FIRST_DAY)
    results: dict[str, Any] = {
        "backend": args.backend,
        "repeats": args.repeats,
        "time_limit": args.time_limit,
        "load_before": os.getloadavg(),
        "scenarios": [],
    }
    print(f"load average {_load()}, {os.cpu_count()} cores, time limit {args.time_limit} s")
    print(
        f"{'scenario':<30} {'n':>4} {'binding':>8} {'median ms':>10} {'p90 ms':>8} "
        f"{'max ms':>8} {'cpu med':>8} {'optimal':>8} {'med gap':>9} {'max gap':>9}",
        flush=True,
    )
    for scenario in SCENARIOS:
        if args.scenario and scenario.name not in args.scenario:
            continue
        rows = []
        days = max(round(args.days * scenario.share_of_days), 1)
        step = max(88 // days, 1)
        for day in range(0, 88, step)[:days]:
            for limit in scenario.limits:
                problem = instance(prices, scenario, day, limit)
                row = measure(problem, args.backend, args.repeats, args.time_limit)
                row.update(day=day, limit_kw=limit, binding=binding(problem))
                rows.append(row)
        times = sorted(row["median_ms"] for row in rows)
        # A plan without a gap (none found in time) counts as unbounded.
        gaps = sorted(float("inf") if row["gap"] is None else row["gap"] for row in rows)
        optimal = sum(row["status"] == "optimal" for row in rows)
        summary = {
            "scenario": scenario.name,
            "instances": len(rows),
            "binding": sum(row["binding"] for row in rows),
            "median_ms": statistics.median(times),
            "p90_ms": times[int(0.9 * (len(times) - 1))],
            "max_ms": times[-1],
            "cpu_median_ms": statistics.median(row["cpu_median_ms"] for row in rows),
            "proven_optimal": optimal,
            "median_gap": statistics.median(gaps),
            "max_gap": gaps[-1],
            "load_after": os.getloadavg(),
            "slowest_solve_ms": max(row["max_ms"] for row in rows),
            "rows": rows,
        }
        results["scenarios"].append(summary)
        print(
            f"{scenario.name:<30} {len(rows):>4} {summary['binding']:>8} "
            f"{summary['median_ms']:>10.1f} {summary['p90_ms']:>8.1f} {summary['max_ms']:>8.1f} "
            f"{summary['cpu_median_ms']:>8.1f} {optimal:>4}/{len(rows):<3} "
            f"{summary['median_gap']:>9.2g} {summary['max_gap']:>9.2g}",
            flush=True,
        )
    print(f"load average {_load()}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=1))
    print(f"wrote {args.output}")


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
