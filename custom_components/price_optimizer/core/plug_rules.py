"""When a switched plug gets a command, and what a state it reports means.

Pure rules, no Home Assistant import; the integration's actuator carries them out. The
planner's record says what should run: a run it started for a switched
appliance (``started_by`` "automatic") is the actuator's to switch on, once,
and to switch off when its planned end has passed. The :class:`PlugJournal`
remembers, across restarts, what was sent and what the plug said, so

* a start is never sent twice for one run (even if Home Assistant stopped
  between sending it and hearing back);
* a stop whose time passed while Home Assistant was down is sent at once
  (``caught_up``);
* a state the plug reports that nobody asked for is a person's hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Final, Literal

from .appliance_state import ApplianceRecord
from .convert import from_iso, iso

StopReason = Literal["planned_end", "override", "caught_up", "control_off"]
STOP_REASONS: Final[tuple[StopReason, ...]] = StopReason.__args__  # type: ignore[attr-defined]
FailReason = Literal["not_confirmed", "mqtt_unavailable", "command_failed"]
Observation = Literal["confirmed", "same", "by_hand_on", "by_hand_off"]

# Attempts of one command before the appliance is reported failed.
MAX_ATTEMPTS: Final = 3
# How long a plug has to confirm a command before it is sent again.
CONFIRM_TIMEOUT: Final = timedelta(seconds=10)
# A stop later than this after its planned end was missed, not merely slow.
CATCH_UP_AFTER: Final = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Command:
    """One command to a plug: for which run, how often it was sent, and why (a stop)."""

    turn_on: bool
    run_start: datetime
    attempts: int = 0
    reason: StopReason | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-safe form for the Store."""
        return {
            "turn_on": self.turn_on,
            "run_start": self.run_start.isoformat(),
            "attempts": self.attempts,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Command:
        """Rebuild a command from :meth:`as_dict` output."""
        reason = data.get("reason")
        if reason is not None and reason not in STOP_REASONS:
            raise ValueError(f"unknown stop reason {reason!r}")
        return cls(
            turn_on=bool(data["turn_on"]),
            run_start=datetime.fromisoformat(data["run_start"]),
            attempts=int(data.get("attempts", 0)),
            reason=reason,
        )


@dataclass(frozen=True, slots=True)
class PlugJournal:
    """What the actuator must not forget about one plug.

    ``switched_run`` is the start of the run the plug was switched on for
    (from the moment the command left), ``started_at`` when that was;
    ``last_started_run`` the last run a start was sent for, so none is sent
    twice. ``plug_on`` is the plug's last known state, ``pending`` the command
    waiting for confirmation, ``failed`` the last one that never was.
    """

    switched_run: datetime | None = None
    started_at: datetime | None = None
    last_started_run: datetime | None = None
    plug_on: bool | None = None
    pending: Command | None = None
    failed: Command | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-safe form for the Store."""
        return {
            "switched_run": iso(self.switched_run),
            "started_at": iso(self.started_at),
            "last_started_run": iso(self.last_started_run),
            "plug_on": self.plug_on,
            "pending": None if self.pending is None else self.pending.as_dict(),
            "failed": None if self.failed is None else self.failed.as_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlugJournal:
        """Rebuild a journal from :meth:`as_dict` output."""
        plug_on = data.get("plug_on")
        return cls(
            switched_run=from_iso(data.get("switched_run")),
            started_at=from_iso(data.get("started_at")),
            last_started_run=from_iso(data.get("last_started_run")),
            plug_on=None if plug_on is None else bool(plug_on),
            pending=None if data.get("pending") is None else Command.from_dict(data["pending"]),
            failed=None if data.get("failed") is None else Command.from_dict(data["failed"]),
        )

    def resumed(self) -> PlugJournal:
        """Return the journal as a restart finds it.

        A start that was sent counts as done whether or not the plug answered
        before the restart: sending it again could start a cycle twice. A stop
        is sent again, and a stop that failed gets a fresh try.
        """
        pending = self.pending
        if pending is not None and pending.turn_on:
            pending = None
        return replace(self, pending=pending, failed=None)


def command_due(journal: PlugJournal, record: ApplianceRecord, now: datetime) -> Command | None:
    """Return the command the plug needs now, or None.

    Nothing is sent while a command waits for its answer, nor again after a
    stop failed (until the plug reports or Home Assistant restarts).
    """
    if journal.pending is not None:
        return None
    current = record.current
    automatic = current if current is not None and record.started_by == "automatic" else None
    if journal.switched_run is not None:
        if journal.failed is not None and not journal.failed.turn_on:
            return None
        if not record.automatic_control:
            return Command(turn_on=False, run_start=journal.switched_run, reason="control_off")
        if automatic is None or automatic.start != journal.switched_run:
            # The planner closed the run some other way: the plug must not stay on for it.
            return Command(turn_on=False, run_start=journal.switched_run, reason="planned_end")
        if automatic.end <= now:
            late = now - automatic.end > CATCH_UP_AFTER
            reason: StopReason = "caught_up" if late else "planned_end"
            return Command(turn_on=False, run_start=journal.switched_run, reason=reason)
        return None
    if (
        automatic is not None
        and record.automatic_control
        and automatic.start != journal.last_started_run
        and automatic.end > now
    ):
        return Command(turn_on=True, run_start=automatic.start)
    return None


def stop_moment(journal: PlugJournal, record: ApplianceRecord) -> datetime | None:
    """Return when the plug switched on for a run is to be switched off."""
    current = record.current
    if (
        journal.switched_run is None
        or current is None
        or record.started_by != "automatic"
        or current.start != journal.switched_run
    ):
        return None
    return current.end


def observe(journal: PlugJournal, plug_on: bool) -> Observation:
    """Say what a state reported by the plug means.

    The answer to a waiting command (or to a stop that failed, once the plug
    is back) confirms it; a state that was known, or is the first one heard,
    or arrives while a command is still waiting, changes nothing; any other
    change was made by hand.
    """
    failed_stop = journal.failed if journal.failed and not journal.failed.turn_on else None
    expected = journal.pending or failed_stop
    if expected is not None and expected.turn_on == plug_on:
        return "confirmed"
    if journal.plug_on is None or journal.plug_on == plug_on or journal.pending is not None:
        return "same"
    return "by_hand_on" if plug_on else "by_hand_off"
