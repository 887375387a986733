"""Appliances as config subentries: presets, the fields of each kind, errors, editing, the limit."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.price_optimizer.const import CONF_HOUSEHOLD_LIMIT_KW
from custom_components.price_optimizer.core.optimizer import APPLIANCE_KINDS, preset

from .appliances import (
    add_appliance,
    device_of,
    reconfigure_appliance,
    start_appliance_flow,
    state_of,
    suggested_values,
    with_changes,
)
from .options import open_options_step

KIND_NAMES = {
    "dishwasher": "Dishwasher",
    "washing_machine": "Washing machine",
    "dryer": "Dryer",
    "ev_charger": "EV charger",
    "pool_pump": "Pool pump",
    "water_heater": "Water heater",
    "custom": "Other appliance",
}


@pytest.mark.parametrize("kind", APPLIANCE_KINDS)
async def test_each_preset_fills_the_form_and_becomes_an_appliance(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, kind: str
) -> None:
    subentry_id = await add_appliance(hass, loaded_entry, kind)
    subentry = loaded_entry.subentries[subentry_id]
    assert subentry.title == KIND_NAMES[kind]
    expected = preset(kind, subentry_id, KIND_NAMES[kind]).as_dict()  # type: ignore[arg-type]
    stored = {**subentry.data, "appliance_id": subentry_id, "name": subentry.title}
    assert stored == {**expected, "control": None}
    planner = loaded_entry.runtime_data.planner
    assert planner.appliances[subentry_id].as_dict() == expected
    device = device_of(hass, loaded_entry, subentry_id)
    assert device is not None
    assert device.name == KIND_NAMES[kind]
    hub = device_of(hass, loaded_entry, loaded_entry.entry_id)
    assert hub is not None
    assert device.via_device_id == hub.id
    assert (device.model, device.model_id) == (KIND_NAMES[kind], kind)
    assert state_of(hass, "sensor", subentry_id, "status").state in ("scheduled", "idle")


@pytest.mark.parametrize("language", ["en", "de"])
async def test_devices_show_the_translated_source_and_kind_as_their_model(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, language: str
) -> None:
    # No German translation ships yet: English fills in.
    hass.config.language = language
    subentry_id = await add_appliance(hass, loaded_entry, "washing_machine")
    entities = er.async_get(hass)
    devices = dr.async_get(hass)
    status = entities.async_get(state_of(hass, "sensor", subentry_id, "status").entity_id)
    assert status is not None
    appliance = devices.async_get(str(status.device_id))
    assert appliance is not None
    assert (appliance.model, appliance.model_id) == ("Washing machine", "washing_machine")
    assert appliance.via_device_id is not None
    service = devices.async_get(appliance.via_device_id)
    assert service is not None
    assert (service.model, service.model_id) == ("Replayed market prices", "replay")


WINDOW = ["daily_ready_by", "daily_earliest_start", "earliest_start", "deadline"]
OWN_ENERGY = ["surplus_only", "price_cap"]
CYCLE = ["name", "power_kw", "phases", "duration", *WINDOW, "priority", "risk", *OWN_ENERGY]
INTERRUPTIBLE = [
    "name",
    "power_kw",
    "min_power_kw",
    "duration",
    "energy_kwh",
    "max_energy_kwh",
    *WINDOW,
    "min_on_time",
    "min_off_time",
    "max_starts_per_day",
    "priority",
    "risk",
    *OWN_ENERGY,
]


@pytest.mark.parametrize(
    ("kind", "operation", "fields"),
    [
        ("dishwasher", None, CYCLE),
        ("washing_machine", None, CYCLE),
        ("dryer", None, CYCLE),
        ("ev_charger", None, INTERRUPTIBLE),
        (
            "pool_pump",
            None,
            [
                "name",
                "power_kw",
                "duration",
                *WINDOW,
                "min_on_time",
                "min_off_time",
                "max_starts_per_day",
                "priority",
                "risk",
                *OWN_ENERGY,
            ],
        ),
        (
            "water_heater",
            None,
            [
                "name",
                "power_kw",
                "duration",
                "energy_kwh",
                "max_energy_kwh",
                *WINDOW,
                "min_on_time",
                "min_off_time",
                "priority",
                "risk",
                *OWN_ENERGY,
            ],
        ),
        ("custom", "cycle", CYCLE),
        ("custom", "interruptible", INTERRUPTIBLE),
    ],
)
async def test_the_form_asks_only_what_applies_to_the_kind(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    kind: str,
    operation: str | None,
    fields: list[str],
) -> None:
    form = await start_appliance_flow(hass, loaded_entry, kind, operation)
    assert [str(key) for key in form["data_schema"].schema] == fields


async def test_the_preset_fills_the_form_and_leaves_empty_times_empty(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    form = await start_appliance_flow(hass, loaded_entry, "pool_pump")
    assert suggested_values(form) == {
        "name": "Pool pump",
        "power_kw": 1.2,
        "duration": {"hours": 4, "minutes": 0, "seconds": 0},
        "daily_ready_by": "00:00:00",
        "min_on_time": {"hours": 1, "minutes": 0, "seconds": 0},
        "min_off_time": {"hours": 0, "minutes": 0, "seconds": 0},
        "priority": 0,
        "risk": "median",
        "surplus_only": False,
    }
    keys = {str(key): key for key in form["data_schema"].schema}
    for field in ("daily_earliest_start", "earliest_start", "deadline"):
        assert keys[field].default is vol.UNDEFINED, field
    # A native date-time input: the date-time selector would show an empty value as midnight.
    for field in ("earliest_start", "deadline"):
        config = form["data_schema"].schema[keys[field]].config
        assert config["type"] == "datetime-local"


async def test_another_appliance_is_asked_how_it_runs_first(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    subentry_id = await add_appliance(
        hass,
        loaded_entry,
        "custom",
        operation="interruptible",
        name="Heat pump",
        min_off_time={"hours": 0, "minutes": 20, "seconds": 0},
    )
    data = loaded_entry.subentries[subentry_id].data
    assert (data["kind"], data["operation"], data["min_off_minutes"]) == (
        "custom",
        "interruptible",
        20,
    )
    form = await hass.config_entries.subentries.async_init(
        (loaded_entry.entry_id, "appliance"),
        context={"source": "reconfigure", "subentry_id": subentry_id},
    )
    assert form["step_id"] == "operation"
    assert suggested_values(form) == {"operation": "interruptible"}


async def test_editing_keeps_a_value_its_kind_does_not_ask(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    # Set by the earlier form, which asked every field of every kind.
    pump = preset("pool_pump", "x", "Pool pump", min_power_kw=0.6).as_dict()
    del pump["appliance_id"], pump["name"]
    subentry = ConfigSubentry(
        data=MappingProxyType({**pump, "control": None}),
        subentry_type="appliance",
        title="Pool pump",
        unique_id=None,
    )
    hass.config_entries.async_add_subentry(loaded_entry, subentry)
    await hass.async_block_till_done()
    form = await hass.config_entries.subentries.async_init(
        (loaded_entry.entry_id, "appliance"),
        context={"source": "reconfigure", "subentry_id": subentry.subentry_id},
    )
    assert suggested_values(form)["min_power_kw"] == 0.6
    result = await reconfigure_appliance(hass, loaded_entry, subentry.subentry_id, power_kw=1.5)
    assert result["reason"] == "reconfigure_successful"
    data = loaded_entry.subentries[subentry.subentry_id].data
    assert (data["power_kw"], data["min_power_kw"], data["min_on_minutes"]) == (1.5, 0.6, 60)


async def test_a_custom_cycle_with_a_power_profile_and_a_one_off_window(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    subentry_id = await add_appliance(
        hass,
        loaded_entry,
        "custom",
        name="Bread maker",
        phases="20:0.6; 60:0.05, 30:0.65",
        duration=None,
        earliest_start="2026-11-24T22:00",
        deadline="2026-11-25 06:30:00",
        priority=3,
        risk="upper",
    )
    data = loaded_entry.subentries[subentry_id].data
    assert data["phases"] == [
        {"minutes": 20, "power_kw": 0.6},
        {"minutes": 60, "power_kw": 0.05},
        {"minutes": 30, "power_kw": 0.65},
    ]
    assert data["duration_minutes"] is None
    assert data["earliest_start"] == "2026-11-24T22:00:00+01:00"
    assert data["deadline"] == "2026-11-25T06:30:00+01:00"
    assert (data["priority"], data["risk"]) == (3, "upper")

    form = await hass.config_entries.subentries.async_init(
        (loaded_entry.entry_id, "appliance"),
        context={"source": "reconfigure", "subentry_id": subentry_id},
    )
    assert suggested_values(form) == {"operation": "cycle"}
    form = await hass.config_entries.subentries.async_configure(
        form["flow_id"], {"operation": "cycle"}
    )
    shown = suggested_values(form)
    assert shown["phases"] == "20:0.6, 60:0.05, 30:0.65"
    assert shown["earliest_start"] == "2026-11-24T22:00"
    assert shown["deadline"] == "2026-11-25T06:30"
    assert "duration" not in shown


async def test_an_interruptible_appliance_with_every_limit(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    subentry_id = await add_appliance(
        hass,
        loaded_entry,
        "ev_charger",
        name="Car",
        power_kw=11.0,
        min_power_kw=4.2,
        duration=None,
        energy_kwh=30,
        max_energy_kwh=40,
        daily_earliest_start="18:00:00",
        daily_ready_by="07:30:00",
        min_on_time={"hours": 0, "minutes": 30, "seconds": 0},
        min_off_time={"hours": 0, "minutes": 15, "seconds": 0},
        max_starts_per_day=3,
    )
    appliance = loaded_entry.runtime_data.planner.appliances[subentry_id]
    assert appliance.as_dict() == {
        **preset("ev_charger", subentry_id, "Car").as_dict(),
        "power_kw": 11.0,
        "min_power_kw": 4.2,
        "duration_minutes": None,
        "energy_kwh": 30,
        "max_energy_kwh": 40,
        "daily_earliest_start": "18:00:00",
        "daily_ready_by": "07:30:00",
        "min_on_minutes": 30,
        "min_off_minutes": 15,
        "max_starts_per_day": 3,
    }


@pytest.mark.parametrize(
    ("kind", "changes", "field", "error"),
    [
        ("dishwasher", {"duration": None}, "duration", "demand_missing"),
        ("custom", {"daily_earliest_start": "22:00:00"}, "duration", "demand_missing"),
        ("ev_charger", {"energy_kwh": 20}, "energy_kwh", "demand_ambiguous"),
        ("water_heater", {"max_energy_kwh": 4}, "max_energy_kwh", "energy_range_invalid"),
        ("dishwasher", {"phases": "20:2.0, 60:0.2"}, "phases", "phases_invalid"),
        ("dishwasher", {"phases": "twenty minutes at 2 kW"}, "phases", "phases_format"),
        ("dishwasher", {"phases": "30:0", "duration": None}, "power_kw", "power_not_positive"),
        (
            "custom",
            {"earliest_start": "2026-11-25 10:00:00", "deadline": "2026-11-25 08:00:00"},
            "deadline",
            "window_invalid",
        ),
        (
            "dishwasher",
            {"deadline": "2026-11-25 08:00:00"},
            "daily_ready_by",
            "recurrence_ambiguous",
        ),
        ("ev_charger", {"min_power_kw": 9.0}, "min_power_kw", "power_range_invalid"),
        (
            "custom",
            {"earliest_start": "tomorrow evening"},
            "earliest_start",
            "datetime_format",
        ),
        ("dishwasher", {"name": "   "}, "name", "name_missing"),
    ],
)
async def test_a_definition_that_can_never_be_planned_is_refused_on_its_field(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    kind: str,
    changes: dict[str, Any],
    field: str,
    error: str,
) -> None:
    form = await start_appliance_flow(hass, loaded_entry, kind)
    entered = with_changes(suggested_values(form), changes)
    result = await hass.config_entries.subentries.async_configure(form["flow_id"], entered)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {field: error}
    # What was entered stays in the form.
    assert suggested_values(result) == entered
    assert not loaded_entry.subentries


@pytest.mark.parametrize(
    ("kind", "field", "error"),
    [
        ("pool_pump", "min_on_time", "times_invalid"),
        ("pool_pump", "min_off_time", "times_invalid"),
        ("dishwasher", "duration", "duration_not_positive"),
        ("ev_charger", "duration", "duration_not_positive"),
    ],
)
async def test_a_negative_duration_is_refused_on_its_field(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, kind: str, field: str, error: str
) -> None:
    form = await start_appliance_flow(hass, loaded_entry, kind)
    entered = with_changes(
        suggested_values(form), {field: {"hours": -1, "minutes": 0, "seconds": 0}}
    )
    try:
        result = await hass.config_entries.subentries.async_configure(form["flow_id"], entered)
    except InvalidData as err:
        # Home Assistant's duration selector refuses it before our own rules see it.
        refused = set(err.schema_errors)
    else:
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {field: error}
        refused = set(result["errors"])
    assert refused == {field}
    assert not loaded_entry.subentries


async def test_a_corrected_form_is_saved(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    form = await start_appliance_flow(hass, loaded_entry, "dishwasher")
    wrong = with_changes(suggested_values(form), {"duration": None})
    result = await hass.config_entries.subentries.async_configure(form["flow_id"], wrong)
    assert result["errors"] == {"duration": "demand_missing"}
    fixed = {**wrong, "duration": {"hours": 1, "minutes": 45, "seconds": 0}}
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], fixed)
    assert result["step_id"] == "control"
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"target": "none"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    (subentry,) = loaded_entry.subentries.values()
    assert subentry.data["duration_minutes"] == 105


async def test_reconfigure_changes_the_appliance_its_device_and_its_plan(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    subentry_id = await add_appliance(hass, loaded_entry, "dishwasher")
    result = await reconfigure_appliance(
        hass, loaded_entry, subentry_id, name="Kitchen dishwasher", power_kw=2.0
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    subentry = loaded_entry.subentries[subentry_id]
    assert subentry.title == "Kitchen dishwasher"
    assert subentry.data["power_kw"] == 2.0
    appliance = loaded_entry.runtime_data.planner.appliances[subentry_id]
    assert (appliance.name, appliance.power_kw) == ("Kitchen dishwasher", 2.0)
    device = device_of(hass, loaded_entry, subentry_id)
    assert device is not None
    assert device.name == "Kitchen dishwasher"
    status = state_of(hass, "sensor", subentry_id, "status")
    assert status.attributes["friendly_name"] == "Kitchen dishwasher Status"


async def test_reconfigure_refuses_what_cannot_be_planned(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    subentry_id = await add_appliance(hass, loaded_entry, "water_heater")
    result = await reconfigure_appliance(hass, loaded_entry, subentry_id, duration={"hours": 2})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"energy_kwh": "demand_ambiguous"}
    assert loaded_entry.subentries[subentry_id].data["duration_minutes"] is None


async def test_household_limit_is_an_option_that_can_be_cleared(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    options = {"vat_percent": 0.0, "fee_per_kwh": 0.0, "multiplier": 1.0}
    result = await open_options_step(hass, loaded_entry, "prices")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**options, CONF_HOUSEHOLD_LIMIT_KW: 7.5}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert loaded_entry.runtime_data.planner.household_limit_kw == 7.5
    result = await open_options_step(hass, loaded_entry, "prices")
    assert suggested_values(result)[CONF_HOUSEHOLD_LIMIT_KW] == 7.5
    result = await hass.config_entries.options.async_configure(result["flow_id"], options)
    await hass.async_block_till_done()
    assert CONF_HOUSEHOLD_LIMIT_KW not in loaded_entry.options
    assert loaded_entry.runtime_data.planner.household_limit_kw is None


async def test_a_price_cap_below_every_price_skips_the_run_and_says_why(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    prices = [slot.price for slot in loaded_entry.runtime_data.planner.price_plan()]
    cheapest = min(prices)
    subentry_id = await add_appliance(hass, loaded_entry, "dishwasher", price_cap=cheapest - 1.0)
    assert loaded_entry.subentries[subentry_id].data["price_cap"] == cheapest - 1.0
    plans = loaded_entry.runtime_data.planner.data.plans(subentry_id)
    assert plans
    # The next run is skipped; a later one may still wait for its prices.
    assert plans[0].issue is not None
    assert plans[0].issue.code == "price_cap_not_met"
    assert not any(plan.runs for plan in plans)
    # Raised above every price, the cap no longer stands in the way.
    result = await reconfigure_appliance(hass, loaded_entry, subentry_id, price_cap=max(prices))
    assert result["type"] is FlowResultType.ABORT
    await loaded_entry.runtime_data.planner.async_refresh()
    scheduled = loaded_entry.runtime_data.planner.data.upcoming(subentry_id)
    assert scheduled is not None
    assert scheduled.runs


async def test_surplus_only_without_a_solar_forecast_is_stored_and_explained(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    subentry_id = await add_appliance(hass, loaded_entry, "washing_machine", surplus_only=True)
    assert loaded_entry.subentries[subentry_id].data["surplus_only"] is True
    plans = loaded_entry.runtime_data.planner.data.plans(subentry_id)
    assert plans
    assert all(plan.issue and plan.issue.code == "surplus_needs_solar" for plan in plans)
