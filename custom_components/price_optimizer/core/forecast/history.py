"""The long price history the forecast learns from, one mean price per UTC hour.

The coordinator keeps about a week of prices at the source's resolution; the refitted
lasso wants months. Keeping one float per hour keeps a year of history small enough for
Home Assistant's Store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import math
from typing import Any

import numpy as np

from ..prices import PriceSeries, PriceSlot
from .features import HOUR_SECONDS, FloatArray
from .predictor import hourly_means

HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class HourlyHistory:
    """Mean market price per hour from ``start`` on; NaN where no price is known."""

    start: int | None = None
    values: FloatArray = field(default_factory=lambda: np.zeros(0))

    @property
    def hours_known(self) -> int:
        """Return how many hours have a price."""
        return int(np.count_nonzero(~np.isnan(self.values)))

    @property
    def end(self) -> datetime | None:
        """Return the end of the last hour held."""
        if self.start is None:
            return None
        return datetime.fromtimestamp(self.start + self.values.size * HOUR_SECONDS, UTC)

    @property
    def first_known(self) -> datetime | None:
        """Return the start of the earliest hour with a price."""
        known = np.flatnonzero(~np.isnan(self.values))
        if self.start is None or not known.size:
            return None
        return datetime.fromtimestamp(self.start + int(known[0]) * HOUR_SECONDS, UTC)

    def with_prices(self, series: PriceSeries) -> HourlyHistory:
        """Return the history with the hourly means of ``series`` written over it."""
        if series.start is None or series.end is None:
            return self
        first = int(series.start.timestamp()) // HOUR_SECONDS * HOUR_SECONDS
        hours = math.ceil((series.end.timestamp() - first) / HOUR_SECONDS)
        means = hourly_means(series, first, hours)
        start = first if self.start is None else min(self.start, first)
        end = max(first + hours * HOUR_SECONDS, int(self.end.timestamp()) if self.end else 0)
        values = np.full((end - start) // HOUR_SECONDS, np.nan)
        if self.start is not None:
            offset = (self.start - start) // HOUR_SECONDS
            values[offset : offset + self.values.size] = self.values
        offset = (first - start) // HOUR_SECONDS
        known = ~np.isnan(means)
        values[offset : offset + hours][known] = means[known]
        return HourlyHistory(start, values)

    def trimmed(self, keep: timedelta) -> HourlyHistory:
        """Keep only the most recent ``keep`` of hours."""
        hours = int(keep / HOUR)
        if self.start is None or self.values.size <= hours:
            return self
        dropped = self.values.size - hours
        return HourlyHistory(self.start + dropped * HOUR_SECONDS, self.values[dropped:])

    def as_series(self, before: datetime, currency: str) -> PriceSeries:
        """Return the known hours that start before ``before`` as hourly slots."""
        if self.start is None:
            return PriceSeries(currency=currency)
        limit = (int(before.timestamp()) - self.start) // HOUR_SECONDS
        return PriceSeries(
            tuple(
                PriceSlot(
                    datetime.fromtimestamp(self.start + index * HOUR_SECONDS, UTC),
                    HOUR,
                    float(self.values[index]),
                )
                for index in np.flatnonzero(~np.isnan(self.values[: max(limit, 0)]))
            ),
            currency,
        )

    def as_dict(self) -> dict[str, Any]:
        """Return a compact JSON-safe form for the Store."""
        return {
            "start": self.start,
            "values": [None if math.isnan(value) else round(value, 6) for value in self.values],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HourlyHistory:
        """Rebuild the history from :meth:`as_dict` output."""
        values = np.array(
            [np.nan if value is None else float(value) for value in data.get("values", ())],
            dtype=np.float64,
        )
        return cls(data.get("start"), values)
