"""The household's battery: a subentry, planned with the appliances from its measured charge.

The plan runs on the replayed DE-LU prices of a Tuesday afternoon with a dishwasher; the
battery's state of charge comes from a sensor the test sets, as an inverter integration's.
"""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.price_optimizer.const import SUBENTRY_BATTERY

from .appliances import add_appliance, suggested_values, with_changes
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
