"""The household's solar forecast, read for every plan from an energy platform or sensors.

The production is a real household's (Open Power System Data, DE_KN_residential4, its PV
meter), moved by whole weeks so that 22 November 2016 becomes the test's Tuesday. It reaches
Home Assistant the two ways a household's forecast does: through the energy platform of an
integration (a minimal one here, giving ``wh_hours`` in Forecast.Solar's shape: local offsets,
no keys at night), and as Solcast's ``detailedForecast`` attribute on two day sensors.
"""

from __future__ import annotations

from collections.abc import Iterator
import csv
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry, ConfigEntryState, ConfigFlow
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockModule,
    async_fire_time_changed,
    mock_config_flow,
    mock_integration,
    mock_platform,
)

from custom_components.price_optimizer.const import CONF_SOLAR_FORECAST, DOMAIN, PERSISTENT_PROBLEM
from custom_components.price_optimizer.core.tariffs.base_load import energy_from_meter
from custom_components.price_optimizer.diagnostics import async_get_config_entry_diagnostics
from custom_components.price_optimizer.repair_issues import SOLAR_FORECAST, issue_id

from .appliances import add_appliance
from .conftest import AFTERNOON, replay_entry
from .options import open_options_step

HOUR = timedelta(hours=1)
HALF = timedelta(minutes=30)
BERLIN = ZoneInfo("Europe/Berlin")
NOW = AFTERNOON.astimezone(UTC)
HOUSEHOLD = Path(__file__).resolve().parents[3] / "shared/pv/power_of_residential_4.csv"
# 2016-11-22 and 2026-11-24 are both Tuesdays.
SHIFT = timedelta(weeks=522)
ROOF = "solar_test"
TODAY = "sensor.solcast_pv_forecast_forecast_today"
TOMORROW = "sensor.solcast_pv_forecast_forecast_tomorrow"

pytestmark = [
    pytest.mark.skipif(not HOUSEHOLD.exists(), reason="the household data is not here"),
    pytest.mark.usefixtures("market_prices_only"),
]


@cache
def production() -> dict[datetime, float]:
    """KWh the household's panels produced per UTC hour on the test's Tuesday and Wednesday."""
    readings = []
    with HOUSEHOLD.open() as handle:
        for row in csv.DictReader(handle):
            if row["DE_KN_residential4_pv"] and "2016-11-21" <= row["utc_timestamp"] < "2016-11-25":
                moment = datetime.fromisoformat(row["utc_timestamp"].replace("Z", "+00:00"))
                readings.append((moment + SHIFT, float(row["DE_KN_residential4_pv"])))
    hourly = energy_from_meter(readings, HOUR)
    first = datetime(2026, 11, 24, tzinfo=BERLIN).astimezone(UTC)
    return {h: kwh for h, kwh in hourly.items() if first <= h < first + timedelta(days=2)}


def wh_hours(shift: timedelta = timedelta(0)) -> dict[str, float]:
    """The production as Forecast.Solar's energy platform gives it: Wh, local time, no night."""
    return {
        (start + shift).astimezone(BERLIN).isoformat(): round(kwh * 1000)
        for start, kwh in production().items()
        if kwh > 0
    }


def detailed_forecast(day: int, shift: timedelta = timedelta(0)) -> list[dict[str, Any]]:
    """One local day of the production as Solcast's ``detailedForecast``: half-hourly kW."""
    start = datetime(2026, 11, 24 + day, tzinfo=BERLIN).astimezone(UTC) + shift
    entries = []
    for half in range(48):
        moment = start + half * HALF
        kw = production().get(moment.replace(minute=0) - shift, 0.0)
        entries.append(
            {
                "period_start": moment.astimezone(BERLIN),
                "pv_estimate": round(kw, 4),
                "pv_estimate10": round(kw * 0.6, 4),
                "pv_estimate90": round(kw * 1.2, 4),
            }
        )
    return entries


class RoofForecast:
    """The energy platform of the minimal forecast integration: its entry's ``wh_hours``."""

    @staticmethod
    async def async_get_solar_forecast(
        hass: HomeAssistant, config_entry_id: str
    ) -> dict[str, dict[str, float]] | None:
        entry = hass.config_entries.async_get_entry(config_entry_id)
        if entry is None or entry.state is not ConfigEntryState.LOADED:
            return None
        forecast: dict[str, dict[str, float]] = {"wh_hours": entry.runtime_data}
        return forecast


class RoofFlow(ConfigFlow):
    """The minimal integration's config flow: its entries are made by the test."""

    VERSION = 1


@pytest.fixture(autouse=True)
def roof_flow() -> Iterator[None]:
    """Let Home Assistant set up the minimal integration's entries."""
    with mock_config_flow(ROOF, RoofFlow):
        yield


async def add_roof(hass: HomeAssistant, hours: dict[str, Any]) -> MockConfigEntry:
    """Set up an entry of the minimal integration with an energy platform giving ``hours``."""

    async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
        entry.runtime_data = hours
        return True

    async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
        return True

    mock_integration(
        hass,
        MockModule(
            ROOF, async_setup_entry=async_setup_entry, async_unload_entry=async_unload_entry
        ),
    )
    mock_platform(hass, f"{ROOF}.config_flow")
    mock_platform(hass, f"{ROOF}.energy", RoofForecast())  # type: ignore[arg-type]
    roof = MockConfigEntry(domain=ROOF, title="South roof")
    roof.add_to_hass(hass)
    assert await hass.config_entries.async_setup(roof.entry_id)
    return roof


def set_day_sensors(hass: HomeAssistant, shift: timedelta = timedelta(0)) -> None:
    for day, entity_id in enumerate((TODAY, TOMORROW)):
        entries = detailed_forecast(day, shift)
        total = sum(e["pv_estimate"] for e in entries) / 2
        hass.states.async_set(
            entity_id,
            str(round(total, 2)),
            {
                "device_class": "energy",
                "unit_of_measurement": "kWh",
                "friendly_name": f"Solcast forecast {('today', 'tomorrow')[day]}",
                "detailedForecast": entries,
            },
        )


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
    await hass.async_block_till_done(wait_background_tasks=True)
    return entry


async def choose(hass: HomeAssistant, entry: MockConfigEntry, kind: str, answer: Any) -> Any:
    """Choose the solar forecast in the options as a person does; return the last result."""
    result = await open_options_step(hass, entry, "solar_forecast")
    assert result["step_id"] == "solar_forecast"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"solar_kind": kind}
    )
    if result["type"] is FlowResultType.FORM and result["step_id"] != "solar_forecast":
        result = await hass.config_entries.options.async_configure(result["flow_id"], answer)
    await hass.async_block_till_done(wait_background_tasks=True)
    return result


def plan_slots(entry: MockConfigEntry) -> dict[datetime, float | None]:
    data = entry.runtime_data.planner.data
    return {slot.start: slot.kw for slot in data.solar_slots}


async def get_plan(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN, "get_plan", {"config_entry": entry.entry_id}, blocking=True, return_response=True
    )
    assert isinstance(response, dict)
    return response


async def replan(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Let what is due after a move of the clock run (the price fetch too), then plan."""
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    await entry.runtime_data.planner.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)


def expected_kw(since: datetime) -> dict[datetime, float]:
    """The plan's hourly price slots from ``since`` that the production covers, in kW."""
    first = datetime(2026, 11, 24, 7, tzinfo=UTC)
    return {
        start: production().get(start, 0.0)
        for start in (since + i * HOUR for i in range(48))
        if first <= start < datetime(2026, 11, 25, 15, tzinfo=UTC)
    }


async def test_plans_with_an_energy_platform_entry_and_says_which_and_when(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    roof = await add_roof(hass, wh_hours())
    result = await choose(hass, entry, "energy_platform", {"config_entries": [roof.entry_id]})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options[CONF_SOLAR_FORECAST] == {
        "kind": "energy_platform",
        "config_entries": [roof.entry_id],
    }

    data = entry.runtime_data.planner.data
    assert data.schedule.plans, "the appliance is still planned"
    assert data.solar is not None
    assert data.solar.used
    assert data.solar.source.names == ("South roof",)
    assert data.solar.source.details == (ROOF,)
    assert data.solar.read_at == NOW
    slots = plan_slots(entry)
    # From the price slot under way to the end of Wednesday's production, each hour's mean
    # kW is the energy the household's meter counted in it; the night counts as zero.
    start = datetime(2026, 11, 24, 13, tzinfo=UTC)
    covered = {s: kw for s, kw in slots.items() if kw is not None}
    assert covered == pytest.approx(expected_kw(start))
    assert max(covered.values()) > 1.0
    assert slots[datetime(2026, 11, 24, 23, tzinfo=UTC)] == 0.0
    # Past the forecast's last period nothing is known, and the slot says so.
    assert slots[datetime(2026, 11, 25, 20, tzinfo=UTC)] is None

    # The plan runs on it: the balance's solar is the forecast's, on the plan's own slots.
    energy = data.schedule.energy
    assert energy is not None
    assert energy.solar_slots_known > 0
    planned_solar = {slot.start: slot.solar_kwh for slot in energy.slots}
    noon = datetime(2026, 11, 25, 11, tzinfo=UTC)
    # The hour's slots of the plan hold the hour's energy: its mean kW over one hour.
    in_the_hour = [kwh for start_, kwh in planned_solar.items() if noon <= start_ < noon + HOUR]
    assert sum(in_the_hour) == pytest.approx(expected_kw(start)[noon])

    answer = (await get_plan(hass, entry))["solar"]
    assert answer["used"] is True
    assert answer["source"] == {
        "kind": "energy_platform",
        "ids": [roof.entry_id],
        "names": ["South roof"],
        "details": [ROOF],
    }
    assert answer["read_at"] == NOW.isoformat()
    assert answer["reason"] is None
    assert answer["slots"][0]["start"] == start.isoformat()
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)  # type: ignore[arg-type]
    assert diagnostics["solar_forecast"]["last_reading"]["used"] is True
    assert diagnostics["solar_forecast"]["last_good_at"] == NOW.isoformat()
    assert len(diagnostics["solar_forecast"]["plan_slots"]) == len(slots)


async def test_plans_with_solcast_day_sensors_joined(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    set_day_sensors(hass)
    result = await choose(hass, entry, "sensor", {"entities": [TODAY, TOMORROW]})
    assert result["type"] is FlowResultType.CREATE_ENTRY

    data = entry.runtime_data.planner.data
    assert data.solar is not None
    assert data.solar.used
    assert data.solar.source.details == ("detailedForecast", "detailedForecast")
    assert data.solar.source.names == ("Solcast forecast today", "Solcast forecast tomorrow")
    slots = plan_slots(entry)
    start = datetime(2026, 11, 24, 13, tzinfo=UTC)
    # Both days are whole local days: everything up to Wednesday's local midnight is known.
    expected = {
        start + i * HOUR: production().get(start + i * HOUR, 0.0)
        for i in range(int((datetime(2026, 11, 25, 23, tzinfo=UTC) - start) / HOUR))
    }
    assert {s: kw for s, kw in slots.items() if kw is not None} == pytest.approx(expected, abs=1e-4)
    assert max(expected.values()) > 1.0


async def test_refuses_a_sensor_without_a_forecast_attribute(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    hass.states.async_set("sensor.pv_power", "1200", {"unit_of_measurement": "W"})
    result = await choose(hass, entry, "sensor", {"entities": ["sensor.pv_power"]})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"entities": "sensor_without_solar_forecast"}
    assert result["description_placeholders"] == {"entity_id": "sensor.pv_power"}
    assert CONF_SOLAR_FORECAST not in entry.options


async def test_offers_no_integration_when_none_provides_a_forecast(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    result = await choose(hass, entry, "energy_platform", {})
    assert result["step_id"] == "solar_forecast"
    assert result["errors"] == {"base": "no_solar_forecast_entries"}


async def test_a_missing_forecast_leaves_the_plan_without_solar_and_says_so(
    hass: HomeAssistant, entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    roof = await add_roof(hass, wh_hours())
    await choose(hass, entry, "energy_platform", {"config_entries": [roof.entry_id]})
    assert entry.runtime_data.planner.data.solar.used

    assert await hass.config_entries.async_unload(roof.entry_id)
    freezer.tick(timedelta(minutes=30))
    await replan(hass, entry)
    data = entry.runtime_data.planner.data
    assert data.schedule.plans, "the plan goes on"
    assert data.schedule.energy is None, "and plans on the grid alone"
    assert data.solar is not None
    assert not data.solar.used
    assert data.solar_slots == ()
    answer = (await get_plan(hass, entry))["solar"]
    assert (answer["used"], answer["reason"]) == (False, "source_not_loaded")
    assert answer["slots"] == []
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)  # type: ignore[arg-type]
    # The good forecast of half an hour ago is kept apart, never shown as the current one.
    assert diagnostics["solar_forecast"]["last_good_at"] == NOW.isoformat()
    assert diagnostics["solar_forecast"]["last_reading"]["used"] is False
    solar_issue = issue_id(SOLAR_FORECAST, entry.entry_id)
    assert ir.async_get(hass).async_get_issue(DOMAIN, solar_issue) is None

    # Once it has lasted, it is a repair issue; it goes when the forecast is back.
    freezer.tick(PERSISTENT_PROBLEM)
    await replan(hass, entry)
    raised = ir.async_get(hass).async_get_issue(DOMAIN, solar_issue)
    assert raised is not None
    assert raised.translation_key == "solar_source_not_loaded"
    assert raised.translation_placeholders is not None
    assert raised.translation_placeholders["source"] == "South roof (solar_test)"
    assert await hass.config_entries.async_setup(roof.entry_id)
    await replan(hass, entry)
    assert entry.runtime_data.planner.data.solar.used
    assert ir.async_get(hass).async_get_issue(DOMAIN, solar_issue) is None


async def test_a_forecast_that_ended_is_not_used(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    # The same days a week earlier: a forecast nobody refreshed.
    set_day_sensors(hass, shift=-timedelta(weeks=1))
    await choose(hass, entry, "sensor", {"entities": [TODAY, TOMORROW]})
    data = entry.runtime_data.planner.data
    assert data.schedule.plans
    assert data.solar is not None
    assert (data.solar.used, data.solar.issue and data.solar.issue.code) == (
        False,
        "forecast_ended",
    )
    assert data.solar_slots == ()


async def test_a_forecast_that_stopped_changing_a_day_ago_is_stale(
    hass: HomeAssistant, entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    # Written the evening before with tomorrow's days still ahead, then never again.
    freezer.move_to(AFTERNOON - timedelta(hours=25))
    set_day_sensors(hass)
    freezer.move_to(AFTERNOON)
    await choose(hass, entry, "sensor", {"entities": [TODAY, TOMORROW]})
    solar = entry.runtime_data.planner.data.solar
    assert solar is not None
    assert solar.issue is not None
    assert (solar.issue.code, solar.issue.placeholders["hours"]) == ("forecast_old", "25")
    answer = (await get_plan(hass, entry))["solar"]
    assert answer["changed_at"] == (NOW - timedelta(hours=25)).isoformat()


async def test_an_energy_platform_answer_that_stopped_changing_is_stale(
    hass: HomeAssistant, entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    roof = await add_roof(hass, wh_hours())
    await choose(hass, entry, "energy_platform", {"config_entries": [roof.entry_id]})
    assert entry.runtime_data.planner.data.solar.used
    freezer.tick(timedelta(hours=24, minutes=30))
    await replan(hass, entry)
    solar = entry.runtime_data.planner.data.solar
    assert solar.issue is not None
    assert solar.issue.code == "forecast_old"
    assert solar.changed_at == NOW


async def test_a_malformed_forecast_is_not_used(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    hours = wh_hours()
    assert "2026-11-24T08:00:00+01:00" in hours
    hours["2026-11-24T08:00:00+01:00"] = -40
    roof = await add_roof(hass, hours)
    await choose(hass, entry, "energy_platform", {"config_entries": [roof.entry_id]})
    solar = entry.runtime_data.planner.data.solar
    assert solar is not None
    assert solar.issue is not None
    assert solar.issue.code == "forecast_malformed"
    assert dict(solar.issue.placeholders) == {
        "source": "South roof",
        "problem": "value_negative",
        "at": "2026-11-24T07:00:00+00:00",
        "value": "-40",
    }
    assert entry.runtime_data.planner.data.schedule.plans


async def test_choosing_none_plans_without_solar_again(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    set_day_sensors(hass)
    await choose(hass, entry, "sensor", {"entities": [TODAY, TOMORROW]})
    assert entry.runtime_data.planner.data.solar is not None
    await choose(hass, entry, "none", {})
    assert CONF_SOLAR_FORECAST not in entry.options
    assert entry.runtime_data.planner.data.solar is None
    assert (await get_plan(hass, entry))["solar"] is None


@pytest.mark.parametrize(
    ("configured", "reason"),
    [
        ({"kind": "sensor", "entities": ["sensor.gone"]}, "source_missing"),
        ({"kind": "sensor", "entities": [TODAY, "sensor.unavailable"]}, "source_unavailable"),
        ({"kind": "energy_platform", "config_entries": ["01JUNKNOWNENTRY"]}, "source_missing"),
    ],
)
async def test_a_source_that_is_gone_or_unavailable_is_named_with_why(
    hass: HomeAssistant, entry: MockConfigEntry, configured: dict[str, Any], reason: str
) -> None:
    set_day_sensors(hass)
    hass.states.async_set("sensor.unavailable", "unavailable", {"friendly_name": "Old forecast"})
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_SOLAR_FORECAST: configured}
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    answer = (await get_plan(hass, entry))["solar"]
    assert (answer["used"], answer["reason"]) == (False, reason)
    assert answer["source"]["ids"] == configured.get("entities", configured.get("config_entries"))
    assert entry.runtime_data.planner.data.schedule.plans
