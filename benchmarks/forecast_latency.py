"""Time and memory of one forecast, numpy and ONNX Runtime, on one core, on real prices.

Each runtime runs in its own child process, pinned to one core with one thread for BLAS,
OpenMP and ONNX Runtime (opened with one intra-op thread), so that load time and resident
memory are its own. Per scenario (real prices, see ``SCENARIOS``) it measures, as CPU time
(what the core spends; the machine may be shared) and on the clock:

- ``warm``: ``Forecaster.predict`` again for the same origin with the same series
  objects: the lasso fit and the hourly means of the series are reused (a refresh that
  passes the series it already holds). The targets, numpy <= 10 ms and ONNX Runtime
  <= 3 ms, are for this median CPU time;
- ``rebuilt``: the same, but each call gets equal series built anew, so every slot is read
  again (a refresh that rebuilds its series);
- ``cold``: the first forecast of a new origin, the lasso refit included. The integration
  forecasts when new prices or input forecasts arrive, so most of its forecasts are cold
  ones, once or twice a day, in the executor;
- ``recalibration``: every forecast is recalibrated as in the integration, from the
  forecasts of the ``WINDOW_DAYS`` origins before the measured ones (made first, not
  timed). A cold forecast scores the day before and so refits the blend weights and band
  widths; ``recalibration_refit`` times that refit alone;
- peak memory of one warm and one cold forecast: numpy's and Python's allocations
  (tracemalloc) and the growth of the resident set (peak RSS, which also sees ONNX
  Runtime's own allocations);
- ``Forecaster.load``: the first load (with its imports) and the median of later ones.

Run it in the Home Assistant environment for the numpy path as the integration runs it
(onnxruntime cannot be installed there), and in the training environment for ONNX Runtime:

    scripts/in-venv ha-newest python -m benchmarks.forecast_latency
    .venvs/training/bin/python -m benchmarks.forecast_latency --runtime onnx

Each prints a table and writes benchmarks/results/forecast_latency_<runtimes>.json
(``--output``). The load average is recorded before and after: on a shared machine the
clock times are only as quiet as the machine.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
import gc
import json
import os
from pathlib import Path
import platform
import subprocess
import sys
import time
import tracemalloc
from typing import Any
from zoneinfo import ZoneInfo

# Before numpy is imported anywhere: one thread for every math library.
for _variable in (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
):
    os.environ[_variable] = "1"

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import numpy as np  # noqa: E402

from benchmarks.prices import NORWAY, norway  # noqa: E402
from custom_components.price_optimizer.core.forecast import MODELS_DIR  # noqa: E402
from custom_components.price_optimizer.core.forecast.onnx import onnx_runtime_available  # noqa: E402
from custom_components.price_optimizer.core.forecast.predictor import (  # noqa: E402
    Forecast,
    Forecaster,
    blend_key,
)
from custom_components.price_optimizer.core.forecast.recalibration import WINDOW_DAYS, Recalibration  # noqa: E402
from custom_components.price_optimizer.core.prices import PriceSeries, PriceSlot  # noqa: E402
from custom_components.price_optimizer.core.sources.replay import DATA_ZONE, load_table  # noqa: E402

RUNTIMES = ("numpy", "onnx")
RESULTS_DIR = Path(__file__).resolve().parent / "results"
HOUR = timedelta(hours=1)
OSLO = ZoneInfo("Europe/Oslo")
EXOGENOUS_FILES = {
    "load": ("load_forecast_NO_1.csv", ("load_forecast_mw",)),
    "supply": ("wind_solar_forecast_NO_1.csv", ("Solar", "Wind Offshore", "Wind Onshore")),
}


@dataclass(frozen=True)
class Inputs:
    """Everything one ``predict`` call takes."""

    prices: PriceSeries
    exogenous: dict[str, PriceSeries]


@dataclass(frozen=True)
class Scenario:
    """Real prices ending at successive origins (one day apart) in one zone.

    ``inputs(primed, origins)`` returns the ``primed`` origins before the measured ones, then
    ``origins`` measured ones.
    """

    name: str
    description: str
    zone: ZoneInfo
    country: str
    inputs: Callable[[int, int], list[Inputs]]


def replay_de_lu(primed: int, origins: int) -> list[Inputs]:
    """Return 120 days of the bundled DE-LU prices before each origin (hourly, no exogenous)."""
    table = load_table()
    prices = table.prices["DE_LU"]
    first = datetime.combine(table.first_day, datetime.min.time(), DATA_ZONE).astimezone(UTC)
    slots = [PriceSlot(first + index * HOUR, HOUR, price) for index, price in enumerate(prices)]
    days = 120
    return [
        Inputs(PriceSeries(tuple(slots[day * 24 : (days + day) * 24])), {})
        for day in range(primed + origins)
    ]


def _norway_forecasts(since: datetime, until: datetime) -> dict[str, PriceSeries]:
    """Return NO1's day-ahead load and wind+solar forecasts (MW) as series."""
    import csv  # noqa: PLC0415

    series = {}
    for name, (file, columns) in EXOGENOUS_FILES.items():
        rows: list[tuple[datetime, float]] = []
        with (NORWAY.parent / file).open(newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            wanted = [header.index(column) for column in columns]
            for row in reader:
                start = datetime.fromisoformat(row[0]).astimezone(UTC)
                values = [float(row[index]) for index in wanted if row[index]]
                if since <= start < until and values:
                    rows.append((start, sum(values)))
        slots = []
        for (start, value), following in zip(rows, [*rows[1:], None], strict=True):
            end = following[0] if following else start + timedelta(minutes=15)
            slots.append(PriceSlot(start, min(end - start, HOUR), value))
        series[name] = PriceSeries(tuple(slots))
    return series


def norway_no1(first_origin: datetime, primed: int, origins: int) -> list[Inputs]:
    """Return NO1 prices from three years before each origin, with the load and supply forecasts.

    ``first_origin`` is the first measured one. Exogenous forecasts reach two days past the
    origin, as day-ahead forecasts do.
    """
    history = timedelta(days=1100)
    since = first_origin - timedelta(days=primed) - history
    prices = norway("NO_1", since=since).slots
    forecasts = _norway_forecasts(since, first_origin + timedelta(days=origins + 2))
    result = []
    for day in range(-primed, origins):
        origin = first_origin + timedelta(days=day)
        start = origin - history
        known = PriceSeries(tuple(s for s in prices if start <= s.start < origin))
        exogenous = {
            name: PriceSeries(
                tuple(s for s in series.slots if start <= s.start < origin + timedelta(days=2))
            )
            for name, series in forecasts.items()
        }
        result.append(Inputs(known, exogenous))
    return result


SCENARIOS = (
    Scenario(
        "DE-LU 120 d",
        "bundled replay prices, 120 days hourly, no exogenous forecasts (two lasso windows)",
        DATA_ZONE,
        "DE",
        replay_de_lu,
    ),
    Scenario(
        "NO1 3 y",
        "NOR_EPF NO1, 1100 days hourly to 2025-09-01 with load and wind+solar forecasts "
        "(all four lasso windows)",
        OSLO,
        "NO",
        partial(norway_no1, datetime(2025, 8, 31, 22, tzinfo=UTC)),
    ),
    Scenario(
        "NO1 3 y 15-min",
        "NOR_EPF NO1 to 2025-11-15: hourly, then real 15-minute prices since 2025-10-01, "
        "with load and wind+solar forecasts; forecast in 15-minute slots",
        OSLO,
        "NO",
        partial(norway_no1, datetime(2025, 11, 14, 23, tzinfo=UTC)),
    ),
)


def resident_kib(field: str) -> int:
    """Return a ``/proc/self/status`` memory field (VmRSS, VmHWM) in KiB."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def reset_peak_resident() -> None:
    """Let VmHWM start again from the current resident set (Linux: clear_refs 5)."""
    Path("/proc/self/clear_refs").write_text("5", encoding="ascii")


def summary(seconds: list[float]) -> dict[str, float]:
    """Return median, p90, min and max in milliseconds."""
    values = np.array(seconds) * 1000
    return {
        "median_ms": float(np.median(values)),
        "p90_ms": float(np.percentile(values, 90)),
        "min_ms": float(values.min()),
        "max_ms": float(values.max()),
        "runs": int(values.size),
    }


def peak_memory(run: Callable[[], object]) -> dict[str, float]:
    """Return the allocation peak (tracemalloc) and the resident-set growth of ``run``.

    ``run`` is called twice (once per measure), so it must be as costly the second time.
    """
    gc.collect()
    resident = resident_kib("VmRSS")
    reset_peak_resident()
    run()
    resident_peak = resident_kib("VmHWM") - resident
    gc.collect()
    tracemalloc.start()
    run()
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"tracemalloc_peak_mib": traced / 2**20, "rss_peak_growth_mib": resident_peak / 1024}


def rebuilt(case: Inputs) -> Inputs:
    """Return equal inputs in new series objects (new slot tuples, the same slots)."""
    return Inputs(
        PriceSeries((*case.prices.slots,)),
        {name: PriceSeries((*s.slots,)) for name, s in case.exogenous.items()},
    )


def timed(predict: Callable[[Any], object], cases: list[Any]) -> dict[str, Any]:
    """Return wall-clock and CPU time of ``predict`` on each case in turn.

    The machine is shared: a forecast that waits for the core takes longer on the clock but
    not in CPU time, which is what one core spends on it (one thread, so the process's CPU
    time is the forecast's).
    """
    wall, cpu = [], []
    for case in cases:
        started, started_cpu = time.perf_counter(), time.process_time()
        predict(case)
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started)
    return {"wall": summary(wall), "cpu": summary(cpu)}


def timed_refit(
    forecaster: Forecaster, recalibration: Recalibration, forecast: Forecast, runs: int = 20
) -> dict[str, Any]:
    """Return how many hours are scored, and the time of refitting weights and bands on them."""
    members = list(forecast.weights)
    blend = forecaster.blends[blend_key(members)]
    medians = dict.fromkeys(members, np.zeros(0))

    def refit(_: object) -> object:
        fresh = Recalibration(recalibration.pending, recalibration.scored, recalibration.levels)
        return fresh.calibrated(blend.weights, blend.lower_offsets, blend.upper_offsets, medians)

    return {
        "hours": recalibration.scored_hours,
        "timing": timed(refit, [None] * runs),
    }


def measure_runtime(
    runtime: str, scenarios: list[str], warm_runs: int, rebuilds: int, cold: int
) -> dict[str, Any]:
    """Measure one runtime in this process (the child's side)."""
    resident_start = resident_kib("VmRSS")
    started = time.perf_counter()
    forecaster = Forecaster.load(MODELS_DIR, prefer_onnx=runtime == "onnx")
    first_load = time.perf_counter() - started
    if forecaster.runtime != runtime:
        return {"runtime": runtime, "available": False}
    resident_loaded = resident_kib("VmRSS")
    loads = []
    for _ in range(5):
        started = time.perf_counter()
        Forecaster.load(MODELS_DIR, prefer_onnx=runtime == "onnx")
        loads.append(time.perf_counter() - started)
    gc.collect()
    results: dict[str, Any] = {
        "runtime": runtime,
        "available": True,
        "load": {"first_ms": first_load * 1000, **summary(loads)},
        "rss_before_load_mib": resident_start / 1024,
        "rss_load_growth_mib": (resident_loaded - resident_start) / 1024,
        "scenarios": [],
    }
    for scenario in SCENARIOS:
        if scenario.name not in scenarios:
            continue
        try:
            # Origins one day apart: a window of them for the recalibration, the first
            # measured for warm runs, then one per cold run, then two more, unseen, for the
            # memory of a cold forecast.
            primed = scenario.inputs(WINDOW_DAYS, cold + 3)
        except FileNotFoundError as error:
            results["scenarios"].append({"scenario": scenario.name, "skipped": str(error)})
            continue
        recalibration = Recalibration()

        def predict(
            case: Inputs,
            scenario: Scenario = scenario,
            recalibration: Recalibration = recalibration,
        ) -> Forecast:
            return forecaster.predict(
                case.prices,
                scenario.zone,
                scenario.country,
                exogenous=case.exogenous,
                recalibration=recalibration,
            )

        for case in primed[:WINDOW_DAYS]:
            predict(case)
        cases = primed[WINDOW_DAYS:]
        first = predict(cases[0])
        refit = timed_refit(forecaster, recalibration, first)
        warm = timed(predict, [cases[0]] * warm_runs)
        rebuilt_ = timed(predict, [rebuilt(cases[0]) for _ in range(rebuilds)])
        cold_ = timed(predict, cases[1 : cold + 1])
        unseen = iter(cases[cold + 1 :])
        cold_memory = peak_memory(lambda unseen=unseen: predict(next(unseen)))
        warm_memory = peak_memory(partial(predict, cases[0]))
        results["scenarios"].append(
            {
                "scenario": scenario.name,
                "description": scenario.description,
                "price_slots": len(cases[0].prices),
                "exogenous": sorted(cases[0].exogenous),
                "forecast_slots": len(first.slots),
                "members": list(first.members),
                "linear_windows": list(first.linear_windows),
                "recalibration_hours": refit["hours"],
                "recalibration_refit": refit["timing"],
                "warm": warm,
                "rebuilt": rebuilt_,
                "cold": cold_,
                "warm_memory": warm_memory,
                "cold_memory": cold_memory,
            }
        )
    results["rss_peak_mib"] = resident_kib("VmHWM") / 1024
    return results


def load_average() -> list[float]:
    """Return the 1, 5 and 15 minute load averages."""
    return [float(value) for value in Path("/proc/loadavg").read_text().split()[:3]]


def machine() -> dict[str, Any]:
    """Return what the numbers depend on."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    try:
        import onnxruntime  # noqa: PLC0415

        onnxruntime_version: str | None = onnxruntime.__version__
    except ImportError:
        onnxruntime_version = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "onnxruntime": onnxruntime_version,
    }


def target_ms(runtime: str) -> float:
    """Return the issue's target per forecast."""
    return {"numpy": 10.0, "onnx": 3.0}[runtime]


def print_table(results: dict[str, Any]) -> None:
    """Print one row per runtime and scenario: milliseconds per forecast, then MiB."""
    print("ms per forecast: median CPU time (one thread), then median and p90 on the clock")
    print(
        f"{'runtime':<7} {'scenario':<15} {'warm cpu':>8} {'wall':>6} {'p90':>6} "
        f"{'rebuilt cpu':>11} {'wall':>6} {'cold cpu':>8} {'wall':>6} {'target (warm cpu)':>17} "
        f"{'alloc MiB warm/cold':>19} {'RSS+ MiB warm/cold':>18}"
    )
    for run in results["runtimes"]:
        if not run["available"]:
            print(f"{run['runtime']:<7} not available in this environment")
            continue
        for row in run["scenarios"]:
            if "skipped" in row:
                print(f"{run['runtime']:<7} {row['scenario']:<15} skipped: {row['skipped']}")
                continue
            warm, rebuilt_, cold = row["warm"], row["rebuilt"], row["cold"]
            target = target_ms(run["runtime"])
            met = "met" if warm["cpu"]["median_ms"] <= target else "MISSED"
            alloc = (
                f"{row['warm_memory']['tracemalloc_peak_mib']:.1f} / "
                f"{row['cold_memory']['tracemalloc_peak_mib']:.1f}"
            )
            resident = (
                f"{row['warm_memory']['rss_peak_growth_mib']:.1f} / "
                f"{row['cold_memory']['rss_peak_growth_mib']:.1f}"
            )
            print(
                f"{run['runtime']:<7} {row['scenario']:<15} {warm['cpu']['median_ms']:>8.2f} "
                f"{warm['wall']['median_ms']:>6.2f} {warm['wall']['p90_ms']:>6.2f} "
                f"{rebuilt_['cpu']['median_ms']:>11.2f} {rebuilt_['wall']['median_ms']:>6.2f} "
                f"{cold['cpu']['median_ms']:>8.1f} {cold['wall']['median_ms']:>6.1f} "
                f"{f'<={target:g} {met}':>17} {alloc:>19} {resident:>18}"
            )
    print()
    print("recalibration: hours scored before the measured origin, refit ms (CPU, then clock)")
    for run in results["runtimes"]:
        for row in run.get("scenarios", []):
            if "recalibration_refit" in row:
                refit = row["recalibration_refit"]
                print(
                    f"{run['runtime']:<7} {row['scenario']:<15} {row['recalibration_hours']:>5} h "
                    f"{refit['cpu']['median_ms']:>6.2f} {refit['wall']['median_ms']:>6.2f}"
                )
    print()
    print(
        f"{'runtime':<7} {'load first ms':>13} {'load med ms':>11} {'RSS load MiB':>12} "
        f"{'RSS peak MiB':>12}"
    )
    for run in results["runtimes"]:
        if run["available"]:
            print(
                f"{run['runtime']:<7} {run['load']['first_ms']:>13.0f} "
                f"{run['load']['median_ms']:>11.0f} {run['rss_load_growth_mib']:>12.1f} "
                f"{run['rss_peak_mib']:>12.1f}"
            )
    before, after = results["load_average_before"], results["load_average_after"]
    print(
        f"\nload average (1/5/15 min) before {before}, after {after} on "
        f"{results['machine']['cores']} cores; pinned to CPU {results['cpu']}"
    )


def main() -> None:
    """Run each runtime in a child process and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warm", type=int, default=200, help="warm forecasts per scenario")
    parser.add_argument("--rebuilt", type=int, default=30, help="rebuilt-series forecasts")
    parser.add_argument("--cold", type=int, default=7, help="new origins per scenario")
    parser.add_argument("--cpu", type=int, default=None, help="core to pin to (default: last)")
    parser.add_argument(
        "--scenario", action="append", choices=[s.name for s in SCENARIOS], default=None
    )
    parser.add_argument("--runtime", action="append", choices=RUNTIMES, default=None)
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="JSON file (default: benchmarks/results/forecast_latency_<runtimes measured>.json)",
    )
    parser.add_argument("--worker", choices=RUNTIMES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    cpu = max(os.sched_getaffinity(0)) if args.cpu is None else args.cpu
    scenarios = args.scenario or [s.name for s in SCENARIOS]
    if args.worker:
        os.sched_setaffinity(0, {cpu})
        print(
            json.dumps(measure_runtime(args.worker, scenarios, args.warm, args.rebuilt, args.cold))
        )
        return
    results: dict[str, Any] = {
        "machine": machine(),
        "cpu": cpu,
        "threads": {name: os.environ[name] for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")},
        "warm_runs": args.warm,
        "rebuilt_runs": args.rebuilt,
        "cold_runs": args.cold,
        "started": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "load_average_before": load_average(),
        "runtimes": [],
    }
    for runtime in args.runtime or RUNTIMES:
        command = [sys.executable, "-m", "benchmarks.forecast_latency", "--worker", runtime]
        command += ["--warm", str(args.warm), "--rebuilt", str(args.rebuilt)]
        command += ["--cold", str(args.cold), "--cpu", str(cpu)]
        for name in scenarios:
            command += ["--scenario", name]
        if runtime == "onnx" and not onnx_runtime_available():
            results["runtimes"].append({"runtime": runtime, "available": False})
            continue
        child = subprocess.run(  # noqa: S603  (this interpreter, this module)
            command,
            check=True,
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
        results["runtimes"].append(json.loads(child.stdout.splitlines()[-1]))
    results["load_average_after"] = load_average()
    print_table(results)
    measured = "_".join(run["runtime"] for run in results["runtimes"] if run["available"])
    output = args.output or RESULTS_DIR / f"forecast_latency_{measured or 'none'}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
