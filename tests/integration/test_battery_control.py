"""The plan sets the inverter: an option of a select or a value of a number per battery mode.

The battery is planned as in test_battery (replayed DE-LU prices, a spot export price, a
state of charge the test sets); the inverter's entity is an input_select or input_number, or
a select whose service only records what it was asked, like an inverter that answers late.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import string
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_RECONFIGURE
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.price_optimizer.const import DOMAIN, SUBENTRY_BATTERY
from custom_components.price_optimizer.core.battery_control import ATTEMPTS, RETRY_AFTER
from custom_components.price_optimizer.core.optimizer import EnergySlot
from custom_components.price_optimizer.diagnostics import async_get_config_entry_diagnostics
from tests.translations import TRANSLATIONS

from .appliances import move_to, suggested_values, with_changes
from .test_battery import (
    SOC,
    battery_state,
    entry,  # noqa: F401  (the fixture)
    exporting,  # noqa: F401  (the fixture)
    open_battery_form,
    planned_energy,
    set_soc,
)

pytestmark = pytest.mark.usefixtures("market_prices_only")

SELECT = "input_select.inverter_mode"
NUMBER = "input_number.battery_setpoint"
OPTIONS = {
    "charge_grid": "Force charge",
    "charge_solar": "Feed-in priority",
    "discharge": "Force discharge",
    "hold": "Standby",
    "self_consumption": "Self use",
}
SETPOINTS = {
    "charge_grid": 5000.0,
    "charge_solar": 2500.0,
    "discharge": -5000.0,
    "hold": 0.0,
    "self_consumption": -1.0,
}


@pytest.fixture
async def inverter(hass: HomeAssistant) -> None:
    """An inverter's work mode as a select of its options, and its power setpoint in W."""
    assert await async_setup_component(
        hass,
        "input_select",
        {
            "input_select": {
                "inverter_mode": {"options": list(OPTIONS.values()), "initial": "Self use"}
            }
        },
    )
    assert await async_setup_component(
        hass,
        "input_number",
        {
            "input_number": {
                "battery_setpoint": {
                    "min": -5000,
                    "max": 5000,
                    "step": 1,
                    "mode": "box",
                    "unit_of_measurement": "W",
                }
            }
        },
    )


async def add_controlled_battery(
    hass: HomeAssistant, priced: MockConfigEntry, entity_id: str, values: dict[str, Any]
) -> str:
    """Add a battery that may export, set through ``entity_id``; return its subentry id."""
    before = set(priced.subentries)
    form = await open_battery_form(hass, priced)
    battery = with_changes(
        suggested_values(form),
        {
            "name": "Home battery",
            "soc_sensor": SOC,
            "may_export": True,
            "control_entity": entity_id,
        },
    )
    step = await hass.config_entries.subentries.async_configure(form["flow_id"], battery)
    assert step["type"] is FlowResultType.FORM, step
    result = await hass.config_entries.subentries.async_configure(step["flow_id"], values)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
    await hass.async_block_till_done(wait_background_tasks=True)
    (battery_id,) = set(priced.subentries) - before
    return battery_id


def slots_from_next_boundary(priced: MockConfigEntry) -> list[EnergySlot]:
    energy = planned_energy(priced)
    return [slot for slot in energy.slots if slot.start > datetime.now(UTC)]


def first_change(slots: list[EnergySlot]) -> EnergySlot:
    """Return the first slot whose mode differs from the first slot's."""
    return next(slot for slot in slots if slot.mode != slots[0].mode)


def next_mode_change(priced: MockConfigEntry) -> EnergySlot:
    """Return the first slot after now whose mode differs from the mode planned now."""
    planner = priced.runtime_data.planner
    now = datetime.now(UTC)
    current = planner.battery_slot_at(now)
    assert current is not None
    return next(slot for slot in slots_from_next_boundary(priced) if slot.mode != current.mode)


def mode_attributes(hass: HomeAssistant, battery_id: str) -> dict[str, Any]:
    return dict(battery_state(hass, battery_id, "battery_mode").attributes)


async def test_the_select_gets_the_planned_modes_option_at_each_boundary(
    hass: HomeAssistant,
    exporting: MockConfigEntry,  # noqa: F811
    inverter: None,
    freezer: FrozenDateTimeFactory,
) -> None:
    set_soc(hass, "60")
    battery_id = await add_controlled_battery(hass, exporting, SELECT, OPTIONS)
    assert exporting.subentries[battery_id].data["control"] == {
        "entity_id": SELECT,
        "values": OPTIONS,
    }
    slots = slots_from_next_boundary(exporting)
    first = slots[0]
    assert first.mode is not None
    await move_to(hass, freezer, first.start + timedelta(seconds=1))
    assert hass.states.get(SELECT).state == OPTIONS[first.mode]
    assert mode_attributes(hass, battery_id)["override"] is False

    change = first_change(slots)
    assert change.mode is not None
    await move_to(hass, freezer, change.start + timedelta(seconds=1))
    assert hass.states.get(SELECT).state == OPTIONS[change.mode]


async def test_a_number_gets_the_mapped_value(
    hass: HomeAssistant,
    exporting: MockConfigEntry,  # noqa: F811
    inverter: None,
    freezer: FrozenDateTimeFactory,
) -> None:
    set_soc(hass, "60")
    await add_controlled_battery(hass, exporting, NUMBER, SETPOINTS)
    slots = slots_from_next_boundary(exporting)
    for slot in (slots[0], first_change(slots)):
        assert slot.mode is not None
        await move_to(hass, freezer, slot.start + timedelta(seconds=1))
        assert float(hass.states.get(NUMBER).state) == SETPOINTS[slot.mode]

    # Diagnostics say what the inverter is set through and what it was sent last.
    diagnostics = (await async_get_config_entry_diagnostics(hass, exporting))["battery_control"]
    assert diagnostics["control"] == {"entity_id": NUMBER, "values": SETPOINTS}
    assert diagnostics["journal"]["sent_value"] == SETPOINTS[slot.mode]
    assert diagnostics["journal"]["sent_mode"] == slot.mode


async def test_a_manual_change_is_not_fought_until_the_plan_changes_mode(
    hass: HomeAssistant,
    exporting: MockConfigEntry,  # noqa: F811
    inverter: None,
    freezer: FrozenDateTimeFactory,
) -> None:
    set_soc(hass, "60")
    battery_id = await add_controlled_battery(hass, exporting, SELECT, OPTIONS)
    slots = slots_from_next_boundary(exporting)
    first = slots[0]
    await move_to(hass, freezer, first.start + timedelta(seconds=1))
    assert first.mode is not None
    chosen = next(option for option in OPTIONS.values() if option != OPTIONS[first.mode])
    await hass.services.async_call(
        "input_select", "select_option", {"entity_id": SELECT, "option": chosen}, blocking=True
    )
    await hass.async_block_till_done()
    assert mode_attributes(hass, battery_id)["override"] is True

    # A new plan, and the boundaries while the plan stays in that mode, leave it as chosen.
    planner = exporting.runtime_data.planner
    planner.async_request_plan()
    await hass.async_block_till_done(wait_background_tasks=True)
    change = next_mode_change(exporting)
    same_mode = [s for s in slots_from_next_boundary(exporting) if s.start < change.start]
    assert same_mode, "the plan keeps the mode over a boundary"
    for slot in same_mode:
        await move_to(hass, freezer, slot.start + timedelta(seconds=1))
    assert hass.states.get(SELECT).state == chosen

    # So does a restart: the override is kept with what was sent.
    assert await hass.config_entries.async_reload(exporting.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(SELECT).state == chosen
    assert mode_attributes(hass, battery_id)["override"] is True

    # A plan without the battery (its sensor gone for a moment) plans no mode at all: that is
    # no move to another mode, and the choice holds through it.
    planner = exporting.runtime_data.planner
    set_soc(hass, "unavailable")
    planner.async_request_plan()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert planner.battery_slot_at(dt_util.utcnow()) is None
    assert mode_attributes(hass, battery_id)["override"] is True
    set_soc(hass, "60")
    planner.async_request_plan()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert planner.battery_slot_at(dt_util.utcnow()) is not None
    assert hass.states.get(SELECT).state == chosen
    assert mode_attributes(hass, battery_id)["override"] is True

    # The plan moves on to another mode: it sets the inverter again.
    change = next_mode_change(exporting)
    assert change.mode is not None
    await move_to(hass, freezer, change.start + timedelta(seconds=1))
    assert hass.states.get(SELECT).state == OPTIONS[change.mode]
    assert mode_attributes(hass, battery_id)["override"] is False


async def test_setting_the_planned_option_back_hands_the_inverter_back_to_the_plan(
    hass: HomeAssistant,
    exporting: MockConfigEntry,  # noqa: F811
    inverter: None,
    freezer: FrozenDateTimeFactory,
) -> None:
    set_soc(hass, "60")
    battery_id = await add_controlled_battery(hass, exporting, SELECT, OPTIONS)
    first = slots_from_next_boundary(exporting)[0]
    assert first.mode is not None
    await move_to(hass, freezer, first.start + timedelta(seconds=1))
    planned = OPTIONS[first.mode]
    chosen = next(option for option in OPTIONS.values() if option != planned)
    for option in (chosen, planned):
        await hass.services.async_call(
            "input_select", "select_option", {"entity_id": SELECT, "option": option}, blocking=True
        )
        await hass.async_block_till_done()
    assert mode_attributes(hass, battery_id)["override"] is False
    journal = exporting.runtime_data.battery_actuator.diagnostics()["journal"]
    assert journal["overridden_mode"] is None

    # Back in the plan's hands, an inverter that comes back with another mode is set again.
    attributes = dict(hass.states.get(SELECT).attributes)
    hass.states.async_set(SELECT, "unavailable", attributes)
    hass.states.async_set(SELECT, chosen, attributes)
    await hass.async_block_till_done()
    assert hass.states.get(SELECT).state == planned


async def test_switching_automatic_control_off_leaves_the_inverter_alone(
    hass: HomeAssistant,
    exporting: MockConfigEntry,  # noqa: F811
    inverter: None,
    freezer: FrozenDateTimeFactory,
) -> None:
    set_soc(hass, "60")
    battery_id = await add_controlled_battery(hass, exporting, SELECT, OPTIONS)
    switch = er.async_get(hass).async_get_entity_id(
        "switch", DOMAIN, f"{battery_id}_automatic_battery_control"
    )
    assert switch is not None
    assert hass.states.get(switch).state == "on"
    await hass.services.async_call("switch", "turn_off", {"entity_id": switch}, blocking=True)
    before = hass.states.get(SELECT).state
    first = next(
        slot
        for slot in slots_from_next_boundary(exporting)
        if slot.mode is not None and OPTIONS[slot.mode] != before
    )
    assert first.mode is not None
    await move_to(hass, freezer, first.start + timedelta(seconds=1))
    assert hass.states.get(SELECT).state == before

    # Back on, the present slot's option is set at once.
    await hass.services.async_call("switch", "turn_on", {"entity_id": switch}, blocking=True)
    await hass.async_block_till_done()
    assert hass.states.get(SELECT).state == OPTIONS[first.mode]


async def test_after_a_restart_the_present_slots_option_is_sent_once(
    hass: HomeAssistant,
    exporting: MockConfigEntry,  # noqa: F811
    freezer: FrozenDateTimeFactory,
) -> None:
    # An inverter that takes the command but reports its new mode only later.
    select = "select.inverter_mode"
    hass.states.async_set(select, "Self use", {"options": list(OPTIONS.values())})
    calls: list[str] = []

    async def select_option(call: ServiceCall) -> None:
        calls.append(call.data["option"])

    hass.services.async_register("select", "select_option", select_option)
    set_soc(hass, "60")
    battery_id = await add_controlled_battery(hass, exporting, select, OPTIONS)
    slots = slots_from_next_boundary(exporting)
    planned = next(slot for slot in slots if slot.mode != "self_consumption")
    assert planned.mode is not None
    await move_to(hass, freezer, planned.start + timedelta(seconds=1))
    assert calls == [OPTIONS[planned.mode]]
    # A new plan while the command is on its way does not send it again.
    exporting.runtime_data.planner.async_request_plan()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert calls == [OPTIONS[planned.mode]]

    assert await hass.config_entries.async_reload(exporting.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert calls == [OPTIONS[planned.mode]] * 2
    # The inverter confirms: that is what was sent, not a person's change.
    hass.states.async_set(select, OPTIONS[planned.mode], {"options": list(OPTIONS.values())})
    await hass.async_block_till_done()
    assert mode_attributes(hass, battery_id)["override"] is False
    exporting.runtime_data.planner.async_request_plan()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert calls == [OPTIONS[planned.mode]] * 2
    journal = exporting.runtime_data.battery_actuator.diagnostics()["journal"]
    assert (journal["sent_value"], journal["pending"]) == (OPTIONS[planned.mode], False)


def refusing_inverter(hass: HomeAssistant, refusals: int) -> list[str]:
    """A select whose service fails its first ``refusals`` calls; return the options asked for."""
    select = "select.inverter_mode"
    hass.states.async_set(select, "Self use", {"options": list(OPTIONS.values())})
    calls: list[str] = []

    async def select_option(call: ServiceCall) -> None:
        calls.append(call.data["option"])
        if len(calls) <= refusals:
            raise HomeAssistantError("the inverter did not answer")
        hass.states.async_set(select, call.data["option"], {"options": list(OPTIONS.values())})

    hass.services.async_register("select", "select_option", select_option)
    return calls


def control_issue(hass: HomeAssistant, priced: MockConfigEntry) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"battery_control_failed_{priced.entry_id}")


async def reach_a_slot_of_another_mode(
    hass: HomeAssistant, priced: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> EnergySlot:
    planned = next(s for s in slots_from_next_boundary(priced) if s.mode != "self_consumption")
    await move_to(hass, freezer, planned.start + timedelta(seconds=1))
    return planned


async def test_a_failed_command_is_sent_again_after_a_few_seconds(
    hass: HomeAssistant,
    exporting: MockConfigEntry,  # noqa: F811
    freezer: FrozenDateTimeFactory,
) -> None:
    calls = refusing_inverter(hass, refusals=2)
    set_soc(hass, "60")
    await add_controlled_battery(hass, exporting, "select.inverter_mode", OPTIONS)
    planned = await reach_a_slot_of_another_mode(hass, exporting, freezer)
    assert planned.mode is not None
    option = OPTIONS[planned.mode]
    assert calls == [option]
    await wait_for(hass, freezer, RETRY_AFTER)
    assert calls == [option] * 2
    await wait_for(hass, freezer, RETRY_AFTER)
    assert calls == [option] * 3
    assert hass.states.get("select.inverter_mode").state == option
    # Through on the third attempt: nothing to report, nothing more to send.
    assert control_issue(hass, exporting) is None
    await wait_for(hass, freezer, 3 * RETRY_AFTER)
    assert calls == [option] * 3
    assert exporting.runtime_data.battery_actuator.diagnostics()["journal"]["failures"] == 0


async def test_an_inverter_that_refuses_every_attempt_raises_an_issue_until_one_goes_through(
    hass: HomeAssistant,
    exporting: MockConfigEntry,  # noqa: F811
    freezer: FrozenDateTimeFactory,
) -> None:
    calls = refusing_inverter(hass, refusals=ATTEMPTS)
    set_soc(hass, "60")
    await add_controlled_battery(hass, exporting, "select.inverter_mode", OPTIONS)
    planned = await reach_a_slot_of_another_mode(hass, exporting, freezer)
    assert planned.mode is not None
    option = OPTIONS[planned.mode]
    for _attempt in range(ATTEMPTS):
        await wait_for(hass, freezer, RETRY_AFTER)
    assert calls == [option] * ATTEMPTS
    issue = control_issue(hass, exporting)
    assert issue is not None
    assert issue.severity is ir.IssueSeverity.ERROR
    assert issue.translation_key == "battery_control_failed"
    assert issue.translation_placeholders == {
        "battery": "Home battery",
        "entity": "select.inverter_mode",
        "value": option,
        "attempts": str(ATTEMPTS),
        "error": "the inverter did not answer",
    }
    texts = TRANSLATIONS["issues"]["battery_control_failed"].values()
    used = {name for text in texts for _, name, _, _ in string.Formatter().parse(text) if name}
    assert used == set(issue.translation_placeholders)
    # The attempts are spent: no more until the plan or a boundary asks again.
    await wait_for(hass, freezer, 3 * RETRY_AFTER)
    assert calls == [option] * ATTEMPTS

    exporting.runtime_data.planner.async_request_plan()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert calls == [option] * (ATTEMPTS + 1)
    assert hass.states.get("select.inverter_mode").state == option
    assert control_issue(hass, exporting) is None


async def wait_for(hass: HomeAssistant, freezer: FrozenDateTimeFactory, span: timedelta) -> None:
    await move_to(hass, freezer, datetime.now(UTC) + span)


async def test_the_battery_is_edited_with_its_control_kept(
    hass: HomeAssistant,
    entry: MockConfigEntry,  # noqa: F811
    inverter: None,
) -> None:
    set_soc(hass, "50")
    battery_id = await add_controlled_battery(hass, entry, NUMBER, SETPOINTS)
    form = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_BATTERY),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": battery_id},
    )
    shown = suggested_values(form)
    assert shown["control_entity"] == NUMBER
    step = await hass.config_entries.subentries.async_configure(
        form["flow_id"], with_changes(shown, {"capacity_kwh": 12.0})
    )
    assert step["step_id"] == "control_values"
    assert step["description_placeholders"] == {
        "entity": NUMBER,
        "minimum": "-5000",
        "maximum": "5000",
    }
    assert suggested_values(step) == SETPOINTS
    result = await hass.config_entries.subentries.async_configure(
        step["flow_id"], suggested_values(step)
    )
    assert result["reason"] == "reconfigure_successful"
    data = entry.subentries[battery_id].data
    assert data["capacity_kwh"] == 12.0
    assert data["control"] == {"entity_id": NUMBER, "values": SETPOINTS}
    await hass.async_block_till_done(wait_background_tasks=True)
    battery = entry.runtime_data.planner.battery
    assert battery is not None
    assert battery.control is not None
    assert battery.control.entity_id == NUMBER

    # Cleared, the battery is no longer set through anything.
    form = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_BATTERY),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": battery_id},
    )
    result = await hass.config_entries.subentries.async_configure(
        form["flow_id"], with_changes(suggested_values(form), {"control_entity": None})
    )
    assert result["reason"] == "reconfigure_successful"
    assert "control" not in entry.subentries[battery_id].data
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.runtime_data.battery_actuator.control is None


@pytest.mark.parametrize(
    ("entity_id", "values", "errors"),
    [
        (SELECT, {**OPTIONS, "hold": "Sleep"}, {"hold": "option_unknown"}),
        (
            NUMBER,
            {**SETPOINTS, "charge_grid": 6000.0, "discharge": -5001.0},
            {"charge_grid": "value_out_of_range", "discharge": "value_out_of_range"},
        ),
    ],
)
async def test_a_value_the_entity_does_not_take_is_refused_on_its_field(
    hass: HomeAssistant,
    entry: MockConfigEntry,  # noqa: F811
    inverter: None,
    entity_id: str,
    values: dict[str, Any],
    errors: dict[str, str],
) -> None:
    set_soc(hass, "50")
    form = await open_battery_form(hass, entry)
    battery = with_changes(
        suggested_values(form),
        {"name": "Home battery", "soc_sensor": SOC, "control_entity": entity_id},
    )
    step = await hass.config_entries.subentries.async_configure(form["flow_id"], battery)
    result = await hass.config_entries.subentries.async_configure(step["flow_id"], values)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    translated = TRANSLATIONS["config_subentries"]["battery"]["error"]
    assert all(error in translated for error in errors.values())
    assert not any(s.subentry_type == SUBENTRY_BATTERY for s in entry.subentries.values())


async def test_an_inverter_entity_that_is_not_there_is_refused(
    hass: HomeAssistant,
    entry: MockConfigEntry,  # noqa: F811
) -> None:
    set_soc(hass, "50")
    hass.states.async_set("select.no_options", "auto", {})
    for entity_id, error in (
        ("select.gone", "control_entity_missing"),
        ("select.no_options", "control_entity_no_options"),
    ):
        form = await open_battery_form(hass, entry)
        battery = with_changes(
            suggested_values(form),
            {"name": "Home battery", "soc_sensor": SOC, "control_entity": entity_id},
        )
        result = await hass.config_entries.subentries.async_configure(form["flow_id"], battery)
        assert result["errors"] == {"control_entity": error}
        assert error in TRANSLATIONS["config_subentries"]["battery"]["error"]
