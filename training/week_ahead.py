"""The lasso's bands past the static members' two days: its validation errors up to a week.

Past ``HORIZON_HOURS`` the forecast is the lasso alone, which forecasts each day ahead
directly. Its band at each later horizon hour is the 10th and 90th percentile of its own
errors there (model units), on the same validation origins as the blend, every
``WEEK_AHEAD_STRIDE_DAYS``: seven 24-hour blocks cost the lasso about three times what two
do. Nothing at or after a split's cutoff is read.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from custom_components.price_optimizer.core.forecast.features import (
    HORIZON_HOURS,
    WEEK_HORIZON_HOURS,
)
from custom_components.price_optimizer.core.forecast.linear import LinearConfig
from custom_components.price_optimizer.core.forecast.predictor import Blend, Forecaster

from .train import MIN_MARKET_BLEND_ORIGINS, Split, member_scores

WEEK_AHEAD_STRIDE_DAYS = 5


def lasso_residuals(
    linear: LinearConfig, split: Split, stride_days: int, progress: bool = False
) -> np.ndarray:
    """Return [origins, hours] actual minus lasso (model units) from ``HORIZON_HOURS`` on.

    Origins where the lasso could not serve are left out.
    """
    forecaster = Forecaster({"linear": linear.as_dict()}, None, None, "numpy")
    scores = member_scores(forecaster, split, stride_days, WEEK_HORIZON_HOURS, progress)
    actual = scores["actual"].reshape(-1, WEEK_HORIZON_HOURS)[:, HORIZON_HOURS:]
    lasso = scores["linear"].reshape(-1, WEEK_HORIZON_HOURS)[:, HORIZON_HOURS:]
    residuals = actual - lasso
    return residuals[np.isfinite(residuals).all(axis=1)]


def _bands(residuals: np.ndarray) -> Blend:
    return Blend(
        weights={"linear": 1.0},
        lower_offsets=np.quantile(residuals, 0.1, axis=0),
        upper_offsets=np.quantile(residuals, 0.9, axis=0),
    )


def week_ahead_bands(
    linear: LinearConfig,
    splits: list[Split],
    *,
    stride_days: int = WEEK_AHEAD_STRIDE_DAYS,
    workers: int = 2,
    progress: bool = False,
) -> dict[str, Any]:
    """Return the metadata entries ``week_ahead`` (every split) and ``week_ahead_by_market``.

    A market gets bands of its own when it has ``MIN_MARKET_BLEND_ORIGINS`` origins, as it
    gets a blend of its own. Without any origin (validation spans shorter than a week, or
    without the lasso's history) there are none, and the models serve two days.
    """
    with ProcessPoolExecutor(max_workers=workers) as pool:
        parts = list(
            pool.map(
                lasso_residuals,
                [linear] * len(splits),
                splits,
                [stride_days] * len(splits),
                [progress] * len(splits),
            )
        )
    pooled = np.concatenate(parts)
    if pooled.shape[0] == 0:
        return {}
    return {
        "week_ahead": {**_bands(pooled).as_dict(), "origins": int(pooled.shape[0])},
        "week_ahead_by_market": {
            split.market.name: {**_bands(part).as_dict(), "origins": int(part.shape[0])}
            for split, part in zip(splits, parts, strict=True)
            if part.shape[0] >= MIN_MARKET_BLEND_ORIGINS
        },
    }
