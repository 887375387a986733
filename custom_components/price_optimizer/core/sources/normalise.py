"""Turn what providers send into the one slot model, and reject what does not fit.

Providers give a start and an end, a start and a resolution, or numbered
positions in a period; in UTC, with an offset, or in epoch milliseconds. Every
parser ends here so the same checks apply to all: times are aware, slot lengths
are 15, 30 or 60 minutes, no two slots overlap, and a repeated slot must carry
the same price.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise
import math
import re
from typing import Any, Final

from ..prices import ALLOWED_DURATIONS, PriceSeries, PriceSlot
from .base import SourceDataError

_ISO_DURATION: Final = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?$")
_EPOCH: Final = datetime(2000, 1, 1, tzinfo=UTC)


def parse_time(value: Any) -> datetime:
    """Return an aware UTC datetime from an ISO 8601 string with an offset or ``Z``."""
    if not isinstance(value, str):
        raise SourceDataError(f"expected a timestamp, got {value!r}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as err:
        raise SourceDataError(f"{value!r} is not an ISO 8601 timestamp") from err
    if parsed.tzinfo is None:
        raise SourceDataError(f"{value!r} has no UTC offset")
    return parsed.astimezone(UTC)


def from_epoch_ms(value: Any) -> datetime:
    """Return the UTC datetime of an epoch in milliseconds (number or numeric string)."""
    return datetime.fromtimestamp(number(value) / 1000, UTC)


def number(value: Any) -> float:
    """Return a finite float from a number or a decimal string, else raise."""
    if isinstance(value, bool):
        raise SourceDataError(f"expected a number, got {value!r}")
    try:
        result = float(value)
    except (TypeError, ValueError) as err:
        raise SourceDataError(f"expected a number, got {value!r}") from err
    if not math.isfinite(result):
        raise SourceDataError(f"{value!r} is not a finite number")
    return result


def resolution(value: str) -> timedelta:
    """Return the length of an ISO 8601 resolution such as ``PT15M`` or ``PT1H``."""
    match = _ISO_DURATION.match(value.strip())
    if not match or not any(match.groups()):
        raise SourceDataError(f"unsupported resolution {value!r}")
    hours, minutes = (int(group or 0) for group in match.groups())
    return timedelta(hours=hours, minutes=minutes)


def forward_filled(points: Mapping[int, float], count: int) -> list[float]:
    """Return values for positions 1..``count`` where an omitted position repeats the last.

    That is the meaning of ENTSO-E's curve type A03 ("variable sized block"):
    a run of equal prices is sent once, at the position where it starts.
    """
    if 1 not in points:
        raise SourceDataError("the curve does not start at position 1")
    if any(position < 1 or position > count for position in points):
        raise SourceDataError(f"a position lies outside 1..{count}")
    values: list[float] = []
    for position in range(1, count + 1):
        values.append(points.get(position, values[-1] if values else math.nan))
    return values


def series_from_slots(slots: Iterable[PriceSlot], currency: str) -> PriceSeries:
    """Return a series from slots in any order, after the shared checks.

    A slot repeated with the same price (providers overlap their pages) is kept
    once; a repeated slot with another price, an overlap, a naive time or an
    unsupported length is a malformed payload.
    """
    by_start: dict[datetime, PriceSlot] = {}
    for slot in slots:
        if slot.start.tzinfo is None:
            raise SourceDataError(f"slot at {slot.start} has no time zone")
        if slot.duration not in ALLOWED_DURATIONS:
            raise SourceDataError(f"slot at {slot.start.isoformat()} lasts {slot.duration}")
        if not math.isfinite(slot.price):
            raise SourceDataError(f"slot at {slot.start.isoformat()} has no finite price")
        start = slot.start.astimezone(UTC)
        held = by_start.get(start)
        if held is not None and (held.duration, held.price) != (slot.duration, slot.price):
            raise SourceDataError(f"two different prices for {start.isoformat()}")
        by_start[start] = replace(slot, start=start)
    ordered = [by_start[start] for start in sorted(by_start)]
    for before, after in pairwise(ordered):
        if after.start < before.end:
            raise SourceDataError(f"slots overlap at {after.start.isoformat()}")
    return PriceSeries(tuple(ordered), currency)


def series_from_starts(
    prices: Mapping[datetime, float], currency: str, single: timedelta
) -> PriceSeries:
    """Return a series from start stamps alone, each slot lasting until the next start.

    For providers that send only starts. A slot lasts until the next start when
    that is a valid slot length; across a gap, and for the last start, it keeps
    the length of the slot before it (``single`` when there is only one). So a
    reply that spans the move from hourly to quarter-hour prices stays exact.
    """
    starts = sorted(prices)
    slots = []
    length = single
    for index, start in enumerate(starts):
        if index + 1 < len(starts) and starts[index + 1] - start in ALLOWED_DURATIONS:
            length = starts[index + 1] - start
        elif index == 0 and len(starts) > 1:
            length = min(
                (b - a for a, b in pairwise(starts) if b - a in ALLOWED_DURATIONS), default=single
            )
        slots.append(PriceSlot(start, length, prices[start]))
    return series_from_slots(slots, currency)


def slot_length_for(boundaries: Iterable[datetime]) -> timedelta:
    """Return the longest slot length (60, 30 or 15 minutes) that every boundary falls on."""
    offsets = [when.astimezone(UTC) - _EPOCH for when in boundaries]
    for length in sorted(ALLOWED_DURATIONS, reverse=True):
        if all(offset % length == timedelta(0) for offset in offsets):
            return length
    raise SourceDataError("rate boundaries do not fall on quarter-hours")


def cut_into_slots(
    intervals: Iterable[tuple[datetime, datetime, float]], length: timedelta
) -> list[PriceSlot]:
    """Return ``length`` slots covering each ``(start, end, price)`` interval.

    Tariff rates hold for hours or months; the slot model wants them in slots
    of one length, aligned to UTC (which quarter-hour local zones share).
    """
    slots = []
    for start, end, price in intervals:
        when = start
        while when < end:
            slots.append(PriceSlot(when, length, price))
            when += length
    return slots


def averaged(
    points: Iterable[tuple[datetime, float]], slot: timedelta, *, origin: datetime | None = None
) -> list[tuple[datetime, float]]:
    """Return the mean of sub-slot prices per ``slot``, keyed by the slot's UTC start.

    Used for providers that publish finer than 15 minutes (5-minute real-time
    prices): a household is billed on the slot's average.
    """
    anchor = origin or _EPOCH
    groups: dict[datetime, list[float]] = {}
    for when, price in points:
        index = (when.astimezone(UTC) - anchor) // slot
        groups.setdefault(anchor + index * slot, []).append(price)
    return [(start, sum(values) / len(values)) for start, values in sorted(groups.items())]


def within(series: PriceSeries, start: datetime, end: datetime) -> PriceSeries:
    """Return the slots of ``series`` that overlap ``[start, end)``."""
    return PriceSeries(
        tuple(slot for slot in series if slot.end > start and slot.start < end), series.currency
    )
