"""Training samples: one per forecast origin (local midnight), from the integration's features."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from tqdm import tqdm

from custom_components.price_optimizer.core.forecast.features import (
    CONTEXT_HOURS,
    EXOGENOUS_CHANNELS,
    HORIZON_HOURS,
    ForecastInputs,
    InsufficientHistoryError,
    build_features,
    calendar_features,
)

from .data import Market


@dataclass
class Samples:
    """Stacked features and targets (model units) with the origin and market of each row."""

    sequence: np.ndarray
    horizon: np.ndarray
    tabular: np.ndarray
    target: np.ndarray
    origins: np.ndarray
    markets: np.ndarray

    def __len__(self) -> int:
        """Return the number of origins."""
        return int(self.origins.size)

    def select(self, mask: np.ndarray) -> Samples:
        """Return the rows where ``mask`` holds."""
        return Samples(
            self.sequence[mask],
            self.horizon[mask],
            self.tabular[mask],
            self.target[mask],
            self.origins[mask],
            self.markets[mask],
        )

    @staticmethod
    def concatenate(parts: list[Samples]) -> Samples:
        """Stack several sample sets."""
        return Samples(
            *(
                np.concatenate([getattr(part, name) for part in parts])
                for name in ("sequence", "horizon", "tabular", "target", "origins", "markets")
            )
        )


def market_calendar(market: Market) -> np.ndarray:
    """Return the calendar features of every grid hour plus the horizon after the last."""
    extended = np.concatenate(
        (market.hour_starts, market.hour_starts[-1] + 3600 * np.arange(1, HORIZON_HOURS + 1))
    )
    return calendar_features(extended, market.zone, market.country)


def midnight_origins(market: Market) -> np.ndarray:
    """Return grid indices that start a local day."""
    hours = np.array(
        [
            datetime.fromtimestamp(int(s), UTC).astimezone(market.zone).hour
            for s in market.hour_starts
        ]
    )
    minutes = (market.hour_starts // 60) % 60
    return np.flatnonzero((hours == 0) & (minutes == 0))


def channel_matrix(market: Market, hours: int | None = None) -> np.ndarray:
    """Return the global models' exogenous channels as [hours (+ horizon), channels]."""
    size = market.prices.size + HORIZON_HOURS if hours is None else hours
    matrix = np.full((size, len(EXOGENOUS_CHANNELS)), np.nan)
    for column, name in enumerate(EXOGENOUS_CHANNELS):
        if name in market.exogenous:
            values = market.exogenous[name]
            matrix[: values.size, column] = values[:size]
    return matrix


def inputs_at(
    market: Market,
    origin: int,
    exogenous: np.ndarray,
    calendar: np.ndarray,
    drop: tuple[bool, ...] = (),
) -> ForecastInputs:
    """Return what the integration would hold at ``origin`` (a grid index)."""
    start = max(origin - CONTEXT_HOURS, 0)
    window = exogenous[start : origin + HORIZON_HOURS].copy()
    for column, dropped in enumerate(drop):
        if dropped:
            window[:, column] = np.nan
    return ForecastInputs(
        origin=int(market.hour_starts[origin]),
        prices=market.prices[start:origin],
        exogenous=window,
        calendar=calendar[start : origin + HORIZON_HOURS],
    )


def build_samples(
    market: Market,
    first: int,
    stop: int,
    *,
    drop_probability: float = 0.0,
    seed: int = 0,
    progress: bool = True,
) -> Samples:
    """Return one sample per local midnight origin in grid indices ``[first, stop)``.

    With ``drop_probability`` each exogenous channel of a sample is hidden at random, so the
    models learn to serve without it (the integration's missing-input case).
    """
    generator = np.random.default_rng(seed)
    calendar = market_calendar(market)
    exogenous = channel_matrix(market)
    origins = midnight_origins(market)
    origins = origins[(origins >= max(first, CONTEXT_HOURS)) & (origins + HORIZON_HOURS <= stop)]
    rows: dict[str, list[np.ndarray]] = {
        "sequence": [],
        "horizon": [],
        "tabular": [],
        "target": [],
    }
    kept = []
    for origin in tqdm(origins, desc=f"features {market.name}", disable=not progress):
        target = market.prices[origin : origin + HORIZON_HOURS]
        if not np.isfinite(target).all():
            continue
        drop = tuple(generator.random(len(EXOGENOUS_CHANNELS)) < drop_probability)
        try:
            features = build_features(inputs_at(market, origin, exogenous, calendar, drop))
        except InsufficientHistoryError:
            continue
        rows["sequence"].append(features.sequence.astype(np.float32))
        rows["horizon"].append(features.horizon.astype(np.float32))
        rows["tabular"].append(features.tabular.astype(np.float32))
        rows["target"].append(features.scaling.normalise(target).astype(np.float32))
        kept.append(origin)
    if not kept:
        raise ValueError(f"{market.name}: no complete sample in the requested span")
    return Samples(
        **{name: np.stack(values) for name, values in rows.items()},
        origins=market.hour_starts[np.array(kept)],
        markets=np.array([market.name] * len(kept)),
    )
