"""Live accuracy: our earlier forecasts scored against the prices published later.

Each issued forecast is kept until the market publishes its slots; every slot is then
scored once, in the horizon bucket of its distance from the forecast's origin. Scores
older than the rolling window are dropped, so the figures follow the recent past.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

from ..prices import PriceSeries

# Hours after the forecast origin (the end of the prices known when it was made): a bucket
# per day ahead, up to the week the forecast reaches.
HORIZON_BUCKETS: Final = tuple((24 * day, 24 * day + 24) for day in range(7))
ROLLING_WINDOW: Final = timedelta(days=30)
# A forecast whose slots are all in the past by this much can no longer be scored.
PENDING_KEPT: Final = timedelta(days=3)


def bucket_name(low: int, high: int) -> str:
    """Return the name of a horizon bucket, e.g. ``24-48h``."""
    return f"{low}-{high}h"


@dataclass(frozen=True, slots=True)
class ForecastPoint:
    """One forecast slot: when, and the median with its band."""

    start: datetime
    median: float
    lower: float | None
    upper: float | None


@dataclass(frozen=True, slots=True)
class Score:
    """One forecast slot compared with the published price."""

    start: datetime
    hours_ahead: float
    error: float
    inside_band: bool | None


@dataclass(slots=True)
class LiveAccuracy:
    """Forecasts waiting for their prices, and the scores of those already published."""

    pending: dict[datetime, tuple[ForecastPoint, ...]] = field(default_factory=dict)
    scores: list[Score] = field(default_factory=list)

    def issue(self, origin: datetime, forecast: PriceSeries) -> None:
        """Remember a new forecast made at ``origin``; it replaces one of the same origin."""
        points = tuple(
            ForecastPoint(slot.start, slot.price, slot.lower, slot.upper)
            for slot in forecast
            if slot.origin == "forecast"
        )
        if points:
            self.pending[origin] = points

    def score(self, published: PriceSeries, now: datetime) -> int:
        """Score every pending slot the market has now published; return how many."""
        scored = 0
        for origin, points in list(self.pending.items()):
            waiting = []
            for point in points:
                slot = published.slot_at(point.start)
                if slot is None or slot.origin != "market" or slot.start != point.start:
                    waiting.append(point)
                    continue
                inside = (
                    None
                    if point.lower is None or point.upper is None
                    else point.lower <= slot.price <= point.upper
                )
                self.scores.append(
                    Score(
                        start=point.start,
                        hours_ahead=(point.start - origin) / timedelta(hours=1),
                        error=point.median - slot.price,
                        inside_band=inside,
                    )
                )
                scored += 1
            if waiting and waiting[-1].start >= now - PENDING_KEPT:
                self.pending[origin] = tuple(waiting)
            else:
                del self.pending[origin]
        self.scores = [item for item in self.scores if item.start >= now - ROLLING_WINDOW]
        return scored

    def summary(self, scale: float = 1.0) -> dict[str, Any]:
        """Return MAE overall and per horizon bucket, bias and band coverage.

        ``scale`` turns market-price errors into the household's price (the VAT and
        multiplier scale errors; a fixed fee cancels out).
        """

        def stats(items: list[Score]) -> dict[str, Any]:
            banded = [item.inside_band for item in items if item.inside_band is not None]
            return {
                "mae": _mean([abs(item.error) * scale for item in items]),
                "bias": _mean([item.error * scale for item in items]),
                "band_coverage": _mean([1.0 if inside else 0.0 for inside in banded]),
                "count": len(items),
            }

        summary = stats(self.scores)
        summary["buckets"] = {
            bucket_name(low, high): stats(
                [item for item in self.scores if low <= item.hours_ahead < high]
            )
            for low, high in HORIZON_BUCKETS
        }
        return summary

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-safe form for the Store."""
        return {
            "pending": [
                {
                    "origin": origin.isoformat(),
                    "points": [
                        [point.start.isoformat(), point.median, point.lower, point.upper]
                        for point in points
                    ],
                }
                for origin, points in self.pending.items()
            ],
            "scores": [
                [item.start.isoformat(), item.hours_ahead, item.error, item.inside_band]
                for item in self.scores
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LiveAccuracy:
        """Rebuild from :meth:`as_dict` output."""
        return cls(
            pending={
                datetime.fromisoformat(item["origin"]): tuple(
                    ForecastPoint(datetime.fromisoformat(start), median, lower, upper)
                    for start, median, lower, upper in item["points"]
                )
                for item in data.get("pending", ())
            },
            scores=[
                Score(datetime.fromisoformat(start), hours, error, inside)
                for start, hours, error, inside in data.get("scores", ())
            ],
        )


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None
