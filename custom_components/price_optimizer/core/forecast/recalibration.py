"""Recalibration from the entry's own errors: blend weights and bands that follow its market.

The shipped blend was fitted on validation years, across markets or for the entry's own
market. Markets change, so each entry keeps its forecasts (hourly, in model units) until
the market publishes their hours and then scores them. From the last ``WINDOW_DAYS`` of
scores it

- refits the convex blend weights with the same search training uses, shrunk toward the
  shipped weights while fewer than ``WINDOW_DAYS`` of scores are held, and
- widens or narrows the shipped band of each horizon hour by a factor per side and day
  ahead: the quantile of the recent errors of that day ahead in units of that band (split
  conformal on a rolling window), at a level of that side and day ahead that adaptive
  conformal inference moves after each scored batch, up when the band missed more often
  than its 10 % and down when less. One level per day ahead, as one ACI process per
  horizon: a day publishes a day of each of the week's overlapping forecasts, and a shared
  level would take seven times the step for it and swing.

Everything works in model units (``asinh((price - center) / scale)`` of each forecast's
own scaling), so a change of price level neither inflates the errors nor the bands.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np

from .blend_fit import best_convex_weights
from .features import (
    HOUR_SECONDS,
    WEEK_HORIZON_HOURS,
    BoolArray,
    FloatArray,
    IntArray,
    LevelScaling,
)

WINDOW_DAYS: Final = 28
WINDOW_SECONDS: Final = WINDOW_DAYS * 24 * HOUR_SECONDS
# Fewer scored hours than a week's leave the shipped blend and bands unchanged.
MIN_SCORED_HOURS: Final = 7 * 24
# A forecast none of whose hours the market published within this long is dropped.
PENDING_SECONDS: Final = 3 * 24 * HOUR_SECONDS
# Each band side aims at 10 % of the prices outside it: the p10-p90 band.
MISS_TARGET: Final = 0.1
# The adaptive step per scored hour (Gibbs and Candes, 2021, use 0.005) and the range of
# the quantile level it moves.
ADAPTATION_STEP: Final = 0.005
LEVEL_RANGE: Final = (0.5, 0.995)
SIDES: Final = ("lower", "upper")
DAYS_AHEAD: Final = WEEK_HORIZON_HOURS // 24
# Offsets narrower than this (model units) are treated as this, so a score never divides
# by almost nothing.
MIN_OFFSET: Final = 1e-3


@dataclass(frozen=True, slots=True)
class IssuedForecast:
    """One forecast as served, hourly in model units from ``origin`` (epoch seconds)."""

    origin: int
    center: float
    scale: float
    members: Mapping[str, FloatArray]
    median: FloatArray
    lower_offsets: FloatArray
    upper_offsets: FloatArray
    served_lower: FloatArray
    served_upper: FloatArray
    # Hours from the origin it was issued at to its first hour here.
    lead: int = 0

    def as_list(self) -> list[Any]:
        """Return a JSON-safe form."""
        return [
            self.origin,
            self.center,
            self.scale,
            {name: _rounded(values) for name, values in self.members.items()},
            *(
                _rounded(values)
                for values in (
                    self.median,
                    self.lower_offsets,
                    self.upper_offsets,
                    self.served_lower,
                    self.served_upper,
                )
            ),
            self.lead,
        ]

    @classmethod
    def from_list(cls, data: Sequence[Any]) -> IssuedForecast:
        """Rebuild from :meth:`as_list` output."""
        origin, center, scale, stored_members, *arrays, lead = data
        median, lower, upper, served_lower, served_upper = (_array(values) for values in arrays)
        members = {str(name): _array(values) for name, values in stored_members.items()}
        if any(
            values.size != median.size
            for values in (lower, upper, served_lower, served_upper, *members.values())
        ):
            raise ValueError("the hours of a kept forecast differ in length")
        return cls(
            int(origin),
            float(center),
            float(scale),
            members,
            median,
            lower,
            upper,
            served_lower,
            served_upper,
            int(lead),
        )

    def after(self, hours: int) -> IssuedForecast:
        """Return the forecast from its hour ``hours`` on, with the origin moved there."""
        return self._taken(slice(hours, None), self.origin + hours * HOUR_SECONDS, hours)

    def taken(self, keep: slice | BoolArray) -> IssuedForecast:
        """Return the hours ``keep`` selects; the origin stays, as the window's age."""
        return self._taken(keep, self.origin, 0)

    def _taken(self, keep: slice | BoolArray, origin: int, skipped: int) -> IssuedForecast:
        return IssuedForecast(
            origin,
            self.center,
            self.scale,
            {name: values[keep] for name, values in self.members.items()},
            self.median[keep],
            self.lower_offsets[keep],
            self.upper_offsets[keep],
            self.served_lower[keep],
            self.served_upper[keep],
            self.lead + skipped,
        )


@dataclass(frozen=True, slots=True)
class ScoredHours:
    """Scored hours of one forecast, their published prices (model units) and their leads.

    ``leads`` are the hours from the origin the forecast was issued at to each hour.
    """

    forecast: IssuedForecast
    actual: FloatArray
    leads: IntArray


@dataclass(frozen=True, slots=True)
class Calibrated:
    """What the recalibration serves for one member set: weights and band offsets."""

    weights: dict[str, float]
    lower_offsets: FloatArray
    upper_offsets: FloatArray


@dataclass(slots=True)
class Recalibration:
    """An entry's pending forecasts, its recent scores and the band levels they moved."""

    pending: dict[int, IssuedForecast] = field(default_factory=dict)
    scored: list[ScoredHours] = field(default_factory=list)
    # Per side, the quantile level of each day ahead.
    levels: dict[str, list[float]] = field(
        default_factory=lambda: {side: [1 - MISS_TARGET] * DAYS_AHEAD for side in SIDES}
    )
    # What the scores give changes only when they do: a forecast of the same origin, or a
    # refresh, reuses it.
    _weights: dict[tuple[tuple[str, float], ...], dict[str, float]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _factors: dict[int, dict[str, list[float]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def scored_hours(self) -> int:
        """Return how many hours the window holds scores of."""
        return sum(item.actual.size for item in self.scored)

    def calibrated(
        self,
        shipped_weights: Mapping[str, float],
        lower_offsets: FloatArray,
        upper_offsets: FloatArray,
        medians: Mapping[str, FloatArray],
    ) -> Calibrated:
        """Return the weights and band offsets to serve, for the members in ``medians``.

        ``shipped_weights``, ``lower_offsets`` and ``upper_offsets`` are the shipped blend of
        that member set; ``medians`` are this forecast's member medians (model units).
        """
        members = tuple(name for name in shipped_weights if name in medians)
        key = tuple((name, shipped_weights[name]) for name in members)
        weights = self._weights.get(key)
        if weights is None:
            weights = self._weights[key] = self._fitted_weights(shipped_weights, members)
        days = -(-lower_offsets.size // 24)
        factors = self.band_factors(days)
        day = np.arange(lower_offsets.size) // 24
        return Calibrated(
            weights=weights,
            lower_offsets=np.minimum(lower_offsets, 0.0) * np.asarray(factors["lower"])[day],
            upper_offsets=np.maximum(upper_offsets, 0.0) * np.asarray(factors["upper"])[day],
        )

    def _fitted_weights(
        self, shipped_weights: Mapping[str, float], members: tuple[str, ...]
    ) -> dict[str, float]:
        weights = dict(shipped_weights)
        usable = [item for item in self.scored if set(members) <= item.forecast.members.keys()]
        if len(members) > 1 and usable:
            values = {
                name: np.concatenate([item.forecast.members[name] for item in usable])
                for name in members
            }
            actual = np.concatenate([item.actual for item in usable])
            sizes = [item.actual.size for item in usable]
            center = np.repeat([item.forecast.center for item in usable], sizes)
            scale = np.repeat([item.forecast.scale for item in usable], sizes)
            known = np.logical_and.reduce([np.isfinite(values[name]) for name in members])
            hours = int(known.sum())
            if hours >= MIN_SCORED_HOURS:
                fitted, _ = best_convex_weights(
                    {name: values[name][known] for name in members},
                    actual[known],
                    center[known],
                    scale[known],
                    members,
                )
                share = min(1.0, hours / (WINDOW_DAYS * 24))
                weights = {
                    name: share * fitted.get(name, 0.0) + (1 - share) * shipped_weights[name]
                    for name in shipped_weights
                }
        return weights

    def band_factors(self, days: int = DAYS_AHEAD) -> dict[str, list[float]]:
        """Return, per side and day ahead, how many shipped band widths the recent errors reach.

        Each day ahead takes the quantile of its own scores, at its own level of that side,
        once it has ``MIN_SCORED_HOURS`` of them, and of all scores until then; one (the
        shipped band) while fewer than that are scored in all. Never below zero, so the band
        always holds the median.
        """
        if days not in self._factors:
            self._factors[days] = self._band_factors(days)
        return {side: list(values) for side, values in self._factors[days].items()}

    def _band_factors(self, days: int) -> dict[str, list[float]]:
        if self.scored_hours < MIN_SCORED_HOURS:
            return {side: [1.0] * days for side in SIDES}
        scores = band_scores(self.scored)
        day = np.concatenate([item.leads for item in self.scored]) // 24
        factors: dict[str, list[float]] = {}
        for side in SIDES:
            factors[side] = []
            for ahead in range(days):
                level = self.levels[side][min(ahead, DAYS_AHEAD - 1)]
                own = day == ahead
                values = scores[side][own] if own.sum() >= MIN_SCORED_HOURS else scores[side]
                factors[side].append(max(0.0, float(np.quantile(values, level))))
        return factors

    def issue(self, forecast: IssuedForecast) -> None:
        """Keep a served forecast until its hours are published; it replaces one of its origin.

        It stays under that origin while its hours are scored; ``forecast.origin`` moves on
        to its first hour not yet published.
        """
        self.pending[forecast.origin] = forecast

    def score(self, first_hour: int, prices: FloatArray) -> int:
        """Score the pending hours that ``prices`` (hourly from ``first_hour``) publish.

        NaN prices are not published yet. Each hour is scored once, and the hours of a
        forecast up to its last published one leave it; the band levels move by each
        batch's misses. Returns how many hours were scored.
        """
        scored = 0
        newest = first_hour + prices.size * HOUR_SECONDS
        for origin, forecast in sorted(self.pending.items()):
            offset = (forecast.origin - first_hour) // HOUR_SECONDS
            published = np.full(forecast.median.size, np.nan)
            start, stop = max(0, -offset), min(forecast.median.size, prices.size - offset)
            if stop > start:
                published[start:stop] = prices[offset + start : offset + stop]
            known = np.isfinite(published)
            remaining = forecast
            if known.any():
                actual = LevelScaling(forecast.center, forecast.scale).normalise(published[known])
                batch = forecast.taken(known)
                leads = forecast.lead + np.flatnonzero(known)
                self._adapt(batch, actual, leads)
                self.scored.append(ScoredHours(batch, actual, leads.astype(np.int64)))
                scored += actual.size
                remaining = forecast.after(int(np.flatnonzero(known)[-1]) + 1)
            if remaining.median.size == 0 or remaining.origin < newest - PENDING_SECONDS:
                del self.pending[origin]
            else:
                self.pending[origin] = remaining
        kept = [item for item in self.scored if item.forecast.origin >= newest - WINDOW_SECONDS]
        if scored or len(kept) < len(self.scored):
            self._weights.clear()
            self._factors.clear()
        self.scored = kept
        return scored

    def _adapt(self, batch: IssuedForecast, actual: FloatArray, leads: IntArray) -> None:
        misses = {
            "lower": actual < batch.served_lower,
            "upper": actual > batch.served_upper,
        }
        day = np.minimum(leads // 24, DAYS_AHEAD - 1)
        low, high = LEVEL_RANGE
        for side in SIDES:
            levels = self.levels[side]
            for ahead in np.unique(day).tolist():
                hours = day == ahead
                step = ADAPTATION_STEP * float(np.sum(misses[side][hours] - MISS_TARGET))
                levels[ahead] = min(high, max(low, levels[ahead] + step))

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-safe form for the Store."""
        return {
            "pending": [[origin, forecast.as_list()] for origin, forecast in self.pending.items()],
            "scored": [
                [item.forecast.as_list(), _rounded(item.actual), item.leads.tolist()]
                for item in self.scored
            ],
            "levels": {side: list(values) for side, values in self.levels.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Recalibration:
        """Rebuild from :meth:`as_dict` output; anything unreadable starts afresh."""
        try:
            pending = {
                int(origin): IssuedForecast.from_list(forecast)
                for origin, forecast in data.get("pending", ())
            }
            scored = [
                ScoredHours(
                    IssuedForecast.from_list(forecast),
                    _array(actual),
                    np.array(leads, dtype=np.int64),
                )
                for forecast, actual, leads in data.get("scored", ())
            ]
            if any(
                item.actual.size != item.forecast.median.size or item.leads.size != item.actual.size
                for item in scored
            ):
                raise ValueError("a scored forecast and its prices differ in length")
            levels = {side: _levels(data.get("levels", {})[side]) for side in SIDES}
        except (KeyError, TypeError, ValueError):
            return cls()
        return cls(pending, scored, levels)


def band_scores(scored: Sequence[ScoredHours]) -> dict[str, FloatArray]:
    """Return each scored hour's error in units of the shipped band on each side.

    Below the median the error counts in widths of the lower offset, above it in widths of
    the upper: a score of 1 is a price on the shipped band's edge, negative one on the
    other side of the median.
    """
    actual = np.concatenate([item.actual for item in scored])
    median = np.concatenate([item.forecast.median for item in scored])
    lower = np.concatenate([item.forecast.lower_offsets for item in scored])
    upper = np.concatenate([item.forecast.upper_offsets for item in scored])
    return {
        "lower": (median - actual) / np.maximum(-lower, MIN_OFFSET),
        "upper": (actual - median) / np.maximum(upper, MIN_OFFSET),
    }


def _levels(stored: float | Sequence[float]) -> list[float]:
    """Return a side's level per day ahead; one level for every day was kept at first."""
    if isinstance(stored, (int, float)):
        return [float(stored)] * DAYS_AHEAD
    levels = [float(value) for value in stored]
    if len(levels) != DAYS_AHEAD:
        raise ValueError("a level for each day ahead is needed")
    return levels


def _rounded(values: FloatArray) -> list[float | None]:
    return [None if not np.isfinite(value) else round(float(value), 6) for value in values]


def _array(values: Sequence[float | None]) -> FloatArray:
    return np.array([np.nan if value is None else value for value in values], dtype=np.float64)
