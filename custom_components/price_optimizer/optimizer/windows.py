"""The cheapest windows of a given length: the ``find_cheapest_window`` action."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from ..models import PriceSeries
from .issues import PlanningError, issue
from .problem import EPSILON, HOUR, build_grid


@dataclass(frozen=True, slots=True)
class PriceWindow:
    """A window, its time-weighted average price, and what ``power_kw`` costs in it."""

    start: datetime
    end: datetime
    average_price: float
    cost: float

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-safe form."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "average_price": round(self.average_price, 6),
            "cost": round(self.cost, 6),
        }


def find_cheapest_windows(
    prices: PriceSeries,
    duration: timedelta,
    *,
    now: datetime,
    earliest_start: datetime | None = None,
    latest_end: datetime | None = None,
    count: int = 1,
    power_kw: float = 1.0,
) -> list[PriceWindow]:
    """Return up to ``count`` non-overlapping windows, cheapest first (earlier among equals).

    Windows start on slot boundaries no earlier than ``now`` and
    ``earliest_start``, end by ``latest_end``, and only cover priced slots.
    Raises :class:`PlanningError` when no window fits.
    """
    if duration <= timedelta(0):
        raise PlanningError(
            issue("duration_invalid", duration_minutes=duration / timedelta(minutes=1))
        )
    if count < 1:
        raise PlanningError(issue("count_invalid", count=count))
    grid, price, _ = build_grid(prices, now)
    first = grid.index_from(max(earliest_start or grid.start, grid.start))
    end = grid.index_until(latest_end or grid.end)
    length = int(np.ceil(duration / grid.step - EPSILON))
    if end - first < length or not np.isfinite(price[first:end]).any():
        raise PlanningError(
            issue(
                "window_too_short",
                appliance="-",
                window_start=grid.at(first).isoformat(),
                deadline=grid.at(end).isoformat(),
                available_hours=round(max(end - first, 0) * grid.hours, 2),
                needed_hours=round(duration / HOUR, 2),
            )
        )
    # Weight of each slot in the window: whole slots, the last one maybe in part.
    weights = np.full(length, grid.hours)
    weights[-1] = (duration - (length - 1) * grid.step) / HOUR
    span = price[first:end]
    candidates = np.lib.stride_tricks.sliding_window_view(span, length) @ weights
    starts = np.arange(first, end - length + 1)
    usable = np.isfinite(candidates)
    order = starts[usable][np.lexsort((starts[usable], candidates[usable]))]
    taken = np.zeros(grid.count, dtype=bool)
    windows: list[PriceWindow] = []
    for start in order.tolist():
        if taken[start : start + length].any():
            continue
        taken[start : start + length] = True
        energy_cost = float(candidates[start - first])
        windows.append(
            PriceWindow(
                start=grid.at(start),
                end=grid.at(start) + duration,
                average_price=energy_cost / (duration / HOUR),
                cost=energy_cost * power_kw,
            )
        )
        if len(windows) == count:
            break
    if not windows:
        raise PlanningError(
            issue(
                "window_too_short",
                appliance="-",
                window_start=grid.at(first).isoformat(),
                deadline=grid.at(end).isoformat(),
                available_hours=0,
                needed_hours=round(duration / HOUR, 2),
            )
        )
    return windows
