"""Appliance definitions: presets of our design, validation reasons, subentry round trips."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from custom_components.price_optimizer.core.optimizer import (
    APPLIANCE_KINDS,
    Appliance,
    ApplianceError,
    ApplianceState,
    CyclePhase,
    PlanIssue,
    preset,
)
from custom_components.price_optimizer.core.optimizer.issues import ISSUE_CODES

T0 = datetime(2026, 3, 2, tzinfo=UTC)


def test_presets_follow_the_design() -> None:
    dishwasher = preset("dishwasher", "a", "Dishwasher")
    assert (dishwasher.operation, dishwasher.power_kw) == ("cycle", 1.5)
    assert dishwasher.cycle_duration == timedelta(hours=2)
    washer = preset("washing_machine", "b", "Washer")
    assert (washer.power_kw, washer.cycle_duration) == (2.0, timedelta(minutes=90))
    dryer = preset("dryer", "c", "Dryer")
    assert (dryer.power_kw, dryer.cycle_duration) == (3.0, timedelta(hours=1))
    ev = preset("ev_charger", "d", "EV")
    assert (ev.operation, ev.power_kw, ev.target_energy_kwh) == ("interruptible", 7.0, 42.0)
    pool = preset("pool_pump", "e", "Pool")
    assert (pool.power_kw, pool.min_on_time, pool.target_energy_kwh) == (
        1.2,
        timedelta(hours=1),
        pytest.approx(4.8),
    )
    heater = preset("water_heater", "f", "Heater")
    assert (heater.power_kw, heater.target_energy_kwh, heater.flexible_energy_kwh) == (
        4.0,
        8.0,
        12.0,
    )
    for kind in APPLIANCE_KINDS:
        preset(kind, kind, kind).validate()


def test_overrides_replace_preset_values() -> None:
    ev = preset("ev_charger", "d", "EV", duration=None, energy_kwh=20.0, min_power_kw=1.4)
    ev.validate()
    assert (ev.target_energy_kwh, ev.lowest_on_kw, ev.peak_kw) == (20.0, 1.4, 7.0)


def test_phase_profile_sets_peak_energy_and_duration() -> None:
    dishwasher = preset(
        "dishwasher",
        "a",
        "Dishwasher",
        duration=None,
        phases=(
            CyclePhase(timedelta(minutes=20), 2.0),
            CyclePhase(timedelta(minutes=60), 0.2),
            CyclePhase(timedelta(minutes=40), 1.8),
        ),
    )
    dishwasher.validate()
    assert dishwasher.peak_kw == 2.0
    assert dishwasher.cycle_duration == timedelta(hours=2)
    assert dishwasher.target_energy_kwh == pytest.approx(2.0 / 3 + 0.2 + 1.2)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"power_kw": 0.0}, "power_not_positive"),
        (
            {"phases": (CyclePhase(timedelta(hours=1), -1.0),), "duration": None},
            "power_not_positive",
        ),
        (
            {"phases": (CyclePhase(timedelta(hours=1), 0.0),), "duration": None},
            "power_not_positive",
        ),
        ({"min_power_kw": 1.0}, "power_range_invalid"),
        ({"max_energy_kwh": 5.0}, "flexible_energy_needs_interruptible"),
        ({"energy_kwh": 5.0}, "demand_ambiguous"),
        ({"duration": None}, "demand_missing"),
        ({"duration": timedelta(minutes=-30)}, "duration_not_positive"),
        ({"duration": timedelta(0)}, "duration_not_positive"),
        ({"phases": (CyclePhase(timedelta(0), 1.0),), "duration": None}, "phases_invalid"),
        ({"phases": (CyclePhase(timedelta(hours=1), 1.0),)}, "phases_invalid"),
        ({"earliest_start": T0}, "recurrence_ambiguous"),
        ({"daily_ready_by": None, "deadline": datetime(2026, 3, 2)}, "times_invalid"),  # noqa: DTZ001
        (
            {"daily_ready_by": None, "earliest_start": T0, "deadline": T0},
            "window_invalid",
        ),
        ({"min_on_time": timedelta(minutes=-1)}, "times_invalid"),
        ({"max_starts_per_day": 0}, "max_starts_invalid"),
        ({"daily_ready_by": None, "daily_earliest_start": time(22)}, "demand_missing"),
    ],
)
def test_cycle_definitions_that_can_never_run_say_why(
    changes: dict[str, object], code: str
) -> None:
    appliance = preset("dishwasher", "a", "Dishwasher", **changes)
    with pytest.raises(ApplianceError) as caught:
        appliance.validate()
    assert caught.value.issue.code == code
    assert caught.value.issue.placeholders["appliance"] == "Dishwasher"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"phases": (CyclePhase(timedelta(hours=1), 1.0),)}, "phases_invalid"),
        ({"min_power_kw": 8.0}, "power_range_invalid"),
        ({"energy_kwh": 20.0}, "demand_ambiguous"),
        ({"duration": None}, "demand_missing"),
        ({"duration": timedelta(hours=-1)}, "duration_not_positive"),
        ({"max_energy_kwh": 10.0}, "energy_range_invalid"),
    ],
)
def test_interruptible_definitions_that_can_never_run_say_why(
    changes: dict[str, object], code: str
) -> None:
    with pytest.raises(ApplianceError) as caught:
        preset("ev_charger", "d", "EV", **changes).validate()
    assert caught.value.issue.code == code


def test_every_issue_code_is_a_translation_key() -> None:
    assert all(code.islower() and " " not in code for code in ISSUE_CODES)
    assert PlanIssue.from_dict({"code": "awaiting_prices"}) == PlanIssue("awaiting_prices", {})
    with pytest.raises(ValueError, match="unknown issue code"):
        PlanIssue.from_dict({"code": "solver_status_3"})


def test_subentry_form_round_trips() -> None:
    appliances = [
        preset("dishwasher", "a", "Dishwasher", daily_earliest_start=time(21, 30)),
        preset(
            "dryer",
            "c",
            "Dryer",
            duration=None,
            phases=(CyclePhase(timedelta(minutes=45), 3.0), CyclePhase(timedelta(seconds=90), 0.5)),
        ),
        preset("water_heater", "f", "Heater", risk="upper", priority=2, max_starts_per_day=3),
        preset(
            "custom",
            "g",
            "Kiln",
            daily_ready_by=None,
            earliest_start=T0,
            deadline=T0 + timedelta(days=1),
        ),
    ]
    for appliance in appliances:
        assert Appliance.from_dict(appliance.as_dict()) == appliance
    with pytest.raises(ValueError, match="unknown kind"):
        Appliance.from_dict({"appliance_id": "x", "kind": "toaster"})
    state = ApplianceState(running_since=T0, delivered_kwh=3.5, done_until=T0)
    assert ApplianceState.from_dict(state.as_dict()) == state
    assert ApplianceState.from_dict({}) == ApplianceState()
