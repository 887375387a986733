"""Appliance definitions, their presets and the checks that need no prices.

One :class:`Appliance` holds exactly what one appliance subentry stores, so the
config flow can offer the preset of a kind as defaults, validate with
:meth:`Appliance.validate` and keep :meth:`Appliance.as_dict` as the subentry
data. Times of day (``daily_ready_by``) are local wall-clock times; the time
zone is given with each plan request, never assumed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
import math
from typing import Any, Final, Literal

from ..convert import iso
from .issues import ApplianceError, issue

ApplianceKind = Literal[
    "dishwasher",
    "washing_machine",
    "dryer",
    "ev_charger",
    "pool_pump",
    "water_heater",
    "custom",
]
APPLIANCE_KINDS: Final[tuple[ApplianceKind, ...]] = ApplianceKind.__args__  # type: ignore[attr-defined]

# "cycle": one uninterrupted run of a fixed power profile (dishwasher, washer, dryer).
# "interruptible": on/off (or modulated) in whole slots until a duration or energy is met.
Operation = Literal["cycle", "interruptible"]
OPERATIONS: Final[tuple[Operation, ...]] = Operation.__args__  # type: ignore[attr-defined]

# For forecast slots: plan on the median, or on the upper band ("commit now rather than wait").
Risk = Literal["median", "upper"]
RISKS: Final[tuple[Risk, ...]] = Risk.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class CyclePhase:
    """One phase of a cycle's power profile (heating, washing, drying ...)."""

    duration: timedelta
    power_kw: float


@dataclass(frozen=True, slots=True)
class Appliance:
    """What the user set for one appliance; the fields of one subentry.

    The run window is either one-off (``earliest_start`` .. ``deadline``, both
    optional and timezone-aware) or daily (ready by ``daily_ready_by`` local
    time, not before ``daily_earliest_start``, or else since the previous
    day's deadline).
    """

    appliance_id: str
    name: str
    kind: ApplianceKind = "custom"
    operation: Operation = "cycle"
    power_kw: float = 1.0
    # Interruptible appliances that can modulate run between this and power_kw; None is on/off.
    min_power_kw: float | None = None
    # Cycle appliances may give a per-phase profile instead of power_kw x duration.
    phases: tuple[CyclePhase, ...] = ()
    duration: timedelta | None = None
    energy_kwh: float | None = None
    # Energy an interruptible appliance may take beyond its target when that pays (negative prices).
    max_energy_kwh: float | None = None
    earliest_start: datetime | None = None
    deadline: datetime | None = None
    daily_ready_by: time | None = None
    daily_earliest_start: time | None = None
    min_on_time: timedelta = timedelta(0)
    min_off_time: timedelta = timedelta(0)
    max_starts_per_day: int | None = None
    # When the household limit cannot fit everything, higher priorities are planned first.
    priority: int = 0
    risk: Risk = "median"
    # Run only on the household's own energy (solar, the battery), never on the grid's.
    surplus_only: bool = False
    # Run only in slots whose effective price is at most this; a run that finds none is skipped.
    price_cap: float | None = None

    @property
    def is_daily(self) -> bool:
        """Return whether the appliance runs once every day."""
        return self.daily_ready_by is not None

    @property
    def profile(self) -> tuple[CyclePhase, ...]:
        """Return the cycle's phases (one phase at ``power_kw`` without a profile)."""
        if self.phases:
            return self.phases
        return (CyclePhase(self.duration or timedelta(0), self.power_kw),)

    @property
    def peak_kw(self) -> float:
        """Return the highest power the appliance draws."""
        if self.operation == "cycle":
            return max(phase.power_kw for phase in self.profile)
        return self.power_kw

    @property
    def lowest_on_kw(self) -> float:
        """Return the least power the appliance draws while on."""
        if self.operation == "cycle":
            return self.peak_kw
        return self.power_kw if self.min_power_kw is None else self.min_power_kw

    @property
    def cycle_duration(self) -> timedelta:
        """Return how long one cycle lasts."""
        return sum((phase.duration for phase in self.profile), timedelta(0))

    @property
    def target_energy_kwh(self) -> float:
        """Return the energy one run must deliver (a cycle's, or an interruptible target)."""
        if self.operation == "cycle":
            return sum(p.power_kw * p.duration / timedelta(hours=1) for p in self.profile)
        if self.energy_kwh is not None:
            return self.energy_kwh
        return self.power_kw * ((self.duration or timedelta(0)) / timedelta(hours=1))

    @property
    def flexible_energy_kwh(self) -> float:
        """Return the most energy a run may take (equal to the target unless flexible)."""
        if self.max_energy_kwh is None:
            return self.target_energy_kwh
        return self.max_energy_kwh

    def validate(self) -> None:
        """Raise :class:`ApplianceError` when the definition can never be planned."""
        name = self.name
        if self.power_kw <= 0 or any(phase.power_kw < 0 for phase in self.phases):
            raise ApplianceError(issue("power_not_positive", appliance=name))
        if self.duration is not None and self.duration <= timedelta(0):
            raise ApplianceError(
                issue(
                    "duration_not_positive",
                    appliance=name,
                    duration_minutes=_minutes(self.duration),
                )
            )
        if self.operation == "cycle":
            self._validate_cycle()
        else:
            self._validate_interruptible()
        if self.max_energy_kwh is not None and self.max_energy_kwh < self.target_energy_kwh:
            raise ApplianceError(
                issue(
                    "energy_range_invalid",
                    appliance=name,
                    energy_kwh=round(self.target_energy_kwh, 3),
                    max_energy_kwh=self.max_energy_kwh,
                )
            )
        self._validate_window()
        if self.min_on_time < timedelta(0) or self.min_off_time < timedelta(0):
            raise ApplianceError(issue("times_invalid", appliance=name))
        if self.max_starts_per_day is not None and self.max_starts_per_day < 1:
            raise ApplianceError(issue("max_starts_invalid", appliance=name))
        if self.price_cap is not None and not math.isfinite(self.price_cap):
            raise ApplianceError(issue("price_cap_invalid", appliance=name))

    def _validate_cycle(self) -> None:
        name = self.name
        if self.min_power_kw is not None:
            raise ApplianceError(issue("power_range_invalid", appliance=name))
        if self.max_energy_kwh is not None:
            raise ApplianceError(issue("flexible_energy_needs_interruptible", appliance=name))
        if self.energy_kwh is not None:
            raise ApplianceError(issue("demand_ambiguous", appliance=name))
        if self.phases:
            if self.duration is not None or any(p.duration <= timedelta(0) for p in self.phases):
                raise ApplianceError(issue("phases_invalid", appliance=name))
            if self.peak_kw <= 0:
                raise ApplianceError(issue("power_not_positive", appliance=name))
        elif self.duration is None:
            raise ApplianceError(issue("demand_missing", appliance=name))

    def _validate_interruptible(self) -> None:
        name = self.name
        if self.phases:
            raise ApplianceError(issue("phases_invalid", appliance=name))
        if self.min_power_kw is not None and not 0 <= self.min_power_kw <= self.power_kw:
            raise ApplianceError(
                issue(
                    "power_range_invalid",
                    appliance=name,
                    min_power_kw=self.min_power_kw,
                    power_kw=self.power_kw,
                )
            )
        if self.duration is not None and self.energy_kwh is not None:
            raise ApplianceError(issue("demand_ambiguous", appliance=name))
        demand_given = (self.duration is not None and self.duration > timedelta(0)) or (
            self.energy_kwh is not None and self.energy_kwh > 0
        )
        if not demand_given:
            raise ApplianceError(issue("demand_missing", appliance=name))

    def _validate_window(self) -> None:
        name = self.name
        one_off = self.earliest_start is not None or self.deadline is not None
        if self.daily_earliest_start is not None and self.daily_ready_by is None:
            raise ApplianceError(issue("demand_missing", appliance=name))
        if one_off and self.is_daily:
            raise ApplianceError(issue("recurrence_ambiguous", appliance=name))
        for moment in (self.earliest_start, self.deadline):
            if moment is not None and moment.tzinfo is None:
                raise ApplianceError(issue("times_invalid", appliance=name))
        if (
            self.earliest_start is not None
            and self.deadline is not None
            and self.deadline <= self.earliest_start
        ):
            raise ApplianceError(
                issue(
                    "window_invalid",
                    appliance=name,
                    earliest_start=self.earliest_start.isoformat(),
                    deadline=self.deadline.isoformat(),
                )
            )

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON-safe subentry form (minutes for durations, ISO text for times)."""
        return {
            "appliance_id": self.appliance_id,
            "name": self.name,
            "kind": self.kind,
            "operation": self.operation,
            "power_kw": self.power_kw,
            "min_power_kw": self.min_power_kw,
            "phases": [
                {"minutes": _minutes(p.duration), "power_kw": p.power_kw} for p in self.phases
            ],
            "duration_minutes": None if self.duration is None else _minutes(self.duration),
            "energy_kwh": self.energy_kwh,
            "max_energy_kwh": self.max_energy_kwh,
            "earliest_start": iso(self.earliest_start),
            "deadline": iso(self.deadline),
            "daily_ready_by": iso(self.daily_ready_by),
            "daily_earliest_start": iso(self.daily_earliest_start),
            "min_on_minutes": _minutes(self.min_on_time),
            "min_off_minutes": _minutes(self.min_off_time),
            "max_starts_per_day": self.max_starts_per_day,
            "priority": self.priority,
            "risk": self.risk,
            # Only where set, so that appliances stored before these existed read the same.
            **({"surplus_only": True} if self.surplus_only else {}),
            **({} if self.price_cap is None else {"price_cap": self.price_cap}),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Appliance:
        """Rebuild an appliance from :meth:`as_dict` output (missing keys take defaults)."""
        kind = data.get("kind", "custom")
        operation = data.get("operation", "cycle")
        risk = data.get("risk", "median")
        if kind not in APPLIANCE_KINDS or operation not in OPERATIONS or risk not in RISKS:
            raise ValueError(f"unknown kind, operation or risk in {dict(data)}")
        return cls(
            appliance_id=str(data["appliance_id"]),
            name=str(data.get("name", data["appliance_id"])),
            kind=kind,
            operation=operation,
            power_kw=float(data.get("power_kw", 1.0)),
            min_power_kw=_optional(float, data.get("min_power_kw")),
            phases=tuple(
                CyclePhase(timedelta(minutes=float(p["minutes"])), float(p["power_kw"]))
                for p in data.get("phases", ())
            ),
            duration=_optional(_from_minutes, data.get("duration_minutes")),
            energy_kwh=_optional(float, data.get("energy_kwh")),
            max_energy_kwh=_optional(float, data.get("max_energy_kwh")),
            earliest_start=_optional(datetime.fromisoformat, data.get("earliest_start")),
            deadline=_optional(datetime.fromisoformat, data.get("deadline")),
            daily_ready_by=_optional(time.fromisoformat, data.get("daily_ready_by")),
            daily_earliest_start=_optional(time.fromisoformat, data.get("daily_earliest_start")),
            min_on_time=_from_minutes(data.get("min_on_minutes", 0)),
            min_off_time=_from_minutes(data.get("min_off_minutes", 0)),
            max_starts_per_day=_optional(int, data.get("max_starts_per_day")),
            priority=int(data.get("priority", 0)),
            risk=risk,
            surplus_only=bool(data.get("surplus_only", False)),
            price_cap=_optional(float, data.get("price_cap")),
        )


def _minutes(value: timedelta) -> float:
    minutes = value / timedelta(minutes=1)
    return int(minutes) if minutes.is_integer() else minutes


def _from_minutes(value: Any) -> timedelta:
    return timedelta(minutes=float(value))


def _optional(convert: Any, value: Any) -> Any:
    return None if value is None else convert(value)


SEVEN_IN_THE_MORNING: Final = time(7, 0)

# Defaults of our design for each kind; every value can be changed per appliance.
PRESETS: Final[Mapping[ApplianceKind, Mapping[str, Any]]] = {
    "dishwasher": {
        "operation": "cycle",
        "power_kw": 1.5,
        "duration": timedelta(hours=2),
        "daily_ready_by": SEVEN_IN_THE_MORNING,
    },
    "washing_machine": {
        "operation": "cycle",
        "power_kw": 2.0,
        "duration": timedelta(hours=1, minutes=30),
        "daily_ready_by": SEVEN_IN_THE_MORNING,
    },
    "dryer": {
        "operation": "cycle",
        "power_kw": 3.0,
        "duration": timedelta(hours=1),
        "daily_ready_by": SEVEN_IN_THE_MORNING,
    },
    "ev_charger": {
        "operation": "interruptible",
        "power_kw": 7.0,
        "duration": timedelta(hours=6),
        "daily_ready_by": SEVEN_IN_THE_MORNING,
    },
    "pool_pump": {
        "operation": "interruptible",
        "power_kw": 1.2,
        "duration": timedelta(hours=4),
        "min_on_time": timedelta(hours=1),
        # Ready by midnight with no earliest start: the whole calendar day.
        "daily_ready_by": time(0, 0),
    },
    "water_heater": {
        "operation": "interruptible",
        "power_kw": 4.0,
        "energy_kwh": 8.0,
        "max_energy_kwh": 12.0,
        "daily_ready_by": time(6, 0),
    },
    "custom": {
        "operation": "cycle",
        "power_kw": 1.0,
        "duration": timedelta(hours=1),
    },
}


def preset(kind: ApplianceKind, appliance_id: str, name: str, **overrides: Any) -> Appliance:
    """Return an appliance of ``kind`` with our defaults, changed by ``overrides``."""
    base = Appliance(appliance_id=appliance_id, name=name, kind=kind)
    return replace(base, **{**PRESETS[kind], **overrides})


@dataclass(frozen=True, slots=True)
class ApplianceState:
    """What the Home Assistant side knows about an appliance right now.

    ``running_since``: a run started then and is still going. A cycle is then
    fixed in place; an interruptible appliance keeps its current block for its
    minimum on-time. ``delivered_kwh``: energy already delivered towards the
    pending occurrence (interruptible). ``done_until``: every occurrence due at
    or before this moment is finished and is not planned again.
    """

    running_since: datetime | None = None
    delivered_kwh: float = 0.0
    done_until: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-safe form for the Store."""
        return {
            "running_since": iso(self.running_since),
            "delivered_kwh": self.delivered_kwh,
            "done_until": iso(self.done_until),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ApplianceState:
        """Rebuild a state from :meth:`as_dict` output."""
        return cls(
            running_since=_optional(datetime.fromisoformat, data.get("running_since")),
            delivered_kwh=float(data.get("delivered_kwh", 0.0)),
            done_until=_optional(datetime.fromisoformat, data.get("done_until")),
        )
