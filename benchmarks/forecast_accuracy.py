"""Forecast accuracy on the epftoolbox benchmark, side by side with its published forecasts.

For each test period (BE and FR start 2015-01-04, DE 2016-01-04, NP and PJM 2016-12-27) the
static members are trained on every data set cut at that date (nothing of the test period
or later is read), exported through the same checks as the shipped models, and the
integration's forecaster is backtested day-ahead in numpy: the lasso member refits every
day, the static members never do, and the blend weights and bands are recalibrated every
day from the days before, as the integration does. Prints the table, writes JSON and PNG
plots.

Run in the training environment (20 minutes on this two-core machine):

    .venvs/training/bin/python benchmarks/forecast_accuracy.py --out benchmarks/results
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import date, timedelta
import json
import os
from pathlib import Path
import sys
import time
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# LightGBM's OpenMP threads would otherwise spin while waiting, which costs dearly on a
# machine whose two cores are shared.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import matplotlib as mpl

mpl.use("Agg")
from matplotlib import pyplot as plt
import numpy as np

from custom_components.price_optimizer.core.forecast.predictor import Forecaster
from training.__main__ import table
from training.boosting import BoostingConfig
from training.cnn_lstm import NetworkConfig
from training.data import (
    ALL_TRAINING_SETS,
    DEFAULT_DATA_ROOT,
    EPF_MARKETS,
    EPF_TEST_PERIODS,
    load_named,
)
from training.evaluate import (
    Backtest,
    backtest,
    epftoolbox_references,
    metrics_document,
    training_overlap,
)
from training.export import export
from training.train import (
    TrainConfig,
    cutoffs_of,
    load_run,
    member_cutoffs,
    run_training,
    spans_of,
    training_splits,
)

ROW_ORDER = (
    "ours",
    "ours (global blend)",
    "ours (no recalibration)",
    "linear",
    "cnn_lstm",
    "lightgbm",
    "LEAR Ensemble",
    "DNN Ensemble",
    "weekly naive",
)


def groups(markets: list[str]) -> dict[str, list[str]]:
    """Return the markets by the first day of their test period."""
    grouped: dict[str, list[str]] = {}
    for market in markets:
        grouped.setdefault(EPF_TEST_PERIODS[market][0], []).append(market)
    return grouped


def plot_market(result: Backtest, references: dict[str, np.ndarray], out: Path) -> list[str]:
    """Write the three PNGs of one market; return their file names."""
    names = []
    first = max(min(len(result.days) // 2, len(result.days) - 7), 0)
    week = slice(first, first + 7)
    hours = np.arange(len(result.days[week]) * 24)
    figure, axis = plt.subplots(figsize=(11, 4))
    axis.fill_between(
        hours,
        result.lower[week].ravel(),
        result.upper[week].ravel(),
        alpha=0.25,
        label="ours p10-p90",
    )
    axis.plot(hours, result.actual[week].ravel(), color="black", label="actual")
    axis.plot(hours, result.median[week].ravel(), label="ours p50")
    for name, values in references.items():
        axis.plot(hours, values[week].ravel(), linewidth=0.8, label=name)
    axis.set_title(f"{result.market}: day-ahead forecasts, week from {result.days[week.start]}")
    axis.set_xlabel("hour of the week")
    axis.set_ylabel("price per MWh")
    axis.legend(loc="upper right", fontsize=8)
    figure.tight_layout()
    names.append(f"{result.market}_week.png")
    figure.savefig(out / names[-1], dpi=90)
    plt.close(figure)

    figure, axis = plt.subplots(figsize=(8, 4))
    axis.plot(np.mean(np.abs(result.actual - result.median), axis=0), label="ours")
    for name, values in references.items():
        axis.plot(np.mean(np.abs(result.actual - values), axis=0), label=name)
    axis.set_title(f"{result.market}: MAE by hour of day")
    axis.set_xlabel("hour of day")
    axis.set_ylabel("MAE")
    axis.legend(fontsize=8)
    figure.tight_layout()
    names.append(f"{result.market}_error_by_hour.png")
    figure.savefig(out / names[-1], dpi=90)
    plt.close(figure)

    figure, axis = plt.subplots(figsize=(8, 4))
    inside = (result.actual >= result.lower) & (result.actual <= result.upper)
    axis.bar(np.arange(24), inside.mean(axis=0))
    axis.axhline(0.8, color="black", linestyle="--", label="nominal 80 %")
    axis.set_ylim(0, 1)
    axis.set_title(f"{result.market}: share of actual prices inside p10-p90, by hour")
    axis.set_xlabel("hour of day")
    axis.legend(fontsize=8)
    figure.tight_layout()
    names.append(f"{result.market}_band_coverage.png")
    figure.savefig(out / names[-1], dpi=90)
    plt.close(figure)
    return names


def benchmark_config(test_start: str, args: argparse.Namespace) -> TrainConfig:
    """Return the training configuration of one test period: every data set cut at its start."""
    network = replace(NetworkConfig(), epochs=args.epochs)
    boosting = BoostingConfig()
    if args.quick:
        network = replace(network, channels=8, hidden=8, horizon_embedding=8, head=16, epochs=2)
        boosting = replace(boosting, rounds=20, num_leaves=7, min_data_in_leaf=20)
    return TrainConfig(
        data_sets=tuple(args.data_sets),
        cutoffs=dict.fromkeys(args.data_sets, test_start),
        blend_horizon_hours=24,
        network=network,
        boosting=boosting,
        data_root=str(args.data_root),
    )


def record_cutoffs(args: argparse.Namespace) -> int:
    """Add the members' cut-offs to the saved JSON, rebuilt from the configuration and data.

    A market's cut-offs are written only when they give the very spans it recorded.
    """
    path = args.out / "forecast_accuracy.json"
    saved = json.loads(path.read_text(encoding="utf-8"))
    rows = []
    for document in saved["markets"]:
        test_start = EPF_TEST_PERIODS[document["data_set"]][0]
        splits = training_splits(benchmark_config(test_start, args))
        if spans_of(splits) != document["trained_on"]:
            print(f"{document['data_set']}: the data give other spans", file=sys.stderr)
            return 2
        cutoffs = member_cutoffs(splits)
        document["training_cutoffs"] = cutoffs
        document["training_overlap"] = training_overlap(
            cutoffs, document["test_start"], document["test_end"]
        )
        rows.append(
            {
                "market": document["data_set"],
                "test_start": document["test_start"],
                "latest_read_before": cutoffs["cnn_lstm"]["latest_read_before"],
                "overlap": ", ".join(document["training_overlap"]) or "none",
            }
        )
    path.write_text(json.dumps(saved, indent=2), encoding="utf-8")
    print(table(rows, ["market", "test_start", "latest_read_before", "overlap"]))
    return 0


def main() -> int:
    """Train per test period, backtest, print and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--markets", nargs="+", default=list(EPF_MARKETS))
    parser.add_argument("--data-root", type=Path, default=DEFAULT_DATA_ROOT)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--runs", type=Path, default=Path("artifacts/benchmark-runs"))
    parser.add_argument("--epochs", type=int, default=NetworkConfig.epochs)
    parser.add_argument("--reuse-runs", action="store_true", help="skip training when a run exists")
    parser.add_argument("--no-progress", action="store_true")
    parser.add_argument(
        "--print-only", action="store_true", help="print the table of an earlier run's JSON"
    )
    parser.add_argument(
        "--record-cutoffs",
        action="store_true",
        help="add each member's training cut-offs to an earlier run's JSON, from the data",
    )
    parser.add_argument(
        "--data-sets",
        nargs="+",
        default=list(ALL_TRAINING_SETS),
        help="train on these (a short run; the published table trains on all)",
    )
    parser.add_argument("--quick", action="store_true", help="tiny models (a short run)")
    parser.add_argument(
        "--test-days", type=int, help="backtest only the first days of each test period"
    )
    args = parser.parse_args()
    if args.record_cutoffs:
        return record_cutoffs(args)
    if args.print_only:
        saved = json.loads((args.out / "forecast_accuracy.json").read_text(encoding="utf-8"))
        for document in saved["markets"]:
            print_market(document)
        print(markdown(saved["markets"]))
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    progress = not args.no_progress
    documents: list[dict[str, Any]] = []
    timings: dict[str, float] = {}
    for test_start, markets in groups(args.markets).items():
        run_dir = args.runs / f"cutoff-{test_start}"
        began = time.perf_counter()
        if not (args.reuse_runs and (run_dir / "run.json").exists()):
            run_training(benchmark_config(test_start, args), run_dir, progress)
        report, network, booster = load_run(run_dir)
        export(
            report,
            network,
            booster,
            run_dir / "models",
            # The reference files beside the repository's tests belong to the shipped models.
            reference_destination=run_dir / "reference",
            real_inputs=None,
            version=f"benchmark-{test_start}",
        )
        timings[f"train+export cutoff {test_start}"] = time.perf_counter() - began
        forecaster = Forecaster.load(run_dir / "models", prefer_onnx=False)
        for market_name in markets:
            began = time.perf_counter()
            market = load_named(market_name, args.data_root)
            start, end = EPF_TEST_PERIODS[market_name]
            if args.test_days is not None:
                end = (date.fromisoformat(start) + timedelta(days=args.test_days - 1)).isoformat()
            result = backtest(
                forecaster, market, start, end, blend_market=market_name, progress=progress
            )
            references = epftoolbox_references(args.data_root, market_name, result.days)
            document = metrics_document(result, forecaster, market.source, references)
            document["trained_on"] = report["spans"]
            document["training_cutoffs"] = cutoffs_of(report)
            document["plots"] = plot_market(result, references, args.out)
            document["seconds"] = round(time.perf_counter() - began, 1)
            timings[f"backtest {market_name}"] = document["seconds"]
            documents.append(document)
            np.savez_compressed(
                args.out / f"{market_name}_forecasts.npz",
                days=np.array(result.days),
                actual=result.actual,
                median=result.median,
                lower=result.lower,
                upper=result.upper,
                **{f"member_{k}": v for k, v in result.members.items()},
            )
            print_market(document)
    (args.out / "forecast_accuracy.json").write_text(
        json.dumps({"markets": documents, "timings_s": timings}, indent=2), encoding="utf-8"
    )
    print()
    for document in documents:
        print_market(document)
    print(
        table([{"step": k, "seconds": round(v)} for k, v in timings.items()], ["step", "seconds"])
    )
    return 0


SHORT_RECALIBRATION = {
    "ours": (
        "lasso refitted daily; blend weights and bands recalibrated daily from the market's "
        "blend; static members trained once"
    ),
    "ours (global blend)": "as ours, from the blend fitted across all markets",
    "ours (no recalibration)": "as ours, the market's blend and bands kept",
    "linear": "refitted daily",
    "cnn_lstm": "trained once",
    "lightgbm": "trained once",
    "LEAR Ensemble": "recalibrated daily",
    "DNN Ensemble": "recalibrated daily",
    "weekly naive": "none",
}


def markdown(documents: list[dict[str, Any]]) -> str:
    """Return the side-by-side table as Markdown."""
    lines = [
        (
            "| market | model | MAE | rMAE | sMAPE % | RMSE | DM p vs LEAR | p10-p90 coverage "
            "| fitting during the test |"
        ),
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for document in documents:
        for name in ROW_ORDER:
            row = document["metrics"].get(name)
            if row is None:
                continue

            def number(key: str, digits: int = 3, values: dict[str, Any] = row) -> str:
                value = values.get(key)
                return "" if value is None else f"{value:.{digits}f}"

            lines.append(
                f"| {document['data_set']} | {name} | {number('mae')} | {number('rmae')} "
                f"| {number('smape', 2)} | {number('rmse')} | {number('dm_p_value_vs_lear')} "
                f"| {number('coverage_p10_p90')} | {SHORT_RECALIBRATION.get(name, '')} |"
            )
    return "\n".join(lines)


def print_market(document: dict[str, Any]) -> None:
    """Print one market's rows."""
    rows = []
    for name in ROW_ORDER:
        values = document["metrics"].get(name)
        if values is not None:
            rows.append({"market": document["data_set"], "model": name, **values})
    print(
        table(
            rows,
            [
                "market",
                "model",
                "mae",
                "rmae",
                "smape",
                "rmse",
                "dm_p_value_vs_lear",
                "coverage_p10_p90",
                "recalibration",
            ],
        )
    )


if __name__ == "__main__":
    sys.exit(main())
