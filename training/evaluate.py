"""Day-ahead evaluation of the forecast as the integration runs it.

For every day d of the test period the forecaster gets the prices up to the end of d-1
and the exogenous day-ahead forecasts up to the end of d, never later, and forecasts the
24 hours of d. The refitted lasso refits on each day's history; the static members were
trained once before the test period. As in the integration, the blend weights and band
widths are recalibrated from the forecasts of the days before, scored once their prices
are known (``core.forecast.recalibration``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from custom_components.price_optimizer.core.forecast.features import HORIZON_HOURS
from custom_components.price_optimizer.core.forecast.predictor import MEMBERS, Forecaster
from custom_components.price_optimizer.core.forecast.recalibration import Recalibration

from .data import Market
from .dataset import midnight_origins
from .metrics import coverage, diebold_mariano_p_value, summary, weekly_naive_mae

SCHEMA = "price-optimizer/forecast-metrics/1"
DAY = 24
WEEK = 168
# Periods this long take the naive error inside themselves, as the epftoolbox paper does;
# shorter ones need the week before them.
IN_PERIOD_NAIVE_DAYS = 14
GLOBAL_BLEND = "global"
RECALIBRATION = {
    "ours": (
        "static members trained once before the test period; lasso member refitted every day; "
        "blend weights and bands recalibrated every day from the scored days before, starting "
        "from the market's own blend (fitted on its validation year)"
    ),
    "ours (global blend)": (
        "as ours, starting from the blend fitted across all markets (what an unseen zone gets)"
    ),
    "ours (no recalibration)": (
        "as ours, with the market's validation-year blend weights and bands kept unchanged"
    ),
    "linear": "refitted every day on the history before it",
    "cnn_lstm": "trained once before the test period",
    "lightgbm": "trained once before the test period",
    "LEAR Ensemble": "recalibrated every day (published forecasts)",
    "DNN Ensemble": "recalibrated every day (published forecasts)",
    "weekly naive": "no fitting",
}
OURS_WITH_GLOBAL_BLEND = (
    "static members trained once before the test period; lasso member refitted every day; "
    "blend weights and bands recalibrated every day from the scored days before, starting "
    "from the blend fitted across all markets (what a zone without its own blend gets)"
)


@dataclass
class Backtest:
    """Forecasts and actual prices of a test period, [days, 24] each."""

    market: str
    days: list[str]
    actual: np.ndarray
    median: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    members: dict[str, np.ndarray]
    served: dict[str, int]
    runtime: str
    naive: np.ndarray
    global_median: np.ndarray
    blend: str
    static_median: np.ndarray
    static_lower: np.ndarray
    static_upper: np.ndarray
    weights: list[dict[str, float]]


def backtest(
    forecaster: Forecaster,
    market: Market,
    test_start: str,
    test_end: str,
    *,
    blend_market: str | None,
    progress: bool = True,
) -> Backtest:
    """Forecast every day of ``[test_start, test_end]`` from what was known the evening before.

    ``blend_market`` names the training market whose own blend weights serve, as the
    integration's ``market`` argument does; None, or a market without its own blend, gets
    the global blend.
    """
    first = market.index_of(test_start)
    last = market.index_of(test_end) + DAY
    origins = midnight_origins(market)
    origins = origins[(origins >= first) & (origins < last)]
    history = forecaster.history_hours_wanted
    names = sorted(market.exogenous)
    rows: dict[str, list[np.ndarray]] = {
        key: []
        for key in (
            "actual",
            "median",
            "lower",
            "upper",
            "naive",
            "global_median",
            "static_median",
            "static_lower",
            "static_upper",
            *MEMBERS,
        )
    }
    days, served, weights = [], {}, []
    recalibrations = {"market": Recalibration(), "global": Recalibration(), "static": None}
    for origin in tqdm(origins, desc=f"backtest {market.name}", disable=not progress):
        actual = market.prices[origin : origin + DAY]
        if actual.size < DAY or not np.isfinite(actual).all():
            continue
        start = max(origin - history, 0)
        exogenous = {}
        for name in names:
            values = market.exogenous[name][start : origin + HORIZON_HOURS].copy()
            values[origin - start + DAY :] = np.nan  # nothing after the end of day d
            exogenous[name] = values
        medians, features, windows, missing = forecaster.member_forecasts(
            int(market.hour_starts[origin]),
            market.prices[start:origin],
            exogenous,
            zone=market.zone,
            country=market.country,
            horizon_hours=DAY,
        )
        hour_start = int(market.hour_starts[origin])
        combined = {
            blend: forecaster.combine(
                hour_start,
                medians,
                features.scaling,
                windows=windows,
                missing=missing,
                horizon_hours=DAY,
                market=None if blend == "global" else blend_market,
                recalibration=recalibration,
            )
            for blend, recalibration in recalibrations.items()
        }
        for recalibration in recalibrations.values():
            if recalibration is not None:
                recalibration.score(hour_start, actual)
        result = combined["market"]
        rows["global_median"].append(combined["global"].median)
        rows["static_median"].append(combined["static"].median)
        rows["static_lower"].append(combined["static"].lower)
        rows["static_upper"].append(combined["static"].upper)
        rows["actual"].append(actual)
        rows["naive"].append(market.prices[origin - WEEK : origin - WEEK + DAY])
        rows["median"].append(result.median)
        rows["lower"].append(result.lower)
        rows["upper"].append(result.upper)
        for name in MEMBERS:
            rows[name].append(result.member_medians.get(name, np.full(DAY, np.nan)))
        weights.append(dict(result.weights))
        key = "+".join(result.members)
        served[key] = served.get(key, 0) + 1
        days.append(
            datetime.fromtimestamp(int(market.hour_starts[origin]), UTC)
            .astimezone(market.zone)
            .date()
            .isoformat()
        )
    arrays = {key: np.array(values) for key, values in rows.items()}
    return Backtest(
        market=market.name,
        days=days,
        actual=arrays["actual"],
        median=arrays["median"],
        lower=arrays["lower"],
        upper=arrays["upper"],
        members={name: arrays[name] for name in MEMBERS},
        served=served,
        runtime=forecaster.runtime,
        naive=arrays["naive"],
        global_median=arrays["global_median"],
        blend=blend_market if blend_market in forecaster.market_blends else GLOBAL_BLEND,
        static_median=arrays["static_median"],
        static_lower=arrays["static_lower"],
        static_upper=arrays["static_upper"],
        weights=weights,
    )


def metrics_document(
    result: Backtest,
    forecaster: Forecaster,
    source: str,
    references: dict[str, np.ndarray] | None = None,
) -> dict[str, Any]:
    """Return the one JSON schema every data set's metrics use."""
    actual = result.actual
    rows: dict[str, dict[str, Any]] = {}
    if len(result.days) >= IN_PERIOD_NAIVE_DAYS:
        naive = weekly_naive_mae(actual)
    else:
        naive = float(np.mean(np.abs(actual - result.naive)))
    ours = summary(actual, result.median, naive)
    ours["coverage_p10_p90"] = coverage(actual, result.lower, result.upper)
    rows["ours"] = ours
    if not np.allclose(result.global_median, result.median):
        rows["ours (global blend)"] = summary(actual, result.global_median, naive)
    rows["ours (no recalibration)"] = summary(actual, result.static_median, naive)
    rows["ours (no recalibration)"]["coverage_p10_p90"] = coverage(
        actual, result.static_lower, result.static_upper
    )
    for name, values in result.members.items():
        if np.isfinite(values).all():
            rows[name] = summary(actual, values, naive)
    rows["weekly naive"] = {"mae": naive, "rmae": 1.0}
    for name, values in (references or {}).items():
        rows[name] = summary(actual, values, naive)
    lear = (references or {}).get("LEAR Ensemble")
    if lear is not None:
        for name, row in rows.items():
            if name in {"weekly naive", "LEAR Ensemble"}:
                continue
            values = {
                "ours": result.median,
                "ours (global blend)": result.global_median,
                "ours (no recalibration)": result.static_median,
            }.get(name, result.members.get(name, (references or {}).get(name)))
            if values is not None:
                row["dm_p_value_vs_lear"] = diebold_mariano_p_value(actual, lear, values)
    for name, row in rows.items():
        row["recalibration"] = RECALIBRATION.get(name, "")
    if result.blend == GLOBAL_BLEND:
        rows["ours"]["recalibration"] = OURS_WITH_GLOBAL_BLEND
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "data_set": result.market,
        "source": source,
        "test_start": result.days[0],
        "test_end": result.days[-1],
        "days": len(result.days),
        "hours": int(actual.size),
        "protocol": (
            "day-ahead: each day forecast from prices up to the end of the day before and "
            "exogenous forecasts up to the end of the day itself"
        ),
        "model": {
            "version": forecaster.version,
            "runtime": result.runtime,
            "served": result.served,
            "blend": result.blend,
            "recalibrated_weights": {
                "mean": {
                    name: round(float(np.mean([day.get(name, 0.0) for day in result.weights])), 3)
                    for name in MEMBERS
                },
                "last_day": result.weights[-1],
            },
        },
        "metrics": rows,
    }
    cutoffs = forecaster.metadata.get("training", {}).get("cutoffs")
    if cutoffs is not None:
        document["training_overlap"] = training_overlap(cutoffs, result.days[0], result.days[-1])
    return document


def training_overlap(cutoffs: dict[str, Any], first_day: str, last_day: str) -> list[str]:
    """Return the data sets a static member read during ``[first_day, last_day]``.

    Compared in each data set's local time: a test period of one zone that a member also
    read, in that zone or another, is not out of sample for it.
    """
    start, end = f"{first_day}T00:00:00", f"{last_day}T23:59:59"
    return [
        name
        for name, span in cutoffs["cnn_lstm"]["data_sets"].items()
        if span["from"][:19] <= end and span["read_before"][:19] > start
    ]


def epftoolbox_references(root: Path, market: str, days: list[str]) -> dict[str, np.ndarray]:
    """Return the published LEAR and DNN ensemble forecasts for ``days``, [days, 24] each."""
    frame = pd.read_csv(root / "epf" / "forecasts" / f"Forecasts_{market}_DNN_LEAR_ensembles.csv")
    frame.index = pd.to_datetime(frame.iloc[:, 0]).dt.strftime("%Y-%m-%d")
    references = {}
    for column in ("LEAR Ensemble", "DNN Ensemble"):
        by_day = frame[column].groupby(level=0).apply(lambda s: s.to_numpy())
        if not all(day in by_day.index for day in days):
            return {}
        references[column] = np.stack([by_day[day] for day in days])
    return references
