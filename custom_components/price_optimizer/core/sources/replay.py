"""Real day-ahead prices from a bundled history, replayed as if they were live.

The bundled file holds 53 whole weeks of ENTSO-E day-ahead prices (Deepforkit,
CC0-1.0) in Central European wall-clock hours. A requested day is mapped onto
the bundled day that falls on the same weekday and is closest to it in the
season, so the demo shows a weekday's or a weekend's real shape at the same
time of year, whatever the year. Like the real market, tomorrow's prices appear only after
the day-ahead auction results are published.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import csv
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
import gzip
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

from ..prices import PriceSeries, PriceSlot, per_kwh
from ..tariffs.model import SourceKind
from .base import Publication

DATA_FILE: Final = Path(__file__).with_name("replay_prices.csv.gz")
DATA_ZONE: Final = ZoneInfo("Europe/Berlin")
# SDAC results appear at about 12:55 CET/CEST since the 15-minute switch.
PUBLICATION_TIME: Final = time(12, 55)

AREAS: Final[dict[str, tuple[str, ZoneInfo]]] = {
    "BE": ("BE", ZoneInfo("Europe/Brussels")),
    "DE-LU": ("DE_LU", ZoneInfo("Europe/Berlin")),
    "DK1": ("DK_1", ZoneInfo("Europe/Copenhagen")),
    "FI": ("FI", ZoneInfo("Europe/Helsinki")),
    "FR": ("FR", ZoneInfo("Europe/Paris")),
    "NL": ("NL", ZoneInfo("Europe/Amsterdam")),
    "NO1": ("NO_1", ZoneInfo("Europe/Oslo")),
    "SE3": ("SE_3", ZoneInfo("Europe/Stockholm")),
}
RESOLUTIONS: Final = (60, 15)


@dataclass(frozen=True, slots=True)
class ReplayTable:
    """Hourly prices in EUR/MWh per zone column, from ``first_day`` on."""

    first_day: date
    days: int
    prices: dict[str, tuple[float, ...]]

    def price(self, column: str, wall_clock: datetime) -> float:
        """Return the price in EUR/MWh for a Central European wall-clock hour."""
        day = _same_weekday_in_season(self.first_day, self.days, wall_clock.date())
        return self.prices[column][day * 24 + wall_clock.hour]


@lru_cache(maxsize=64)
def _same_weekday_in_season(first_day: date, days: int, target: date) -> int:
    """Return the index of the bundled day on ``target``'s weekday nearest its season."""

    def season_distance(index: int) -> int:
        apart = (first_day + timedelta(days=index)).timetuple().tm_yday - target.timetuple().tm_yday
        return min(abs(apart), 365 - abs(apart))

    same_weekday = range((target - first_day).days % 7, days, 7)
    return min(same_weekday, key=season_distance)


@cache
def load_table(path: Path = DATA_FILE) -> ReplayTable:
    """Read the bundled file (blocking: call it from an executor)."""
    with gzip.open(path, "rt", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    columns = {name: tuple(float(row[i]) for row in body) for i, name in enumerate(header) if i}
    first_day = datetime.fromisoformat(body[0][0]).date()
    return ReplayTable(first_day=first_day, days=len(body) // 24, prices=columns)


class ReplaySource:
    """Serve bundled real prices for an area as a live day-ahead market would."""

    source_kind: SourceKind = "market"

    def __init__(self, area: str, resolution_minutes: int, now: Callable[[], datetime]) -> None:
        """Replay ``area`` in slots of ``resolution_minutes``; ``now`` is the clock."""
        self._column, zone = AREAS[area]
        self._slot = timedelta(minutes=resolution_minutes)
        self._now = now
        self.publication = Publication(zone=zone, at=_local_time(PUBLICATION_TIME, zone))

    async def async_fetch(self, start: datetime, end: datetime) -> PriceSeries:
        """Return the replayed prices per kWh for ``[start, end)``, as far as published."""
        table = await asyncio.get_running_loop().run_in_executor(None, load_table)
        end = min(end, self.publication.expected_until(self._now()))
        first = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        slots: list[PriceSlot] = []
        when = first
        while when < end:
            if when >= start:
                price = table.price(self._column, when.astimezone(DATA_ZONE))
                slots.append(PriceSlot(start=when, duration=self._slot, price=per_kwh(price)))
            when += self._slot
        return PriceSeries(tuple(slots), currency="EUR")


def _local_time(cet_time: time, zone: ZoneInfo) -> time:
    """Return a Central European time of day in ``zone`` (all observe the same DST rule)."""
    reference = datetime.combine(date(2024, 1, 15), cet_time, DATA_ZONE)
    return reference.astimezone(zone).time()
