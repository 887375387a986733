"""What every price source offers, and the errors it may raise."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from ..models import local_day_bounds

if TYPE_CHECKING:
    from ..models import PriceSeries


class SourceError(Exception):
    """The source could not deliver prices now; retrying later may help."""


class SourceAuthError(SourceError):
    """The source rejected the credentials; retrying will not help."""


class SourceDataError(SourceError):
    """The source answered with something that is not a valid price payload."""


@dataclass(frozen=True, slots=True)
class Publication:
    """When a market publishes the next day's prices, in its own time zone."""

    zone: ZoneInfo
    at: time
    retry_every: timedelta = timedelta(minutes=10)

    def expected_until(self, now: datetime) -> datetime:
        """Return how far a complete source holds prices at ``now``.

        That is the end of tomorrow once tomorrow's prices are published, else
        the end of today.
        """
        today = now.astimezone(self.zone).date()
        if now >= datetime.combine(today, self.at, self.zone):
            today += timedelta(days=1)
        return local_day_bounds(today, self.zone)[1]

    def next_fetch(self, held_until: datetime | None, now: datetime) -> datetime:
        """Return when to ask the source again, given how far prices are held.

        Prices that are already held are never fetched again per slot: the next
        call waits for the publication of the following day.
        """
        today = now.astimezone(self.zone).date()
        today_end = local_day_bounds(today, self.zone)[1]
        tomorrow_end = local_day_bounds(today + timedelta(days=1), self.zone)[1]
        published_today = datetime.combine(today, self.at, self.zone)
        if held_until is None or held_until < today_end:
            return now + self.retry_every
        if held_until >= tomorrow_end:
            return published_today + timedelta(days=1)
        if now < published_today:
            return published_today
        return now + self.retry_every


class PriceSource(Protocol):
    """A market or tariff that yields raw prices per kWh, before household adjustment."""

    @property
    def publication(self) -> Publication:
        """Return when the source publishes new prices."""

    async def async_fetch(self, start: datetime, end: datetime) -> PriceSeries:
        """Return the prices held by the source for slots in ``[start, end)``."""
