"""Training: samples from every data set, the two static members, then the blend on validation.

Each data set is cut at ``cutoff`` (the first day of a test period, or the end of the data):
the last ``validation_days`` before it are held out for early stopping, the blend weights
and the bands; everything before them trains the networks. Nothing at or after the cutoff
is read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
import json
from pathlib import Path
import time
from typing import Any

import lightgbm
import numpy as np
import torch
from tqdm import tqdm

from custom_components.price_optimizer.core.forecast.blend_fit import best_convex_weights
from custom_components.price_optimizer.core.forecast.features import (
    HORIZON_HOURS,
    InsufficientHistoryError,
)
from custom_components.price_optimizer.core.forecast.linear import LinearConfig
from custom_components.price_optimizer.core.forecast.predictor import (
    MEMBERS,
    Blend,
    Forecaster,
    blend_key,
)
from custom_components.price_optimizer.core.forecast.trees import TreeEnsemble

from .boosting import BoostingConfig, train_boosting
from .cnn_lstm import CnnLstm, NetworkConfig, predict_torch, train_network
from .data import DEFAULT_DATA_ROOT, WALL_CLOCK, Market, load_named
from .dataset import Samples, build_samples, midnight_origins

BLEND_SETS = (("linear", "cnn_lstm", "lightgbm"), ("cnn_lstm", "lightgbm"))
# A market's own blend needs enough validation days to be more than noise.
MIN_MARKET_BLEND_ORIGINS = 60


@dataclass(frozen=True)
class TrainConfig:
    """Everything a training run depends on; saved beside its outputs."""

    data_sets: tuple[str, ...]
    cutoffs: dict[str, str] = field(default_factory=dict)
    validation_days: int = 364
    blend_stride_days: int = 3
    blend_horizon_hours: int = HORIZON_HOURS
    drop_probability: float = 0.2
    max_history_days: int | None = None
    min_training_days: int = 120
    network: NetworkConfig = field(default_factory=NetworkConfig)
    boosting: BoostingConfig = field(default_factory=BoostingConfig)
    linear: LinearConfig = field(default_factory=LinearConfig)
    data_root: str = str(DEFAULT_DATA_ROOT)
    seed: int = 7

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-safe form."""
        data = asdict(self)
        data["linear"] = self.linear.as_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        """Rebuild from :meth:`as_dict` output."""
        return cls(
            data_sets=tuple(data["data_sets"]),
            cutoffs=dict(data.get("cutoffs", {})),
            validation_days=data["validation_days"],
            blend_stride_days=data["blend_stride_days"],
            blend_horizon_hours=data.get("blend_horizon_hours", HORIZON_HOURS),
            drop_probability=data["drop_probability"],
            max_history_days=data.get("max_history_days"),
            min_training_days=data.get("min_training_days", 120),
            network=NetworkConfig(**data["network"]),
            boosting=BoostingConfig(**data["boosting"]),
            linear=LinearConfig.from_dict(data["linear"]),
            data_root=data["data_root"],
            seed=data["seed"],
        )


@dataclass
class Split:
    """Grid indices of one data set: training, then validation, then the unread rest."""

    market: Market
    start: int
    validation: int
    cutoff: int


def training_splits(config: TrainConfig) -> list[Split]:
    """Return the splits of the data sets a run trains on, in ``config.data_sets`` order.

    A set that starts after its cutoff (or just before it) has nothing to teach and is left
    out.
    """
    root = Path(config.data_root)
    splits = []
    for name in config.data_sets:
        split = split_of(load_named(name, root), config)
        if split.validation - split.start >= config.min_training_days * 24:
            splits.append(split)
    return splits


def spans_of(splits: list[Split]) -> dict[str, dict[str, list[str]]]:
    """Return the training and validation days of each split, as ``run.json`` keeps them."""
    return {
        split.market.name: {
            "train": [_day(split.market, split.start), _day(split.market, split.validation)],
            "validation": [_day(split.market, split.validation), _day(split.market, split.cutoff)],
        }
        for split in splits
    }


def member_cutoffs(splits: list[Split]) -> dict[str, Any]:
    """Return, per member and data set, the hours of data it was fitted on and chose by.

    Each range is ``[from, before)``: the first hour read and the first hour not read, so
    nothing at or after ``before`` reached the member. Times are the data set's local time
    with its UTC offset, or wall-clock time without one for data sets kept in wall-clock
    hours. The static members fit on the training span and pick their stopping point on
    the validation span, so they have read both; the blend reads the validation span; the
    lasso reads nothing offline.
    """
    static = {
        split.market.name: {
            "from": _local_time(split.market, split.start),
            "fitted_before": _local_time(split.market, split.validation),
            "read_before": _local_time(split.market, split.cutoff),
        }
        for split in splits
    }
    last = max(splits, key=lambda split: _hour_start(split.market, split.cutoff), default=None)
    latest = None if last is None else _local_time(last.market, last.cutoff)
    return {
        "cnn_lstm": {
            "reads": "weights fitted before fitted_before; the epoch kept chosen on the rest",
            "latest_read_before": latest,
            "data_sets": static,
        },
        "lightgbm": {
            "reads": "trees fitted before fitted_before; early stopping on the rest",
            "latest_read_before": latest,
            "data_sets": static,
        },
        "blend": {
            "reads": "weights and bands fitted on [fitted_before, read_before)",
            "latest_read_before": latest,
            "data_sets": static,
        },
        "linear": {
            "reads": "nothing offline: refitted at every forecast origin on the history before it",
            "latest_read_before": None,
            "data_sets": {},
        },
    }


def split_of(market: Market, config: TrainConfig) -> Split:
    """Return where training, validation and the unread rest begin."""
    day = config.cutoffs.get(market.name)
    cutoff = market.position_of(day) if day else market.prices.size
    validation = max(cutoff - config.validation_days * 24, 0)
    start = 0
    if config.max_history_days is not None:
        start = max(validation - config.max_history_days * 24, 0)
    return Split(market, start, validation, cutoff)


def member_scores(
    forecaster: Forecaster, split: Split, stride_days: int, horizon_hours: int, progress: bool
) -> dict[str, np.ndarray]:
    """Return members' medians and the actual prices (model units) on validation origins.

    Each row covers ``horizon_hours`` from an origin whose next ``max(horizon_hours,
    HORIZON_HOURS)`` hours are all known; a member that did not serve is NaN.
    """
    span = max(horizon_hours, HORIZON_HOURS)
    market = split.market
    origins = midnight_origins(market)
    origins = origins[(origins >= split.validation) & (origins + span <= split.cutoff)]
    origins = origins[::stride_days]
    history = forecaster.history_hours_wanted
    names = sorted(market.exogenous)
    collected: dict[str, list[np.ndarray]] = {name: [] for name in (*MEMBERS, "actual")}
    centers, scales = [], []
    for origin in tqdm(origins, desc=f"validation {market.name}", disable=not progress):
        actual = market.prices[origin : origin + span]
        if not np.isfinite(actual).all():
            continue
        first = max(origin - history, 0)
        try:
            medians, features, _, _ = forecaster.member_forecasts(
                int(market.hour_starts[origin]),
                market.prices[first:origin],
                {name: market.exogenous[name][first : origin + span] for name in names},
                zone=market.zone,
                country=market.country,
                horizon_hours=horizon_hours,
            )
        except InsufficientHistoryError:
            continue
        for name in MEMBERS:
            values = medians.get(name, np.full(span, np.nan))
            collected[name].append(values[:horizon_hours])
        collected["actual"].append(features.scaling.normalise(actual[:horizon_hours]))
        centers.append(features.scaling.center)
        scales.append(features.scaling.scale)
    result = {name: np.array(values) for name, values in collected.items()}
    result["center"] = np.array(centers)
    result["scale"] = np.array(scales)
    return result


def fit_blend(scores: dict[str, np.ndarray], members: tuple[str, ...]) -> tuple[Blend, float]:
    """Return convex weights minimising the scale-free MAE, and bands from the residuals."""
    usable = np.ones(scores["actual"].shape[0], dtype=bool)
    for name in members:
        usable &= np.isfinite(scores[name]).all(axis=1)
    weights, error = best_convex_weights(
        {name: scores[name][usable] for name in members},
        scores["actual"][usable],
        scores["center"][usable, None],
        scores["scale"][usable, None],
        members,
    )
    blended = sum(w * scores[name][usable] for name, w in weights.items())
    residual = scores["actual"][usable] - blended
    # Blends fitted on the first day only (the benchmark's case) repeat its bands on day two.
    repeats = HORIZON_HOURS // residual.shape[1]
    blend = Blend(
        weights={name: weights.get(name, 0.0) for name in MEMBERS if name in weights},
        lower_offsets=np.tile(np.quantile(residual, 0.1, axis=0), repeats),
        upper_offsets=np.tile(np.quantile(residual, 0.9, axis=0), repeats),
    )
    return blend, error


def torch_runner(model: CnnLstm) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """Return the network as the forecaster's network callable."""

    def run(sequence: np.ndarray, horizon: np.ndarray) -> np.ndarray:
        return predict_torch(model, sequence, horizon)

    return run


def partial_metadata(config: TrainConfig, blends: dict[str, Blend] | None = None) -> dict[str, Any]:
    """Return the metadata the forecaster needs before export adds the rest."""
    return {
        "model_version": "unreleased",
        "linear": config.linear.as_dict(),
        "ensemble": {key: blend.as_dict() for key, blend in (blends or {}).items()},
        "artifacts": {},
    }


def run_training(config: TrainConfig, out: Path, progress: bool = True) -> dict[str, Any]:
    """Train both static members, fit the blends, save everything in ``out``; return the report."""
    started = time.perf_counter()
    torch.manual_seed(config.seed)
    torch.set_num_threads(2)
    out.mkdir(parents=True, exist_ok=True)
    splits = training_splits(config)
    if not splits:
        raise ValueError("no data set has enough days before its validation period")
    train_parts, validation_parts = [], []
    for index, split in enumerate(splits):
        train_parts.append(
            build_samples(
                split.market,
                split.start,
                split.validation,
                drop_probability=config.drop_probability,
                seed=config.seed + index,
                progress=progress,
            )
        )
        validation_parts.append(
            build_samples(split.market, split.validation, split.cutoff, progress=progress)
        )
    train = Samples.concatenate(train_parts)
    validation = Samples.concatenate(validation_parts)
    timings = {"features_s": time.perf_counter() - started}

    mark = time.perf_counter()
    network, history = train_network(
        config.network,
        (train.sequence, train.horizon, train.target),
        (validation.sequence, validation.horizon, validation.target),
        progress,
    )
    timings["cnn_lstm_s"] = time.perf_counter() - mark
    mark = time.perf_counter()
    booster = train_boosting(config.boosting, train, validation, progress)
    timings["lightgbm_s"] = time.perf_counter() - mark

    mark = time.perf_counter()
    forecaster = Forecaster(
        partial_metadata(config),
        torch_runner(network),
        TreeEnsemble.from_dump(booster.dump_model()),
        "torch",
    )
    scores_by_market = [
        member_scores(
            forecaster, split, config.blend_stride_days, config.blend_horizon_hours, progress
        )
        for split in splits
    ]
    scores = {
        name: np.concatenate([part[name] for part in scores_by_market])
        for name in scores_by_market[0]
    }
    blends = {}
    blend_errors = {}
    for members in BLEND_SETS:
        blend, error = fit_blend(scores, members)
        blends[blend_key(members)] = blend
        blend_errors[blend_key(members)] = error
    single_errors = {name: fit_blend(scores, (name,))[1] for name in MEMBERS}
    market_blends = {}
    for split, market_scores in zip(splits, scores_by_market, strict=True):
        if market_scores["actual"].shape[0] >= MIN_MARKET_BLEND_ORIGINS:
            market_blends[split.market.name] = {
                blend_key(members): fit_blend(market_scores, members)[0] for members in BLEND_SETS
            }
    timings["blend_s"] = time.perf_counter() - mark
    mark = time.perf_counter()
    from .week_ahead import week_ahead_bands  # noqa: PLC0415 (it builds on this module)

    week_ahead = week_ahead_bands(config.linear, splits, progress=progress)
    timings["week_ahead_s"] = time.perf_counter() - mark
    timings["total_s"] = time.perf_counter() - started

    torch.save(network.state_dict(), out / "cnn_lstm.pt")
    booster.save_model(str(out / "lightgbm.txt"))
    report = {
        "config": config.as_dict(),
        "spans": spans_of(splits),
        "cutoffs": member_cutoffs(splits),
        "samples": {"train": len(train), "validation": len(validation)},
        "network_history": history,
        "lightgbm_rounds": booster.best_iteration or booster.current_iteration(),
        "ensemble": {key: blend.as_dict() for key, blend in blends.items()},
        "ensemble_by_market": {
            market: {key: blend.as_dict() for key, blend in entries.items()}
            for market, entries in market_blends.items()
        },
        **week_ahead,
        "validation_scaled_mae": {"blends": blend_errors, "members": single_errors},
        "timings": timings,
    }
    (out / "run.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    return report


def _day(market: Market, index: int) -> str:
    # The UTC day of the hour, or of the last hour at the end: how spans were always kept.
    index = min(index, market.hour_starts.size - 1)
    return time.strftime("%Y-%m-%d", time.gmtime(int(market.hour_starts[index])))


def _hour_start(market: Market, index: int) -> int:
    """Return the start of grid hour ``index`` (epoch seconds); past the end, as if it went on."""
    last = market.hour_starts.size - 1
    return int(market.hour_starts[min(index, last)]) + 3600 * max(index - last, 0)


def _local_time(market: Market, index: int) -> str:
    instant = datetime.fromtimestamp(_hour_start(market, index), UTC)
    if market.zone is WALL_CLOCK:
        return instant.replace(tzinfo=None).isoformat()
    return instant.astimezone(market.zone).isoformat()


def cutoffs_of(report: dict[str, Any]) -> dict[str, Any]:
    """Return a run's member cut-offs, rebuilt from its configuration and the data if needed.

    Runs saved before ``run.json`` held them are checked against their spans first, so a
    rebuilt cut-off is the one the run really had.

    Raises:
        ValueError: the configuration and data give other spans than the run recorded.
    """
    if "cutoffs" in report:
        return dict(report["cutoffs"])
    splits = training_splits(TrainConfig.from_dict(report["config"]))
    if spans_of(splits) != report["spans"]:
        raise ValueError("the configuration and data do not give the spans the run recorded")
    return member_cutoffs(splits)


def load_run(run_dir: Path) -> tuple[dict[str, Any], CnnLstm, lightgbm.Booster]:
    """Return a saved run's report, network and booster."""
    report = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    config = TrainConfig.from_dict(report["config"])
    network = CnnLstm(config.network)
    network.load_state_dict(torch.load(run_dir / "cnn_lstm.pt", weights_only=True))
    network.eval()
    booster = lightgbm.Booster(model_file=str(run_dir / "lightgbm.txt"))
    return report, network, booster
