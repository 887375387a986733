"""What the inverter is sent for each planned battery mode, and what a state it shows means."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hypothesis import given, strategies as st
import pytest

from custom_components.price_optimizer.core.battery_control import (
    ATTEMPTS,
    NUMBER_TOLERANCE,
    BatteryControl,
    ControlJournal,
    command_due,
    control_from_dict,
    control_kind,
    observe,
)
from custom_components.price_optimizer.core.optimizer import BATTERY_MODES, BatteryMode

OPTIONS: dict[BatteryMode, str] = {
    "charge_grid": "Force charge",
    "charge_solar": "Feed-in priority",
    "discharge": "Force discharge",
    "hold": "Standby",
    "self_consumption": "Self use",
}
SETPOINTS: dict[BatteryMode, float] = {
    "charge_grid": 5000.0,
    "charge_solar": 2500.0,
    "discharge": -5000.0,
    "hold": 0.0,
    "self_consumption": -1.0,
}
SELECT = BatteryControl("select.inverter_mode", tuple(OPTIONS.items()))
NUMBER = BatteryControl("number.battery_setpoint", tuple(SETPOINTS.items()))
SENT_AT = "2026-11-24T12:00:00+00:00"


def sent(value: str | float, mode: BatteryMode, **changes: Any) -> ControlJournal:
    """A journal whose last command, ``value`` for ``mode``, is still on its way."""
    journal = ControlJournal(sent_value=value, sent_mode=mode, sent_at=SENT_AT, pending=True)
    return replace(journal, **changes)


# --- which entity takes which command -------------------------------------------------------


@pytest.mark.parametrize(
    ("entity_id", "kind"),
    [
        ("select.inverter_mode", "select"),
        ("input_select.inverter_mode", "select"),
        ("number.battery_setpoint", "number"),
        ("input_number.battery_setpoint", "number"),
        ("switch.inverter", None),
        ("sensor.inverter_mode", None),
    ],
)
def test_the_domain_says_which_command_an_entity_takes(entity_id: str, kind: str | None) -> None:
    assert control_kind(entity_id) == kind


def test_a_control_through_an_entity_that_takes_neither_has_no_kind() -> None:
    control = BatteryControl("switch.inverter", tuple(OPTIONS.items()))
    with pytest.raises(ValueError, match=r"switch\.inverter"):
        _ = control.kind


@pytest.mark.parametrize("mode", BATTERY_MODES)
def test_every_mode_has_its_option_and_its_setpoint(mode: BatteryMode) -> None:
    assert SELECT.value_for(mode) == OPTIONS[mode]
    assert NUMBER.value_for(mode) == SETPOINTS[mode]


# --- what a state shows ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "value", "shown"),
    [
        ("Self use", "Self use", True),
        ("Standby", "Self use", False),
        # Options are the inverter integration's words, matched as they are.
        ("self use", "Self use", False),
        ("Self use ", "Self use", False),
        ("unavailable", "Self use", False),
    ],
)
def test_a_select_shows_an_option_only_when_it_is_exactly_that_option(
    state: str, value: str, shown: bool
) -> None:
    assert SELECT.shows(state, value) is shown


@pytest.mark.parametrize(
    ("state", "value", "shown"),
    [
        ("5000", 5000.0, True),
        ("5000.0", 5000.0, True),
        ("-1", -1.0, True),
        ("0", 0.0, True),
        ("-0.0", 0.0, True),
        # Read back with the noise of a float conversion: it is the value that was sent.
        ("4999.9999999", 5000.0, True),
        (str(5000 * (1 + NUMBER_TOLERANCE / 2)), 5000.0, True),
        (str(NUMBER_TOLERANCE / 2), 0.0, True),
        # A step away is someone else's value.
        ("4999", 5000.0, False),
        ("4999.9", 5000.0, False),
        (str(5000 * (1 + 10 * NUMBER_TOLERANCE)), 5000.0, False),
        ("0.001", 0.0, False),
        ("1", -1.0, False),
        # A state that is no number shows no value.
        ("unavailable", 0.0, False),
        ("unknown", 0.0, False),
        ("", 0.0, False),
        ("5 kW", 5000.0, False),
        ("nan", 0.0, False),
        ("inf", 5000.0, False),
    ],
)
def test_a_number_shows_a_value_within_its_tolerance(state: str, value: float, shown: bool) -> None:
    assert NUMBER.shows(state, value) is shown


# --- the form a subentry stores -------------------------------------------------------------


@pytest.mark.parametrize(
    ("control", "stored"),
    [
        (SELECT, {"entity_id": "select.inverter_mode", "values": OPTIONS}),
        (NUMBER, {"entity_id": "number.battery_setpoint", "values": SETPOINTS}),
    ],
)
def test_a_control_is_stored_and_read_back(control: BatteryControl, stored: dict[str, Any]) -> None:
    assert control.as_dict() == stored
    assert BatteryControl.from_dict(control.as_dict()) == control
    assert control_from_dict(control.as_dict()) == control


def test_reading_a_control_takes_each_value_as_its_kind_and_ignores_unknown_modes() -> None:
    stored = {
        "entity_id": "input_number.battery_setpoint",
        "values": {**{mode: int(value) for mode, value in SETPOINTS.items()}, "boost": 9},
    }
    control = BatteryControl.from_dict(stored)
    assert control.values == tuple(SETPOINTS.items())
    assert all(isinstance(value, float) for _mode, value in control.values)
    # In the order of BATTERY_MODES, whatever the order stored.
    reversed_options = {"entity_id": SELECT.entity_id, "values": dict(reversed(OPTIONS.items()))}
    assert BatteryControl.from_dict(reversed_options) == SELECT


@pytest.mark.parametrize(
    ("stored", "error"),
    [
        ({"entity_id": "switch.inverter", "values": OPTIONS}, ValueError),
        ({"entity_id": "select.inverter_mode", "values": {"hold": "Standby"}}, KeyError),
        (
            {"entity_id": "number.battery_setpoint", "values": {**SETPOINTS, "hold": "off"}},
            ValueError,
        ),
        ({"values": OPTIONS}, KeyError),
        ({"entity_id": "select.inverter_mode"}, KeyError),
    ],
)
def test_a_control_that_cannot_set_every_mode_is_refused(
    stored: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        BatteryControl.from_dict(stored)


@pytest.mark.parametrize("stored", [None, {}])
def test_no_stored_control_is_no_control(stored: dict[str, Any] | None) -> None:
    assert control_from_dict(stored) is None


option_texts = st.text(min_size=1, max_size=20)
setpoints = st.floats(allow_nan=False, allow_infinity=False, width=32)


@given(
    kind=st.sampled_from(["select", "input_select", "number", "input_number"]),
    object_id=st.from_regex(r"[a-z][a-z0-9_]{0,15}", fullmatch=True),
    options=st.fixed_dictionaries(dict.fromkeys(BATTERY_MODES, option_texts)),
    numbers=st.fixed_dictionaries(dict.fromkeys(BATTERY_MODES, setpoints)),
)
def test_any_control_survives_its_stored_form(
    kind: str,
    object_id: str,
    options: dict[BatteryMode, str],
    numbers: dict[BatteryMode, float],
) -> None:
    values = options if kind.endswith("select") else numbers
    control = BatteryControl(
        f"{kind}.{object_id}", tuple((mode, values[mode]) for mode in BATTERY_MODES)
    )
    assert BatteryControl.from_dict(control.as_dict()) == control
    # What is sent for a mode is what the entity then shows.
    for mode in BATTERY_MODES:
        value = control.value_for(mode)
        assert control.shows(str(value), value)


# --- the journal ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "journal",
    [
        ControlJournal(),
        sent("Force charge", "charge_grid"),
        sent(-5000.0, "discharge", pending=False, overridden_mode="discharge"),
        ControlJournal(overridden_mode="hold", automatic=False),
        sent("Standby", "hold", pending=False, failures=2),
    ],
)
def test_a_journal_is_stored_and_read_back(journal: ControlJournal) -> None:
    assert ControlJournal.from_dict(journal.as_dict()) == journal


def test_an_empty_journal_reads_as_nothing_sent_and_automatic() -> None:
    assert ControlJournal.from_dict({}) == ControlJournal(automatic=True)


NO_MODES = {"sent_mode": None, "overridden_mode": None}


@pytest.mark.parametrize(
    ("changes", "read"),
    [
        # A mode of another version, or none at all.
        ({"sent_mode": "boost", "overridden_mode": "turbo"}, NO_MODES),
        (NO_MODES, NO_MODES),
        ({"sent_mode": 3, "overridden_mode": ["hold"]}, NO_MODES),
        # A time that is no time: what was sent is kept, when is not known.
        ({"sent_at": "yesterday"}, {"sent_at": None}),
        ({"sent_at": 1764000000}, {"sent_at": None}),
        # A value no entity can show is as if nothing was sent.
        ({"sent_value": {"option": "Standby"}}, {"sent_value": None}),
        ({"sent_value": True}, {"sent_value": None}),
        ({"sent_value": 5000}, {"sent_value": 5000.0}),
        # A count of failures that is no count starts from none.
        ({"failures": "two"}, {"failures": 0}),
        ({"failures": -1}, {"failures": 0}),
        ({"failures": True}, {"failures": 0}),
    ],
)
def test_what_a_journal_cannot_say_reads_as_none(
    changes: dict[str, Any], read: dict[str, Any]
) -> None:
    journal = sent("Standby", "hold", overridden_mode="hold")
    stored = {**journal.as_dict(), **changes}
    assert ControlJournal.from_dict(stored) == replace(journal, **read)


def test_a_time_with_another_offset_reads_as_that_moment() -> None:
    stored = {**ControlJournal().as_dict(), "sent_at": "2026-11-24T13:00+01:00"}
    assert ControlJournal.from_dict(stored).sent_at == "2026-11-24T13:00:00+01:00"


def test_after_a_restart_a_command_on_its_way_is_due_again() -> None:
    journal = sent("Standby", "hold", overridden_mode="discharge", automatic=False)
    assert journal.resumed() == replace(journal, pending=False)


@pytest.mark.parametrize(
    ("journal", "mode", "overridden"),
    [
        (ControlJournal(overridden_mode="hold"), "hold", True),
        (ControlJournal(overridden_mode="hold"), "discharge", False),
        (ControlJournal(overridden_mode="hold"), None, False),
        (ControlJournal(), "hold", False),
        # With the plan's control off, nothing is held off: nothing is sent at all.
        (ControlJournal(overridden_mode="hold", automatic=False), "hold", False),
    ],
)
def test_an_override_holds_off_only_its_own_mode(
    journal: ControlJournal, mode: BatteryMode | None, overridden: bool
) -> None:
    assert journal.overridden(mode) is overridden


@pytest.mark.parametrize(
    ("journal", "held"),
    [
        (ControlJournal(), False),
        (ControlJournal(overridden_mode="hold"), True),
        # Switched off, the plan has no say: there is nothing to override.
        (ControlJournal(overridden_mode="hold", automatic=False), False),
    ],
)
def test_an_override_is_held_whatever_is_planned_at_the_moment(
    journal: ControlJournal, held: bool
) -> None:
    assert journal.holds_override is held


# --- when a command is due ------------------------------------------------------------------


@pytest.mark.parametrize(("control", "values"), [(SELECT, OPTIONS), (NUMBER, SETPOINTS)])
def test_the_planned_modes_value_is_sent_when_the_entity_shows_another(
    control: BatteryControl, values: dict[BatteryMode, Any]
) -> None:
    journal, value = command_due(control, ControlJournal(), "discharge", str(values["hold"]))
    assert (journal, value) == (ControlJournal(), values["discharge"])


@pytest.mark.parametrize(("control", "values"), [(SELECT, OPTIONS), (NUMBER, SETPOINTS)])
def test_nothing_is_sent_to_an_entity_that_shows_the_planned_value(
    control: BatteryControl, values: dict[BatteryMode, Any]
) -> None:
    journal, value = command_due(control, sent(values["hold"], "hold"), "hold", str(values["hold"]))
    # It shows what was sent: the command is no longer on its way.
    assert (journal, value) == (sent(values["hold"], "hold", pending=False), None)


def test_a_command_on_its_way_is_not_sent_twice() -> None:
    journal = sent("Force discharge", "discharge")
    assert command_due(SELECT, journal, "discharge", "Standby") == (journal, None)


def test_a_command_on_its_way_for_another_mode_gives_way_to_the_present_one() -> None:
    journal = sent("Standby", "hold")
    assert command_due(SELECT, journal, "discharge", "Self use") == (journal, "Force discharge")


def test_a_command_that_is_no_longer_on_its_way_is_sent_again() -> None:
    journal = sent("Standby", "hold", pending=False)
    assert command_due(SELECT, journal, "hold", "Self use") == (journal, "Standby")


@pytest.mark.parametrize(
    ("journal", "mode", "state"),
    [
        # No plan, or no battery slot now: there is no mode to set.
        (ControlJournal(), None, "Self use"),
        # The entity is gone or unavailable: nothing can be sent to it.
        (ControlJournal(), "discharge", None),
        # The household took the inverter out of the plan's hands.
        (ControlJournal(automatic=False), "discharge", "Self use"),
        # A person chose another mode while the plan has the battery in this one.
        (ControlJournal(overridden_mode="discharge"), "discharge", "Self use"),
    ],
)
def test_nothing_is_sent_when_there_is_no_mode_no_entity_or_no_say(
    journal: ControlJournal, mode: BatteryMode | None, state: str | None
) -> None:
    assert command_due(SELECT, journal, mode, state) == (journal, None)


def test_a_persons_change_ends_when_the_plan_moves_on_to_another_mode() -> None:
    journal = ControlJournal(overridden_mode="discharge")
    assert command_due(SELECT, journal, "hold", "Self use") == (ControlJournal(), "Standby")
    # Also when the entity cannot be set right now: the next mode is the plan's again.
    assert command_due(SELECT, journal, "hold", None) == (ControlJournal(), None)


def test_a_moment_without_a_planned_mode_does_not_end_a_persons_change() -> None:
    journal = ControlJournal(overridden_mode="discharge")
    # Re-planning, or past the plan's end: no mode, and the change holds.
    assert command_due(SELECT, journal, None, "Self use") == (journal, None)
    # The plan comes back with the same mode: still the person's.
    assert command_due(SELECT, journal, "discharge", "Self use") == (journal, None)
    # Only another planned mode ends it.
    assert command_due(SELECT, journal, "hold", "Self use") == (ControlJournal(), "Standby")


# --- what a state means ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("control", "journal", "state"),
    [
        (SELECT, sent("Force discharge", "discharge"), "Force discharge"),
        (NUMBER, sent(-5000.0, "discharge"), "-5000"),
        (NUMBER, sent(-5000.0, "discharge"), "-4999.99999999"),
    ],
)
def test_the_entity_showing_what_was_sent_confirms_it(
    control: BatteryControl, journal: ControlJournal, state: str
) -> None:
    assert observe(control, journal, "discharge", state) == (
        replace(journal, pending=False),
        "confirmed",
    )


def test_a_confirmation_may_arrive_after_the_plan_moved_on() -> None:
    journal = sent("Force discharge", "discharge")
    assert observe(SELECT, journal, "hold", "Force discharge") == (
        replace(journal, pending=False),
        "confirmed",
    )


def test_a_change_to_another_value_is_a_persons_override_of_the_planned_mode() -> None:
    journal = sent("Force discharge", "discharge")
    assert observe(SELECT, journal, "discharge", "Self use") == (
        replace(journal, pending=False, overridden_mode="discharge"),
        "override",
    )
    assert observe(NUMBER, ControlJournal(), "hold", "1200") == (
        ControlJournal(overridden_mode="hold"),
        "override",
    )


def test_a_change_to_the_planned_value_is_in_line() -> None:
    assert observe(SELECT, ControlJournal(), "hold", "Standby") == (ControlJournal(), "in_line")


def test_setting_the_planned_value_back_ends_a_persons_change() -> None:
    held = ControlJournal(overridden_mode="hold")
    assert observe(SELECT, held, "hold", "Standby") == (ControlJournal(), "in_line")
    assert observe(NUMBER, held, "hold", "0.0000001") == (ControlJournal(), "in_line")
    # From then on the plan sets the entity again within the same mode.
    journal, _seen = observe(SELECT, held, "hold", "Standby")
    assert command_due(SELECT, journal, "hold", "Self use") == (journal, "Standby")


@pytest.mark.parametrize(
    ("journal", "mode"),
    [
        # Without a planned mode no state goes against the plan; a change held stays held.
        (ControlJournal(overridden_mode="discharge"), None),
        (ControlJournal(), None),
        # Nor with the plan's control off.
        (ControlJournal(automatic=False), "discharge"),
    ],
)
def test_a_change_while_the_plan_has_no_say_is_in_line(
    journal: ControlJournal, mode: BatteryMode | None
) -> None:
    assert observe(SELECT, journal, mode, "Self use") == (journal, "in_line")


def test_a_change_while_a_command_is_on_its_way_ends_the_wait() -> None:
    journal = sent("Force discharge", "discharge")
    assert observe(SELECT, journal, None, "Standby") == (
        replace(journal, pending=False),
        "in_line",
    )


# --- a call that fails ----------------------------------------------------------------------


def test_a_failed_call_is_tried_again_until_the_attempts_are_spent() -> None:
    journal = ControlJournal().sending("Standby", "hold", SENT_AT)
    for attempt in range(1, ATTEMPTS + 1):
        journal, failure = journal.failed("Standby")
        assert journal.failures == attempt
        assert journal.pending is False
        assert failure == ("retry" if attempt < ATTEMPTS else "failed")
        # The same value sent again counts on.
        journal = journal.sending("Standby", "hold", SENT_AT)
    assert journal.failures == ATTEMPTS
    # The next plan's try that fails is reported again, with its count.
    assert journal.failed("Standby") == (
        replace(journal, pending=False, failures=ATTEMPTS + 1),
        "failed",
    )


def test_another_value_starts_its_own_count_and_a_call_that_goes_through_ends_it() -> None:
    failing, _failure = ControlJournal().sending("Standby", "hold", SENT_AT).failed("Standby")
    assert failing.failures == 1
    assert failing.sending("Force charge", "charge_grid", SENT_AT).failures == 0
    resent = failing.sending("Standby", "hold", SENT_AT)
    assert resent.delivered("Standby").failures == 0
    # A call for a value sent before answers for nothing.
    assert resent.delivered("Force charge") == resent


def test_a_failure_of_a_value_no_longer_on_its_way_is_no_ones() -> None:
    journal = ControlJournal().sending("Force charge", "charge_grid", SENT_AT)
    assert journal.failed("Standby") == (journal, None)
    confirmed = replace(journal, pending=False)
    assert confirmed.failed("Force charge") == (confirmed, None)


def test_an_entity_showing_the_planned_value_ends_the_failures() -> None:
    journal = sent("Standby", "hold", pending=False, failures=ATTEMPTS)
    assert command_due(SELECT, journal, "hold", "Standby") == (replace(journal, failures=0), None)
