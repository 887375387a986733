"""Octopus Energy (UK): unit rates of a tariff, Agile's half-hours included.

``GET /v1/products/{product}/electricity-tariffs/{tariff}/standard-unit-rates/``
takes ``period_from`` and ``period_to`` and pages its ``results`` (newest
first) through ``next``. A result holds for ``[valid_from, valid_to)``;
``valid_to`` is null for a rate still in force. Agile rates are half-hours
published at about 16:00 UK time for the day that runs 23:00 to 23:00; other
tariffs' rates last months and are cut into half-hours here. Rates are pence
per kWh; the source keeps the rate with VAT, in pounds: it is the whole unit rate
the household pays, so no part of the tariff is added to it.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from ..prices import PriceSeries, PriceSlot
from ..tariffs.model import SourceKind
from .base import Publication, SourceDataError
from .http import SourceHttp
from .normalise import number, parse_time, series_from_slots

API_URL: Final = "https://api.octopus.energy/v1"
LONDON: Final = ZoneInfo("Europe/London")
HALF_HOUR: Final = timedelta(minutes=30)
DEFAULT_PRODUCT: Final = "AGILE-24-10-01"
# Grid supply point regions, the last letter of a tariff code.
REGIONS: Final = ("A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P")
# Where several payment methods are priced, the direct-debit rate applies to most homes.
PAYMENT_METHODS: Final = (None, "DIRECT_DEBIT")
MAX_PAGES: Final = 20


def tariff_code(product: str, region: str) -> str:
    """Return the single-register electricity tariff code of a product in a region."""
    return f"E-1R-{product}-{region}"


def parse_rates(results: list[Any], start: datetime, end: datetime) -> PriceSeries:
    """Return half-hourly prices in GBP per kWh for ``[start, end)`` from unit-rate results."""
    slots = []
    first = start.astimezone(UTC).replace(second=0, microsecond=0)
    first -= timedelta(minutes=first.minute % 30)
    for result in results:
        if not isinstance(result, dict):
            raise SourceDataError("a result is not an object")
        if result.get("payment_method") not in PAYMENT_METHODS:
            continue
        valid_from = parse_time(result.get("valid_from"))
        valid_to = end if result.get("valid_to") is None else parse_time(result["valid_to"])
        price = number(result.get("value_inc_vat")) / 100
        when = max(valid_from, first)
        while when < min(valid_to, end):
            slots.append(PriceSlot(when, HALF_HOUR, price))
            when += HALF_HOUR
    return series_from_slots(slots, "GBP")


class OctopusSource:
    """Unit rates of one Octopus tariff (Agile by default) in one region."""

    source_kind: SourceKind = "all_in"

    def __init__(self, http: SourceHttp, product: str, region: str, url: str | None = None) -> None:
        """Read ``product`` in grid supply point ``region`` (A to P)."""
        self._http = http
        self._product = product
        self._tariff = tariff_code(product, region)
        self._url = url or API_URL
        self.publication = Publication(zone=LONDON, at=time(16, 0), day_ends=time(23, 0))

    async def async_fetch(self, start: datetime, end: datetime) -> PriceSeries:
        """Return the rates for ``[start, end)``, following every page."""
        url: str | None = (
            f"{self._url}/products/{self._product}/electricity-tariffs/"
            f"{self._tariff}/standard-unit-rates/"
        )
        params: dict[str, str] | None = {
            "period_from": start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "period_to": end.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        results: list[Any] = []
        pages = 0
        while url is not None:
            pages += 1
            if pages > MAX_PAGES:
                raise SourceDataError(f"more than {MAX_PAGES} pages of rates")
            body = await self._http.get_json(url, params=params)
            if not isinstance(body, dict) or not isinstance(body.get("results"), list):
                raise SourceDataError("the reply has no results")
            results.extend(body["results"])
            url = body.get("next")
            # The next page's URL carries the query already.
            params = None
        return parse_rates(results, start, end)
