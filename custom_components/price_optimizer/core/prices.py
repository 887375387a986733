"""The one price model: slots with a UTC start and a duration.

Nothing here imports Home Assistant, so sources, the forecast, the optimizer,
training and benchmarks all share it. Local time only appears where a caller
asks for a local day, through an explicit ``tzinfo``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, Literal

from .convert import optional_float

PriceOrigin = Literal["market", "forecast"]

ALLOWED_DURATIONS = (
    timedelta(minutes=15),
    timedelta(minutes=30),
    timedelta(minutes=60),
)


class PriceSeriesError(ValueError):
    """Slots that do not form a valid series (naive times, overlaps, odd durations)."""


@dataclass(frozen=True, slots=True)
class PriceSlot:
    """One delivery period and its price per kWh."""

    start: datetime
    duration: timedelta
    price: float
    origin: PriceOrigin = "market"
    lower: float | None = None
    upper: float | None = None

    @property
    def end(self) -> datetime:
        """Return the end of the slot (exclusive)."""
        return self.start + self.duration

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-safe form, used by the Store, attributes and actions."""
        data: dict[str, Any] = {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "price": self.price,
            "origin": self.origin,
        }
        if self.lower is not None:
            data["lower"] = self.lower
        if self.upper is not None:
            data["upper"] = self.upper
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PriceSlot:
        """Rebuild a slot from :meth:`as_dict` output."""
        start = datetime.fromisoformat(data["start"])
        end = datetime.fromisoformat(data["end"])
        return cls(
            start=start.astimezone(UTC),
            duration=end - start,
            price=float(data["price"]),
            origin=data.get("origin", "market"),
            lower=optional_float(data.get("lower")),
            upper=optional_float(data.get("upper")),
        )


@dataclass(frozen=True, slots=True)
class PriceSeries:
    """Contiguous or gapped slots, sorted by start and never overlapping."""

    slots: tuple[PriceSlot, ...] = ()
    currency: str = "EUR"
    _starts: tuple[datetime, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        previous_end: datetime | None = None
        for slot in self.slots:
            if slot.start.tzinfo is None or slot.start.utcoffset() != timedelta(0):
                raise PriceSeriesError(f"slot start {slot.start} is not UTC")
            if slot.duration not in ALLOWED_DURATIONS:
                raise PriceSeriesError(f"slot at {slot.start.isoformat()} lasts {slot.duration}")
            if previous_end is not None and slot.start < previous_end:
                raise PriceSeriesError(f"slot at {slot.start.isoformat()} overlaps the one before")
            previous_end = slot.end
        object.__setattr__(self, "_starts", tuple(slot.start for slot in self.slots))

    @classmethod
    def from_unsorted(cls, slots: Iterable[PriceSlot], currency: str = "EUR") -> PriceSeries:
        """Sort ``slots`` by start; a repeated start is rejected as an overlap."""
        return cls(tuple(sorted(slots, key=lambda slot: slot.start)), currency)

    def __iter__(self) -> Iterator[PriceSlot]:
        return iter(self.slots)

    def __len__(self) -> int:
        return len(self.slots)

    def __bool__(self) -> bool:
        return bool(self.slots)

    @property
    def start(self) -> datetime | None:
        """Return the start of the first slot."""
        return self.slots[0].start if self.slots else None

    @property
    def end(self) -> datetime | None:
        """Return the end of the last slot: how far prices are known."""
        return self.slots[-1].end if self.slots else None

    def slot_at(self, when: datetime) -> PriceSlot | None:
        """Return the slot that contains ``when``, or None in a gap."""
        index = bisect_right(self._starts, when) - 1
        if index < 0:
            return None
        slot = self.slots[index]
        return slot if when < slot.end else None

    def next_slot(self, when: datetime) -> PriceSlot | None:
        """Return the first slot that starts after ``when``."""
        index = bisect_right(self._starts, when)
        return self.slots[index] if index < len(self.slots) else None

    def between(self, start: datetime, end: datetime) -> PriceSeries:
        """Return the slots that start in ``[start, end)``."""
        return replace(self, slots=tuple(s for s in self.slots if start <= s.start < end))

    def local_day_of(self, when: datetime, days_ahead: int = 0) -> PriceSeries:
        """Return the slots of the local day of ``when`` (in its own zone), or a later one."""
        return self.between(*local_day_bounds_of(when, days_ahead))

    def overlaps(self, start: datetime, end: datetime) -> bool:
        """Return whether any slot overlaps ``[start, end)``."""
        first = max(bisect_right(self._starts, start) - 1, 0)
        for slot in self.slots[first:]:
            if slot.start >= end:
                return False
            if slot.end > start:
                return True
        return False

    def merged_with(self, newer: PriceSeries) -> PriceSeries:
        """Return this series updated by ``newer``: its slots replace any they overlap."""
        if not newer.slots:
            return self
        kept = [s for s in self.slots if not newer.overlaps(s.start, s.end)]
        return PriceSeries.from_unsorted([*kept, *newer.slots], newer.currency)

    def trimmed_before(self, cutoff: datetime) -> PriceSeries:
        """Drop slots that ended before ``cutoff`` (keeps storage bounded)."""
        return replace(self, slots=tuple(s for s in self.slots if s.end > cutoff))

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-safe form for the Store."""
        return {
            "currency": self.currency,
            "slots": [slot.as_dict() for slot in self.slots],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PriceSeries:
        """Rebuild a series from :meth:`as_dict` output."""
        return cls.from_unsorted(
            (PriceSlot.from_dict(item) for item in data.get("slots", ())),
            data.get("currency", "EUR"),
        )


def per_kwh(price_per_mwh: float) -> float:
    """Convert a price per MWh to per kWh without binary noise (113.67 -> 0.11367)."""
    return round(price_per_mwh / 1000, 9)


def local_day_bounds(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """Return the UTC start and end of a local calendar day (23, 24 or 25 hours)."""
    start = datetime.combine(day, time.min, zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time.min, zone).astimezone(UTC)
    return start, end


def local_day_bounds_of(when: datetime, days_ahead: int = 0) -> tuple[datetime, datetime]:
    """Return the UTC bounds of the local day of an aware ``when``, or a later day."""
    if when.tzinfo is None:
        raise ValueError(f"{when} has no time zone")
    return local_day_bounds(when.date() + timedelta(days=days_ahead), when.tzinfo)
