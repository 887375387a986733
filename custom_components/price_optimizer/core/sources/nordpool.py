"""Nord Pool Data Portal: day-ahead price indices per delivery area, currency and resolution.

One request returns one CET delivery day. ``/DayAheadPriceIndices`` offers
15, 30 and 60-minute indices (15 minutes is the traded product since delivery
day 2025-10-01; 30 and 60 are averages). HTTP 204 means the day is not
published yet. Prices are per MWh in the requested currency.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from ..prices import PriceSeries, PriceSlot, per_kwh
from ..tariffs.model import SourceKind
from .base import Publication, SourceDataError
from .entsoe import cet_time_in
from .http import SourceHttp
from .normalise import number, parse_time, series_from_slots, within

API_URL: Final = "https://dataportal-api.nordpoolgroup.com/api"
CET: Final = ZoneInfo("Europe/Brussels")
PUBLICATION_CET: Final = time(13, 0)
CURRENCIES: Final = ("EUR", "SEK", "NOK", "DKK", "PLN", "BGN", "RON")
RESOLUTIONS: Final = (15, 30, 60)

# Our area code -> (Nord Pool's delivery area name, the area's time zone).
AREAS: Final[dict[str, tuple[str, ZoneInfo]]] = {
    area: (code, ZoneInfo(zone))
    for area, code, zone in (
        ("AT", "AT", "Europe/Vienna"),
        ("BE", "BE", "Europe/Brussels"),
        ("BG", "BG", "Europe/Sofia"),
        ("DE-LU", "GER", "Europe/Berlin"),
        ("DK1", "DK1", "Europe/Copenhagen"),
        ("DK2", "DK2", "Europe/Copenhagen"),
        ("EE", "EE", "Europe/Tallinn"),
        ("FI", "FI", "Europe/Helsinki"),
        ("FR", "FR", "Europe/Paris"),
        ("LT", "LT", "Europe/Vilnius"),
        ("LV", "LV", "Europe/Riga"),
        ("NL", "NL", "Europe/Amsterdam"),
        ("NO1", "NO1", "Europe/Oslo"),
        ("NO2", "NO2", "Europe/Oslo"),
        ("NO3", "NO3", "Europe/Oslo"),
        ("NO4", "NO4", "Europe/Oslo"),
        ("NO5", "NO5", "Europe/Oslo"),
        ("PL", "PL", "Europe/Warsaw"),
        ("RO", "TEL", "Europe/Bucharest"),
        ("SE1", "SE1", "Europe/Stockholm"),
        ("SE2", "SE2", "Europe/Stockholm"),
        ("SE3", "SE3", "Europe/Stockholm"),
        ("SE4", "SE4", "Europe/Stockholm"),
    )
}


def parse_day(body: Any, area_code: str, currency: str) -> PriceSeries:
    """Return the prices per kWh of one ``DayAheadPriceIndices`` (or ``DayAheadPrices``) reply."""
    if not isinstance(body, dict):
        raise SourceDataError("the reply is not a JSON object")
    if body.get("currency") != currency:
        raise SourceDataError(f"asked for {currency}, got {body.get('currency')!r}")
    entries = body.get("multiIndexEntries", body.get("multiAreaEntries"))
    if not isinstance(entries, list):
        raise SourceDataError("the reply has no price entries")
    slots = []
    for entry in entries:
        try:
            value = entry["entryPerArea"][area_code]
            start, end = entry["deliveryStart"], entry["deliveryEnd"]
        except (KeyError, TypeError) as err:
            raise SourceDataError(f"an entry lacks {err}") from err
        begin = parse_time(start)
        slots.append(PriceSlot(begin, parse_time(end) - begin, per_kwh(number(value))))
    return series_from_slots(slots, currency)


def delivery_days(start: datetime, end: datetime) -> list[date]:
    """Return the CET delivery days that overlap ``[start, end)``."""
    first = start.astimezone(CET).date()
    last = (end - timedelta(microseconds=1)).astimezone(CET).date()
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


class NordPoolSource:
    """Day-ahead prices of one Nord Pool delivery area."""

    source_kind: SourceKind = "market"

    def __init__(
        self,
        http: SourceHttp,
        area: str,
        currency: str,
        resolution_minutes: int,
        url: str | None = None,
    ) -> None:
        """Read ``area`` in ``currency`` at ``resolution_minutes`` (15, 30 or 60)."""
        self._http = http
        self._code, zone = AREAS[area]
        self._currency = currency
        self._resolution = resolution_minutes
        self._url = url or API_URL
        self.publication = Publication(zone=zone, at=cet_time_in(zone, PUBLICATION_CET))

    async def async_fetch(self, start: datetime, end: datetime) -> PriceSeries:
        """Return the prices per kWh for ``[start, end)``, one request per delivery day."""
        series = PriceSeries(currency=self._currency)
        for day in delivery_days(start, end):
            reply = await self._http.request(
                "GET",
                f"{self._url}/DayAheadPriceIndices",
                params={
                    "date": day.isoformat(),
                    "market": "DayAhead",
                    "indexNames": self._code,
                    "currency": self._currency,
                    "resolutionInMinutes": str(self._resolution),
                },
            )
            if reply.status == 204 or not reply.text.strip():
                continue  # not published yet
            series = series.merged_with(parse_day(reply.json(), self._code, self._currency))
        return within(series, start, end)
