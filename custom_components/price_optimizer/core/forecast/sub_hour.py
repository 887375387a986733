"""The shape of sub-hour prices within each forecast hour, learnt from the recent ones.

Quarter-hour prices move within an hour as the system ramps between hours: in an hour
between a cheaper and a dearer one they rise from the first quarter to the last. So each
part of an hour departs from the hour's mean by ``a + b * ramp``, where ``ramp`` is half the
difference between the next and the previous hour's mean, with ``a`` and ``b`` fitted per
part by least squares on the last ``SHAPE_DAYS`` of whole hours. On the 15-minute prices of
NO1-NO5, from their actual hourly means, it errs 13-26 % less than flat hours and 29-41 %
less than last week's mean shape (``benchmarks/sub_hour_shape.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

from .features import DAY_SECONDS, HOUR_SECONDS, FloatArray

SHAPE_DAYS: Final = 28
# Fewer whole hours than a day's leave the intercepts alone (no ramp term) or no shape.
MIN_RAMP_HOURS: Final = 24


@dataclass(frozen=True, slots=True)
class SubHourShape:
    """Per part of the hour: the offset ``a`` and the ramp coefficient ``b``."""

    intercepts: FloatArray
    ramps: FloatArray

    @property
    def parts(self) -> int:
        """Return how many slots an hour has."""
        return int(self.intercepts.size)

    @classmethod
    def flat(cls, parts: int) -> SubHourShape:
        """Return the shape that leaves every part at its hour's mean."""
        return cls(np.zeros(parts), np.zeros(parts))

    @classmethod
    def learn(cls, starts: FloatArray, values: FloatArray, step: int, end: int) -> SubHourShape:
        """Fit on the slots of ``step`` seconds that start (epoch seconds) before ``end``.

        Only hours whose every part is known count; the ramp needs both neighbours whole.
        """
        parts = HOUR_SECONDS // step
        first = (end - SHAPE_DAYS * DAY_SECONDS) // HOUR_SECONDS
        hours = end // HOUR_SECONDS - first + 1
        keep = (starts >= first * HOUR_SECONDS) & (starts < end)
        hour = (starts[keep] // HOUR_SECONDS - first).astype(np.int64)
        part = ((starts[keep] % HOUR_SECONDS) // step).astype(np.int64)
        table = np.full((hours, parts), np.nan)
        table[hour, part] = values[keep]
        whole = np.isfinite(table).all(axis=1)
        if not whole.any():
            return cls.flat(parts)
        means = np.where(whole, np.where(whole[:, None], table, 0.0).mean(axis=1), np.nan)
        deviations = table - means[:, None]
        ramp = np.full(hours, np.nan)
        ramp[1:-1] = (means[2:] - means[:-2]) / 2
        rows = whole & np.isfinite(ramp)
        if rows.sum() < MIN_RAMP_HOURS:
            return cls(deviations[whole].mean(axis=0), np.zeros(parts))
        design = np.column_stack([np.ones(int(rows.sum())), ramp[rows]])
        coefficients = np.linalg.lstsq(design, deviations[rows], rcond=None)[0]
        return cls(coefficients[0], coefficients[1])

    def offsets(self, hourly: FloatArray, before: float | None) -> FloatArray:
        """Return each part's offset from its hour, [hours, parts], for hourly prices.

        ``before`` is the hour before the first one, where known; the first and last hours
        ramp toward their one known neighbour.
        """
        padded = np.concatenate(
            [[hourly[0] if before is None or not np.isfinite(before) else before], hourly]
        )
        padded = np.concatenate([padded, [hourly[-1]]])
        ramp = (padded[2:] - padded[:-2]) / 2
        return np.asarray(self.intercepts[None, :] + ramp[:, None] * self.ramps[None, :])
