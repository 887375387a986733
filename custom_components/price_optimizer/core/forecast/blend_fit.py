"""Convex blend weights: the grid point of the simplex with the smallest scale-free MAE.

Training fits the shipped blends with it on validation years; each entry refits its own
on its recent scored forecasts (see ``recalibration``). One search, so both agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
import itertools
from typing import Final

import numpy as np

from .features import FloatArray

WEIGHT_STEP: Final = 0.05


@cache
def simplex(members: int, step: float = WEIGHT_STEP) -> FloatArray:
    """Return every weight vector on the ``step`` grid whose weights sum to one, one per row."""
    grid = np.round(np.arange(0.0, 1.0 + step / 2, step), 6)
    rows = [
        (*combo, round(1.0 - sum(combo), 6))
        for combo in itertools.product(grid, repeat=members - 1)
        if sum(combo) <= 1.0 + 1e-9
    ]
    table = np.array(rows, dtype=np.float64).reshape(len(rows), members)
    table.flags.writeable = False
    return table


def best_convex_weights(
    medians: Mapping[str, FloatArray],
    actual: FloatArray,
    center: FloatArray,
    scale: FloatArray,
    members: Sequence[str],
) -> tuple[dict[str, float], float]:
    """Return the weights of ``members`` with the least mean ``|price error| / scale``, and it.

    ``medians`` and ``actual`` are in model units (``asinh((price - center) / scale)``), all
    of one shape; ``center`` and ``scale`` broadcast against them. Dividing by each origin's
    scale makes every market and price level count alike. Ties go to the first grid point.
    """
    weights = simplex(len(members))
    stacked = np.stack([np.asarray(medians[name], dtype=np.float64).ravel() for name in members])
    flat_center = np.broadcast_to(center, actual.shape).ravel()
    flat_scale = np.broadcast_to(scale, actual.shape).ravel()
    prices = flat_center + flat_scale * np.sinh(actual.ravel())
    errors = np.empty(weights.shape[0])
    # Row blocks keep the [grid points, hours] table small on long validation sets.
    block = max(1, 2_000_000 // max(prices.size, 1))
    for first in range(0, weights.shape[0], block):
        blended = weights[first : first + block] @ stacked
        forecast = flat_center + flat_scale * np.sinh(blended)
        errors[first : first + block] = np.mean(np.abs(forecast - prices) / flat_scale, axis=1)
    best = int(np.argmin(errors))
    return dict(zip(members, weights[best].tolist(), strict=True)), float(errors[best])
