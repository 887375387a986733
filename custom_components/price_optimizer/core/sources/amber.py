"""Amber Electric (Australia): a site's wholesale-linked prices, with Amber's forecasts.

``GET /v1/sites/{siteId}/prices?startDate&endDate&resolution=30`` (bearer API
key) returns intervals of every channel; only the ``general`` channel is the
price of ordinary consumption. ``perKwh`` is what the household pays in cents
per kWh including GST. ``ActualInterval`` and ``CurrentInterval`` are known
prices; ``ForecastInterval`` is AEMO's forecast and is kept as a forecast slot
with Amber's range as its band. ``startTime`` is one second past the slot
boundary (``02:00:01Z``), so a slot is placed by its ``endTime`` and duration.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final

from ..prices import PriceSeries, PriceSlot
from ..tariffs.model import SourceKind
from .base import RollingPublication, SourceDataError
from .http import SourceHttp
from .normalise import number, parse_time, series_from_slots, within

API_URL: Final = "https://api.amber.com.au/v1"
CHANNEL: Final = "general"
RESOLUTION: Final = 30


def parse_sites(body: Any) -> list[tuple[str, str]]:
    """Return ``(site id, label)`` of the account's active sites."""
    if not isinstance(body, list):
        raise SourceDataError("the site list is not a list")
    try:
        return [
            (str(site["id"]), f"{site.get('nmi', site['id'])} ({site.get('network', '')})")
            for site in body
            if site.get("status", "active") == "active"
        ]
    except (KeyError, TypeError, AttributeError) as err:
        raise SourceDataError(f"a site lacks {err}") from err


def parse_prices(body: Any) -> PriceSeries:
    """Return the general channel's prices in AUD per kWh, forecasts marked as such."""
    if not isinstance(body, list):
        raise SourceDataError("the price list is not a list")
    slots = []
    for interval in body:
        if not isinstance(interval, dict):
            raise SourceDataError("an interval is not an object")
        if interval.get("channelType") != CHANNEL:
            continue
        end = parse_time(interval.get("endTime"))
        length = timedelta(minutes=number(interval.get("duration")))
        price = number(interval.get("perKwh")) / 100
        if interval.get("type") == "ForecastInterval":
            band = interval.get("range") or {}
            slots.append(
                PriceSlot(
                    end - length,
                    length,
                    price,
                    origin="forecast",
                    lower=number(band["min"]) / 100 if "min" in band else None,
                    upper=number(band["max"]) / 100 if "max" in band else None,
                )
            )
        else:
            slots.append(PriceSlot(end - length, length, price))
    return series_from_slots(slots, "AUD")


class AmberSource:
    """Half-hourly prices of one Amber site."""

    source_kind: SourceKind = "all_in"

    # Prices move within the half-hour (the current interval is an estimate
    # until its last five minutes), so the source is read every five minutes.
    publication = RollingPublication(every=timedelta(minutes=5), delay=timedelta(seconds=20))

    def __init__(
        self, http: SourceHttp, api_key: str, site_id: str, url: str | None = None
    ) -> None:
        """Read site ``site_id`` with the account's ``api_key``."""
        self._http = http
        self._headers = {"Authorization": f"Bearer {api_key}"}
        self._site_id = site_id
        self._url = url or API_URL

    async def async_fetch(self, start: datetime, end: datetime) -> PriceSeries:
        """Return the prices and forecasts for ``[start, end)``."""
        # Amber's dates are NEM dates (UTC+10); one day of margin covers any zone.
        body = await self._http.get_json(
            f"{self._url}/sites/{self._site_id}/prices",
            params={
                "startDate": (start - timedelta(days=1)).date().isoformat(),
                "endDate": (end + timedelta(days=1)).date().isoformat(),
                "resolution": str(RESOLUTION),
            },
            headers=self._headers,
        )
        return within(parse_prices(body), start, end)

    @staticmethod
    async def async_sites(
        http: SourceHttp, api_key: str, url: str | None = None
    ) -> list[tuple[str, str]]:
        """Return the sites an API key can see."""
        body = await http.get_json(
            f"{url or API_URL}/sites", headers={"Authorization": f"Bearer {api_key}"}
        )
        return parse_sites(body)
