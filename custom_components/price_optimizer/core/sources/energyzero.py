"""EnergyZero: Dutch day-ahead prices from its public REST API, no account needed.

``GET /public/v1/prices?energyType=ENERGY_TYPE_ELECTRICITY&date=DD-MM-YYYY&interval=...``
answers three local days around the date (the day before, the day, the day
after) in four parallel series; ``base`` is the market price without VAT or
supplier costs, the raw price this integration adjusts once itself. Prices
are decimal strings in EUR/kWh.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from ..prices import PriceSeries, PriceSlot
from ..tariffs.model import SourceKind
from .base import Publication, SourceDataError
from .http import SourceHttp
from .normalise import number, parse_time, series_from_slots, within

API_URL: Final = "https://public.api.energyzero.nl/public/v1/prices"
AMSTERDAM: Final = ZoneInfo("Europe/Amsterdam")
PUBLICATION: Final = time(14, 0)
AREAS: Final = ("NL",)
RESOLUTIONS: Final = (15, 60)
INTERVALS: Final = {15: "INTERVAL_QUARTER", 60: "INTERVAL_HOUR"}
SERIES: Final = "base"


def parse_prices(body: Any) -> PriceSeries:
    """Return the ``base`` prices per kWh of a reply."""
    if not isinstance(body, dict) or not isinstance(body.get(SERIES), list):
        raise SourceDataError(f"the reply has no {SERIES} series")
    slots = []
    for entry in body[SERIES]:
        try:
            start, end, value = entry["start"], entry["end"], entry["price"]["value"]
        except (KeyError, TypeError) as err:
            raise SourceDataError(f"an entry lacks {err}") from err
        begin = parse_time(start)
        slots.append(PriceSlot(begin, parse_time(end) - begin, number(value)))
    return series_from_slots(slots, "EUR")


class EnergyZeroSource:
    """Day-ahead prices for the Netherlands from EnergyZero."""

    source_kind: SourceKind = "market"

    def __init__(self, http: SourceHttp, resolution_minutes: int, url: str | None = None) -> None:
        """Read quarter-hour or hourly prices."""
        self._http = http
        self._interval = INTERVALS[resolution_minutes]
        self._url = url or API_URL
        self.publication = Publication(zone=AMSTERDAM, at=PUBLICATION)

    async def async_fetch(self, start: datetime, end: datetime) -> PriceSeries:
        """Return the prices per kWh for ``[start, end)``, three local days per request."""
        series = PriceSeries()
        day = start.astimezone(AMSTERDAM).date() + timedelta(days=1)
        last = (end - timedelta(microseconds=1)).astimezone(AMSTERDAM).date()
        while day - timedelta(days=1) <= last:
            body = await self._http.get_json(
                self._url,
                params={
                    "energyType": "ENERGY_TYPE_ELECTRICITY",
                    "date": day.strftime("%d-%m-%Y"),
                    "interval": self._interval,
                },
            )
            series = series.merged_with(parse_prices(body))
            day += timedelta(days=3)
        return within(series, start, end)
