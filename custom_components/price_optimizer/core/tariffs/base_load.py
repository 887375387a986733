"""The household's expected base load, learnt by weekday and local time of day.

Capacity charges and the household power limit depend on what the house draws besides the
planned appliances. The glue reads a house power (kW) or energy meter (kWh) sensor's recorder
history; this module turns those samples into energy per interval, learns the mean power for
each (weekday, local slot of the day), and predicts the energy of future slots. Without a sensor
the profile is zero: capacity charges then see only the planned appliances, so a plan can
cross a step the rest of the house would have crossed anyway, and the other way round.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise
import math
from typing import Protocol
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 1440
DAYS_PER_WEEK = 7


def _floor(moment: datetime, interval: timedelta) -> datetime:
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    steps = (moment.astimezone(UTC) - epoch) // interval
    return epoch + steps * interval


def energy_from_power(
    samples: Sequence[tuple[datetime, float]], end: datetime, interval: timedelta
) -> dict[datetime, float]:
    """KWh per UTC interval from power samples (kW), each held until the next sample or ``end``.

    Intervals the samples do not reach are absent, not zero.
    """
    energy: dict[datetime, float] = {}
    ordered = sorted(samples)
    for (start, kw), (stop, _) in zip(ordered, [*ordered[1:], (end, 0.0)], strict=True):
        if not math.isfinite(kw) or stop <= start:
            continue
        _spread(energy, start, stop, kw * (stop - start).total_seconds() / 3600, interval)
    return energy


def energy_from_meter(
    samples: Sequence[tuple[datetime, float]], interval: timedelta
) -> dict[datetime, float]:
    """KWh per UTC interval from a cumulative meter (kWh), spread evenly between readings.

    A reading below the one before is a meter reset: the step across it is left out.
    """
    energy: dict[datetime, float] = {}
    ordered = sorted(s for s in samples if math.isfinite(s[1]))
    for (start, before), (stop, after) in pairwise(ordered):
        if after >= before and stop > start:
            _spread(energy, start, stop, after - before, interval)
    return energy


def _spread(
    energy: dict[datetime, float], start: datetime, stop: datetime, kwh: float, interval: timedelta
) -> None:
    span = (stop - start).total_seconds()
    moment = start
    while moment < stop:
        bucket = _floor(moment, interval)
        piece_end = min(stop, bucket + interval)
        energy[bucket] = energy.get(bucket, 0.0) + kwh * (piece_end - moment).total_seconds() / span
        moment = piece_end


class BaseLoad(Protocol):
    """What the planner asks of a base load: the energy it expects in each slot."""

    def expected_kwh(self, starts: Sequence[datetime], duration: timedelta) -> list[float]:
        """Expected base-load energy (kWh) of each slot of ``duration`` from ``starts``."""
        ...


@dataclass(frozen=True, slots=True)
class KnownLoad:
    """Measured energy per UTC interval start: a base load known in hindsight, for replays.

    A slot takes each interval's energy in proportion to the time they share; an interval
    without a measurement counts as zero.
    """

    interval_kwh: Mapping[datetime, float]
    interval: timedelta = timedelta(hours=1)

    def expected_kwh(self, starts: Sequence[datetime], duration: timedelta) -> list[float]:
        """Measured energy of each slot."""
        energy = []
        for start in starts:
            stop = start + duration
            total = 0.0
            bucket = _floor(start, self.interval)
            while bucket < stop:
                shared = min(stop, bucket + self.interval) - max(start, bucket)
                total += self.interval_kwh.get(bucket, 0.0) * (shared / self.interval)
                bucket += self.interval
            energy.append(total)
        return energy


@dataclass(frozen=True, slots=True)
class BaseLoadProfile:
    """Mean base-load power (kW) per (weekday, local slot of the day); zero without data."""

    time_zone: str = "UTC"
    slot_minutes: int = 60
    kw: Mapping[tuple[int, int], float] = field(default_factory=dict)

    def slot_key(self, start: datetime) -> tuple[int, int]:
        """The (weekday, slot of the day) of a UTC start in local time."""
        local = start.astimezone(ZoneInfo(self.time_zone))
        return local.weekday(), (local.hour * 60 + local.minute) // self.slot_minutes

    def power_at(self, start: datetime) -> float:
        """Expected kW at ``start``: the same weekday's slot, else that slot on any day, else 0."""
        weekday, slot = self.slot_key(start)
        if (weekday, slot) in self.kw:
            return self.kw[weekday, slot]
        others = [kw for (_, s), kw in self.kw.items() if s == slot]
        return sum(others) / len(others) if others else 0.0

    def expected_kwh(self, starts: Sequence[datetime], duration: timedelta) -> list[float]:
        """Expected base-load energy of each slot."""
        hours = duration.total_seconds() / 3600
        return [self.power_at(start) * hours for start in starts]


def learn_base_load(
    interval_kwh: Mapping[datetime, float],
    interval: timedelta,
    time_zone: str,
    slot_minutes: int = 60,
    *,
    quantile: float | None = None,
    margin_kw: float = 0.0,
) -> BaseLoadProfile:
    """Learn the power per (weekday, local slot) from energy per UTC interval.

    The mean by default. A cautious profile, for a capacity charge, plans against more: a
    ``quantile`` (0..1, linear between the ordered samples) instead of the mean, and
    ``margin_kw`` on top of every slot. A step charge punishes any peak that lands just above
    a threshold, and a plan fitted to the expected load puts its peaks right below one, where
    an hour the house draws a little more than expected crosses it.
    """
    if MINUTES_PER_DAY % slot_minutes:
        raise ValueError("slot_minutes must divide the day")
    if quantile is not None and not 0.0 <= quantile <= 1.0:
        raise ValueError("quantile must be within 0..1")
    if not margin_kw >= 0:
        raise ValueError("margin_kw must not be negative")
    hours = interval.total_seconds() / 3600
    profile = BaseLoadProfile(time_zone=time_zone, slot_minutes=slot_minutes)
    samples: dict[tuple[int, int], list[float]] = {}
    for start, kwh in interval_kwh.items():
        if math.isfinite(kwh):
            samples.setdefault(profile.slot_key(start), []).append(kwh / hours)
    return BaseLoadProfile(
        time_zone=time_zone,
        slot_minutes=slot_minutes,
        kw={
            key: margin_kw
            + (sum(values) / len(values) if quantile is None else _quantile(values, quantile))
            for key, values in sorted(samples.items())
        },
    )


def _quantile(values: Sequence[float], quantile: float) -> float:
    ordered = sorted(values)
    position = quantile * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)
