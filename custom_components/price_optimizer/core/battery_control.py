"""How the battery's planned mode reaches the inverter, and what a state it reports means.

Pure rules, no Home Assistant import; the integration's battery actuator carries them out.
The inverter's integration offers a ``select`` (its work modes) or a ``number`` (a power
setpoint); :class:`BatteryControl` maps each planned mode to one option or one value. The
:class:`ControlJournal` remembers across restarts what was sent and whether a person took
over, so that

* a command is sent only when the entity shows something else than the planned mode's value,
  and not again while it is on its way;
* a state nobody asked for is a person's (or another automation's) choice: nothing is sent
  until the plan moves on to another mode (a moment without any planned mode is no such
  move), or until the entity is set back to the planned mode's value;
* after a restart the present slot's command is sent again, once, as an inverter that
  restarted too may have forgotten it;
* a command whose service call fails is sent again after a while, as often as a plug's is;
  after the last attempt the failure is reported, and the next plan or boundary tries again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
import math
from typing import Any, Final, Literal

from .convert import from_iso, iso
from .optimizer.energy import BATTERY_MODES, BatteryMode
from .plug_rules import CONFIRM_TIMEOUT, MAX_ATTEMPTS

ControlKind = Literal["select", "number"]
# The domains whose entities take each kind of command.
CONTROL_DOMAINS: Final[Mapping[str, ControlKind]] = {
    "select": "select",
    "input_select": "select",
    "number": "number",
    "input_number": "number",
}
Observation = Literal["confirmed", "in_line", "override"]

# A setpoint read back as "2999.9999" for 3000 is the value sent, not a person's change.
NUMBER_TOLERANCE: Final = 1e-6
# A failed call is tried again after the wait, and reported after the attempts, as a plug's is.
RETRY_AFTER: Final = CONFIRM_TIMEOUT
ATTEMPTS: Final = MAX_ATTEMPTS
Failure = Literal["retry", "failed"]


def control_kind(entity_id: str) -> ControlKind | None:
    """Return the kind of command the entity takes, None for a domain that takes neither."""
    return CONTROL_DOMAINS.get(entity_id.split(".", 1)[0])


@dataclass(frozen=True, slots=True)
class BatteryControl:
    """The entity that sets the inverter's mode, and what it is set to for each planned mode."""

    entity_id: str
    # One entry per battery mode: an option of a select, or a number's value.
    values: tuple[tuple[BatteryMode, str | float], ...]

    @property
    def kind(self) -> ControlKind:
        """Return whether the entity takes an option or a number."""
        kind = control_kind(self.entity_id)
        if kind is None:
            raise ValueError(f"{self.entity_id} takes neither an option nor a number")
        return kind

    def value_for(self, mode: BatteryMode) -> str | float:
        """Return what the entity is set to while the plan has the battery in ``mode``."""
        return dict(self.values)[mode]

    def shows(self, state: str, value: str | float) -> bool:
        """Return whether an entity state of ``state`` is ``value``."""
        if self.kind == "select":
            return state == value
        try:
            shown = float(state)
        except ValueError:
            return False
        return math.isclose(shown, float(value), rel_tol=NUMBER_TOLERANCE, abs_tol=NUMBER_TOLERANCE)

    def as_dict(self) -> dict[str, Any]:
        """Return the form a battery subentry stores under ``control``."""
        return {"entity_id": self.entity_id, "values": dict(self.values)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BatteryControl:
        """Rebuild a control from :meth:`as_dict` output; every mode must have a value."""
        entity_id = str(data["entity_id"])
        kind = control_kind(entity_id)
        if kind is None:
            raise ValueError(f"{entity_id} takes neither an option nor a number")
        stored = data["values"]
        convert = str if kind == "select" else float
        return cls(
            entity_id=entity_id,
            values=tuple((mode, convert(stored[mode])) for mode in BATTERY_MODES),
        )


def control_from_dict(data: Mapping[str, Any] | None) -> BatteryControl | None:
    """Rebuild an optional control (None or an empty mapping is no control)."""
    return BatteryControl.from_dict(data) if data else None


@dataclass(frozen=True, slots=True)
class ControlJournal:
    """What the actuator sent to the entity, and whether a person holds a mode off."""

    # The last command: its value and the mode it was for; ``pending`` until the entity shows it.
    sent_value: str | float | None = None
    sent_mode: BatteryMode | None = None
    sent_at: str | None = None
    pending: bool = False
    # The planned mode during which the entity was changed by someone else: nothing is sent
    # while the plan stays in it.
    overridden_mode: BatteryMode | None = None
    automatic: bool = True
    # The calls that failed in a row for ``sent_value``; 0 once one went through.
    failures: int = 0

    def sending(self, value: str | float, mode: BatteryMode, at: str) -> ControlJournal:
        """Return the journal with ``value`` on its way (counting on the failures of the same)."""
        return replace(
            self,
            sent_value=value,
            sent_mode=mode,
            sent_at=at,
            pending=True,
            failures=self.failures if value == self.sent_value else 0,
        )

    def delivered(self, value: str | float) -> ControlJournal:
        """Return the journal once the entity's service took ``value`` without an error."""
        return replace(self, failures=0) if value == self.sent_value else self

    def failed(self, value: str | float) -> tuple[ControlJournal, Failure | None]:
        """Return the journal after a call for ``value`` failed, and what follows.

        ``retry``: it is sent again after :data:`RETRY_AFTER`; ``failed``: the attempts are
        spent, the failure is reported and the next plan or boundary tries again. None: the
        journal has moved on to another value meanwhile, and the failure is no one's.
        """
        if not self.pending or self.sent_value != value:
            return self, None
        journal = replace(self, pending=False, failures=self.failures + 1)
        return journal, "retry" if journal.failures < ATTEMPTS else "failed"

    def resumed(self) -> ControlJournal:
        """Return the journal as a restart finds it: a command on its way is sent again."""
        return replace(self, pending=False)

    @property
    def holds_override(self) -> bool:
        """Return whether a person's change holds, whatever is planned at the moment."""
        return self.automatic and self.overridden_mode is not None

    def overridden(self, mode: BatteryMode | None) -> bool:
        """Return whether a person's change holds off the commands of ``mode``."""
        return self.automatic and mode is not None and self.overridden_mode == mode

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-safe form for the Store."""
        return {
            "sent_value": self.sent_value,
            "sent_mode": self.sent_mode,
            "sent_at": self.sent_at,
            "pending": self.pending,
            "overridden_mode": self.overridden_mode,
            "automatic": self.automatic,
            "failures": self.failures,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ControlJournal:
        """Rebuild a journal from :meth:`as_dict` output; unknown modes and times read as none.

        A Store edited by hand or written by another version must not keep the entry from
        starting: what cannot be read is as if nothing had been sent.
        """
        return cls(
            sent_value=_value(data.get("sent_value")),
            sent_mode=_mode(data.get("sent_mode")),
            sent_at=_time(data.get("sent_at")),
            pending=bool(data.get("pending", False)),
            overridden_mode=_mode(data.get("overridden_mode")),
            automatic=bool(data.get("automatic", True)),
            failures=_count(data.get("failures")),
        )


def _mode(value: Any) -> BatteryMode | None:
    return next((mode for mode in BATTERY_MODES if mode == value), None)


def _value(value: Any) -> str | float | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    return value if isinstance(value, str) else float(value)


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        return 0
    return max(value, 0)


def _time(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return iso(from_iso(value))
    except ValueError:
        return None


def command_due(
    control: BatteryControl,
    journal: ControlJournal,
    mode: BatteryMode | None,
    state: str | None,
) -> tuple[ControlJournal, str | float | None]:
    """Return the journal as the present planned ``mode`` leaves it, and the value to send.

    ``state`` is what the entity shows now (None while it is missing or unavailable: nothing
    can be sent to it then). A person's change ends when the plan moves on to another mode;
    a moment without a planned mode (no plan yet, a plan being made, no battery slot) is no
    such move, so the change holds until a plan says something else.
    """
    if mode is not None and journal.overridden_mode not in (None, mode):
        journal = replace(journal, overridden_mode=None)
    if mode is None or state is None or not journal.automatic or journal.overridden(mode):
        return journal, None
    value = control.value_for(mode)
    if control.shows(state, value):
        return replace(journal, pending=False, failures=0), None
    if journal.pending and journal.sent_value == value:
        return journal, None  # on its way
    return journal, value


def observe(
    control: BatteryControl, journal: ControlJournal, mode: BatteryMode | None, state: str
) -> tuple[ControlJournal, Observation]:
    """Take in a new state of the entity while the plan has the battery in ``mode``.

    A state that is the planned mode's value ends a person's change: whoever held the mode
    off handed it back, and the plan sets the entity again from the next change on.
    """
    if (
        journal.pending
        and journal.sent_value is not None
        and control.shows(state, journal.sent_value)
    ):
        return replace(journal, pending=False), "confirmed"
    if mode is None or not journal.automatic:
        return replace(journal, pending=False), "in_line"
    if control.shows(state, control.value_for(mode)):
        return replace(journal, pending=False, overridden_mode=None), "in_line"
    return replace(journal, pending=False, overridden_mode=mode), "override"
