"""The refitted lasso alone on each epftoolbox market's validation year, for choosing its settings.

The validation year is the 364 days before the market's test period (the same year the
training run holds out for the blend), so a setting chosen here has not seen the test.
Every third day is forecast day-ahead exactly as the integration does it (the
forecaster's own history handling, one 24-hour block), and the MAE in the market's
currency per MWh is printed per market with its mean change against the first setting.

    .venvs/training/bin/python -m benchmarks.lasso_validation \
        --setting path_average_share=0 --setting path_average_share=0.5

Each ``--setting`` is a list of ``LinearConfig`` fields (``name=value``, comma
separated; tuples as ``windows=56/84/728``). Writes benchmarks/results/lasso_validation.json.

``--gaps`` removes exogenous values before scoring, the same ones for every setting, to
compare ways of handling missing inputs: ``month-end`` drops the last local hour of every
month in every channel; ``runs:N`` drops, in each channel, runs of 1 to N hours starting
at random (seeded) hours, two a month on average.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
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
import pandas as pd

from custom_components.price_optimizer.core.forecast import MODELS_DIR
from custom_components.price_optimizer.core.forecast.linear import LinearConfig
from custom_components.price_optimizer.core.forecast.predictor import METADATA_FILE, Forecaster
from training.__main__ import table
from training.data import (
    DEFAULT_DATA_ROOT,
    EPF_MARKETS,
    EPF_TEST_PERIODS,
    WALL_CLOCK,
    Market,
    load_named,
)
from training.dataset import midnight_origins
from training.evaluate import DAY
from training.train import TrainConfig


def parse_setting(text: str) -> LinearConfig:
    """Return the default ``LinearConfig`` with the fields of ``name=value,...`` replaced."""
    fields = LinearConfig().as_dict()
    for item in filter(None, text.split(",")):
        name, _, value = item.partition("=")
        if name not in fields:
            raise argparse.ArgumentTypeError(f"LinearConfig has no field {name!r}")
        fields[name] = value.split("/") if isinstance(fields[name], list) else value
    # from_dict turns the strings into the fields' own types.
    return LinearConfig.from_dict(fields)


GAP_RUNS_PER_HOUR = 2 / (30 * 24)


def with_gaps(market: Market, pattern: str, seed: int = 0) -> Market:
    """Return ``market`` with exogenous values removed by ``pattern`` (see the module doc)."""
    if pattern == "none":
        return market
    exogenous = {name: values.copy() for name, values in market.exogenous.items()}
    hours = market.hour_starts.size
    if pattern == "month-end":
        zone = "UTC" if market.zone is WALL_CLOCK else str(market.zone)
        local = pd.to_datetime(market.hour_starts, unit="s", utc=True).tz_convert(zone)
        months = np.asarray(local.year * 12 + local.month)
        last = np.flatnonzero(months[1:] != months[:-1])
        for values in exogenous.values():
            values[last] = np.nan
    elif pattern.startswith("runs:"):
        longest = int(pattern.removeprefix("runs:"))
        generator = np.random.default_rng(seed)
        for values in exogenous.values():
            starts = np.flatnonzero(generator.random(hours) < GAP_RUNS_PER_HOUR)
            for start, length in zip(
                starts.tolist(),
                generator.integers(1, longest + 1, starts.size).tolist(),
                strict=True,
            ):
                values[start : start + length] = np.nan
    else:
        raise argparse.ArgumentTypeError(f"unknown gap pattern {pattern!r}")
    return replace(market, exogenous=exogenous)


def validation_mae(
    market: Market, config: LinearConfig, metadata: dict[str, Any], stride_days: int
) -> tuple[float, int]:
    """Return the lasso's day-ahead MAE on the market's validation year and the days scored."""
    # Only the lasso runs here; the static members are never called.
    forecaster = Forecaster({**metadata, "linear": config.as_dict()}, None, None, "numpy")
    cutoff = market.position_of(EPF_TEST_PERIODS[market.name][0])
    origins = midnight_origins(market)
    first_validation = cutoff - TrainConfig.validation_days * DAY
    origins = origins[(origins >= first_validation) & (origins + DAY <= cutoff)]
    history = forecaster.history_hours_wanted
    errors = []
    for origin in origins[::stride_days]:
        actual = market.prices[origin : origin + DAY]
        if not np.isfinite(actual).all():
            continue
        first = max(origin - history, 0)
        exogenous = {
            name: values[first : origin + DAY] for name, values in market.exogenous.items()
        }
        forecast = forecaster.linear_forecast(
            int(market.hour_starts[origin]),
            market.prices[first:origin],
            exogenous,
            market.zone,
            blocks=1,
        )
        if forecast is not None:
            errors.append(float(np.mean(np.abs(forecast.prices[:DAY] - actual))))
    return float(np.mean(errors)), len(errors)


def main() -> int:
    """Score every setting on every market, print the table and write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setting", action="append", type=parse_setting, default=[])
    parser.add_argument("--markets", nargs="+", default=list(EPF_MARKETS))
    parser.add_argument("--stride-days", type=int, default=3)
    parser.add_argument("--gaps", default="none", help="none, month-end or runs:N")
    parser.add_argument(
        "--output", type=Path, default=Path("benchmarks/results/lasso_validation.json")
    )
    args = parser.parse_args()
    settings: list[LinearConfig] = args.setting or [LinearConfig()]
    metadata = json.loads((MODELS_DIR / METADATA_FILE).read_text(encoding="utf-8"))
    markets = [with_gaps(load_named(name, DEFAULT_DATA_ROOT), args.gaps) for name in args.markets]
    rows = []
    for config in settings:
        row: dict[str, Any] = {"setting": config.as_dict()}
        began = time.perf_counter()
        for market in markets:
            row[market.name], row[f"{market.name}_days"] = validation_mae(
                market, config, metadata, args.stride_days
            )
        row["seconds"] = round(time.perf_counter() - began, 1)
        rows.append(row)
    first = rows[0]
    for row in rows:
        change = np.mean([row[m] / first[m] - 1.0 for m in args.markets])
        row["mean_change_pct"] = round(100.0 * float(change), 2)
    printed = [
        {
            "setting": " ".join(
                f"{key}={value}"
                for key, value in row["setting"].items()
                if value != LinearConfig().as_dict()[key]
            )
            or "default",
            **{market: row[market] for market in args.markets},
            "mean change %": row["mean_change_pct"],
            "seconds": row["seconds"],
        }
        for row in rows
    ]
    print(table(printed, ["setting", *args.markets, "mean change %", "seconds"]))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps({"stride_days": args.stride_days, "gaps": args.gaps, "rows": rows}, indent=2),
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
