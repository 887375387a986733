"""What every price source offers, and the errors it may raise."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable
from zoneinfo import ZoneInfo

from ..prices import local_day_bounds
from ..tariffs.model import SourceKind

if TYPE_CHECKING:
    from ..prices import PriceSeries


class SourceError(Exception):
    """The source could not deliver prices now; retrying later may help."""


class SourceAuthError(SourceError):
    """The source rejected the credentials; retrying will not help."""


class SourceDataError(SourceError):
    """The source answered with something that is not a valid price payload."""


class SourceRequestError(SourceError):
    """The source refused the request itself (unknown area, tariff or site)."""


class Cadence(Protocol):
    """When a source has new prices: how far they should reach and when to ask again."""

    def expected_until(self, now: datetime) -> datetime:
        """Return how far a complete source holds prices at ``now``."""

    def next_fetch(self, held_until: datetime | None, now: datetime) -> datetime:
        """Return when to ask the source again, given how far prices are held."""


@dataclass(frozen=True, slots=True)
class Publication:
    """When a market publishes the next day's prices, in its own time zone.

    ``day_ends`` is where a market's delivery day ends: local midnight for the
    European day-ahead auction, 23:00 for Octopus Agile, whose published day
    runs from 23:00 to 23:00 UK time.
    """

    zone: ZoneInfo
    at: time
    retry_every: timedelta = timedelta(minutes=10)
    day_ends: time = time(0)

    def _end_of(self, day: date) -> datetime:
        """Return the end of the delivery day published on the local date ``day - 1``."""
        if self.day_ends == time(0):
            return local_day_bounds(day, self.zone)[1]
        return datetime.combine(day, self.day_ends, self.zone).astimezone(UTC)

    def expected_until(self, now: datetime) -> datetime:
        """Return how far a complete source holds prices at ``now``.

        That is the end of tomorrow once tomorrow's prices are published, else
        the end of today.
        """
        today = now.astimezone(self.zone).date()
        if now >= datetime.combine(today, self.at, self.zone):
            today += timedelta(days=1)
        return self._end_of(today)

    def next_fetch(self, held_until: datetime | None, now: datetime) -> datetime:
        """Return when to ask the source again, given how far prices are held.

        Prices that are already held are never fetched again per slot: the next
        call waits for the publication of the following day.
        """
        today = now.astimezone(self.zone).date()
        today_end = self._end_of(today)
        tomorrow_end = self._end_of(today + timedelta(days=1))
        published_today = datetime.combine(today, self.at, self.zone)
        if held_until is None or held_until < today_end:
            return now + self.retry_every
        if held_until >= tomorrow_end:
            return published_today + timedelta(days=1)
        if now < published_today:
            return published_today
        return now + self.retry_every


@dataclass(frozen=True, slots=True)
class RollingPublication:
    """A source that publishes continuously (real-time or rolling forecasts).

    Its prices are refreshed on a fixed clock aligned to ``every`` past the
    hour, plus ``delay`` for the provider to settle the last interval.
    """

    every: timedelta
    delay: timedelta = timedelta(0)

    def expected_until(self, now: datetime) -> datetime:
        """Return ``now``: a rolling source is complete when it covers the present."""
        return now

    def next_fetch(self, held_until: datetime | None, now: datetime) -> datetime:
        """Return the next boundary of ``every`` (plus the delay) after ``now``."""
        step = self.every.total_seconds()
        elapsed = (now - self.delay).timestamp()
        boundary = (elapsed // step + 1) * step
        return datetime.fromtimestamp(boundary, UTC) + self.delay


class PriceSource(Protocol):
    """A market or tariff that yields prices per kWh, before the household's tariff."""

    @property
    def publication(self) -> Cadence:
        """Return when the source publishes new prices."""

    @property
    def source_kind(self) -> SourceKind:
        """Return what the price already holds, so no part of the tariff is charged twice."""

    async def async_fetch(self, start: datetime, end: datetime) -> PriceSeries:
        """Return the prices held by the source for slots in ``[start, end)``."""


@dataclass(frozen=True, slots=True)
class ExogenousPoint:
    """One interval of a forecast quantity the price depends on (load, wind, solar)."""

    start: datetime
    duration: timedelta
    value: float


@dataclass(frozen=True, slots=True)
class ExogenousSeries:
    """A named forecast series in its own unit, sorted by start.

    ``kind`` names what is forecast (``load_forecast``, ``solar_forecast``,
    ``wind_onshore_forecast``, ``wind_offshore_forecast``); the forecaster reads them as
    features beside the prices.
    """

    kind: str
    unit: str
    points: tuple[ExogenousPoint, ...] = ()

    @classmethod
    def from_points(cls, kind: str, unit: str, points: Iterable[ExogenousPoint]) -> ExogenousSeries:
        """Sort ``points`` by start; a later point for a start replaces an earlier one."""
        by_start = {point.start: point for point in points}
        return cls(kind, unit, tuple(by_start[start] for start in sorted(by_start)))

    @property
    def end(self) -> datetime | None:
        """Return the end of the last point."""
        return self.points[-1].start + self.points[-1].duration if self.points else None

    def merged_with(self, newer: ExogenousSeries) -> ExogenousSeries:
        """Return this series with ``newer``'s points replacing any at the same start."""
        return ExogenousSeries.from_points(newer.kind, newer.unit, (*self.points, *newer.points))

    def trimmed_before(self, cutoff: datetime) -> ExogenousSeries:
        """Drop points that ended before ``cutoff``."""
        return replace(self, points=tuple(p for p in self.points if p.start + p.duration > cutoff))

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-safe form for the Store."""
        return {
            "kind": self.kind,
            "unit": self.unit,
            "points": [
                [p.start.isoformat(), int(p.duration.total_seconds()), p.value] for p in self.points
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ExogenousSeries:
        """Rebuild a series from :meth:`as_dict` output."""
        return cls.from_points(
            data["kind"],
            data["unit"],
            (
                ExogenousPoint(
                    datetime.fromisoformat(start).astimezone(UTC),
                    timedelta(seconds=seconds),
                    float(value),
                )
                for start, seconds, value in data.get("points", ())
            ),
        )


@runtime_checkable
class ExogenousSource(Protocol):
    """A source that also publishes the forecasts the price depends on."""

    async def async_fetch_exogenous(
        self, start: datetime, end: datetime
    ) -> tuple[ExogenousSeries, ...]:
        """Return the forecast series for ``[start, end)``, one per kind."""
