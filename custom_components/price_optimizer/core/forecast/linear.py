"""The member refitted on the device: a lasso on asinh-scaled prices, like the LEAR model.

Each call fits, for every calibration window that the given history covers, one model
per hour of each forecast day on whole 24-hour blocks, and averages the windows'
forecasts. The lasso is solved by accelerated proximal gradient on the Gram matrix,
so one refit costs a few hundred small matrix products: cheap enough for a Raspberry Pi
once per new origin.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from .features import (
    LINEAR_PRICE_DAYS,
    BoolArray,
    FloatArray,
    IntArray,
    LevelScaling,
    fill_short_gaps,
    linear_design,
    linear_exogenous_days,
    robust_scaling,
)

# A window needs most of its days: fitting 247 coefficients on a handful would overfit.
MIN_WINDOW_SHARE: Final = 0.8
LOOKBACK_DAYS: Final = max(LINEAR_PRICE_DAYS)
# Interpolating gaps of up to two days beat leaving them out on the validation years
# (benchmarks/lasso_validation.py --gaps; the numbers are in training/README.md).
EXOGENOUS_FILL_HOURS: Final = 48
# At the end of what is known a gap is held only this long: a day whose forecast is not
# published yet must cost its channel, not be made up from the hour before it.
EXOGENOUS_HOLD_HOURS: Final = 3


@dataclass(frozen=True, slots=True)
class LinearConfig:
    """Calibration windows (days), the lasso penalty path and how a penalty is chosen.

    ``path_average_share`` mixes the coefficients the criterion picks with the mean of
    the coefficients along the whole path: the criterion alone overfits some hours,
    the average alone underfits others.

    ``exogenous_fill_hours`` is the longest run of missing hours in an exogenous channel
    that is filled (interpolated between the hours around it; at the end of the known
    values, held for at most ``EXOGENOUS_HOLD_HOURS``) rather than left missing. Whatever
    stays missing costs only that channel: calibration days that need it are left out,
    and a forecast block whose own inputs need it is fitted without the channel.
    """

    windows: tuple[int, ...] = (56, 84, 728, 1092)
    penalties: tuple[float, ...] = (0.1, 0.05, 0.025, 0.012, 0.006)
    iterations: int = 100
    criterion: str = "aic"
    path_average_share: float = 0.5
    exogenous_fill_hours: int = EXOGENOUS_FILL_HOURS

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-safe form for ``metadata.json``."""
        return {
            "windows": list(self.windows),
            "penalties": list(self.penalties),
            "iterations": self.iterations,
            "criterion": self.criterion,
            "path_average_share": self.path_average_share,
            "exogenous_fill_hours": self.exogenous_fill_hours,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LinearConfig:
        """Rebuild from :meth:`as_dict` output."""
        return cls(
            windows=tuple(int(window) for window in data["windows"]),
            penalties=tuple(float(penalty) for penalty in data["penalties"]),
            iterations=int(data["iterations"]),
            criterion=str(data["criterion"]),
            # Models exported before the path average existed used the criterion alone.
            path_average_share=float(data.get("path_average_share", 0.0)),
            # Models exported before this setting get the missing-value handling of today:
            # the earlier one (losing the whole member) was a fault, not a choice.
            exogenous_fill_hours=int(data.get("exogenous_fill_hours", EXOGENOUS_FILL_HOURS)),
        )


@dataclass(frozen=True, slots=True)
class LinearForecast:
    """Prices of the forecast blocks (24 per block) and the windows that served."""

    prices: FloatArray
    windows: tuple[int, ...]


def _fista(
    gram: FloatArray,
    targets: FloatArray,
    penalty: float,
    start: FloatArray,
    *,
    step: float,
    iterations: int,
) -> FloatArray:
    """Minimise ``0.5 w'Gw - w'b + penalty * |w|_1`` for each column of ``targets``."""
    weights = start
    momentum = start
    speed = 1.0
    for _ in range(iterations):
        moved = momentum - step * (gram @ momentum - targets)
        updated = np.sign(moved) * np.maximum(np.abs(moved) - step * penalty, 0.0)
        next_speed = (1.0 + np.sqrt(1.0 + 4.0 * speed * speed)) / 2.0
        momentum = updated + ((speed - 1.0) / next_speed) * (updated - weights)
        weights, speed = updated, next_speed
    return weights


def _lasso_path(
    gram: FloatArray,
    targets: FloatArray,
    target_variance: FloatArray,
    count: int,
    config: LinearConfig,
) -> FloatArray:
    """Return, per target column, the lasso chosen along the penalty path.

    Like LassoLarsIC in the LEAR model, the information criterion picks each hour's
    penalty from the calibration data itself, so no market needs its own setting; the
    pick is then mixed with the path's mean coefficients.
    """
    lipschitz = float(np.linalg.eigvalsh(gram)[-1])
    if lipschitz <= 0.0:
        return np.zeros_like(targets)
    step = 1.0 / lipschitz
    complexity = np.log(count) if config.criterion == "bic" else 2.0
    weights = np.zeros_like(targets)
    best = np.zeros_like(targets)
    best_criterion = np.full(targets.shape[1], np.inf)
    path_sum = np.zeros_like(targets)
    for stage, penalty in enumerate(config.penalties):
        iterations = config.iterations if stage == 0 else config.iterations // 2
        weights = _fista(gram, targets, penalty, weights, step=step, iterations=iterations)
        path_sum += weights
        residual = (
            target_variance
            - 2.0 * np.einsum("pj,pj->j", weights, targets)
            + np.einsum("pj,pj->j", weights, gram @ weights)
        )
        nonzero = np.count_nonzero(weights, axis=0)
        criterion = count * np.log(np.maximum(residual, 1e-12)) + complexity * nonzero
        better = criterion < best_criterion
        best[:, better] = weights[:, better]
        best_criterion[better] = criterion[better]
    share = config.path_average_share
    return (1.0 - share) * best + share * path_sum / len(config.penalties)


def _transform(values: FloatArray, scaling: LevelScaling) -> FloatArray:
    return np.asarray(np.arcsinh((values - scaling.center) / scaling.scale), dtype=np.float64)


def _fit_window(
    day_prices: FloatArray,
    day_exogenous: FloatArray,
    weekdays: IntArray,
    window: int,
    *,
    blocks: int,
    config: LinearConfig,
) -> FloatArray | None:
    origin = day_prices.shape[0]
    first = origin - window
    if first < LOOKBACK_DAYS:
        return None
    span = slice(first - LOOKBACK_DAYS, origin)
    price_scaling = robust_scaling(day_prices[span].ravel())
    prices = _transform(day_prices, price_scaling)
    exogenous = np.empty_like(day_exogenous)
    for channel in range(day_exogenous.shape[2]):
        scaling = robust_scaling(day_exogenous[span, :, channel].ravel())
        exogenous[:, :, channel] = _transform(day_exogenous[:, :, channel], scaling)
    forecast = np.empty((blocks, day_prices.shape[1]), dtype=np.float64)
    for block in range(blocks):
        origins = np.arange(first, origin - block)
        targets = prices[origins + block]
        known = np.isfinite(linear_design(prices, exogenous[:, :, :0], weekdays, origins, block))
        known = known.all(axis=1) & np.isfinite(targets).all(axis=1)
        channels, rows = choose_channels(
            exogenous, origin, origins, block, rows=known, needed=MIN_WINDOW_SHARE * window
        )
        if rows.sum() < MIN_WINDOW_SHARE * window:
            return None
        chosen = exogenous[:, :, channels]
        design = linear_design(prices, chosen, weekdays, origins[rows], block)
        targets = targets[rows]
        row = linear_design(prices, chosen, weekdays, np.array([origin]), block)
        if not np.isfinite(row).all():
            return None
        mean = design.mean(axis=0)
        spread = design.std(axis=0)
        spread[spread < 1e-9] = 1.0
        standard = (design - mean) / spread
        target_mean = targets.mean(axis=0)
        count = standard.shape[0]
        gram = standard.T @ standard / count
        correlations = standard.T @ (targets - target_mean) / count
        variance = (targets - target_mean).var(axis=0)
        weights = _lasso_path(gram, correlations, variance, count, config)
        scaled = ((row - mean) / spread) @ weights + target_mean
        forecast[block] = price_scaling.center + price_scaling.scale * np.sinh(scaled[0])
    return forecast.ravel()


def choose_channels(
    day_exogenous: FloatArray,
    origin: int,
    origins: IntArray,
    block: int,
    *,
    rows: BoolArray,
    needed: float,
) -> tuple[list[int], BoolArray]:
    """Return the exogenous channels one block is fitted on, and its calibration rows.

    ``rows`` marks the calibration origins whose prices are known. A channel is left out
    when the forecast's own row has a gap in it, or when the calibration days its gaps
    spoil would leave fewer than ``needed`` rows; so a missing value costs that input,
    never the whole member. Channels that spoil fewest rows are taken first.
    """
    forecast_days = np.concatenate(linear_exogenous_days(np.array([origin]), block))
    calibration_days = linear_exogenous_days(origins, block)
    known = {}
    for channel in range(day_exogenous.shape[2]):
        series = day_exogenous[:, :, channel]
        if np.isfinite(series[forecast_days]).all():
            known[channel] = np.logical_and.reduce(
                [np.isfinite(series[days]).all(axis=1) for days in calibration_days]
            )
    channels = []
    for channel in sorted(known, key=lambda channel: -int(known[channel].sum())):
        kept = rows & known[channel]
        if kept.sum() >= needed:
            channels.append(channel)
            rows = kept
    return sorted(channels), rows


def fill_exogenous(day_exogenous: FloatArray, longest: int) -> FloatArray:
    """Return [days, 24, channels] values with short runs of missing hours filled, per channel.

    Runs inside a channel of at most ``longest`` hours are interpolated; runs at its ends
    are held for at most ``EXOGENOUS_HOLD_HOURS``.
    """
    days, hours, count = day_exogenous.shape
    filled = np.empty_like(day_exogenous)
    for channel in range(count):
        series = day_exogenous[:, :, channel].ravel()
        filled[:, :, channel] = fill_short_gaps(
            series, longest, longest_at_ends=min(longest, EXOGENOUS_HOLD_HOURS)
        ).reshape(days, hours)
    return filled


def fit_predict(
    day_prices: FloatArray,
    day_exogenous: FloatArray,
    weekdays: IntArray,
    blocks: int,
    config: LinearConfig,
) -> LinearForecast | None:
    """Refit on the history and forecast ``blocks`` 24-hour blocks after it.

    ``day_prices`` is [days, slots] up to the origin (NaN where unknown), 24 hourly slots a
    day for the integration; ``day_exogenous`` is [days + blocks, slots, channels] and
    ``weekdays`` [days + blocks], both reaching past the origin; NaN marks a missing value
    (see ``LinearConfig.exogenous_fill_hours``). Returns None when no calibration window is
    covered.
    """
    day_exogenous = fill_exogenous(day_exogenous, config.exogenous_fill_hours)
    forecasts = []
    served = []
    for window in config.windows:
        forecast = _fit_window(
            day_prices, day_exogenous, weekdays, window, blocks=blocks, config=config
        )
        if forecast is not None:
            forecasts.append(forecast)
            served.append(window)
    if not forecasts:
        return None
    return LinearForecast(np.mean(forecasts, axis=0), tuple(served))
