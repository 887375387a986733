"""Which command a switched plug needs, and what the states it reports mean."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from custom_components.price_optimizer.core.appliance_state import ApplianceRecord
from custom_components.price_optimizer.core.optimizer import PlannedRun
from custom_components.price_optimizer.core.plug_rules import (
    CATCH_UP_AFTER,
    Command,
    PlugJournal,
    command_due,
    observe,
    stop_moment,
)

T0 = datetime(2026, 11, 24, 12, tzinfo=UTC)
HOUR = timedelta(hours=1)
START = Command(turn_on=True, run_start=T0, attempts=3)
STOP = Command(turn_on=False, run_start=T0, attempts=3)
RUN = PlannedRun(start=T0, end=T0 + 2 * HOUR, power_kw=1.0, energy_kwh=2.0, cost=0.5)


def running(started_by: str = "automatic", control: bool = True) -> ApplianceRecord:
    return ApplianceRecord(
        tracked_since=T0 - HOUR,
        status="running",
        current=RUN,
        started_by=started_by,  # type: ignore[arg-type]
        automatic_control=control,
    )


def test_a_run_the_planner_started_is_switched_on_once() -> None:
    command = command_due(PlugJournal(), running(), T0)
    assert command == Command(turn_on=True, run_start=T0)
    sent = PlugJournal(last_started_run=T0)
    assert command_due(sent, running(), T0 + timedelta(seconds=30)) is None


def test_nothing_is_sent_for_runs_a_person_started_or_while_control_is_off() -> None:
    assert command_due(PlugJournal(), running("manual"), T0) is None
    assert command_due(PlugJournal(), running("plan"), T0) is None
    assert command_due(PlugJournal(), running(control=False), T0) is None
    assert command_due(PlugJournal(), ApplianceRecord(tracked_since=T0), T0) is None
    waiting = PlugJournal(pending=Command(turn_on=True, run_start=T0))
    assert command_due(waiting, running(), T0) is None


def test_the_plug_goes_off_at_the_end_late_ends_are_caught_up() -> None:
    on = PlugJournal(switched_run=T0, last_started_run=T0, plug_on=True)
    assert command_due(on, running(), RUN.end - timedelta(seconds=1)) is None
    assert stop_moment(on, running()) == RUN.end
    assert command_due(on, running(), RUN.end) == Command(
        turn_on=False, run_start=T0, reason="planned_end"
    )
    late = command_due(on, running(), RUN.end + CATCH_UP_AFTER + timedelta(seconds=1))
    assert late is not None
    assert late.reason == "caught_up"


def test_control_off_or_a_run_closed_by_the_planner_switches_the_plug_off() -> None:
    on = PlugJournal(switched_run=T0, last_started_run=T0, plug_on=True)
    off = command_due(on, running(control=False), T0 + HOUR)
    assert off is not None
    assert off.reason == "control_off"
    closed = command_due(on, ApplianceRecord(tracked_since=T0), T0 + HOUR)
    assert closed is not None
    assert closed.reason == "planned_end"
    assert stop_moment(on, ApplianceRecord(tracked_since=T0)) is None
    # A stop that failed is not sent again until the plug reports or Home Assistant restarts.
    failed = PlugJournal(switched_run=T0, failed=Command(turn_on=False, run_start=T0, attempts=3))
    assert command_due(failed, running(), RUN.end) is None
    assert command_due(failed.resumed(), running(), RUN.end) is not None


def test_a_restart_counts_a_start_as_sent_and_sends_a_stop_again() -> None:
    starting = PlugJournal(
        switched_run=T0, last_started_run=T0, pending=Command(turn_on=True, run_start=T0)
    )
    assert starting.resumed().pending is None
    assert command_due(starting.resumed(), running(), T0 + HOUR) is None
    stopping = PlugJournal(
        switched_run=T0, pending=Command(turn_on=False, run_start=T0, reason="planned_end")
    )
    assert stopping.resumed().pending == stopping.pending


@pytest.mark.parametrize(
    ("journal", "plug_on", "meaning"),
    [
        (PlugJournal(pending=Command(turn_on=True, run_start=T0)), True, "confirmed"),
        (PlugJournal(pending=Command(turn_on=True, run_start=T0), plug_on=False), False, "same"),
        (
            PlugJournal(failed=Command(turn_on=False, run_start=T0), plug_on=True),
            False,
            "confirmed",
        ),
        (
            PlugJournal(failed=Command(turn_on=True, run_start=T0), plug_on=False),
            True,
            "by_hand_on",
        ),
        (PlugJournal(), True, "same"),
        (PlugJournal(plug_on=True), True, "same"),
        (PlugJournal(plug_on=False), True, "by_hand_on"),
        (PlugJournal(plug_on=True), False, "by_hand_off"),
    ],
)
def test_what_a_reported_state_means(journal: PlugJournal, plug_on: bool, meaning: str) -> None:
    assert observe(journal, plug_on) == meaning


def test_a_journal_comes_back_from_the_store_the_same() -> None:
    journal = PlugJournal(
        switched_run=T0,
        started_at=T0 + timedelta(seconds=1),
        last_started_run=T0,
        plug_on=True,
        pending=Command(turn_on=False, run_start=T0, attempts=2, reason="override"),
        failed=Command(turn_on=True, run_start=T0 - HOUR, attempts=3),
    )
    assert PlugJournal.from_dict(journal.as_dict()) == journal
    assert PlugJournal.from_dict({}) == PlugJournal()
    with pytest.raises(ValueError, match="unknown stop reason"):
        Command.from_dict({"turn_on": False, "run_start": T0.isoformat(), "reason": "bored"})
