"""Elering (the Estonian TSO) dashboard API: Nord Pool prices for EE, FI, LV and LT.

``GET /api/nps/price?start=<ISO>&end=<ISO>`` answers
``{"success": true, "data": {"ee": [{"timestamp": <unix s>, "price": <EUR/MWh>}], ...}}``
with one list per area. A stamp marks the start of its slot; the slot length
follows from the spacing (quarter-hours since October 2025, hours before).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from ..prices import PriceSeries, per_kwh
from ..tariffs.model import SourceKind
from .base import Publication, SourceDataError
from .entsoe import cet_time_in
from .http import SourceHttp
from .normalise import number, series_from_starts, within

API_URL: Final = "https://dashboard.elering.ee/api/nps/price"
PUBLICATION_CET: Final = time(13, 15)
AREAS: Final[dict[str, tuple[str, ZoneInfo]]] = {
    "EE": ("ee", ZoneInfo("Europe/Tallinn")),
    "FI": ("fi", ZoneInfo("Europe/Helsinki")),
    "LV": ("lv", ZoneInfo("Europe/Riga")),
    "LT": ("lt", ZoneInfo("Europe/Vilnius")),
}


def parse_prices(body: Any, key: str) -> PriceSeries:
    """Return the prices per kWh of one area (``ee``, ``fi``, ``lv`` or ``lt``)."""
    if not isinstance(body, dict) or body.get("success") is not True:
        raise SourceDataError("the reply does not report success")
    data = body.get("data")
    if not isinstance(data, dict) or not isinstance(data.get(key, []), list):
        raise SourceDataError(f"the reply has no {key} list")
    points: dict[datetime, float] = {}
    for entry in data.get(key, []):
        try:
            stamp, price = entry["timestamp"], entry["price"]
        except (KeyError, TypeError) as err:
            raise SourceDataError(f"an entry lacks {err}") from err
        points[datetime.fromtimestamp(number(stamp), UTC)] = per_kwh(number(price))
    return series_from_starts(points, "EUR", timedelta(minutes=15))


class EleringSource:
    """Day-ahead prices of Estonia, Finland, Latvia or Lithuania from Elering."""

    source_kind: SourceKind = "market"

    def __init__(self, http: SourceHttp, area: str, url: str | None = None) -> None:
        """Read ``area`` (EE, FI, LV or LT)."""
        self._http = http
        self._key, zone = AREAS[area]
        self._url = url or API_URL
        self.publication = Publication(zone=zone, at=cet_time_in(zone, PUBLICATION_CET))

    async def async_fetch(self, start: datetime, end: datetime) -> PriceSeries:
        """Return the prices per kWh for ``[start, end)``."""
        body = await self._http.get_json(
            self._url,
            params={
                "start": start.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                # The end is inclusive: stop just before the next slot.
                "end": (end - timedelta(milliseconds=1))
                .astimezone(UTC)
                .isoformat(timespec="milliseconds")
                .replace("+00:00", "Z"),
            },
        )
        return within(parse_prices(body, self._key), start, end)
