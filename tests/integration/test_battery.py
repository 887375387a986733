"""The household's battery: a subentry, planned with the appliances from its measured charge.

The plan runs on the replayed DE-LU prices of a Tuesday afternoon with a dishwasher; the
battery's state of charge comes from a sensor the test sets, as an inverter integration's.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.price_optimizer.const import CONF_EXPORT_PRICE, DOMAIN, SUBENTRY_BATTERY
from custom_components.price_optimizer.core.optimizer import EnergyPlan

from .appliances import add_appliance, device_of, move_to, suggested_values, with_changes
from .conftest import AFTERNOON, replay_entry

SOC = "sensor.inverter_battery_state_of_charge"
TOLERANCE = 1e-6

pytestmark = pytest.mark.usefixtures("market_prices_only")


def set_soc(hass: HomeAssistant, value: str) -> None:
    hass.states.async_set(SOC, value, {"device_class": "battery", "unit_of_measurement": "%"})


async def open_battery_form(hass: HomeAssistant, entry: MockConfigEntry) -> Any:
    return await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_BATTERY), context={"source": SOURCE_USER}
    )


async def add_battery(hass: HomeAssistant, entry: MockConfigEntry, **changes: Any) -> str:
    """Add the battery through its form, the suggestions changed by ``changes``; return its id."""
    before = set(entry.subentries)
    form = await open_battery_form(hass, entry)
    assert form["type"] is FlowResultType.FORM
    values = with_changes(
        suggested_values(form), {"name": "Home battery", "soc_sensor": SOC, **changes}
    )
    result = await hass.config_entries.subentries.async_configure(form["flow_id"], values)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
    await hass.async_block_till_done(wait_background_tasks=True)
    (subentry_id,) = set(entry.subentries) - before
    return subentry_id


@pytest.fixture
async def entry(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> MockConfigEntry:
    """The replay entry with a dishwasher, planned on a frozen Tuesday afternoon."""
    await hass.config.async_set_time_zone("Europe/Berlin")
    freezer.move_to(AFTERNOON)
    entry = replay_entry()
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await add_appliance(hass, entry, "dishwasher")
    return entry


async def test_a_battery_is_added_through_its_form_and_a_second_is_refused(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    set_soc(hass, "50")
    battery_id = await add_battery(hass, entry, capacity_kwh=8.0, min_soc_percent=20)
    subentry = entry.subentries[battery_id]
    assert subentry.title == "Home battery"
    assert subentry.data["capacity_kwh"] == 8.0
    assert subentry.data["soc_sensor"] == SOC
    planner = entry.runtime_data.planner
    assert planner.battery is not None
    assert (planner.battery.capacity_kwh, planner.battery.min_soc) == (8.0, 0.2)

    second = await open_battery_form(hass, entry)
    assert second["type"] is FlowResultType.ABORT
    assert second["reason"] == "single_battery"


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"min_soc_percent": 90, "max_soc_percent": 40}, {"max_soc_percent": "soc_range_invalid"}),
        ({"capacity_kwh": 0}, {"capacity_kwh": "capacity_invalid"}),
        ({"charge_efficiency_percent": 0}, {"charge_efficiency_percent": "efficiency_invalid"}),
        ({"name": "  "}, {"name": "name_missing"}),
    ],
)
async def test_a_battery_that_cannot_be_planned_is_refused_on_its_field(
    hass: HomeAssistant, entry: MockConfigEntry, changes: dict[str, Any], errors: dict[str, str]
) -> None:
    set_soc(hass, "50")
    form = await open_battery_form(hass, entry)
    values = with_changes(
        suggested_values(form), {"name": "Home battery", "soc_sensor": SOC, **changes}
    )
    result = await hass.config_entries.subentries.async_configure(form["flow_id"], values)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    assert not any(s.subentry_type == SUBENTRY_BATTERY for s in entry.subentries.values())


async def test_a_sensor_in_another_unit_is_refused(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    hass.states.async_set("sensor.battery_energy", "4.2", {"unit_of_measurement": "kWh"})
    form = await open_battery_form(hass, entry)
    values = with_changes(
        suggested_values(form), {"name": "Home battery", "soc_sensor": "sensor.battery_energy"}
    )
    result = await hass.config_entries.subentries.async_configure(form["flow_id"], values)
    assert result["errors"] == {"soc_sensor": "soc_sensor_unit"}


async def test_the_battery_is_edited_in_place(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    set_soc(hass, "50")
    battery_id = await add_battery(hass, entry)
    form = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_BATTERY),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": battery_id},
    )
    shown = suggested_values(form)
    assert shown["name"] == "Home battery"
    assert shown["capacity_kwh"] == 10.0
    result = await hass.config_entries.subentries.async_configure(
        form["flow_id"], with_changes(shown, {"capacity_kwh": 13.5, "may_export": True})
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done(wait_background_tasks=True)
    planner = entry.runtime_data.planner
    assert planner.battery is not None
    assert (planner.battery.capacity_kwh, planner.battery.may_export) == (13.5, True)
    assert planner.data.battery is not None
    assert planner.data.battery.capacity_kwh == 13.5


async def test_renaming_the_battery_renames_its_device_and_entities(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    set_soc(hass, "50")
    battery_id = await add_battery(hass, entry)
    form = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_BATTERY),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": battery_id},
    )
    result = await hass.config_entries.subentries.async_configure(
        form["flow_id"], with_changes(suggested_values(form), {"name": "Garage battery"})
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done(wait_background_tasks=True)
    device = device_of(hass, entry, battery_id)
    assert device is not None
    assert device.name == "Garage battery"
    mode = er.async_get(hass).async_get_entity_id("sensor", DOMAIN, f"{battery_id}_battery_mode")
    assert mode is not None
    state = hass.states.get(mode)
    assert state is not None
    assert state.attributes["friendly_name"].startswith("Garage battery")


# Export earns the spot price: the battery may sell at the evening peak what it bought cheaply.
SPOT_EXPORT = {"kind": "spot", "multiplier": 1.0, "offset": 0.0, "fixed_rate": 0.0}


@pytest.fixture
async def exporting(hass: HomeAssistant, entry: MockConfigEntry) -> MockConfigEntry:
    """The entry with a spot export price, so that a battery that may export cycles."""
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_EXPORT_PRICE: SPOT_EXPORT}
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    return entry


def battery_entity(hass: HomeAssistant, battery_id: str, key: str) -> str:
    found = er.async_get(hass).async_get_entity_id("sensor", DOMAIN, f"{battery_id}_{key}")
    assert found is not None, key
    return found


def battery_state(hass: HomeAssistant, battery_id: str, key: str) -> Any:
    state = hass.states.get(battery_entity(hass, battery_id, key))
    assert state is not None
    return state


def planned_energy(entry: MockConfigEntry) -> EnergyPlan:
    energy = entry.runtime_data.planner.data.schedule.energy
    assert energy is not None
    return energy


def assert_within_bounds(energy: EnergyPlan, capacity: float, low: float, high: float) -> None:
    """Every slot's stored energy lies in the battery's range and moves at most its power."""
    assert energy.battery_capacity_kwh == capacity
    previous = None
    for slot in energy.slots:
        assert slot.stored_kwh is not None
        assert low * capacity - TOLERANCE <= slot.stored_kwh <= high * capacity + TOLERANCE
        hours = (slot.end - slot.start) / timedelta(hours=1)
        assert slot.charge_kwh <= 5.0 * hours + TOLERANCE
        assert slot.discharge_kwh <= 5.0 * hours + TOLERANCE
        assert slot.mode is not None
        if previous is not None:
            # What is stored changes by what is charged and discharged, with the losses.
            moved = slot.charge_kwh * 0.95 - slot.discharge_kwh / 0.95
            assert slot.stored_kwh - previous == pytest.approx(moved, abs=1e-4)
        previous = slot.stored_kwh


async def get_energy_plan(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN,
        "get_energy_plan",
        {"config_entry": entry.entry_id},
        blocking=True,
        return_response=True,
    )
    assert isinstance(response, dict)
    return response


async def test_the_plan_starts_from_the_measured_charge_and_stays_in_bounds(
    hass: HomeAssistant, exporting: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    set_soc(hass, "60")
    battery_id = await add_battery(hass, exporting, may_export=True, min_soc_percent=20)
    data = exporting.runtime_data.planner.data
    assert data.battery is not None
    assert data.battery.soc == pytest.approx(0.6)
    assert data.battery_issue is None
    assert data.schedule.plans, "the dishwasher is still planned"
    energy = planned_energy(exporting)
    assert_within_bounds(energy, 10.0, 0.2, 1.0)
    first = energy.slots[0]
    assert first.stored_kwh is not None
    assert first.stored_kwh - 6.0 == pytest.approx(
        first.charge_kwh * 0.95 - first.discharge_kwh / 0.95, abs=1e-4
    )
    # Prices spread over the day: it buys low and sells at the peak, and that saves money.
    modes = {slot.mode for slot in energy.slots}
    assert {"charge_grid", "discharge"} <= modes
    assert energy.battery_saving is not None
    assert energy.battery_saving > 0
    assert data.schedule.battery_saving == energy.battery_saving

    # At the next boundary the slot that starts there is the one shown.
    await move_to(hass, freezer, energy.slots[0].start + timedelta(seconds=5))
    now = datetime.now(UTC)
    slot = energy.slot_at(now)
    assert slot is not None
    mode = battery_state(hass, battery_id, "battery_mode")
    power = battery_state(hass, battery_id, "battery_planned_power")
    energy = planned_energy(exporting)
    slot = energy.slot_at(now)
    assert slot is not None
    assert mode.state == slot.mode
    assert float(power.state) == pytest.approx(slot.battery_kw, abs=1e-3)
    assert power.attributes["unit_of_measurement"] == "kW"
    series = power.attributes["series"]
    assert len(series) == len([s for s in energy.slots if s.end > now])
    assert series[-1]["stored_kwh"] == pytest.approx(energy.slots[-1].stored_kwh, abs=1e-3)
    assert {item["mode"] for item in series} == modes
    end_soc = battery_state(hass, battery_id, "battery_end_soc")
    assert energy.end_soc is not None
    assert float(end_soc.state) == pytest.approx(energy.end_soc * 100, abs=0.05)
    savings = battery_state(hass, battery_id, "battery_savings")
    assert float(savings.state) == pytest.approx(energy.battery_saving, abs=1e-4)
    assert savings.attributes["unit_of_measurement"] == "EUR"
    # The series is too big for the recorder; the state and the reason are kept.
    platform = next(p for p in hass.data["entity_platform"][DOMAIN] if p.domain == "sensor")
    entity = platform.entities[power.entity_id]
    assert "series" in entity._unrecorded_attributes

    answer = await get_energy_plan(hass, exporting)
    assert answer["battery"] == {"name": "Home battery", "soc": 0.6, "stored_kwh": 6.0}
    assert answer["battery_issue"] is None
    assert answer["solar"] is None
    assert answer["battery_capacity_kwh"] == 10.0
    assert len(answer["slots"]) == len(energy.slots)
    for item in answer["slots"]:
        supply = item["grid_import_kwh"] + item["discharge_kwh"] + item["solar_kwh"]
        demand = (
            item["base_kwh"] + item["appliances_kwh"] + item["charge_kwh"] + item["grid_export_kwh"]
        )
        assert supply - item["curtailed_kwh"] == pytest.approx(demand, abs=1e-4)
    assert answer["end_soc"] == pytest.approx(energy.end_soc, abs=1e-4)


async def test_a_drift_from_the_plan_re_plans_and_a_small_one_does_not(
    hass: HomeAssistant, exporting: MockConfigEntry
) -> None:
    set_soc(hass, "60")
    await add_battery(hass, exporting, may_export=True)
    planner = exporting.runtime_data.planner
    planned = planner.data.battery
    assert planned is not None
    expected = planned_energy(exporting).stored_at(datetime.now(UTC), planned.stored_kwh)

    # Two points of the capacity off the plan: it stands.
    set_soc(hass, str(round(expected * 10 + 2, 1)))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert planner.data.battery is planned

    # Twenty points off: the plan is made again from the measured charge.
    drifted = round(expected * 10 + 20, 1) if expected < 7 else round(expected * 10 - 20, 1)
    set_soc(hass, str(drifted))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert planner.data.battery is not None
    assert planner.data.battery.soc == pytest.approx(drifted / 100)


async def test_an_unavailable_charge_sensor_plans_without_the_battery_and_says_so(
    hass: HomeAssistant, entry: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    set_soc(hass, "unavailable")
    battery_id = await add_battery(hass, entry)
    data = entry.runtime_data.planner.data
    assert data.schedule.plans, "the appliances are planned all the same"
    assert data.battery is None
    assert data.battery_issue == "soc_sensor_unavailable"
    assert data.schedule.energy is None
    assert "plans without the battery Home battery: soc_sensor_unavailable" in caplog.text
    for key in ("battery_mode", "battery_planned_power", "battery_end_soc", "battery_savings"):
        state = battery_state(hass, battery_id, key)
        assert state.state == "unknown", key
        assert state.attributes["reason"] == "soc_sensor_unavailable"
    # No solar forecast and no battery: there is no balance to show.
    with pytest.raises(ServiceValidationError) as refused:
        await get_energy_plan(hass, entry)
    assert refused.value.translation_key == "no_energy_plan"

    # Once it reports again, the battery is planned at once.
    set_soc(hass, "35")
    await hass.async_block_till_done(wait_background_tasks=True)
    data = entry.runtime_data.planner.data
    assert data.battery is not None
    assert data.battery.soc == pytest.approx(0.35)
    assert data.battery_issue is None
    assert battery_state(hass, battery_id, "battery_end_soc").state != "unknown"
    assert battery_state(hass, battery_id, "battery_mode").attributes["reason"] is None


@pytest.mark.parametrize("reading", ["charging", "nan"])
async def test_a_reading_that_is_not_a_number_leaves_the_battery_out(
    hass: HomeAssistant, entry: MockConfigEntry, reading: str
) -> None:
    set_soc(hass, reading)
    await add_battery(hass, entry)
    data = entry.runtime_data.planner.data
    assert (data.battery, data.battery_issue) == (None, "soc_sensor_not_numeric")


async def test_a_restart_mid_discharge_comes_back_discharging(
    hass: HomeAssistant, exporting: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    set_soc(hass, "90")
    battery_id = await add_battery(hass, exporting, may_export=True)
    energy = planned_energy(exporting)
    discharging = next(slot for slot in energy.slots if slot.mode == "discharge")
    planned = exporting.runtime_data.planner.data.battery
    assert planned is not None
    # A few minutes into the discharge, the battery holds what the plan expected.
    moment = discharging.start + timedelta(minutes=2)
    held = energy.stored_at(moment, planned.stored_kwh)
    await move_to(hass, freezer, moment)
    set_soc(hass, str(round(held * 10, 2)))
    await hass.async_block_till_done(wait_background_tasks=True)

    assert await hass.config_entries.async_reload(exporting.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    data = exporting.runtime_data.planner.data
    assert data.battery is not None
    assert data.battery.soc == pytest.approx(held / 10, abs=1e-3)
    after = planned_energy(exporting)
    assert_within_bounds(after, 10.0, 0.1, 1.0)
    # Planned mid-slot, the new plan starts at the next boundary; the slot under way goes on
    # as the plan kept from before the restart has it, and the new plan goes on discharging.
    now_slot = data.battery_slot(moment)
    assert now_slot is not None
    assert (now_slot.start, now_slot.mode) == (discharging.start, "discharge")
    assert now_slot.battery_kw < 0
    assert after.slots[0].start == now_slot.end
    assert after.slots[0].mode == "discharge"
    assert battery_state(hass, battery_id, "battery_mode").state == "discharge"
    assert float(battery_state(hass, battery_id, "battery_planned_power").state) < 0


async def test_the_savings_estimate_plans_beside_the_battery(
    hass: HomeAssistant, exporting: MockConfigEntry
) -> None:
    set_soc(hass, "60")
    await add_battery(hass, exporting, may_export=True)
    dishwasher = next(iter(exporting.runtime_data.planner.appliances))
    answer = await hass.services.async_call(
        DOMAIN,
        "estimate_savings",
        {"config_entry": exporting.entry_id, "appliance_ids": [dishwasher]},
        blocking=True,
        return_response=True,
    )
    assert isinstance(answer, dict)
    energy = answer["schedule"]["energy"]
    assert energy["battery_capacity_kwh"] == 10.0
    assert energy["battery_saving"] > 0
    schedule = answer["schedule"]
    appliance_savings = schedule["baseline_cost"] - schedule["planned_cost"]
    # Each figure is rounded in the answer.
    assert answer["savings"] == pytest.approx(
        appliance_savings + energy["battery_saving"], abs=1e-3
    )
