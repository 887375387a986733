"""Energi Data Service (Energinet): Danish day-ahead prices for DK1 and DK2.

Since delivery day 2025-10-01 the prices are in the ``DayAheadPrices`` dataset
(quarter-hours, ``TimeUTC``); ``Elspotprices`` (hours, ``HourUTC``) stopped on
2025-09-30 and is still read for older days. Timestamps are UTC without an
offset; query bounds are Danish local time. Prices are per MWh in DKK and EUR.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
import json
from typing import Any, Final
from zoneinfo import ZoneInfo

from ..prices import PriceSeries, per_kwh
from ..tariffs.model import SourceKind
from .base import Publication, SourceDataError
from .entsoe import cet_time_in
from .http import SourceHttp
from .normalise import number, series_from_starts, within

API_URL: Final = "https://api.energidataservice.dk/dataset"
DATASET: Final = "DayAheadPrices"
COPENHAGEN: Final = ZoneInfo("Europe/Copenhagen")
# Energinet republishes the Nord Pool results a few minutes after they appear.
PUBLICATION_CET: Final = time(13, 15)
AREAS: Final = ("DK1", "DK2")
CURRENCIES: Final = ("DKK", "EUR")

# Dataset -> (time column, price column prefix, slot length when a reply has one record).
_LAYOUTS: Final = {
    "DayAheadPrices": ("TimeUTC", "DayAheadPrice", timedelta(minutes=15)),
    "Elspotprices": ("HourUTC", "SpotPrice", timedelta(hours=1)),
}


def parse_records(body: Any, area: str, currency: str) -> PriceSeries:
    """Return the prices per kWh of a dataset reply, for one price area and currency."""
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        raise SourceDataError("the reply has no records")
    layout = _LAYOUTS.get(str(body.get("dataset")))
    if layout is None:
        raise SourceDataError(f"unknown dataset {body.get('dataset')!r}")
    time_column, price_prefix, single_length = layout
    points: dict[datetime, float] = {}
    for record in body["records"]:
        if not isinstance(record, dict) or record.get("PriceArea") != area:
            continue
        price = record.get(f"{price_prefix}{currency}")
        if price is None:
            # A price not (yet) converted to this currency: a gap, not a zero.
            continue
        try:
            start = datetime.fromisoformat(str(record[time_column]))
        except (KeyError, ValueError) as err:
            raise SourceDataError(f"a record has no valid {time_column}") from err
        points[start.replace(tzinfo=UTC)] = per_kwh(number(price))
    return series_from_starts(points, currency, single_length)


def _local(when: datetime) -> str:
    return when.astimezone(COPENHAGEN).strftime("%Y-%m-%dT%H:%M")


class EnergiDataServiceSource:
    """Day-ahead prices of DK1 or DK2 from Energinet's open data API."""

    source_kind: SourceKind = "market"

    def __init__(self, http: SourceHttp, area: str, currency: str, url: str | None = None) -> None:
        """Read ``area`` (DK1 or DK2) in ``currency`` (DKK or EUR)."""
        self._http = http
        self._area = area
        self._currency = currency
        self._url = url or API_URL
        self.publication = Publication(zone=COPENHAGEN, at=cet_time_in(COPENHAGEN, PUBLICATION_CET))

    async def async_fetch(self, start: datetime, end: datetime) -> PriceSeries:
        """Return the prices per kWh for ``[start, end)``."""
        body = await self._http.get_json(
            f"{self._url}/{DATASET}",
            params={
                "start": _local(start),
                "end": _local(end),
                "filter": json.dumps({"PriceArea": [self._area]}, separators=(",", ":")),
                "sort": "TimeUTC asc",
                "limit": "0",
            },
        )
        return within(parse_records(body, self._area, self._currency), start, end)
