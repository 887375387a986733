"""Expected solar production per UTC slot, from the forecast the household already runs.

Two shapes arrive, both read as "energy produced in the period that starts at this moment":

* The energy platform's ``wh_hours`` (Home Assistant's ``energy/solar_forecast`` websocket,
  ``energy.types.SolarForecastType``): an ISO timestamp -> Wh mapping.

  - Forecast.Solar (core ``forecast_solar/energy.py``) passes the API's ``watt_hours_period``:
    hourly periods, the first of a day at sunrise (a key like ``07:23:41``), no key at night;
    from Home Assistant 2026.x zero values at midnight are left out as well.
  - Solcast (``BJReplay/ha-solcast-solar``, ``forecast.py`` ``make_energy_dict``) gives
    half-hour periods worth ``pv_estimate`` kW x 500, leaves out zeros except beside
    production, and includes past days' estimated actuals.
  - Open-Meteo Solar Forecast (``rany2/ha-open-meteo-solar-forecast``, ``energy.py``) gives the
    mean watts of each hour keyed at the hour's start in a fixed UTC offset, zeros included.

  The Energy dashboard (frontend ``energy-solar-graph-data.ts``, ``processForecast``) adds each
  value to the hour its timestamp falls in; here a value covers the time from its timestamp
  to the next one, at most the forecast's usual step, which is the same for hourly data and
  keeps half-hour and 15-minute data as fine as it came.

* A sensor attribute:

  - Solcast's daily sensors carry ``detailedForecast`` (half-hourly) and ``detailedHourly``:
    lists of ``{"period_start": datetime or ISO text, "pv_estimate": kW, "pv_estimate10": kW,
    "pv_estimate90": kW}``, the power being the period's mean (their README says "units in
    kW, not kWh"). ``pv_estimate`` is read.
  - Open-Meteo Solar Forecast's daily energy sensors carry ``wh_period`` (ISO -> Wh of the
    hour) and ``wh_period_15m`` (ISO -> Wh of the quarter hour), the same shape as
    ``wh_hours``; their ``watts`` attribute is instantaneous power and is not read.

Gaps inside a forecast are nights the source left out: they produce nothing. After its last
period nothing is known. Before its first period nothing is known either, except what
:meth:`SolarForecast.read_at` allows for an energy platform, whose forecast may start at the
day's sunrise: zero from the moment it was read. A sensor's attribute holds whole days from
local midnight, zeros included, so a sensor's forecast that starts after now (the next day's
sensor chosen alone) is not one for now.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise
import math
from typing import Any, Final, Literal

from .convert import iso, rounded
from .issues import Issue, placeholder_texts

HOUR: Final = timedelta(hours=1)
# No source steps more coarsely than an hour; a longer "step" means daily totals, not periods.
LONGEST_STEP: Final = HOUR
# A forecast whose content has not changed for this long is no longer being refreshed.
MAX_AGE: Final = timedelta(hours=24)
# Forecast.Solar's day starts at sunrise: read between midnight and sunrise, a forecast for
# now starts up to this much later. One that starts later still is not a forecast for now.
LONGEST_NIGHT: Final = timedelta(hours=24)

# Sensor attributes that hold a forecast, finest first (see the module docstring).
SENSOR_ATTRIBUTES: Final = ("detailedForecast", "wh_period_15m", "wh_period", "detailedHourly")
ENTRY_START: Final = "period_start"
ENTRY_POWER: Final = "pv_estimate"

SolarIssueCode = Literal[
    # The source is not there to be read.
    "source_missing",
    "source_not_loaded",
    "source_unavailable",
    "no_forecast",
    # It answered with something that is not a forecast.
    "forecast_malformed",
    # A forecast, but not one for now.
    "forecast_ended",
    "forecast_not_started",
    "forecast_old",
]
SOLAR_ISSUE_CODES: tuple[SolarIssueCode, ...] = SolarIssueCode.__args__  # type: ignore[attr-defined]

MalformedProblem = Literal[
    "not_a_forecast",
    "empty",
    "entry_invalid",
    "timestamp_invalid",
    "timestamp_without_zone",
    "timestamp_repeated",
    "value_invalid",
    "value_negative",
    "periods_overlap",
    "step_too_long",
]


class SolarIssue(Issue[SolarIssueCode]):
    """Why no solar forecast is used for a plan: a translation key and its placeholders."""

    __slots__ = ()


def solar_issue(code: SolarIssueCode, **placeholders: object) -> SolarIssue:
    """Build an issue, formatting every placeholder as text."""
    return SolarIssue(code, placeholder_texts(placeholders))


class SolarForecastError(ValueError):
    """Data that cannot be read as a solar forecast; carries the translatable issue."""

    def __init__(self, issue: SolarIssue) -> None:
        """Keep ``issue`` for the caller; the message is for logs only."""
        super().__init__(f"{issue.code}: {dict(issue.placeholders)}")
        self.issue = issue


def _malformed(problem: MalformedProblem, **details: object) -> SolarForecastError:
    return SolarForecastError(solar_issue("forecast_malformed", problem=problem, **details))


@dataclass(frozen=True, slots=True)
class SolarPeriod:
    """Energy (kWh) expected from ``start`` (UTC) for ``duration``, produced evenly."""

    start: datetime
    duration: timedelta
    kwh: float

    @property
    def end(self) -> datetime:
        """Return the end of the period (exclusive)."""
        return self.start + self.duration


@dataclass(frozen=True, slots=True)
class SolarForecast:
    """Periods sorted by start, never overlapping; gaps between them produce nothing.

    ``covered_from`` reaches before the first period when the forecast was read before it
    (a source starting at sunrise, read at night): zero production until then.
    """

    periods: tuple[SolarPeriod, ...]
    covered_from: datetime | None = None
    _starts: tuple[datetime, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.periods:
            raise _malformed("empty")
        previous: SolarPeriod | None = None
        for period in self.periods:
            if previous is not None and period.start < previous.end:
                raise _malformed("periods_overlap", at=iso(period.start))
            previous = period
        object.__setattr__(self, "_starts", tuple(p.start for p in self.periods))

    @property
    def start(self) -> datetime:
        """Return the first moment the forecast speaks for."""
        first = self.periods[0].start
        return first if self.covered_from is None else min(first, self.covered_from)

    @property
    def end(self) -> datetime:
        """Return the end of the last period: how far the forecast reaches."""
        return self.periods[-1].end

    @property
    def total_kwh(self) -> float:
        """Return the energy of every period."""
        return sum(p.kwh for p in self.periods)

    def read_at(self, moment: datetime) -> SolarForecast:
        """Return the forecast as read at ``moment``: zero from then until its first period."""
        return replace(self, covered_from=min(self.periods[0].start, moment))

    def kwh_between(self, start: datetime, end: datetime) -> float | None:
        """Return the energy expected in ``[start, end)``; None where the forecast is silent."""
        if start < self.start or end > self.end:
            return None
        total = 0.0
        index = max(bisect_right(self._starts, start) - 1, 0)
        for period in self.periods[index:]:
            if period.start >= end:
                break
            shared = min(end, period.end) - max(start, period.start)
            if shared > timedelta(0):
                total += period.kwh * (shared / period.duration)
        return total

    def mean_kw(self, starts: Sequence[datetime], duration: timedelta) -> list[float | None]:
        """Return the mean power (kW) of each slot of ``duration`` from ``starts``."""
        hours = duration / HOUR
        found: list[float | None] = []
        for start in starts:
            kwh = self.kwh_between(start, start + duration)
            found.append(None if kwh is None else kwh / hours)
        return found

    def joined(self, other: SolarForecast) -> SolarForecast:
        """Return both forecasts as one (a day sensor beside the next day's)."""
        periods = tuple(sorted((*self.periods, *other.periods), key=lambda p: p.start))
        starts = [c for c in (self.covered_from, other.covered_from) if c is not None]
        return SolarForecast(periods, min(starts) if starts else None)


def _timestamp(value: object) -> datetime:
    """Return an aware timestamp in UTC from a datetime or ISO 8601 text."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise _malformed("timestamp_invalid", value=value[:40]) from None
    else:
        raise _malformed("timestamp_invalid", value=repr(value)[:40])
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise _malformed("timestamp_without_zone", value=moment.isoformat())
    return moment.astimezone(UTC)


def _number(value: object, at: datetime) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _malformed("value_invalid", at=iso(at), value=repr(value)[:40])
    number = float(value)
    if not math.isfinite(number):
        raise _malformed("value_invalid", at=iso(at), value=repr(value)[:40])
    if number < 0:
        raise _malformed("value_negative", at=iso(at), value=number)
    return number


def _step(starts: Sequence[datetime]) -> timedelta:
    """Return the forecast's usual step: the most common gap between starts, up to an hour.

    Forecast.Solar's sunrise key and the nights every source leaves out make other gaps.
    """
    between = [later - earlier for earlier, later in pairwise(starts)]
    gaps = Counter(gap for gap in between if gap <= LONGEST_STEP)
    if not gaps:
        if between:
            raise _malformed("step_too_long", step=min(between))
        return HOUR
    most = max(gaps.values())
    return min(gap for gap, count in gaps.items() if count == most)


def _periods(points: Iterable[tuple[datetime, float]], *, power: bool) -> SolarForecast:
    """Return a forecast from (start, Wh) or (start, kW) points, each lasting until the next."""
    ordered = sorted(points)
    if not ordered:
        raise _malformed("empty")
    starts = [start for start, _ in ordered]
    for earlier, later in pairwise(starts):
        if earlier == later:
            raise _malformed("timestamp_repeated", at=iso(later))
    step = _step(starts)
    periods = []
    for index, (start, value) in enumerate(ordered):
        following = starts[index + 1] if index + 1 < len(starts) else start + step
        duration = min(following - start, step)
        kwh = value * (duration / HOUR) if power else value / 1000
        periods.append(SolarPeriod(start, duration, kwh))
    return SolarForecast(tuple(periods))


def forecast_from_wh(data: object) -> SolarForecast:
    """Read an ISO timestamp -> Wh mapping: ``wh_hours``, Open-Meteo's ``wh_period``."""
    if not isinstance(data, Mapping):
        raise _malformed("not_a_forecast", kind=type(data).__name__)
    points = []
    for key, value in data.items():
        start = _timestamp(key)
        points.append((start, _number(value, start)))
    return _periods(points, power=False)


def forecast_from_energy_platform(answer: object) -> SolarForecast:
    """Read what an energy platform's ``async_get_solar_forecast`` returned."""
    if not isinstance(answer, Mapping) or "wh_hours" not in answer:
        raise _malformed("not_a_forecast", kind=type(answer).__name__)
    return forecast_from_wh(answer["wh_hours"])


def forecast_from_entries(entries: object) -> SolarForecast:
    """Read a list of ``{"period_start", "pv_estimate" (kW)}`` entries: Solcast's attributes."""
    if not isinstance(entries, list | tuple):
        raise _malformed("not_a_forecast", kind=type(entries).__name__)
    points = []
    for number, entry in enumerate(entries):
        if not isinstance(entry, Mapping) or ENTRY_START not in entry or ENTRY_POWER not in entry:
            raise _malformed("entry_invalid", entry=number + 1)
        start = _timestamp(entry[ENTRY_START])
        points.append((start, _number(entry[ENTRY_POWER], start)))
    return _periods(points, power=True)


def forecast_from_attributes(attributes: Mapping[str, Any]) -> tuple[str, SolarForecast]:
    """Return the attribute a sensor keeps its forecast in, and that forecast."""
    for name in SENSOR_ATTRIBUTES:
        if name in attributes:
            value = attributes[name]
            if isinstance(value, Mapping):
                return name, forecast_from_wh(value)
            return name, forecast_from_entries(value)
    raise SolarForecastError(solar_issue("no_forecast", attributes=", ".join(SENSOR_ATTRIBUTES)))


def forecast_attribute(attributes: Mapping[str, Any]) -> str | None:
    """Return which attribute of a sensor holds a forecast, if any."""
    return next((name for name in SENSOR_ATTRIBUTES if name in attributes), None)


def freshness_issue(
    forecast: SolarForecast,
    now: datetime,
    *,
    changed_at: datetime | None = None,
    max_age: timedelta = MAX_AGE,
    leading_night: timedelta = LONGEST_NIGHT,
) -> SolarIssue | None:
    """Return why the forecast is not one for ``now``, or None when it is.

    ``leading_night`` is how much later than now its first period may start: a sensor's
    whole days leave no night out (zero), an energy platform's may (:data:`LONGEST_NIGHT`).
    """
    if forecast.end <= now:
        return solar_issue("forecast_ended", ended=iso(forecast.end))
    if forecast.periods[0].start - now > leading_night:
        return solar_issue("forecast_not_started", starts=iso(forecast.periods[0].start))
    if changed_at is not None and now - changed_at > max_age:
        return solar_issue(
            "forecast_old", changed=iso(changed_at), hours=round((now - changed_at) / HOUR)
        )
    return None


SourceKind = Literal["energy_platform", "sensor"]


@dataclass(frozen=True, slots=True)
class SolarSource:
    """Where the forecast came from: config entries of an energy platform, or sensors.

    ``ids`` are config entry ids or entity ids; ``names`` what a person knows them by;
    ``details`` the domain of each entry, or the attribute read on each sensor.
    """

    kind: SourceKind
    ids: tuple[str, ...]
    names: tuple[str, ...] = ()
    details: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """Return the source as a person reads it in a note: names and what they are."""
        shown = self.names or self.ids
        details = (*self.details, *("",) * len(shown))[: len(shown)]
        return ", ".join(
            f"{name} ({detail})" if detail else name
            for name, detail in zip(shown, details, strict=True)
        )

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-safe form."""
        return {
            "kind": self.kind,
            "ids": list(self.ids),
            "names": list(self.names),
            "details": list(self.details),
        }


@dataclass(frozen=True, slots=True)
class SolarSlot:
    """Expected mean PV power (kW) of one slot of the plan; None where the forecast is silent."""

    start: datetime
    duration: timedelta
    kw: float | None

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-safe form."""
        return {
            "start": iso(self.start),
            "end": iso(self.start + self.duration),
            "kw": rounded(self.kw),
        }


@dataclass(frozen=True, slots=True)
class SolarForPlan:
    """The solar forecast one plan was made with, and where and when it was read.

    ``forecasts`` add up (the Energy dashboard sums a solar source's config entries, one per
    roof plane); they are empty when ``issue`` says why none is used, so a forecast that was
    good earlier is never shown as the current one. ``changed_at`` is when its content last
    changed, as far as it can be known.
    """

    source: SolarSource
    read_at: datetime
    changed_at: datetime | None = None
    forecasts: tuple[SolarForecast, ...] = ()
    issue: SolarIssue | None = None

    @property
    def used(self) -> bool:
        """Return whether the plan has a forecast to use."""
        return self.issue is None and bool(self.forecasts)

    def kw_between(self, start: datetime, end: datetime) -> float | None:
        """Return the mean PV power expected in ``[start, end)``, None where unknown."""
        if not self.used:
            return None
        total = 0.0
        for forecast in self.forecasts:
            kwh = forecast.kwh_between(start, end)
            if kwh is None:
                return None
            total += kwh
        return total / ((end - start) / HOUR)

    def expected_kw(self, starts: Sequence[datetime], duration: timedelta) -> list[float | None]:
        """Return the mean PV power of each slot of a uniform grid (the optimizer's)."""
        return [self.kw_between(start, start + duration) for start in starts]

    def on_slots(self, slots: Iterable[tuple[datetime, timedelta]]) -> tuple[SolarSlot, ...]:
        """Return the expected PV power on the given slots (the price plan's)."""
        if not self.used:
            return ()
        return tuple(
            SolarSlot(start, duration, self.kw_between(start, start + duration))
            for start, duration in slots
        )

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-safe summary: the source, the times, why unused, what it covers."""
        return {
            "used": self.used,
            "source": self.source.as_dict(),
            "read_at": iso(self.read_at),
            "changed_at": iso(self.changed_at),
            "reason": None if self.issue is None else self.issue.code,
            "reason_details": None if self.issue is None else dict(self.issue.placeholders),
            "covers_from": iso(max(f.start for f in self.forecasts)) if self.used else None,
            "covers_until": iso(min(f.end for f in self.forecasts)) if self.used else None,
        }


@dataclass(frozen=True, slots=True)
class MeasuredSolar:
    """Measured PV energy per UTC interval start: solar known in hindsight, for replays.

    A slot takes each interval's energy in proportion to the time they share; a slot that
    touches an interval without a measurement is unknown.
    """

    interval_kwh: Mapping[datetime, float]
    interval: timedelta = HOUR

    def expected_kw(self, starts: Sequence[datetime], duration: timedelta) -> list[float | None]:
        """Return the mean PV power of each slot."""
        epoch = datetime(2000, 1, 1, tzinfo=UTC)
        hours = duration / HOUR
        found: list[float | None] = []
        for start in starts:
            stop = start + duration
            bucket = start - (start - epoch) % self.interval
            total: float | None = 0.0
            while bucket < stop and total is not None:
                kwh = self.interval_kwh.get(bucket)
                shared = min(stop, bucket + self.interval) - max(start, bucket)
                total = None if kwh is None else total + kwh * (shared / self.interval)
                bucket += self.interval
            found.append(None if total is None else total / hours)
        return found
