"""Prices that another Home Assistant integration already holds, read without Home Assistant.

Four shapes are understood:

* the core Nord Pool integration's ``nordpool.get_prices_for_date`` response:
  ``{area: [{"start", "end", "price"}]}`` with ISO times and the price per MWh;
* the custom nordpool integration's ``raw_today`` / ``raw_tomorrow`` attributes:
  ``[{"start", "end", "value"}]`` (datetimes, or ISO strings once restored) in
  the sensor's ``currency`` per its ``unit`` (kWh, MWh or Wh), in cents when
  ``price_in_cents`` is set;
* hass-entsoe's ``prices`` (or ``prices_today`` + ``prices_tomorrow``)
  attributes: ``[{"time", "price"}]`` per kWh, a slot lasting until the next;
* a plain sensor whose state is the price: its history of state changes.

Both custom integrations apply their users' VAT and fees before publishing;
the household options here then stay at zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
import math
from typing import Any, Final

from ..prices import PriceSeries, PriceSlot, per_kwh
from .base import SourceDataError
from .normalise import number, parse_time, series_from_slots, series_from_starts

KIND_CORE_NORDPOOL: Final = "core_nordpool"
KIND_CUSTOM_NORDPOOL: Final = "custom_nordpool"
KIND_ENTSOE: Final = "entsoe"
KIND_SENSOR: Final = "sensor"
KINDS: Final = (KIND_CORE_NORDPOOL, KIND_CUSTOM_NORDPOOL, KIND_ENTSOE, KIND_SENSOR)

_SYMBOLS: Final = {"€": "EUR", "£": "GBP", "$": "USD", "ct": "EUR", "c": "EUR", "p": "GBP"}
_PER_UNIT: Final = {"kwh": 1.0, "mwh": 1000.0, "wh": 0.001}


def kind_of(attributes: Mapping[str, Any], platform: str | None) -> str:
    """Return which shape an entity's prices come in, from its attributes and platform."""
    if "raw_today" in attributes:
        return KIND_CUSTOM_NORDPOOL
    if "prices" in attributes or "prices_today" in attributes:
        return KIND_ENTSOE
    if platform == "nordpool":
        return KIND_CORE_NORDPOOL
    return KIND_SENSOR


def _time(value: Any) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise SourceDataError(f"{value} has no time zone")
        return value.astimezone(UTC)
    if isinstance(value, str):
        return parse_time(value.replace(" ", "T", 1))
    raise SourceDataError(f"expected a time, got {value!r}")


def unit_of(unit_of_measurement: str | None) -> tuple[str, float]:
    """Return the currency of a price unit such as ``EUR/kWh`` and the divisor to per kWh.

    Cent units (``ct/kWh``, ``c/kWh``, ``p/kWh``) divide by a further 100.
    """
    if not unit_of_measurement or "/" not in unit_of_measurement:
        raise SourceDataError(f"{unit_of_measurement!r} is not a price per energy unit")
    money, energy = (part.strip() for part in unit_of_measurement.split("/", 1))
    if energy.lower() not in _PER_UNIT:
        raise SourceDataError(f"{unit_of_measurement!r} is not per Wh, kWh or MWh")
    divisor = _PER_UNIT[energy.lower()]
    if money in {"ct", "c", "p"}:
        divisor *= 100
    return _SYMBOLS.get(money, money.upper()), divisor


def parse_core_nordpool(response: Mapping[str, Any], area: str, currency: str) -> PriceSeries:
    """Return the prices per kWh of one area from a ``get_prices_for_date`` response."""
    entries = response.get(area)
    if not isinstance(entries, list):
        raise SourceDataError(f"the response has no prices for {area}")
    slots = []
    for entry in entries:
        try:
            start, end = _time(entry["start"]), _time(entry["end"])
            slots.append(PriceSlot(start, end - start, per_kwh(number(entry["price"]))))
        except (KeyError, TypeError) as err:
            raise SourceDataError(f"an entry lacks {err}") from err
    return series_from_slots(slots, currency)


def parse_custom_nordpool(attributes: Mapping[str, Any]) -> PriceSeries:
    """Return the prices per kWh in a custom nordpool sensor's ``raw_today``/``raw_tomorrow``."""
    currency = str(attributes.get("currency") or "")
    unit = str(attributes.get("unit") or "kWh").lower()
    if not currency or unit not in _PER_UNIT:
        raise SourceDataError("the sensor has no currency or an unknown unit")
    divisor = _PER_UNIT[unit] * (100 if attributes.get("price_in_cents") else 1)
    slots = []
    for key in ("raw_today", "raw_tomorrow"):
        for entry in attributes.get(key) or []:
            try:
                value = entry["value"]
                start, end = _time(entry["start"]), _time(entry["end"])
            except (KeyError, TypeError) as err:
                raise SourceDataError(f"a {key} entry lacks {err}") from err
            if value is None:
                continue  # the integration's placeholder for a missing price
            slots.append(PriceSlot(start, end - start, round(number(value) / divisor, 9)))
    return series_from_slots(slots, currency)


def parse_entsoe_attributes(attributes: Mapping[str, Any], currency: str) -> PriceSeries:
    """Return the prices per kWh in a hass-entsoe sensor's price list attributes."""
    if "prices" in attributes:
        entries: Iterable[Any] = attributes.get("prices") or []
    else:
        entries = [
            *(attributes.get("prices_today") or []),
            *(attributes.get("prices_tomorrow") or []),
        ]
    points: dict[datetime, float] = {}
    for entry in entries:
        try:
            points[_time(entry["time"])] = number(entry["price"])
        except (KeyError, TypeError) as err:
            raise SourceDataError(f"a price entry lacks {err}") from err
    return series_from_starts(points, currency, timedelta(hours=1))


def _finite(state: str) -> float | None:
    try:
        value = float(state)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def series_from_history(
    changes: Sequence[tuple[datetime, str]],
    length: timedelta,
    until: datetime,
    currency: str,
    divisor: float,
) -> PriceSeries:
    """Return slots of ``length`` priced by the state in force at each slot's middle.

    ``changes`` are ``(when, state)`` in time order. The middle, not the start,
    decides, because a sensor updates a few seconds after its price changes.
    A state that is not a number (unavailable, unknown) leaves its slots empty.
    Slots run up to the one holding ``until`` (now): a plain sensor knows no
    future.
    """
    if not changes:
        return PriceSeries(currency=currency)
    anchor = datetime(2000, 1, 1, tzinfo=UTC)
    first = changes[0][0].astimezone(UTC)
    when = anchor + ((first - anchor) // length) * length
    slots = []
    index = -1
    while when <= until:
        while index + 1 < len(changes) and changes[index + 1][0] <= when + length / 2:
            index += 1
        price = _finite(changes[index][1]) if index >= 0 else None
        if price is not None:
            slots.append(PriceSlot(when, length, round(price / divisor, 9)))
        when += length
    return series_from_slots(slots, currency)
