"""The forecast as the integration runs it: load the shipped models, forecast from a PriceSeries.

Three members forecast in model units and are blended with weights fitted on validation
data before any test period: the CNN-LSTM (numpy, or ONNX Runtime when present), the
LightGBM trees (numpy), and a lasso refitted here from the given history for each new
origin. A member that cannot serve (too little history for the lasso) leaves the others
with their own fitted weights. Bands are the blend's validation errors, in model units,
around its median.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
import hashlib
import json
import math
from pathlib import Path
from typing import Any, Final

import numpy as np

from ..models import PriceSeries, PriceSlot
from .features import (
    CONTEXT_HOURS,
    EXOGENOUS_CHANNELS,
    HISTORY_HOURS,
    HORIZON_HOURS,
    HOUR_SECONDS,
    MIN_KNOWN_HOURS,
    FeatureSet,
    FloatArray,
    ForecastInputs,
    InsufficientHistoryError,
    LevelScaling,
    build_features,
    calendar_features,
    fill_gaps,
)
from .linear import LOOKBACK_DAYS, LinearConfig, LinearForecast, fit_predict
from .onnx import OnnxNetwork, onnx_runtime_available
from .runtime import CnnLstmWeights, forward
from .trees import TreeEnsemble

METADATA_FILE: Final = "metadata.json"
NETWORK_WEIGHTS: Final = "cnn_lstm_weights.npz"
NETWORK_ONNX: Final = "cnn_lstm.onnx"
TREES_DUMP: Final = "lightgbm_trees.json.gz"
MEMBERS: Final = ("linear", "cnn_lstm", "lightgbm")
# A lasso channel must be known on most calibration days, and on every forecast hour.
LINEAR_CHANNEL_COVERAGE: Final = 0.8

NetworkRunner = Callable[[FloatArray, FloatArray], FloatArray]


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


@dataclass(frozen=True, slots=True)
class Forecast:
    """Forecast slots at the source's resolution and what produced them."""

    slots: tuple[PriceSlot, ...]
    members: tuple[str, ...]
    runtime: str
    linear_windows: tuple[int, ...]
    exogenous_missing: tuple[str, ...]

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


class Forecaster:
    """The shipped models, ready to forecast. Build with :meth:`load` (blocking I/O)."""

    def __init__(
        self,
        metadata: Mapping[str, Any],
        network: NetworkRunner | None,
        trees: TreeEnsemble | None,
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
        self._linear_cache: tuple[bytes, LinearForecast | None] | None = None

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
        trees = TreeEnsemble.load(models_dir / TREES_DUMP)
        network: NetworkRunner
        if prefer_onnx and onnx_runtime_available() and NETWORK_ONNX in metadata["artifacts"]:
            network = OnnxNetwork(models_dir / NETWORK_ONNX)
            runtime = "onnx"
        else:
            weights = CnnLstmWeights.load(models_dir / NETWORK_WEIGHTS)

            def network(sequence: FloatArray, horizon: FloatArray) -> FloatArray:
                return forward(weights, sequence, horizon)

            runtime = "numpy"
        return cls(metadata, network, trees, runtime)

    @property
    def version(self) -> str:
        """Return the model version from the metadata."""
        return str(self.metadata["model_version"])

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
        each ``exogenous`` array starts with them and runs ``HORIZON_HOURS`` past the origin.
        """
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
            medians["cnn_lstm"] = self.network(features.sequence[None], features.horizon[None])[
                0, :, 1
            ]
        if self.trees is not None:
            medians["lightgbm"] = self.trees.predict(features.tabular)
        blocks = math.ceil(horizon_hours / 24)
        linear = self._linear(origin, prices, exogenous, zone, blocks)
        windows: tuple[int, ...] = ()
        if linear is not None:
            values = np.full(HORIZON_HOURS, np.nan)
            values[: linear.prices.size] = features.scaling.normalise(linear.prices)
            medians["linear"] = values
            windows = linear.windows
        return medians, features, windows, missing

    def _linear(
        self,
        origin: int,
        prices: FloatArray,
        exogenous: Mapping[str, FloatArray],
        zone: tzinfo,
        blocks: int,
    ) -> LinearForecast | None:
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
            values = exogenous[name][prices.size - hours : prices.size + blocks * 24]
            if values.size < hours + blocks * 24:
                continue
            future = values[hours:]
            if np.isfinite(future).all() and np.isfinite(values[:hours]).mean() >= (
                LINEAR_CHANNEL_COVERAGE
            ):
                columns.append(values)
        day_exogenous = (
            np.stack(columns, axis=1).reshape(days + blocks, 24, len(columns))
            if columns
            else np.zeros((days + blocks, 24, 0))
        )
        first_day = origin - hours * HOUR_SECONDS
        weekdays = np.array(
            [
                datetime.fromtimestamp(first_day + (day * 24 + 12) * HOUR_SECONDS, UTC)
                .astimezone(zone)
                .weekday()
                for day in range(days + blocks)
            ],
            dtype=np.int64,
        )
        key = hashlib.sha1(
            b"".join((day_prices.tobytes(), day_exogenous.tobytes(), weekdays.tobytes())),
            usedforsecurity=False,
        ).digest()
        if self._linear_cache is not None and self._linear_cache[0] == key:
            return self._linear_cache[1]
        result = fit_predict(day_prices, day_exogenous, weekdays, blocks, self.linear_config)
        self._linear_cache = (key, result)
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
    ) -> HourlyForecast:
        """Blend the members' medians (model units) and add the bands, in prices."""
        key = blend_key(list(medians))
        blend = self.market_blends.get(market or "", {}).get(key) or self.blends[key]
        median = np.zeros(HORIZON_HOURS)
        total = 0.0
        for name, weight in blend.weights.items():
            if weight > 0.0:
                median += weight * medians[name]
                total += weight
        median /= total
        keep = slice(0, horizon_hours)
        return HourlyForecast(
            origin=origin,
            lower=scaling.denormalise(median + blend.lower_offsets)[keep],
            median=scaling.denormalise(median)[keep],
            upper=scaling.denormalise(median + blend.upper_offsets)[keep],
            members=tuple(name for name in MEMBERS if blend.weights.get(name, 0.0) > 0.0),
            runtime=self.runtime,
            linear_windows=windows,
            exogenous_missing=missing,
            member_medians={name: scaling.denormalise(v)[keep] for name, v in medians.items()},
        )

    # --- the integration's entry point ----------------------------------------------------

    def predict(
        self,
        prices: PriceSeries,
        zone: tzinfo,
        country: str | None = None,
        *,
        exogenous: Mapping[str, PriceSeries] | None = None,
        horizon: timedelta = timedelta(hours=HORIZON_HOURS),
        market: str | None = None,
    ) -> Forecast:
        """Forecast from the end of the known prices, at their resolution.

        ``prices`` may be hourly or finer and may have gaps; ``exogenous`` series (by
        channel name, ``load`` and ``supply`` for the global models, any name for the
        refitted lasso) carry day-ahead forecasts in their ``price`` field. The forecast
        starts where the known prices end. ``market`` names
        a training market (see ``metadata["ensemble_by_market"]``) whose own blend to use.

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
        hourly = hourly_means(prices, origin - hours * HOUR_SECONDS, hours)
        channels = {
            name: hourly_means(series, origin - hours * HOUR_SECONDS, hours + HORIZON_HOURS)
            for name, series in (exogenous or {}).items()
        }
        horizon_hours = min(math.ceil(horizon.total_seconds() / HOUR_SECONDS), HORIZON_HOURS)
        try:
            result = self.predict_hourly(
                origin,
                hourly,
                channels,
                zone=zone,
                country=country,
                horizon_hours=horizon_hours,
                market=market,
            )
        except InsufficientHistoryError as error:
            ready = datetime.fromtimestamp(origin, UTC) + timedelta(
                hours=MIN_KNOWN_HOURS - error.known_hours
            )
            raise NotEnoughHistoryError(error.known_hours, ready) from error
        slots = expand_to_resolution(result, prices, zone, resolution)
        return Forecast(
            slots=slots,
            members=result.members,
            runtime=result.runtime,
            linear_windows=result.linear_windows,
            exogenous_missing=result.exogenous_missing,
        )


def hourly_means(series: PriceSeries, start: int, hours: int) -> FloatArray:
    """Return the duration-weighted mean price of each hour from ``start`` (NaN if none)."""
    count = len(series.slots)
    starts = np.fromiter((slot.start.timestamp() for slot in series.slots), np.float64, count)
    seconds = np.fromiter(
        (slot.duration.total_seconds() for slot in series.slots), np.float64, count
    )
    prices = np.fromiter((slot.price for slot in series.slots), np.float64, count)
    index = np.floor_divide(starts - start, HOUR_SECONDS).astype(np.int64)
    inside = (index >= 0) & (index < hours)
    totals = np.bincount(index[inside], prices[inside] * seconds[inside], minlength=hours)
    weights = np.bincount(index[inside], seconds[inside], minlength=hours)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(weights > 0, totals / np.where(weights > 0, weights, 1.0), np.nan)


def _quarter_profile(prices: PriceSeries, zone: tzinfo, resolution: timedelta) -> FloatArray:
    """Return the mean offset of each sub-hour slot from its hour, per local hour, last week."""
    parts = HOUR_SECONDS // int(resolution.total_seconds())
    offsets = np.zeros((24, parts))
    counts = np.zeros((24, parts))
    if prices.end is None:
        return offsets
    recent = prices.between(prices.end - timedelta(days=7), prices.end)
    hour_totals: dict[int, list[float]] = {}
    for slot in recent.slots:
        if slot.duration == resolution:
            hour_totals.setdefault(int(slot.start.timestamp()) // HOUR_SECONDS, []).append(
                slot.price
            )
    for slot in recent.slots:
        hour = int(slot.start.timestamp()) // HOUR_SECONDS
        values = hour_totals.get(hour, [])
        if slot.duration != resolution or len(values) != parts:
            continue
        local = slot.start.astimezone(zone)
        part = (local.minute * 60) // int(resolution.total_seconds())
        offsets[local.hour, part] += slot.price - sum(values) / parts
        counts[local.hour, part] += 1
    return np.where(counts > 0, offsets / np.maximum(counts, 1), 0.0)


def expand_to_resolution(
    result: HourlyForecast, prices: PriceSeries, zone: tzinfo, resolution: timedelta
) -> tuple[PriceSlot, ...]:
    """Return forecast slots at ``resolution`` after the known prices.

    Finer slots add last week's typical shape within each local hour to the hourly forecast.
    """
    known_end = prices.end
    assert known_end is not None
    hour = timedelta(hours=1)
    step = resolution if resolution < hour else hour
    profile = _quarter_profile(prices, zone, step) if step < hour else np.zeros((24, 1))
    parts = profile.shape[1]
    slots = []
    for index in range(result.median.size):
        hour_start = datetime.fromtimestamp(result.origin + index * HOUR_SECONDS, UTC)
        local_hour = hour_start.astimezone(zone).hour
        for part in range(parts):
            start = hour_start + part * step
            if start < known_end:
                continue
            shape = float(profile[local_hour, part])
            slots.append(
                PriceSlot(
                    start=start,
                    duration=step,
                    price=float(result.median[index]) + shape,
                    origin="forecast",
                    lower=float(result.lower[index]) + shape,
                    upper=float(result.upper[index]) + shape,
                )
            )
    return tuple(slots)
