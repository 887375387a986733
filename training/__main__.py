"""Command line: ``python -m training {train,evaluate,export,record-cutoffs}``."""

from __future__ import annotations

import argparse
from dataclasses import replace
import json
import os
from pathlib import Path
import sys
import time
from typing import TYPE_CHECKING, Any

# One BLAS thread per process: the lasso's small products run faster so on two shared cores.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# LightGBM's OpenMP threads would otherwise spin while waiting, which costs dearly on a
# machine whose two cores are shared.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np

from custom_components.price_optimizer.core.forecast import MODELS_DIR
from custom_components.price_optimizer.core.forecast.linear import LinearConfig
from custom_components.price_optimizer.core.forecast.markets import validated_market

from .boosting import BoostingConfig
from .cnn_lstm import NetworkConfig
from .data import (
    ALL_TRAINING_SETS,
    DEFAULT_DATA_ROOT,
    EPF_MARKETS,
    EPF_TEST_PERIODS,
    load_csv,
    load_named,
)

if TYPE_CHECKING:
    from custom_components.price_optimizer.core.forecast.predictor import Forecaster


def table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """Return a plain text table."""

    def cell(value: Any) -> str:
        if isinstance(value, float):
            return f"{value:.4g}" if abs(value) < 1e-3 and value != 0 else f"{value:.3f}"
        return str(value)

    body = [[cell(row.get(column, "")) for column in columns] for row in rows]
    widths = [
        max(len(column), *(len(line[i]) for line in body)) for i, column in enumerate(columns)
    ]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in body]
    return "\n".join(lines)


def train_command(args: argparse.Namespace) -> int:
    """Train the static members and fit the blend; save a run directory."""
    from .train import TrainConfig, run_training  # noqa: PLC0415

    cutoffs: dict[str, str] = {}
    if args.epf_test_cutoffs:
        cutoffs.update({market: EPF_TEST_PERIODS[market][0] for market in EPF_MARKETS})
    for item in args.cutoff:
        name, _, day = item.partition("=")
        cutoffs[name] = day
    network = NetworkConfig(epochs=args.epochs, seed=args.seed)
    boosting = BoostingConfig(rounds=args.lightgbm_rounds, seed=args.seed)
    if args.quick:
        network = replace(network, channels=8, hidden=8, horizon_embedding=8, head=16, epochs=2)
        boosting = replace(boosting, rounds=20, num_leaves=7, min_data_in_leaf=20)
    config = TrainConfig(
        data_sets=tuple(args.data_sets),
        cutoffs=cutoffs,
        validation_days=args.validation_days,
        blend_stride_days=args.blend_stride_days,
        max_history_days=args.max_history_days,
        network=network,
        boosting=boosting,
        linear=LinearConfig(windows=tuple(args.linear_windows)),
        data_root=str(args.data_root),
        seed=args.seed,
    )
    report = run_training(config, args.out, progress=not args.no_progress)
    rows = [
        {"member set": key, "validation MAE / scale": value}
        for key, value in {
            **report["validation_scaled_mae"]["members"],
            **report["validation_scaled_mae"]["blends"],
        }.items()
    ]
    print(table(rows, ["member set", "validation MAE / scale"]))
    weights = [{"blend": key, **blend["weights"]} for key, blend in report["ensemble"].items()]
    print(table(weights, ["blend", "linear", "cnn_lstm", "lightgbm"]))
    timings = [{"step": k, "seconds": round(v, 1)} for k, v in report["timings"].items()]
    print(table(timings, ["step", "seconds"]))
    print(f"samples: {report['samples']}  run saved in {args.out}")
    return 0


def _real_inputs(report: dict[str, Any], count: int = 8) -> tuple[np.ndarray, ...]:
    """Return a few validation samples of the run's first data set."""
    from .dataset import build_samples  # noqa: PLC0415
    from .train import TrainConfig, split_of  # noqa: PLC0415

    config = TrainConfig.from_dict(report["config"])
    split = split_of(load_named(config.data_sets[0], Path(config.data_root)), config)
    samples = build_samples(split.market, split.validation, split.cutoff, progress=False)
    pick = np.linspace(0, len(samples) - 1, count).astype(int)
    return samples.sequence[pick], samples.horizon[pick], samples.tabular[pick]


def export_command(args: argparse.Namespace) -> int:
    """Export a run for the integration after the runtime agreement checks."""
    from .export import REFERENCE_DIR, export  # noqa: PLC0415
    from .train import load_run  # noqa: PLC0415

    report, network, booster = load_run(args.run)
    metrics: dict[str, Any] = {}
    for path in args.metrics:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        if isinstance(document, dict) and "markets" in document:
            document = document["markets"]  # the benchmark's JSON
        for item in document if isinstance(document, list) else [document]:
            # Benchmark rows come from models of the same configuration trained before each
            # test period; the shipped weights themselves have seen those periods.
            metrics[item["data_set"]] = {
                "measured_with_model": item.get("model", {}).get("version"),
                "test_start": item["test_start"],
                "test_end": item["test_end"],
                "metrics": item["metrics"],
            }
    real = None if args.no_real_inputs else _real_inputs(report)
    metadata = export(
        report,
        network,
        booster,
        args.to,
        reference_destination=args.reference_to or REFERENCE_DIR,
        real_inputs=real,
        version=args.version,
        metrics=metrics,
    )
    agreement = metadata["runtime_agreement"]
    print(table([{"check": k, "value": v} for k, v in agreement.items()], ["check", "value"]))
    rows = [
        {"artifact": name, "bytes": item["bytes"], "sha256": item["sha256"][:16]}
        for name, item in metadata["artifacts"].items()
    ]
    print(table(rows, ["artifact", "bytes", "sha256"]))
    print(f"exported model {args.version} to {args.to}")
    return 0


def served_market(forecaster: Forecaster, name: str) -> str | None:
    """Return the market whose blend serves ``name``: a training market or a bidding zone.

    A bidding zone (``NO1``, ``DE-LU`` ...) resolves as the integration resolves its area.
    """
    if name in forecaster.market_blends:
        return name
    market = validated_market(name)
    return market if market in forecaster.market_blends else None


def evaluate_command(args: argparse.Namespace) -> int:
    """Backtest day-ahead on one data set and write the metrics JSON."""
    from custom_components.price_optimizer.core.forecast.predictor import Forecaster  # noqa: PLC0415

    from .evaluate import backtest, epftoolbox_references, metrics_document  # noqa: PLC0415

    if args.csv is not None:
        if not (args.time_column and args.price_column and args.test_start and args.test_end):
            print(
                "--csv needs --time-column, --price-column, --test-start and --test-end",
                file=sys.stderr,
            )
            return 2
        market = load_csv(
            args.csv,
            time_column=args.time_column,
            price_column=args.price_column,
            exogenous_columns=args.exog_columns,
            timezone=args.timezone,
            country=args.country,
        )
    else:
        market = load_named(args.data_set, args.data_root)
    start, end = args.test_start, args.test_end
    if market.name in EPF_TEST_PERIODS:
        start = start or EPF_TEST_PERIODS[market.name][0]
        end = end or EPF_TEST_PERIODS[market.name][1]
    if not (start and end):
        print("--test-start and --test-end are required for this data set", file=sys.stderr)
        return 2
    forecaster = Forecaster.load(args.models, prefer_onnx=args.runtime == "onnx")
    blend_market = market.name if args.csv is None else None
    if args.market is not None:
        blend_market = served_market(forecaster, args.market)
        if blend_market is None:
            known = ", ".join(sorted(forecaster.market_blends))
            print(f"--market {args.market} has no blend; choose from {known}", file=sys.stderr)
            return 2
    began = time.perf_counter()
    result = backtest(
        forecaster, market, start, end, blend_market=blend_market, progress=not args.no_progress
    )
    references = None
    if market.name in EPF_MARKETS and args.csv is None:
        references = epftoolbox_references(args.data_root, market.name, result.days)
    document = metrics_document(result, forecaster, market.source, references)
    document["seconds"] = round(time.perf_counter() - began, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, indent=2), encoding="utf-8")
    rows = [{"model": name, **values} for name, values in document["metrics"].items()]
    print(
        table(
            rows,
            ["model", "mae", "rmae", "smape", "rmse", "coverage_p10_p90", "dm_p_value_vs_lear"],
        )
    )
    print(
        f"{market.name} {document['test_start']}..{document['test_end']}, "
        f"blend {document['model']['blend']}: wrote {args.out}"
    )
    return 0


def _recorded_splits(args: argparse.Namespace, training: dict[str, Any]) -> list[Any] | None:
    """Return the splits this configuration and data give, if they are the ones recorded."""
    from .train import TrainConfig, spans_of, training_splits  # noqa: PLC0415

    config = TrainConfig(
        data_sets=tuple(training["spans"]),
        cutoffs=dict(item.partition("=")[::2] for item in args.cutoff),
        validation_days=args.validation_days,
        max_history_days=args.max_history_days,
        min_training_days=args.min_training_days,
        data_root=str(args.data_root),
    )
    splits = training_splits(config)
    if spans_of(splits) != training["spans"]:
        print(
            "this configuration and data give other spans than the metadata records",
            file=sys.stderr,
        )
        return None
    return splits


def record_cutoffs_command(args: argparse.Namespace) -> int:
    """Write each member's training cut-offs into exported models' ``metadata.json``.

    For models exported before the export wrote them: the cut-offs are rebuilt from the
    training configuration and the data, and written only if they give the very spans
    the metadata recorded.
    """
    from custom_components.price_optimizer.core.forecast.predictor import METADATA_FILE  # noqa: PLC0415

    from .train import member_cutoffs  # noqa: PLC0415

    path = args.models / METADATA_FILE
    metadata = json.loads(path.read_text(encoding="utf-8"))
    training = metadata["training"]
    splits = _recorded_splits(args, training)
    if splits is None:
        return 2
    cutoffs = member_cutoffs(splits)
    # Keep the cut-offs beside the spans they explain.
    metadata["training"] = {
        "spans": training["spans"],
        "cutoffs": cutoffs,
        **{key: value for key, value in training.items() if key not in {"spans", "cutoffs"}},
    }
    path.write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    rows = [{"data set": name, **item} for name, item in cutoffs["cnn_lstm"]["data_sets"].items()]
    print(table(rows, ["data set", "from", "fitted_before", "read_before"]))
    print(f"wrote the cut-offs of every member into {path}")
    return 0


def week_ahead_command(args: argparse.Namespace) -> int:
    """Write the lasso's bands up to a week into exported models, or into a run and its models.

    For models exported before training fitted them. With ``--run`` the splits come from
    its configuration and its ``run.json`` keeps the bands, so a new export of it serves a
    week; without, they are rebuilt and checked as ``record-cutoffs`` does.
    """
    from custom_components.price_optimizer.core.forecast.predictor import METADATA_FILE  # noqa: PLC0415

    from .train import TrainConfig, training_splits  # noqa: PLC0415
    from .week_ahead import week_ahead_bands  # noqa: PLC0415

    path = args.models / METADATA_FILE
    metadata = json.loads(path.read_text(encoding="utf-8"))
    if args.run is not None:
        report = json.loads((args.run / "run.json").read_text(encoding="utf-8"))
        splits = training_splits(TrainConfig.from_dict(report["config"]))
    else:
        recorded = _recorded_splits(args, metadata["training"])
        if recorded is None:
            return 2
        splits = recorded
    linear = LinearConfig.from_dict(metadata["linear"])
    bands = week_ahead_bands(linear, splits, workers=args.workers, progress=not args.no_progress)
    if not bands:
        print("no validation origin has a week of prices after it", file=sys.stderr)
        return 2
    metadata.update(bands)
    path.write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    if args.run is not None:
        report.update(bands)
        (args.run / "run.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    week = bands["week_ahead"]
    rows = [
        {
            "day ahead": day + 3,
            "p10 offset": round(float(np.mean(week["lower_offsets"][day * 24 : day * 24 + 24])), 3),
            "p90 offset": round(float(np.mean(week["upper_offsets"][day * 24 : day * 24 + 24])), 3),
        }
        for day in range(len(week["lower_offsets"]) // 24)
    ]
    print(table(rows, ["day ahead", "p10 offset", "p90 offset"]))
    print(
        f"wrote week-ahead bands from {week['origins']} origins "
        f"({len(bands['week_ahead_by_market'])} markets of their own) into {path}"
    )
    return 0


def parser() -> argparse.ArgumentParser:
    """Return the argument parser."""
    main = argparse.ArgumentParser(prog="python -m training", description=__doc__)
    commands = main.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="train the static members and fit the blend")
    train.add_argument("--data-sets", nargs="+", default=list(ALL_TRAINING_SETS))
    train.add_argument("--data-root", type=Path, default=DEFAULT_DATA_ROOT)
    train.add_argument("--cutoff", action="append", default=[], metavar="DATA_SET=YYYY-MM-DD")
    train.add_argument(
        "--epf-test-cutoffs",
        action="store_true",
        help="stop each epftoolbox market before its benchmark test period",
    )
    train.add_argument("--validation-days", type=int, default=364)
    train.add_argument("--blend-stride-days", type=int, default=2)
    train.add_argument("--max-history-days", type=int, default=None)
    train.add_argument("--epochs", type=int, default=NetworkConfig.epochs)
    train.add_argument("--lightgbm-rounds", type=int, default=BoostingConfig.rounds)
    train.add_argument(
        "--linear-windows", type=int, nargs="+", default=list(LinearConfig().windows)
    )
    train.add_argument("--quick", action="store_true", help="tiny models, for smoke tests")
    train.add_argument("--seed", type=int, default=7)
    train.add_argument("--no-progress", action="store_true")
    train.add_argument("--out", type=Path, required=True, help="run directory to write")
    train.set_defaults(handler=train_command)

    export = commands.add_parser("export", help="write the integration's model files")
    export.add_argument("--run", type=Path, required=True, help="run directory from train")
    export.add_argument("--to", type=Path, default=MODELS_DIR)
    export.add_argument(
        "--reference-to",
        type=Path,
        default=None,
        help="folder for the LightGBM model and conformance samples (training/reference_models)",
    )
    export.add_argument("--version", default="1.0.0")
    export.add_argument("--metrics", nargs="*", default=[], help="evaluate outputs to embed")
    export.add_argument("--no-real-inputs", action="store_true")
    export.set_defaults(handler=export_command)

    evaluate = commands.add_parser("evaluate", help="day-ahead backtest of exported models")
    evaluate.add_argument("--models", type=Path, default=MODELS_DIR)
    evaluate.add_argument("--data-set", default="NP")
    evaluate.add_argument("--data-root", type=Path, default=DEFAULT_DATA_ROOT)
    evaluate.add_argument("--csv", type=Path)
    evaluate.add_argument("--time-column")
    evaluate.add_argument("--price-column")
    evaluate.add_argument("--exog-columns", nargs="*", default=[], metavar="[CHANNEL=]COLUMN")
    evaluate.add_argument("--timezone", default="UTC")
    evaluate.add_argument("--country")
    evaluate.add_argument(
        "--market",
        help=(
            "serve this training market's own blend (a name such as nor-epf-NO_1, or a bidding "
            "zone such as NO1, resolved as the integration does); default: the data set's own "
            "blend, or for --csv the global one"
        ),
    )
    evaluate.add_argument("--test-start")
    evaluate.add_argument("--test-end")
    evaluate.add_argument("--runtime", choices=("numpy", "onnx"), default="numpy")
    evaluate.add_argument("--no-progress", action="store_true")
    evaluate.add_argument("--out", type=Path, default=Path("metrics.json"))
    evaluate.set_defaults(handler=evaluate_command)

    record = commands.add_parser(
        "record-cutoffs",
        help="write each member's training cut-offs into exported models' metadata.json",
    )
    record.add_argument("--models", type=Path, default=MODELS_DIR)
    record.add_argument("--data-root", type=Path, default=DEFAULT_DATA_ROOT)
    record.add_argument("--cutoff", action="append", default=[], metavar="DATA_SET=YYYY-MM-DD")
    record.add_argument("--validation-days", type=int, default=364)
    record.add_argument("--max-history-days", type=int, default=None)
    record.add_argument("--min-training-days", type=int, default=120)
    record.set_defaults(handler=record_cutoffs_command)

    week = commands.add_parser(
        "week-ahead", help="write the lasso's bands up to a week into exported models"
    )
    week.add_argument("--models", type=Path, default=MODELS_DIR)
    week.add_argument(
        "--run", type=Path, default=None, help="the run the models came from (its splits)"
    )
    week.add_argument("--data-root", type=Path, default=DEFAULT_DATA_ROOT)
    week.add_argument("--cutoff", action="append", default=[], metavar="DATA_SET=YYYY-MM-DD")
    week.add_argument("--validation-days", type=int, default=364)
    week.add_argument("--max-history-days", type=int, default=None)
    week.add_argument("--min-training-days", type=int, default=120)
    week.add_argument("--workers", type=int, default=2)
    week.add_argument("--no-progress", action="store_true")
    week.set_defaults(handler=week_ahead_command)
    return main


def main(argv: list[str] | None = None) -> int:
    """Run one command."""
    args = parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
