"""Tibber: a home's day-ahead prices through Tibber's GraphQL API (personal access token).

``priceInfo`` holds ``today`` and ``tomorrow`` (empty until the day-ahead
result is in, around 13:00 CET) as ``{total, energy, tax, startsAt, currency}``.
``total`` is what Tibber charges per kWh for the energy, taxes and VAT included
(a ``retail_energy`` price): the household's tariff adds only its grid components.
``startsAt`` carries the local offset; a slot lasts until the next start
(quarter-hours since October 2025).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from ..prices import PriceSeries
from ..tariffs.model import SourceKind
from .base import Publication, SourceAuthError, SourceDataError, SourceRequestError
from .entsoe import cet_time_in
from .http import SourceHttp
from .normalise import number, parse_time, series_from_starts, within

API_URL: Final = "https://api.tibber.com/v1-beta/gql"
# Tibber's markets (Norway, Sweden, Germany, the Netherlands) share Central European time.
ZONE: Final = ZoneInfo("Europe/Berlin")
PUBLICATION_CET: Final = time(13, 15)

HOMES_QUERY: Final = "{ viewer { homes { id appNickname address { address1 postalCode city } } } }"
PRICES_QUERY: Final = (
    "query ($id: ID!) { viewer { home(id: $id) { currentSubscription { priceInfo { "
    "today { total energy tax startsAt currency } "
    "tomorrow { total energy tax startsAt currency } } } } } }"
)


def _data(body: Any) -> dict[str, Any]:
    """Return ``data`` of a GraphQL reply, raising on the errors it reports instead."""
    if not isinstance(body, dict):
        raise SourceDataError("the reply is not a JSON object")
    errors = body.get("errors") or []
    for error in errors:
        code = (
            str((error.get("extensions") or {}).get("code", "")) if isinstance(error, dict) else ""
        )
        if code in {"UNAUTHENTICATED", "UNAUTHORIZED"}:
            raise SourceAuthError("Tibber rejected the access token")
    if errors:
        first = (
            errors[0].get("message", "unknown error") if isinstance(errors[0], dict) else errors[0]
        )
        raise SourceRequestError(f"Tibber answered with an error: {first}")
    data = body.get("data")
    if not isinstance(data, dict):
        raise SourceDataError("the reply has no data")
    return data


def parse_homes(body: Any) -> list[tuple[str, str]]:
    """Return ``(home id, label)`` for every home the token can see."""
    try:
        homes = _data(body)["viewer"]["homes"]
        return [
            (
                str(home["id"]),
                home.get("appNickname")
                or ", ".join(str(part) for part in (home.get("address") or {}).values() if part)
                or str(home["id"]),
            )
            for home in homes
        ]
    except (KeyError, TypeError) as err:
        raise SourceDataError(f"the home list lacks {err}") from err


def parse_prices(body: Any) -> PriceSeries:
    """Return today's and tomorrow's ``total`` prices per kWh of one home."""
    try:
        info = _data(body)["viewer"]["home"]["currentSubscription"]["priceInfo"]
        entries = [*(info.get("today") or []), *(info.get("tomorrow") or [])]
        points = {parse_time(entry["startsAt"]): number(entry["total"]) for entry in entries}
        currencies = {str(entry["currency"]) for entry in entries}
    except (KeyError, TypeError) as err:
        raise SourceDataError(f"the price info lacks {err}") from err
    if len(currencies) > 1:
        raise SourceDataError(f"mixed currencies {sorted(currencies)}")
    return series_from_starts(points, currencies.pop() if currencies else "EUR", timedelta(hours=1))


class TibberSource:
    """Today's and tomorrow's prices of one Tibber home."""

    source_kind: SourceKind = "retail_energy"

    def __init__(self, http: SourceHttp, token: str, home_id: str, url: str | None = None) -> None:
        """Read the home ``home_id`` with a personal access ``token``."""
        self._http = http
        self._token = token
        self._home_id = home_id
        self._url = url or API_URL
        self.publication = Publication(zone=ZONE, at=cet_time_in(ZONE, PUBLICATION_CET))

    async def async_fetch(self, start: datetime, end: datetime) -> PriceSeries:
        """Return the prices per kWh Tibber holds within ``[start, end)``."""
        body = await self._http.post_json(
            self._url,
            {"query": PRICES_QUERY, "variables": {"id": self._home_id}},
            headers={"Authorization": f"Bearer {self._token}"},
        )
        return within(parse_prices(body), start, end)

    @staticmethod
    async def async_homes(
        http: SourceHttp, token: str, url: str | None = None
    ) -> list[tuple[str, str]]:
        """Return the homes an access token can see."""
        body = await http.post_json(
            url or API_URL, {"query": HOMES_QUERY}, headers={"Authorization": f"Bearer {token}"}
        )
        return parse_homes(body)
