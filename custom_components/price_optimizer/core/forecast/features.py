"""The one feature builder, shared by training and the integration (numpy only).

Everything works on an hourly UTC grid that ends at the forecast origin, the first
hour whose price is unknown. Prices are scaled per forecast by the level of the
week before the origin (median and median absolute deviation, then ``asinh``), so a
model trained on one market and one price era reads another zone or era in the same
units. Missing inputs stay visible to the models through explicit indicators.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from itertools import repeat
from typing import Final

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

HOUR_SECONDS: Final = 3600
DAY_SECONDS: Final = 86400
# 1970-01-01 was a Thursday (Monday is 0).
EPOCH_WEEKDAY: Final = 3
HISTORY_HOURS: Final = 168
# The static members (network and trees) forecast two days; the refitted lasso goes on to a
# week, which the forecast serves where the models carry bands for it.
HORIZON_HOURS: Final = 48
WEEK_HORIZON_HOURS: Final = 7 * 24
PRICE_LAGS: Final = (1, 2, 3, 24, 48, 168)
ROLLING_WINDOWS: Final = (3, 6, 12, 24, 72, 168)
EXOGENOUS_CHANNELS: Final = ("load", "supply")
# Enough for the lags and rolling windows of every hour the sequence model reads.
CONTEXT_HOURS: Final = HISTORY_HOURS + max(PRICE_LAGS)
# Below this many known hours in the last week the level and shape are guesses.
MIN_KNOWN_HOURS: Final = 144
MIN_EXOGENOUS_HOURS: Final = 24
EXOGENOUS_CLIP: Final = 10.0

CALENDAR_FEATURES: Final = (
    "hour_sin",
    "hour_cos",
    "weekday_sin",
    "weekday_cos",
    "year_sin",
    "year_cos",
    "weekend",
    "holiday",
)
HISTORY_FEATURES: Final = (
    "price",
    "price_missing",
    *(f"price_lag_{lag}h" for lag in PRICE_LAGS),
    "price_lags_missing",
    *(f"rolling_mean_{window}h" for window in ROLLING_WINDOWS),
    "volatility_24h",
    "volatility_168h",
    "rolling_min_24h",
    "rolling_max_24h",
    "momentum_24h_vs_168h",
    "momentum_3h",
    *(f"exogenous_{name}" for name in EXOGENOUS_CHANNELS),
    *(f"exogenous_{name}_missing" for name in EXOGENOUS_CHANNELS),
    *CALENDAR_FEATURES,
)
HORIZON_FEATURES: Final = (
    "horizon",
    "price_same_hour_last_known_day",
    "price_same_hour_last_week",
    *(f"exogenous_{name}" for name in EXOGENOUS_CHANNELS),
    *(f"exogenous_{name}_missing" for name in EXOGENOUS_CHANNELS),
    *CALENDAR_FEATURES,
)
TABULAR_FEATURES: Final = (
    *(f"origin_{name}" for name in HISTORY_FEATURES),
    *(f"target_{name}" for name in HORIZON_FEATURES),
    *(f"last_day_price_{hour}" for hour in range(24)),
)


class InsufficientHistoryError(ValueError):
    """Too few known prices before the origin to forecast from."""

    def __init__(self, known_hours: int) -> None:
        """Say how many of the required hours of the last week are known."""
        super().__init__(
            f"{known_hours} of the last {HISTORY_HOURS} hours have prices; {MIN_KNOWN_HOURS} needed"
        )
        self.known_hours = known_hours


@dataclass(frozen=True, slots=True)
class LevelScaling:
    """Per-forecast price scaling: ``asinh((price - center) / scale)``."""

    center: float
    scale: float

    def normalise(self, prices: FloatArray) -> FloatArray:
        """Return prices in model units."""
        return np.asarray(np.arcsinh((prices - self.center) / self.scale), dtype=np.float64)

    def denormalise(self, values: FloatArray) -> FloatArray:
        """Return model units as prices."""
        return np.asarray(self.center + self.scale * np.sinh(values), dtype=np.float64)


def robust_scaling(values: FloatArray) -> LevelScaling:
    """Return median and median absolute deviation of the finite values, with a floor.

    The floor is relative to the level so a flat week (or a zone quoted per kWh rather
    than per MWh) never divides by almost nothing.
    """
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return LevelScaling(0.0, 1.0)
    center = float(np.median(finite))
    spread = float(np.median(np.abs(finite - center)))
    floor = max(0.05 * float(np.mean(np.abs(finite))), 1e-6)
    return LevelScaling(center, max(spread, floor))


@dataclass(frozen=True, slots=True)
class ForecastInputs:
    """The hourly inputs of one forecast.

    ``prices`` covers the hours before ``origin`` (the last entry is the hour just
    before it); ``exogenous`` covers the same hours and then ``HORIZON_HOURS`` more,
    one column per name in ``EXOGENOUS_CHANNELS``. NaN marks what is not known.
    """

    origin: int
    prices: FloatArray
    exogenous: FloatArray
    calendar: FloatArray


@dataclass(frozen=True, slots=True)
class FeatureSet:
    """Model inputs for one forecast, in model units."""

    sequence: FloatArray
    horizon: FloatArray
    tabular: FloatArray
    scaling: LevelScaling
    exogenous_available: tuple[bool, ...]


@lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> frozenset[date]:
    import holidays  # noqa: PLC0415  (imported on first use: its country data is large)

    try:
        calendar = holidays.country_holidays(country, years=year)
    except NotImplementedError:
        return frozenset()
    return frozenset(calendar)


# Enough for the hours of several forecasts and the day starts of three years of history.
OFFSET_CACHE_SIZE: Final = 8192


@lru_cache(maxsize=OFFSET_CACHE_SIZE)
def _utc_offset(zone: tzinfo, instant: int) -> int:
    offset = datetime.fromtimestamp(instant, UTC).astimezone(zone).utcoffset()
    return 0 if offset is None else int(offset.total_seconds())


def local_seconds(instants: IntArray, zone: tzinfo) -> IntArray:
    """Return UTC epoch seconds as local wall-clock seconds since 1970-01-01 in ``zone``.

    Converting an instant to local time costs about a microsecond; forecasts ask for the
    same hours over and over, so each instant's offset is remembered.
    """
    offsets = np.fromiter(
        map(_utc_offset, repeat(zone), instants.tolist()), np.int64, instants.size
    )
    return np.asarray(instants, dtype=np.int64) + offsets


def local_weekdays(instants: IntArray, zone: tzinfo) -> IntArray:
    """Return the local weekday (Monday is 0) of UTC epoch seconds in ``zone``."""
    return np.asarray((local_seconds(instants, zone) // DAY_SECONDS + EPOCH_WEEKDAY) % 7)


def calendar_features(hour_starts: IntArray, zone: tzinfo, country: str | None) -> FloatArray:
    """Return ``CALENDAR_FEATURES`` for UTC hour starts (epoch seconds), in local time."""
    local = local_seconds(hour_starts, zone)
    days, second_of_day = np.divmod(local, DAY_SECONDS)
    hour = second_of_day // HOUR_SECONDS + (second_of_day % HOUR_SECONDS // 60) / 60.0
    weekday = (days + EPOCH_WEEKDAY) % 7
    dates = days.astype("datetime64[D]")
    day_of_year = (dates - dates.astype("datetime64[Y]").astype("datetime64[D]")).astype(np.int64)
    holiday = np.zeros(hour_starts.size)
    if country is not None:
        unique_days, position = np.unique(dates, return_inverse=True)
        flags = [day in _holidays(country, day.year) for day in unique_days.tolist()]
        holiday = np.asarray(flags, dtype=np.float64)[position.reshape(-1)]
    return np.column_stack(
        (
            np.sin(2 * np.pi * hour / 24),
            np.cos(2 * np.pi * hour / 24),
            np.sin(2 * np.pi * weekday / 7),
            np.cos(2 * np.pi * weekday / 7),
            np.sin(2 * np.pi * day_of_year / 365.25),
            np.cos(2 * np.pi * day_of_year / 365.25),
            (weekday >= 5).astype(np.float64),
            holiday,
        )
    )


def fill_gaps(values: FloatArray) -> FloatArray:
    """Return ``values`` with NaN replaced by linear interpolation (edges: nearest)."""
    missing = ~np.isfinite(values)
    if not missing.any():
        return values.copy()
    known = np.flatnonzero(~missing)
    if known.size == 0:
        return np.zeros_like(values)
    positions = np.arange(values.size)
    return np.asarray(np.interp(positions, known, values[known]), dtype=np.float64)


def fill_short_gaps(values: FloatArray, longest: int, *, longest_at_ends: int) -> FloatArray:
    """Return ``values`` with short runs of NaN filled; longer runs stay NaN.

    A run inside the series of at most ``longest`` values is interpolated linearly
    between its known neighbours; a run at either end of at most ``longest_at_ends``
    takes the nearest known value.
    """
    missing = ~np.isfinite(values)
    if not missing.any() or missing.all():
        return values.copy()
    edges = np.diff(np.concatenate(([0], missing.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    filled = fill_gaps(values)
    result = values.copy()
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        at_end = start == 0 or end == values.size
        if end - start <= (longest_at_ends if at_end else longest):
            result[start:end] = filled[start:end]
    return result


def is_load_channel(name: str) -> bool:
    """Return whether an exogenous channel is a load forecast (``load``, ``zonal_load`` ...)."""
    return name == "load" or name.endswith("_load")


def without_unknown_values(name: str, values: FloatArray) -> FloatArray:
    """Return an exogenous channel's values with the ones that mean "not known" as NaN.

    A load forecast of zero or below is a missing value, never a real load: ENTSO-E
    files mark a missing hour with 0. Any other channel (wind and solar are often 0)
    keeps its zeros.
    """
    result = np.array(values, dtype=np.float64)
    if is_load_channel(name):
        result[result <= 0.0] = np.nan
    return result


def _lagged(values: FloatArray, lags: Sequence[int]) -> FloatArray:
    """Return one column per lag: ``values`` shifted back in time, NaN before the start."""
    shifted = np.full((values.size, len(lags)), np.nan)
    for column, lag in enumerate(lags):
        shifted[lag:, column] = values[:-lag]
    return shifted


def _rolling(
    values: FloatArray, windows: Sequence[int]
) -> dict[int, tuple[FloatArray, FloatArray]]:
    """Return the trailing mean and standard deviation per window (partial at the start)."""
    cumulative = np.concatenate(([0.0], np.cumsum(values)))
    squares = np.concatenate(([0.0], np.cumsum(values * values)))
    ends = np.arange(1, values.size + 1)
    result = {}
    for window in windows:
        starts = np.maximum(ends - window, 0)
        counts = ends - starts
        mean = (cumulative[ends] - cumulative[starts]) / counts
        variance = (squares[ends] - squares[starts]) / counts - mean * mean
        result[window] = (mean, np.sqrt(np.maximum(variance, 0.0)))
    return result


def _rolling_extremes(values: FloatArray, window: int) -> tuple[FloatArray, FloatArray]:
    padded = np.concatenate((np.full(window - 1, values[0]), values))
    windows = np.lib.stride_tricks.sliding_window_view(padded, window)
    return windows.min(axis=1), windows.max(axis=1)


def _exogenous_scaled(exogenous: FloatArray, history: int) -> tuple[FloatArray, tuple[bool, ...]]:
    """Scale each channel by its own last week; a channel without enough of it is missing."""
    scaled = np.full_like(exogenous, np.nan)
    available = []
    for channel in range(exogenous.shape[1]):
        column = exogenous[:, channel]
        recent = column[max(history - HISTORY_HOURS, 0) : history]
        if np.isfinite(recent).sum() < MIN_EXOGENOUS_HOURS:
            available.append(False)
            continue
        scaling = robust_scaling(recent)
        scaled[:, channel] = np.clip(
            (column - scaling.center) / scaling.scale, -EXOGENOUS_CLIP, EXOGENOUS_CLIP
        )
        available.append(True)
    return scaled, tuple(available)


def build_features(inputs: ForecastInputs) -> FeatureSet:
    """Return the sequence, horizon and tabular features of one forecast.

    Raises:
        InsufficientHistoryError: fewer than ``MIN_KNOWN_HOURS`` prices in the last week.
    """
    history = inputs.prices.size
    if history < HISTORY_HOURS:
        raise InsufficientHistoryError(int(np.isfinite(inputs.prices).sum()))
    last_week = inputs.prices[-HISTORY_HOURS:]
    known = int(np.isfinite(last_week).sum())
    if known < MIN_KNOWN_HOURS:
        raise InsufficientHistoryError(known)
    scaling = robust_scaling(last_week)
    prices = scaling.normalise(inputs.prices)
    price_missing = (~np.isfinite(prices)).astype(np.float64)
    filled = fill_gaps(prices)
    exogenous, available = _exogenous_scaled(inputs.exogenous, history)
    exogenous_missing = (~np.isfinite(exogenous)).astype(np.float64)
    exogenous = np.nan_to_num(exogenous, nan=0.0)

    lags = _lagged(filled, PRICE_LAGS)
    lag_missing = _lagged(price_missing, PRICE_LAGS)  # NaN where the lag reaches before the history
    lags_missing = np.mean(np.where(np.isnan(lag_missing), 1.0, lag_missing), axis=1)
    lags = np.where(np.isnan(lags), filled[:, None], lags)
    rolling = _rolling(filled, ROLLING_WINDOWS)
    means = np.stack([rolling[window][0] for window in ROLLING_WINDOWS], axis=1)
    volatility_day = rolling[24][1]
    volatility_week = rolling[168][1]
    low, high = _rolling_extremes(filled, 24)
    momentum_3h = filled - np.concatenate((np.full(3, filled[0]), filled[:-3]))
    history_rows = np.column_stack(
        (
            filled,
            price_missing,
            lags,
            lags_missing,
            means,
            volatility_day,
            volatility_week,
            low,
            high,
            means[:, ROLLING_WINDOWS.index(24)] - means[:, ROLLING_WINDOWS.index(168)],
            momentum_3h,
            exogenous[:history],
            exogenous_missing[:history],
            inputs.calendar[:history],
        )
    )
    sequence = history_rows[-HISTORY_HOURS:]

    steps = np.arange(1, HORIZON_HOURS + 1)
    last_known_day = filled[history - 24 + (steps - 1) % 24]
    last_week_same_hour = filled[history - HISTORY_HOURS + steps - 1]
    horizon = np.column_stack(
        (
            steps / HORIZON_HOURS,
            last_known_day,
            last_week_same_hour,
            exogenous[history:],
            exogenous_missing[history:],
            inputs.calendar[history:],
        )
    )
    tabular = np.column_stack(
        (
            np.repeat(sequence[-1:], HORIZON_HOURS, axis=0),
            horizon,
            np.repeat(filled[None, -24:], HORIZON_HOURS, axis=0),
        )
    )
    return FeatureSet(sequence, horizon, tabular, scaling, available)


# The regularised linear member (refitted on the device) reads whole 24-hour blocks that
# end at the origin, as the LEAR model of the epftoolbox benchmark reads whole days.
LINEAR_PRICE_DAYS: Final = (1, 2, 3, 7)
WEEKDAYS: Final = 7


def linear_exogenous_days(origins: IntArray, block: int) -> tuple[IntArray, ...]:
    """Return the days whose exogenous values a design row reads.

    They are the target day, the day before it and a week before the origin.
    """
    target = origins + block
    return target, target - 1, origins - 7


def linear_design(
    day_prices: FloatArray,
    day_exogenous: FloatArray,
    weekdays: IntArray,
    origins: IntArray,
    block: int,
) -> FloatArray:
    """Return one design row per origin day for the prices of day ``origin + block``.

    ``day_prices`` is [days, 24] and ``day_exogenous`` [days, 24, channels], both already
    transformed; ``origins`` index the first unknown day. A row holds the prices of the
    days 1, 2, 3 and 7 before the origin, each exogenous channel on the target day, the day
    before it and a week before the origin, and the target day's weekday (one-hot).
    """
    parts: list[FloatArray] = [day_prices[origins - days] for days in LINEAR_PRICE_DAYS]
    exogenous_days = linear_exogenous_days(origins, block)
    for channel in range(day_exogenous.shape[2]):
        series = day_exogenous[:, :, channel]
        parts += [series[days] for days in exogenous_days]
    parts.append(np.eye(WEEKDAYS)[weekdays[origins + block]])
    return np.concatenate(parts, axis=1)
