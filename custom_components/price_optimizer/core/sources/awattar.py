"""aWATTar: EPEX day-ahead prices for Germany and Austria, no account needed.

``GET /v1/marketdata`` takes ``start`` and ``end`` in epoch milliseconds and
answers ``{"object": "list", "data": [...]}`` with millisecond start and end
stamps and the price in EUR/MWh. Without bounds it returns only the hours from
now on, so the source always sends them.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any, Final
from zoneinfo import ZoneInfo

from ..prices import PriceSeries, PriceSlot, per_kwh
from ..tariffs.model import SourceKind
from .base import Publication, SourceDataError
from .http import SourceHttp
from .normalise import from_epoch_ms, number, series_from_slots, within

# aWATTar publishes the next day's EPEX prices from about 14:00.
PUBLICATION: Final = time(14, 0)
AREAS: Final[dict[str, tuple[str, ZoneInfo]]] = {
    "DE-LU": ("https://api.awattar.de/v1/marketdata", ZoneInfo("Europe/Berlin")),
    "AT": ("https://api.awattar.at/v1/marketdata", ZoneInfo("Europe/Vienna")),
}


def parse_marketdata(body: Any) -> PriceSeries:
    """Return the prices per kWh of a ``marketdata`` reply."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise SourceDataError("the reply has no data list")
    slots = []
    for entry in body["data"]:
        if not isinstance(entry, dict):
            raise SourceDataError("a data entry is not an object")
        unit = str(entry.get("unit", "")).lower()
        if unit != "eur/mwh":
            raise SourceDataError(f"unexpected unit {entry.get('unit')!r}")
        start = from_epoch_ms(entry.get("start_timestamp"))
        end = from_epoch_ms(entry.get("end_timestamp"))
        slots.append(PriceSlot(start, end - start, per_kwh(number(entry.get("marketprice")))))
    return series_from_slots(slots, "EUR")


class AwattarSource:
    """Day-ahead prices for Germany-Luxembourg or Austria from aWATTar."""

    source_kind: SourceKind = "market"

    def __init__(self, http: SourceHttp, area: str, url: str | None = None) -> None:
        """Read ``area`` (DE-LU or AT)."""
        self._http = http
        default_url, zone = AREAS[area]
        self._url = url or default_url
        self.publication = Publication(zone=zone, at=PUBLICATION)

    async def async_fetch(self, start: datetime, end: datetime) -> PriceSeries:
        """Return the prices per kWh for ``[start, end)``."""
        body = await self._http.get_json(
            self._url,
            params={
                "start": str(int(start.timestamp() * 1000)),
                "end": str(int(end.timestamp() * 1000)),
            },
        )
        return within(parse_marketdata(body), start, end)
