"""ComEd Hourly Pricing (northern Illinois): real-time prices, billed as hourly averages.

``GET /api?type=5minutefeed&datestart=YYYYMMDDhhmm&dateend=YYYYMMDDhhmm`` (times
in Chicago local time, both inclusive) returns ``[{"millisUTC": "...",
"price": "..."}]`` newest first, prices in cents per kWh. A stamp marks the
end of its five minutes, as on ComEd's own price charts, and a household on
Hourly Pricing pays each hour's average of its twelve prices. The running
hour is the average so far and is refreshed every five minutes. ComEd
publishes no day-ahead prices through this API, so there is no tomorrow.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from ..prices import PriceSeries, PriceSlot
from ..tariffs.model import SourceKind
from .base import RollingPublication, SourceDataError
from .http import SourceHttp
from .normalise import averaged, from_epoch_ms, number, series_from_slots, within

API_URL: Final = "https://hourlypricing.comed.com/api"
CHICAGO: Final = ZoneInfo("America/Chicago")
FIVE_MINUTES: Final = timedelta(minutes=5)
HOUR: Final = timedelta(hours=1)
AREAS: Final = ("ComEd",)


def parse_feed(body: Any) -> PriceSeries:
    """Return hourly average prices in USD per kWh from a 5-minute feed."""
    if not isinstance(body, list):
        raise SourceDataError("the feed is not a list")
    points = []
    for entry in body:
        if not isinstance(entry, dict):
            raise SourceDataError("a feed entry is not an object")
        ends = from_epoch_ms(entry.get("millisUTC"))
        points.append((ends - FIVE_MINUTES, number(entry.get("price")) / 100))
    return series_from_slots(
        (PriceSlot(start, HOUR, round(price, 6)) for start, price in averaged(points, HOUR)),
        "USD",
    )


def _local(when: datetime) -> str:
    return when.astimezone(CHICAGO).strftime("%Y%m%d%H%M")


class ComEdSource:
    """Hourly averages of ComEd's real-time prices."""

    source_kind: SourceKind = "market"

    publication = RollingPublication(every=FIVE_MINUTES, delay=timedelta(seconds=30))

    def __init__(self, http: SourceHttp, url: str | None = None) -> None:
        """Read ComEd's public feed (no account)."""
        self._http = http
        self._url = url or API_URL

    async def async_fetch(self, start: datetime, end: datetime) -> PriceSeries:
        """Return the hourly averages of ``[start, min(end, now)]``."""
        now = datetime.now(UTC)
        body = await self._http.get_json(
            self._url,
            params={
                "type": "5minutefeed",
                "datestart": _local(start + FIVE_MINUTES),
                "dateend": _local(min(end, now + HOUR)),
                "format": "json",
            },
        )
        return within(parse_feed(body), start, end)
