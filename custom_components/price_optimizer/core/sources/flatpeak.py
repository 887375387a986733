"""Flatpeak: a location's tariff rates, whatever the supplier, through one API.

Flatpeak moved between hosts and API generations (``api.flatpeak.energy``,
``api.flatpeak.com``), so the host is configurable. ``GET /login`` with HTTP
Basic (account id, API key) returns a bearer token valid for ``expires_in``
seconds; ``GET /tariffs/rates/{location_id}`` (``end_time`` required, at most
90 days) returns ``data[{valid_from, valid_to, tariff{rate}}]`` with the rate per
kWh in major currency units. Rates hold for arbitrary periods and are cut into
slots here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
import time as monotonic
from typing import Any, Final

from ..prices import PriceSeries
from ..tariffs.model import SourceKind
from .base import RollingPublication, SourceDataError
from .http import SourceHttp, basic_authorization
from .normalise import (
    cut_into_slots,
    number,
    parse_time,
    series_from_slots,
    slot_length_for,
    within,
)

DEFAULT_HOST: Final = "https://api.flatpeak.com"
# Renew a token this long before Flatpeak says it expires.
TOKEN_MARGIN: Final = 60.0


def parse_token(body: Any) -> tuple[str, float]:
    """Return the bearer token of a ``/login`` reply and its lifetime in seconds."""
    if not isinstance(body, dict) or not isinstance(body.get("bearer_token"), str):
        raise SourceDataError("the login reply has no bearer_token")
    return body["bearer_token"], number(body.get("expires_in", 3600))


def parse_rates(body: Any) -> PriceSeries:
    """Return the import rates per kWh of a ``tariff_rate`` reply, cut into slots."""
    if not isinstance(body, dict) or body.get("object") != "tariff_rate":
        raise SourceDataError("the reply is not a tariff_rate object")
    currency = body.get("currency_code")
    if not isinstance(currency, str) or not isinstance(body.get("data"), list):
        raise SourceDataError("the reply has no currency_code or data")
    intervals = []
    for item in body["data"]:
        try:
            start, end = parse_time(item["valid_from"]), parse_time(item["valid_to"])
            rate = number(item["tariff"]["rate"])
        except (KeyError, TypeError) as err:
            raise SourceDataError(f"a rate lacks {err}") from err
        intervals.append((start, end, rate))
    if not intervals:
        return PriceSeries(currency=currency)
    length = slot_length_for(when for start, end, _ in intervals for when in (start, end))
    return series_from_slots(cut_into_slots(intervals, length), currency)


class FlatpeakSource:
    """Import tariff rates of one Flatpeak location."""

    source_kind: SourceKind = "all_in"

    # Rates change when the tariff does, or daily for dynamic ones; Flatpeak's
    # ``next_update`` is usually hours ahead, so an hourly look is plenty.
    publication = RollingPublication(every=timedelta(hours=1), delay=timedelta(minutes=2))

    def __init__(
        self,
        http: SourceHttp,
        *,
        host: str,
        account_id: str,
        api_key: str,
        location_id: str,
        clock: Callable[[], float] = monotonic.monotonic,
    ) -> None:
        """Read ``location_id`` on ``host`` with the account's id and API key."""
        self._http = http
        self._host = host.rstrip("/")
        self._login_headers = {"Authorization": basic_authorization(account_id, api_key)}
        self._location_id = location_id
        self._clock = clock
        self._token: str | None = None
        self._token_until = 0.0

    async def _bearer(self) -> str:
        if self._token is None or self._clock() >= self._token_until:
            body = await self._http.get_json(f"{self._host}/login", headers=self._login_headers)
            self._token, lifetime = parse_token(body)
            self._token_until = self._clock() + lifetime - TOKEN_MARGIN
        return self._token

    async def async_fetch(self, start: datetime, end: datetime) -> PriceSeries:
        """Return the rates for ``[start, end)``."""
        token = await self._bearer()
        body = await self._http.get_json(
            f"{self._host}/tariffs/rates/{self._location_id}",
            params={
                "start_time": start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "end_time": end.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "direction": "IMPORT",
                "include_tariff": "true",
            },
            headers={"Authorization": f"Bearer {token}"},
        )
        return within(parse_rates(body), start, end)
