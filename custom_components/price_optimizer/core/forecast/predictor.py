"""The forecast as the integration runs it: load the shipped models, forecast from a PriceSeries.

Three members forecast in model units and are blended with weights fitted on validation
data before any test period: the CNN-LSTM and the LightGBM trees (numpy, or both through
ONNX Runtime when present), and a lasso refitted here from the given history for each new
origin. A member that cannot serve (too little history for the lasso) leaves the others
with their own fitted weights. Bands are the blend's validation errors, in model units,
around its median. With a ``Recalibration`` the weights and band widths follow the entry's
own scored forecasts instead (``recalibration``); slots finer than an hour get the shape
within the hour that the recent prices show (``sub_hour``).

Past the static members' two days the lasso, which forecasts each day ahead directly,
serves alone up to a week, with bands from its own validation errors at those horizons
(``metadata["week_ahead"]``); models without them stop at two days.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
import hashlib
import json
import math
from operator import attrgetter
from pathlib import Path
from typing import Any, Final, Protocol

import numpy as np

from ..prices import ALLOWED_DURATIONS, PriceSeries, PriceSlot
from .features import (
    CONTEXT_HOURS,
    DAY_SECONDS,
    EXOGENOUS_CHANNELS,
    HISTORY_HOURS,
    HORIZON_HOURS,
    HOUR_SECONDS,
    MIN_KNOWN_HOURS,
    WEEK_HORIZON_HOURS,
    FeatureSet,
    FloatArray,
    ForecastInputs,
    InsufficientHistoryError,
    LevelScaling,
    build_features,
    calendar_features,
    fill_gaps,
    local_weekdays,
    without_unknown_values,
)
from .linear import LOOKBACK_DAYS, LinearConfig, LinearForecast, fit_predict
from .network import CnnLstmWeights, forward
from .onnx import OnnxNetwork, OnnxTrees, onnx_runtime_available
from .recalibration import IssuedForecast, Recalibration
from .sub_hour import SHAPE_DAYS, SubHourShape
from .trees import TreeEnsemble

METADATA_FILE: Final = "metadata.json"
NETWORK_WEIGHTS: Final = "cnn_lstm_weights.npz"
NETWORK_ONNX: Final = "cnn_lstm.onnx"
TREES_DUMP: Final = "lightgbm_trees.json.gz"
TREES_ONNX: Final = "lightgbm_trees.onnx.gz"
MEMBERS: Final = ("linear", "cnn_lstm", "lightgbm")
# A lasso channel must be known on most calibration days.
LINEAR_CHANNEL_COVERAGE: Final = 0.8

NetworkRunner = Callable[[FloatArray, FloatArray], FloatArray]


class TreeModel(Protocol):
    """The LightGBM member: numpy (``TreeEnsemble``) or ONNX Runtime (``OnnxTrees``)."""

    def predict(self, rows: FloatArray) -> FloatArray:
        """Return the raw score of each tabular row."""


class ArtifactIntegrityError(Exception):
    """A shipped model file is missing or differs from the sha256 in ``metadata.json``."""

    def __init__(self, artifact: str, expected: str, actual: str | None) -> None:
        """Name the file and both digests (``actual`` is None when the file is missing)."""
        found = "missing" if actual is None else f"sha256 {actual}"
        super().__init__(f"model file {artifact} is {found}, expected sha256 {expected}")
        self.artifact = artifact
        self.expected = expected
        self.actual = actual


class NotEnoughHistoryError(Exception):
    """Too few known prices before the origin; ``ready_at`` says when there will be enough."""

    def __init__(self, known_hours: int, ready_at: datetime) -> None:
        """Say how many hours are known and when forecasts can start."""
        super().__init__(
            f"{known_hours} of the last {HISTORY_HOURS} hours have prices; "
            f"forecasts start once {MIN_KNOWN_HOURS} do, at {ready_at.isoformat()}"
        )
        self.known_hours = known_hours
        self.ready_at = ready_at


def sha256_of(path: Path) -> str:
    """Return the hex sha256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class HourlyForecast:
    """Hourly quantiles from the origin on, and what produced them."""

    origin: int
    lower: FloatArray
    median: FloatArray
    upper: FloatArray
    members: tuple[str, ...]
    runtime: str
    linear_windows: tuple[int, ...]
    exogenous_missing: tuple[str, ...]
    member_medians: Mapping[str, FloatArray] = field(default_factory=dict)
    weights: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Forecast:
    """Forecast slots at the source's resolution and what produced them."""

    slots: tuple[PriceSlot, ...]
    members: tuple[str, ...]
    runtime: str
    linear_windows: tuple[int, ...]
    exogenous_missing: tuple[str, ...]
    weights: Mapping[str, float] = field(default_factory=dict)

    def as_series(self, currency: str = "EUR") -> PriceSeries:
        """Return the slots as a series."""
        return PriceSeries(self.slots, currency)


@dataclass(frozen=True, slots=True)
class Blend:
    """Member weights and band offsets (model units, per horizon hour) for one member set."""

    weights: Mapping[str, float]
    lower_offsets: FloatArray
    upper_offsets: FloatArray

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Blend:
        """Read one entry of ``metadata["ensemble"]``."""
        return cls(
            weights={name: float(value) for name, value in data["weights"].items()},
            lower_offsets=np.asarray(data["lower_offsets"], dtype=np.float64),
            upper_offsets=np.asarray(data["upper_offsets"], dtype=np.float64),
        )

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-safe form."""
        return {
            "weights": dict(self.weights),
            "lower_offsets": [round(float(v), 6) for v in self.lower_offsets],
            "upper_offsets": [round(float(v), 6) for v in self.upper_offsets],
        }


def blend_key(members: Sequence[str]) -> str:
    """Return the metadata key of a member set, in ``MEMBERS`` order."""
    return "+".join(name for name in MEMBERS if name in members)


@dataclass(frozen=True, slots=True)
class LinearInputs:
    """What the lasso's fit depends on, kept to recognise a forecast of the same origin."""

    origin: int
    prices: FloatArray
    exogenous: Mapping[str, FloatArray]
    zone: tzinfo
    blocks: int

    @classmethod
    def of(
        cls,
        origin: int,
        prices: FloatArray,
        exogenous: Mapping[str, FloatArray],
        zone: tzinfo,
        blocks: int,
    ) -> LinearInputs:
        """Keep read-only arrays as they are and copy the rest, which a caller may change."""
        return cls(
            origin,
            _frozen(prices),
            {name: _frozen(values) for name, values in exogenous.items()},
            zone,
            blocks,
        )

    def same_as(self, other: LinearInputs) -> bool:
        """Return whether ``other`` holds the same inputs."""
        return (
            (self.origin, self.zone, self.blocks) == (other.origin, other.zone, other.blocks)
            and self.exogenous.keys() == other.exogenous.keys()
            and _same(self.prices, other.prices)
            and all(_same(values, other.exogenous[name]) for name, values in self.exogenous.items())
        )


def _frozen(values: FloatArray) -> FloatArray:
    if not values.flags.writeable and values.base is None:
        return values
    frozen = values.copy()
    frozen.flags.writeable = False
    return frozen


def _same(left: FloatArray, right: FloatArray) -> bool:
    # An array that owns its data and is read-only cannot have changed since it was kept.
    if left is right and not left.flags.writeable and left.base is None:
        return True
    return left.shape == right.shape and bool(np.array_equal(left, right, equal_nan=True))


class Forecaster:
    """The shipped models, ready to forecast. Build with :meth:`load` (blocking I/O)."""

    def __init__(
        self,
        metadata: Mapping[str, Any],
        network: NetworkRunner | None,
        trees: TreeModel | None,
        runtime: str,
    ) -> None:
        """Assemble from loaded parts; training builds one before the blends are known."""
        self.metadata = metadata
        self.network = network
        self.trees = trees
        self.runtime = runtime
        self.linear_config = LinearConfig.from_dict(metadata["linear"])
        self.blends = {
            key: Blend.from_dict(value) for key, value in metadata.get("ensemble", {}).items()
        }
        # Markets the models were validated on keep their own blend weights; any other zone
        # gets the blend fitted across all of them.
        self.market_blends = {
            market: {key: Blend.from_dict(value) for key, value in blends.items()}
            for market, blends in metadata.get("ensemble_by_market", {}).items()
        }
        # The lasso's bands past the static members' horizon, from its hour HORIZON_HOURS on.
        week_ahead = metadata.get("week_ahead")
        self.week_ahead = Blend.from_dict(week_ahead) if week_ahead else None
        self.market_week_ahead = {
            market: Blend.from_dict(value)
            for market, value in metadata.get("week_ahead_by_market", {}).items()
        }
        self._linear_cache: tuple[LinearInputs, LinearForecast | None] | None = None
        # Hourly means of the last call's series, by role: a refresh that passes the same
        # series again (the same slot tuple) skips reading tens of thousands of slots.
        self._hourly_cache: dict[str, tuple[tuple[PriceSlot, ...], int, int, FloatArray]] = {}

    @classmethod
    def load(cls, models_dir: Path, prefer_onnx: bool = True) -> Forecaster:
        """Verify every artifact against ``metadata.json`` and load the models.

        Raises:
            ArtifactIntegrityError: a file is missing or its sha256 differs.
        """
        metadata = json.loads((models_dir / METADATA_FILE).read_text(encoding="utf-8"))
        for name, expected in metadata["artifacts"].items():
            path = models_dir / name
            actual = sha256_of(path) if path.is_file() else None
            if actual != expected["sha256"]:
                raise ArtifactIntegrityError(name, expected["sha256"], actual)
        network: NetworkRunner
        trees: TreeModel
        if (
            prefer_onnx
            and onnx_runtime_available()
            and {NETWORK_ONNX, TREES_ONNX} <= metadata["artifacts"].keys()
        ):
            network = OnnxNetwork(models_dir / NETWORK_ONNX)
            trees = OnnxTrees(models_dir / TREES_ONNX)
            runtime = "onnx"
        else:
            weights = CnnLstmWeights.load(models_dir / NETWORK_WEIGHTS)

            def network(sequence: FloatArray, horizon: FloatArray) -> FloatArray:
                return forward(weights, sequence, horizon)

            trees = TreeEnsemble.load(models_dir / TREES_DUMP)
            runtime = "numpy"
        return cls(metadata, network, trees, runtime)

    @property
    def version(self) -> str:
        """Return the model version from the metadata."""
        return str(self.metadata["model_version"])

    @property
    def max_horizon_hours(self) -> int:
        """Return how far the models forecast: a week with the lasso's long bands, else two days."""
        return WEEK_HORIZON_HOURS if self.week_ahead is not None else HORIZON_HOURS

    @property
    def history_hours_wanted(self) -> int:
        """Return how many hours of history let every member serve."""
        return (max(self.linear_config.windows) + LOOKBACK_DAYS) * 24

    # --- the hourly core, shared with training's evaluation -------------------------------

    def member_forecasts(
        self,
        origin: int,
        prices: FloatArray,
        exogenous: Mapping[str, FloatArray],
        *,
        zone: tzinfo,
        country: str | None,
        horizon_hours: int = HORIZON_HOURS,
    ) -> tuple[dict[str, FloatArray], FeatureSet, tuple[int, ...], tuple[str, ...]]:
        """Return each serving member's median (model units), the features and what was used.

        ``prices`` are hourly and end just before ``origin`` (epoch seconds, a whole hour);
        each ``exogenous`` array starts with them and runs ``horizon_hours`` past the origin.
        Every median covers ``max(horizon_hours, HORIZON_HOURS)`` hours; the static members'
        are NaN past ``HORIZON_HOURS``.
        """
        span = max(horizon_hours, HORIZON_HOURS)
        hours = prices.size
        context = min(hours, CONTEXT_HOURS)
        starts = origin + HOUR_SECONDS * np.arange(-context, HORIZON_HOURS, dtype=np.int64)
        channels = np.full((context + HORIZON_HOURS, len(EXOGENOUS_CHANNELS)), np.nan)
        for column, name in enumerate(EXOGENOUS_CHANNELS):
            if name in exogenous:
                values = exogenous[name][hours - context : hours + HORIZON_HOURS]
                channels[: values.size, column] = values
        features = build_features(
            ForecastInputs(
                origin=origin,
                prices=prices[-context:],
                exogenous=channels,
                calendar=calendar_features(starts, zone, country),
            )
        )
        missing = tuple(
            name
            for name, available in zip(
                EXOGENOUS_CHANNELS, features.exogenous_available, strict=True
            )
            if not available
        )
        medians: dict[str, FloatArray] = {}
        if self.network is not None:
            medians["cnn_lstm"] = _padded(
                self.network(features.sequence[None], features.horizon[None])[0, :, 1], span
            )
        if self.trees is not None:
            medians["lightgbm"] = _padded(self.trees.predict(features.tabular), span)
        blocks = math.ceil(horizon_hours / 24)
        linear = self.linear_forecast(origin, prices, exogenous, zone, blocks)
        windows: tuple[int, ...] = ()
        if linear is not None:
            values = np.full(span, np.nan)
            values[: linear.prices.size] = features.scaling.normalise(linear.prices)
            medians["linear"] = values
            windows = linear.windows
        return medians, features, windows, missing

    def linear_forecast(
        self,
        origin: int,
        prices: FloatArray,
        exogenous: Mapping[str, FloatArray],
        zone: tzinfo,
        blocks: int,
    ) -> LinearForecast | None:
        """Return the lasso member's prices for ``blocks`` days after ``origin``, or None.

        None when the history covers no calibration window. The fit is cached for the
        last inputs, since a new one costs a fraction of a second.
        """
        inputs = LinearInputs.of(origin, prices, exogenous, zone, blocks)
        if self._linear_cache is not None and self._linear_cache[0].same_as(inputs):
            return self._linear_cache[1]
        days = min(prices.size // 24, max(self.linear_config.windows) + LOOKBACK_DAYS)
        if days < min(self.linear_config.windows) + LOOKBACK_DAYS:
            return None
        hours = days * 24
        recent = prices[-hours:].copy()
        # The design row reads the last week: fill its gaps rather than lose the forecast.
        recent[-LOOKBACK_DAYS * 24 :] = fill_gaps(recent[-LOOKBACK_DAYS * 24 :])
        day_prices = recent.reshape(days, 24)
        columns = []
        for name in sorted(exogenous):
            values = np.full(hours + blocks * 24, np.nan)
            given = exogenous[name][prices.size - hours : prices.size + blocks * 24]
            values[: given.size] = given
            # Gaps in the forecast days cost the channel only in the blocks that read them.
            if np.isfinite(values[:hours]).mean() >= LINEAR_CHANNEL_COVERAGE:
                columns.append(values)
        day_exogenous = (
            np.stack(columns, axis=1).reshape(days + blocks, 24, len(columns))
            if columns
            else np.zeros((days + blocks, 24, 0))
        )
        first_day = origin - hours * HOUR_SECONDS
        noons = first_day + HOUR_SECONDS * (24 * np.arange(days + blocks, dtype=np.int64) + 12)
        weekdays = local_weekdays(noons, zone)
        result = fit_predict(day_prices, day_exogenous, weekdays, blocks, self.linear_config)
        self._linear_cache = (inputs, result)
        return result

    def predict_hourly(
        self,
        origin: int,
        prices: FloatArray,
        exogenous: Mapping[str, FloatArray],
        *,
        zone: tzinfo,
        country: str | None,
        horizon_hours: int = HORIZON_HOURS,
        market: str | None = None,
        recalibration: Recalibration | None = None,
    ) -> HourlyForecast:
        """Return the blended hourly forecast for ``horizon_hours`` from ``origin``."""
        medians, features, windows, missing = self.member_forecasts(
            origin, prices, exogenous, zone=zone, country=country, horizon_hours=horizon_hours
        )
        return self.combine(
            origin,
            medians,
            features.scaling,
            windows=windows,
            missing=missing,
            horizon_hours=horizon_hours,
            market=market,
            recalibration=recalibration,
        )

    def combine(
        self,
        origin: int,
        medians: Mapping[str, FloatArray],
        scaling: LevelScaling,
        *,
        windows: tuple[int, ...],
        missing: tuple[str, ...],
        horizon_hours: int,
        market: str | None,
        recalibration: Recalibration | None = None,
    ) -> HourlyForecast:
        """Blend the members' medians (model units) and add the bands, in prices.

        Past ``HORIZON_HOURS`` the lasso serves alone with its long bands; without either
        the forecast ends there. With a ``recalibration`` its weights and band widths
        serve, and it keeps the forecast to score it once the market publishes its hours.
        """
        key = blend_key(list(medians))
        blend = self.market_blends.get(market or "", {}).get(key) or self.blends[key]
        week = self.market_week_ahead.get(market or "") or self.week_ahead
        if week is None or "linear" not in medians:
            horizon_hours = min(horizon_hours, HORIZON_HOURS)
        later = max(horizon_hours - HORIZON_HOURS, 0)
        shipped_lower, shipped_upper = blend.lower_offsets, blend.upper_offsets
        if later:
            assert week is not None
            shipped_lower = np.concatenate((shipped_lower, week.lower_offsets[:later]))
            shipped_upper = np.concatenate((shipped_upper, week.upper_offsets[:later]))
        weights: Mapping[str, float] = blend.weights
        lower_offsets, upper_offsets = shipped_lower, shipped_upper
        if recalibration is not None:
            served = recalibration.calibrated(weights, lower_offsets, upper_offsets, medians)
            weights = served.weights
            lower_offsets, upper_offsets = served.lower_offsets, served.upper_offsets
        median = np.zeros(HORIZON_HOURS)
        total = 0.0
        for name, weight in weights.items():
            if weight > 0.0:
                median += weight * medians[name][:HORIZON_HOURS]
                total += weight
        median /= total
        if later:
            median = np.concatenate(
                (median, medians["linear"][HORIZON_HOURS : HORIZON_HOURS + later])
            )
        keep = slice(0, horizon_hours)
        if recalibration is not None:
            recalibration.issue(
                IssuedForecast(
                    origin=origin,
                    center=scaling.center,
                    scale=scaling.scale,
                    members={name: values[keep] for name, values in medians.items()},
                    median=median[keep],
                    lower_offsets=shipped_lower[keep],
                    upper_offsets=shipped_upper[keep],
                    served_lower=(median + lower_offsets)[keep],
                    served_upper=(median + upper_offsets)[keep],
                )
            )
        return HourlyForecast(
            origin=origin,
            lower=scaling.denormalise(median + lower_offsets)[keep],
            median=scaling.denormalise(median)[keep],
            upper=scaling.denormalise(median + upper_offsets)[keep],
            members=tuple(name for name in MEMBERS if weights.get(name, 0.0) > 0.0),
            runtime=self.runtime,
            linear_windows=windows,
            exogenous_missing=missing,
            member_medians={name: scaling.denormalise(v)[keep] for name, v in medians.items()},
            weights={name: round(weights[name], 4) for name in MEMBERS if name in weights},
        )

    # --- the integration's entry point ----------------------------------------------------

    def predict(
        self,
        prices: PriceSeries,
        zone: tzinfo,
        country: str | None = None,
        *,
        exogenous: Mapping[str, PriceSeries] | None = None,
        horizon: timedelta | None = None,
        market: str | None = None,
        recalibration: Recalibration | None = None,
    ) -> Forecast:
        """Forecast from the end of the known prices, at their resolution.

        ``prices`` may be hourly or finer and may have gaps; ``exogenous`` series (by
        channel name, ``load`` and ``supply`` for the global models, any name for the
        refitted lasso) carry day-ahead forecasts in their ``price`` field. The forecast
        starts where the known prices end. ``market`` names
        a training market (see ``metadata["ensemble_by_market"]``) whose own blend to use;
        a ``recalibration`` (see :meth:`combine`) first scores what ``prices`` published.
        ``horizon`` defaults to, and stops at, :attr:`max_horizon_hours`.

        Raises:
            NotEnoughHistoryError: too few prices in the week before the end.
        """
        if prices.end is None:
            raise NotEnoughHistoryError(0, datetime.now(UTC) + timedelta(hours=MIN_KNOWN_HOURS))
        resolution = prices.slots[-1].duration
        # A partly known last hour is forecast too; its known slots are left out below.
        origin = math.floor(prices.end.timestamp() / HOUR_SECONDS) * HOUR_SECONDS
        hours = min(
            self.history_hours_wanted,
            max((origin - int(prices.slots[0].start.timestamp())) // HOUR_SECONDS, 0),
        )
        first = origin - hours * HOUR_SECONDS
        previous, self._hourly_cache = self._hourly_cache, {}
        hourly = self._hourly_means(None, prices, first, hours, previous)
        horizon_hours = self.max_horizon_hours
        if horizon is not None:
            horizon_hours = min(math.ceil(horizon.total_seconds() / HOUR_SECONDS), horizon_hours)
        channels = {
            name: self._hourly_means(
                name, series, first, hours + max(horizon_hours, HORIZON_HOURS), previous
            )
            for name, series in (exogenous or {}).items()
        }
        if recalibration is not None:
            score_published(recalibration, prices)
        try:
            result = self.predict_hourly(
                origin,
                hourly,
                channels,
                zone=zone,
                country=country,
                horizon_hours=horizon_hours,
                market=market,
                recalibration=recalibration,
            )
        except InsufficientHistoryError as error:
            ready = datetime.fromtimestamp(origin, UTC) + timedelta(
                hours=MIN_KNOWN_HOURS - error.known_hours
            )
            raise NotEnoughHistoryError(error.known_hours, ready) from error
        slots = expand_to_resolution(result, prices, resolution)
        return Forecast(
            slots=slots,
            members=result.members,
            runtime=result.runtime,
            linear_windows=result.linear_windows,
            exogenous_missing=result.exogenous_missing,
            weights=result.weights,
        )

    def _hourly_means(
        self,
        channel: str | None,
        series: PriceSeries,
        start: int,
        hours: int,
        previous: Mapping[str, tuple[tuple[PriceSlot, ...], int, int, FloatArray]],
    ) -> FloatArray:
        """Return :func:`hourly_means`, reused when the same slots come again.

        ``channel`` names an exogenous channel, None the prices. Slot tuples and slots
        are immutable, and the cache holds the tuple, so the same object means the same
        prices.
        """
        role = "prices" if channel is None else f"exogenous {channel}"
        cached = previous.get(role)
        if cached is not None and cached[0] is series.slots and cached[1:3] == (start, hours):
            values = cached[3]
        else:
            values = hourly_means(series, start, hours, channel=channel)
            values.flags.writeable = False
        self._hourly_cache[role] = (series.slots, start, hours, values)
        return values


def _padded(values: FloatArray, hours: int) -> FloatArray:
    padded = np.full(hours, np.nan)
    padded[: values.size] = values
    return padded


def score_published(recalibration: Recalibration, prices: PriceSeries) -> int:
    """Score the recalibration's pending hours that ``prices`` publish in whole; return how many."""
    if not recalibration.pending or prices.end is None:
        return 0
    first = min(recalibration.pending)
    hours = (math.floor(prices.end.timestamp()) - first) // HOUR_SECONDS
    if hours <= 0:
        return 0
    return recalibration.score(first, hourly_means(prices, first, hours))


def hourly_means(
    series: PriceSeries, start: int, hours: int, *, channel: str | None = None
) -> FloatArray:
    """Return the duration-weighted mean price of each hour from ``start`` (NaN if none).

    For an exogenous ``channel`` the slots whose value means "not known" (see
    ``without_unknown_values``) are left out first, as the training data's loaders do.
    """
    starts, seconds, prices = _slot_arrays(
        _slots_between(series, start, start + hours * HOUR_SECONDS)
    )
    if channel is not None:
        prices = without_unknown_values(channel, prices)
        known = np.isfinite(prices)
        starts, seconds, prices = starts[known], seconds[known], prices[known]
    index = np.floor_divide(starts - start, HOUR_SECONDS).astype(np.int64)
    totals = np.bincount(index, prices * seconds, minlength=hours)
    weights = np.bincount(index, seconds, minlength=hours)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(weights > 0, totals / np.where(weights > 0, weights, 1.0), np.nan)


_START = attrgetter("start")
_DURATION = attrgetter("duration")
_PRICE = attrgetter("price")
_SECONDS = {duration: duration.total_seconds() for duration in ALLOWED_DURATIONS}


def _slots_between(series: PriceSeries, start: int, end: int) -> Sequence[PriceSlot]:
    """Return the slots that start in ``[start, end)`` (epoch seconds), found by bisection."""
    first = bisect_left(series.slots, datetime.fromtimestamp(start, UTC), key=_START)
    last = bisect_left(series.slots, datetime.fromtimestamp(end, UTC), key=_START)
    return series.slots[first:last]


def _slot_arrays(slots: Sequence[PriceSlot]) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return the starts (epoch seconds), durations (seconds) and prices of ``slots``.

    Years of history are tens of thousands of slots, so everything goes through C-level
    maps and the starts are read only where the slots have gaps (see ``_slot_starts``).
    """
    count = len(slots)
    if count == 0:
        return np.zeros(0), np.zeros(0), np.zeros(0)
    prices = np.fromiter(map(_PRICE, slots), np.float64, count)
    durations = list(map(_DURATION, slots))
    if durations.count(durations[0]) == count:
        seconds = np.full(count, durations[0].total_seconds())
    else:
        seconds = np.fromiter(map(_SECONDS.__getitem__, durations), np.float64, count)
    return _slot_starts(slots, seconds), seconds, prices


def _slot_starts(slots: Sequence[PriceSlot], seconds: FloatArray) -> FloatArray:
    """Return the start of each slot (epoch seconds), reading few of them.

    In a series (sorted, never overlapping) each slot starts no earlier than the one
    before it ends, so when slot ``j`` starts exactly the durations of ``i`` to ``j - 1``
    after slot ``i``, none of those has a gap after it and their starts follow. Halving
    the ranges where that fails finds the gaps with a few reads each.
    """
    unbroken = np.concatenate(([0.0], np.cumsum(seconds[:-1])))
    starts = np.empty(len(slots))
    pending = [(0, len(slots) - 1)]
    while pending:
        low, high = pending.pop()
        first = slots[low].start.timestamp()
        if high - low <= 1 or slots[high].start.timestamp() - first == (
            unbroken[high] - unbroken[low]
        ):
            starts[low] = first
            starts[high] = slots[high].start.timestamp()
            starts[low + 1 : high] = first + (unbroken[low + 1 : high] - unbroken[low])
        else:
            middle = (low + high) // 2
            pending += [(low, middle), (middle, high)]
    return starts


def sub_hour_shape(prices: PriceSeries, resolution: timedelta) -> SubHourShape:
    """Return the shape within the hour that the recent slots of ``resolution`` show."""
    step = int(resolution.total_seconds())
    if prices.end is None:
        return SubHourShape.flat(HOUR_SECONDS // step)
    end = int(prices.end.timestamp())
    starts, seconds, values = _slot_arrays(
        _slots_between(prices, end - SHAPE_DAYS * DAY_SECONDS - HOUR_SECONDS, end)
    )
    fine = seconds == step
    return SubHourShape.learn(starts[fine].astype(np.int64), values[fine], step, end)


def expand_to_resolution(
    result: HourlyForecast, prices: PriceSeries, resolution: timedelta
) -> tuple[PriceSlot, ...]:
    """Return forecast slots at ``resolution`` after the known prices.

    Finer slots add the shape within the hour that the recent prices show (see
    ``sub_hour``), ramping with the forecast's neighbouring hours.
    """
    known_end = prices.end
    assert known_end is not None
    hour = timedelta(hours=1)
    step = resolution if resolution < hour else hour
    shape = sub_hour_shape(prices, step) if step < hour else SubHourShape.flat(1)
    before = hourly_means(prices, result.origin - HOUR_SECONDS, 1)[0]
    offsets = shape.offsets(result.median, float(before)).tolist()
    step_seconds = int(step.total_seconds())
    known_until = known_end.timestamp()
    slots = []
    for index in range(result.median.size):
        hour_start = result.origin + index * HOUR_SECONDS
        for part in range(shape.parts):
            start = hour_start + part * step_seconds
            if start < known_until:
                continue
            offset = offsets[index][part]
            slots.append(
                PriceSlot(
                    start=datetime.fromtimestamp(start, UTC),
                    duration=step,
                    price=float(result.median[index]) + offset,
                    origin="forecast",
                    lower=float(result.lower[index]) + offset,
                    upper=float(result.upper[index]) + offset,
                )
            )
    return tuple(slots)
