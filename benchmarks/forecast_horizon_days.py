"""Forecast accuracy per day ahead, one to seven, on the epftoolbox test periods.

For each market, the models that ``benchmarks/forecast_accuracy`` trained before its test
period (``artifacts/benchmark-runs``; nothing of the test period or later was read) forecast
a week from every midnight of the test period (``--stride-days`` thins them for a short
run), from what was known the evening before: the prices so far and the exogenous day-ahead
forecasts of the first day only. Days 1 and 2 are the blend, days 3 to 7 the lasso alone with
its validation-year bands (``python -m training week-ahead``). Each day ahead gets the MAE,
the share of prices inside
the p10-p90 band, as shipped and as recalibrated from the earlier forecasts' scores (the
integration's ``Recalibration``, scoring each forecast's hours as later origins publish them),
and the MAE of weekly naive (the same hour of the last known week).

Run in the training environment (about 8 minutes on this two-core machine, after the
benchmark runs exist and carry their week-ahead bands):

    .venvs/training/bin/python benchmarks/forecast_horizon_days.py --out benchmarks/results
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor
import json
import os
from pathlib import Path
import sys
import time
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from custom_components.price_optimizer.core.forecast.features import WEEK_HORIZON_HOURS
from custom_components.price_optimizer.core.forecast.predictor import Forecaster
from custom_components.price_optimizer.core.forecast.recalibration import Recalibration
from training.__main__ import table
from training.data import DEFAULT_DATA_ROOT, EPF_MARKETS, EPF_TEST_PERIODS, load_named
from training.dataset import midnight_origins

DAY = 24
DAYS = WEEK_HORIZON_HOURS // DAY


def backtest_week(
    market_name: str, runs: Path, data_root: Path, stride_days: int
) -> dict[str, Any]:
    """Return the per-day-ahead scores of one market's test period."""
    test_start, test_end = EPF_TEST_PERIODS[market_name]
    forecaster = Forecaster.load(runs / f"cutoff-{test_start}" / "models", prefer_onnx=False)
    if forecaster.max_horizon_hours < WEEK_HORIZON_HOURS:
        raise SystemExit(f"the models of cutoff-{test_start} carry no week-ahead bands")
    market = load_named(market_name, data_root)
    first = market.index_of(test_start)
    last = market.index_of(test_end) + DAY
    origins = midnight_origins(market)
    origins = origins[(origins >= first) & (origins + WEEK_HORIZON_HOURS <= last)][::stride_days]
    history = forecaster.history_hours_wanted
    names = sorted(market.exogenous)
    recalibration = Recalibration()
    scored_until = None
    rows: dict[str, list[np.ndarray]] = {
        key: [] for key in ("actual", "median", "lower", "upper", "static_lower", "static_upper")
    }
    rows["naive"] = []
    began = time.perf_counter()
    for origin in origins:
        actual = market.prices[origin : origin + WEEK_HORIZON_HOURS]
        if not np.isfinite(actual).all():
            continue
        hour_start = int(market.hour_starts[origin])
        if scored_until is not None:
            recalibration.score(
                int(market.hour_starts[scored_until]), market.prices[scored_until:origin]
            )
        scored_until = origin
        start = max(origin - history, 0)
        exogenous = {}
        for name in names:
            values = market.exogenous[name][start : origin + WEEK_HORIZON_HOURS].copy()
            values[origin - start + DAY :] = np.nan  # day-ahead forecasts of the first day only
            exogenous[name] = values
        medians, features, windows, missing = forecaster.member_forecasts(
            hour_start,
            market.prices[start:origin],
            exogenous,
            zone=market.zone,
            country=market.country,
            horizon_hours=WEEK_HORIZON_HOURS,
        )
        served = {
            kind: forecaster.combine(
                hour_start,
                medians,
                features.scaling,
                windows=windows,
                missing=missing,
                horizon_hours=WEEK_HORIZON_HOURS,
                market=market_name,
                recalibration=calibration,
            )
            for kind, calibration in (("recalibrated", recalibration), ("static", None))
        }
        result = served["recalibrated"]
        if result.median.size < WEEK_HORIZON_HOURS:
            continue  # the lasso did not serve: the forecast stops at two days
        rows["actual"].append(actual)
        rows["median"].append(result.median)
        rows["lower"].append(result.lower)
        rows["upper"].append(result.upper)
        rows["static_lower"].append(served["static"].lower)
        rows["static_upper"].append(served["static"].upper)
        week_before = market.prices[origin - WEEK_HORIZON_HOURS : origin]
        rows["naive"].append(week_before)
    arrays = {key: np.array(values).reshape(-1, DAYS, DAY) for key, values in rows.items()}
    actual = arrays["actual"]

    def inside(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
        return ((lower <= actual) & (actual <= upper)).mean(axis=(0, 2))

    mae = np.abs(arrays["median"] - actual).mean(axis=(0, 2))
    naive = np.nanmean(np.abs(arrays["naive"] - actual), axis=(0, 2))
    coverage = inside(arrays["lower"], arrays["upper"])
    static_coverage = inside(arrays["static_lower"], arrays["static_upper"])
    return {
        "market": market_name,
        "test_start": test_start,
        "test_end": test_end,
        "origins": int(actual.shape[0]),
        "seconds": round(time.perf_counter() - began, 1),
        "days": [
            {
                "day": day + 1,
                "members": "blend" if (day + 1) * DAY <= 48 else "lasso",
                "mae": round(float(mae[day]), 3),
                "weekly_naive_mae": round(float(naive[day]), 3),
                "coverage": round(float(coverage[day]), 3),
                "coverage_no_recalibration": round(float(static_coverage[day]), 3),
            }
            for day in range(DAYS)
        ],
    }


def main() -> int:
    """Backtest every market, print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--runs", type=Path, default=Path("artifacts/benchmark-runs"))
    parser.add_argument("--data-root", type=Path, default=DEFAULT_DATA_ROOT)
    parser.add_argument("--markets", nargs="+", default=list(EPF_MARKETS))
    parser.add_argument("--stride-days", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        documents = list(
            pool.map(
                backtest_week,
                args.markets,
                [args.runs] * len(args.markets),
                [args.data_root] * len(args.markets),
                [args.stride_days] * len(args.markets),
            )
        )
    rows = [
        {
            "market": document["market"],
            "day": item["day"],
            "members": item["members"],
            "MAE": item["mae"],
            "weekly naive": item["weekly_naive_mae"],
            "coverage": item["coverage"],
            "coverage kept": item["coverage_no_recalibration"],
        }
        for document in documents
        for item in document["days"]
    ]
    print(
        table(
            rows,
            ["market", "day", "members", "MAE", "weekly naive", "coverage", "coverage kept"],
        )
    )
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "forecast_horizon_days.json"
    path.write_text(
        json.dumps({"stride_days": args.stride_days, "markets": documents}, indent=2) + "\n",
        encoding="utf-8",
    )
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
