"""US utility tariffs: NREL's average rates and OpenEI URDB time-of-use schedules.

Tariffs are not markets: their prices are known for any day, so a daily look
suffices and there is no publication to wait for.

* NREL ``utility_rates/v3`` gives a location's average residential, commercial
  and industrial rate in $/kWh (2012 data, no longer updated); it becomes a
  flat hourly price.
* OpenEI URDB gives a rate's ``energyratestructure`` (periods, each with tiers
  of ``rate`` plus optional ``adj``) and two 12 x 24 matrices that map
  month x hour to a period, one for weekdays and one for weekends. They are
  expanded here into hourly slots in the household's time zone, so DST days
  have 23 or 25 slots. The first tier applies (tiers depend on monthly
  consumption, which the integration does not know); holidays are not in the
  matrices and are priced as their weekday.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from ..prices import PriceSeries, PriceSlot
from ..tariffs.model import SourceKind
from .base import Publication, SourceDataError, SourceRequestError
from .http import SourceHttp
from .normalise import number, series_from_slots

NREL_URL: Final = "https://developer.nrel.gov/api/utility_rates/v3.json"
URDB_URL: Final = "https://api.openei.org/utility_rates"
SECTORS: Final = ("residential", "commercial", "industrial")
HOUR: Final = timedelta(hours=1)
DAILY: Final = time(0, 5)


def _hours(start: datetime, end: datetime) -> list[datetime]:
    first = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    if first < start:
        first += HOUR
    count = max(0, int((end - first) / HOUR) + (1 if (end - first) % HOUR else 0))
    return [first + i * HOUR for i in range(count)]


def parse_nrel_rate(body: Any, sector: str) -> float:
    """Return the average $/kWh of ``sector`` from a ``utility_rates/v3`` reply."""
    if not isinstance(body, dict):
        raise SourceDataError("the reply is not a JSON object")
    if body.get("errors"):
        raise SourceRequestError(f"NREL refused the location: {body['errors']}")
    outputs = body.get("outputs")
    if not isinstance(outputs, dict) or sector not in outputs:
        raise SourceDataError(f"the reply has no {sector} rate")
    rate = outputs[sector]
    if rate in (None, "no data"):
        raise SourceRequestError(f"NREL has no {sector} rate for this location")
    return number(rate)


def flat_series(rate: float, start: datetime, end: datetime) -> PriceSeries:
    """Return ``rate`` on every hour of ``[start, end)``."""
    return series_from_slots((PriceSlot(h, HOUR, rate) for h in _hours(start, end)), "USD")


def urdb_item(body: Any) -> dict[str, Any]:
    """Return the one rate of a URDB ``getpage`` reply."""
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        raise SourceDataError("the reply has no items")
    if not body["items"]:
        raise SourceRequestError("URDB has no rate with this label")
    item = body["items"][0]
    if not isinstance(item, dict):
        raise SourceDataError("the rate is not an object")
    return item


def expand_schedule(
    item: dict[str, Any], zone: ZoneInfo, start: datetime, end: datetime
) -> PriceSeries:
    """Return a URDB rate's energy prices in $/kWh as hourly slots of ``[start, end)``."""
    try:
        structure = item["energyratestructure"]
        weekday = item["energyweekdayschedule"]
        weekend = item["energyweekendschedule"]
        prices = [
            number(period[0].get("rate", 0)) + number(period[0].get("adj", 0))
            for period in structure
        ]
        if any(
            len(matrix) != 12 or any(len(row) != 24 for row in matrix)
            for matrix in (weekday, weekend)
        ):
            raise SourceDataError("a schedule is not 12 months x 24 hours")
        slots = []
        for hour in _hours(start, end):
            local = hour.astimezone(zone)
            matrix = weekend if local.weekday() >= 5 else weekday
            slots.append(PriceSlot(hour, HOUR, prices[int(matrix[local.month - 1][local.hour])]))
    except (KeyError, TypeError, IndexError, AttributeError) as err:
        raise SourceDataError(f"the rate's energy schedule is incomplete ({err!r})") from err
    return series_from_slots(slots, "USD")


class NrelSource:
    """A location's average utility rate from NREL, as a flat hourly price."""

    source_kind: SourceKind = "all_in"

    def __init__(
        self,
        http: SourceHttp,
        api_key: str,
        *,
        latitude: float,
        longitude: float,
        sector: str,
        zone: ZoneInfo,
        url: str | None = None,
    ) -> None:
        """Read the rate of ``sector`` at a location with an NREL API key."""
        self._http = http
        self._params = {"api_key": api_key, "lat": f"{latitude:.4f}", "lon": f"{longitude:.4f}"}
        self._sector = sector
        self._url = url or NREL_URL
        self.publication = Publication(zone=zone, at=DAILY)

    async def async_fetch(self, start: datetime, end: datetime) -> PriceSeries:
        """Return the average rate on every hour of ``[start, end)``."""
        body = await self._http.get_json(self._url, params=self._params)
        return flat_series(parse_nrel_rate(body, self._sector), start, end)


class UrdbSource:
    """One OpenEI URDB rate, its time-of-use schedule expanded into hourly prices."""

    source_kind: SourceKind = "all_in"

    def __init__(
        self,
        http: SourceHttp,
        api_key: str,
        label: str,
        zone: ZoneInfo,
        url: str | None = None,
    ) -> None:
        """Read the rate ``label`` (URDB's page id) for a household in ``zone``."""
        self._http = http
        self._params = {
            "version": "latest",
            "format": "json",
            "detail": "full",
            "getpage": label,
            "api_key": api_key,
        }
        self._zone = zone
        self._url = url or URDB_URL
        self.publication = Publication(zone=zone, at=DAILY)

    async def async_fetch(self, start: datetime, end: datetime) -> PriceSeries:
        """Return the rate's prices on every hour of ``[start, end)``."""
        body = await self._http.get_json(self._url, params=self._params)
        return expand_schedule(urdb_item(body), self._zone, start, end)
