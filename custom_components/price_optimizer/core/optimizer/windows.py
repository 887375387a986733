"""The cheapest windows of a given length: the ``find_cheapest_window`` action."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from ..convert import rounded
from ..prices import PriceSeries
from .issues import PlanningError, issue
from .problem import EPSILON, HOUR, build_grid


@dataclass(frozen=True, slots=True)
class PriceWindow:
    """A window, its time-weighted average price, what ``power_kw`` costs in it, and its origin.

    ``forecast_share`` is the share of the window's time priced by the
    forecast rather than by published market prices (0 to 1).
    """

    start: datetime
    end: datetime
    average_price: float
    cost: float
    forecast_share: float = 0.0

    @property
    def includes_forecast(self) -> bool:
        """Return whether any of the window is priced by the forecast."""
        return self.forecast_share > EPSILON

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-safe form."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "average_price": rounded(self.average_price),
            "cost": rounded(self.cost),
            "forecast_share": round(self.forecast_share, 4),
            "includes_forecast": self.includes_forecast,
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
    published_only: bool = False,
) -> list[PriceWindow]:
    """Return up to ``count`` non-overlapping windows, cheapest first (earlier among equals).

    Windows start on the planning grid (quarter-hours, or finer prices' slots)
    no earlier than ``now`` and ``earliest_start``, end by ``latest_end``, and
    only cover priced slots; with ``published_only`` only market slots.
    Raises :class:`PlanningError` when no window fits.
    """
    if duration <= timedelta(0):
        raise PlanningError(
            issue("duration_invalid", duration_minutes=duration / timedelta(minutes=1))
        )
    if count < 1:
        raise PlanningError(issue("count_invalid", count=count))
    if earliest_start is not None and latest_end is not None and latest_end <= earliest_start:
        raise PlanningError(
            issue(
                "window_end_before_start",
                earliest_start=earliest_start.isoformat(),
                latest_end=latest_end.isoformat(),
            )
        )
    if latest_end is not None and latest_end <= now:
        raise PlanningError(
            issue("window_ended", latest_end=latest_end.isoformat(), now=now.isoformat())
        )
    grid, price, _ = build_grid(prices, now)
    forecast = np.zeros(grid.count, dtype=bool)
    for slot in prices:
        if slot.origin == "forecast" and slot.end > grid.start:
            forecast[grid.index_from(slot.start) : grid.index_until(slot.end)] = True
    if published_only:
        price = np.where(forecast, np.nan, price)
    first = grid.index_from(max(earliest_start or grid.start, grid.start))
    end = grid.index_until(latest_end or grid.end)
    deadline = grid.end if latest_end is None else min(latest_end, grid.end)
    length = int(np.ceil(duration / grid.step - EPSILON))

    def nothing_fits(available: float) -> PlanningError:
        if published_only:
            market = [slot.end for slot in prices if slot.origin == "market"]
            return PlanningError(
                issue(
                    "published_prices_too_short",
                    window_start=grid.at(first).isoformat(),
                    deadline=deadline.isoformat(),
                    prices_until=max(market, default=grid.start).isoformat(),
                    needed_hours=round(duration / HOUR, 2),
                )
            )
        return PlanningError(
            issue(
                "window_too_short",
                appliance="-",
                window_start=grid.at(first).isoformat(),
                deadline=deadline.isoformat(),
                available_hours=available,
                needed_hours=round(duration / HOUR, 2),
            )
        )

    if end - first < length or not np.isfinite(price[first:end]).any():
        raise nothing_fits(round(max(end - first, 0) * grid.hours, 2))
    # Weight of each slot in the window: whole slots, the last one maybe in part.
    weights = np.full(length, grid.hours)
    weights[-1] = (duration - (length - 1) * grid.step) / HOUR
    span = price[first:end]
    candidates = np.lib.stride_tricks.sliding_window_view(span, length) @ weights
    forecast_hours = (
        np.lib.stride_tricks.sliding_window_view(forecast[first:end].astype(float), length)
        @ weights
    )
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
                forecast_share=min(float(forecast_hours[start - first]) / (duration / HOUR), 1.0),
            )
        )
        if len(windows) == count:
            break
    if not windows:
        raise nothing_fits(0)
    return windows
