"""The base load and the month's capacity peaks, learnt from a house sensor's recorder statistics.

The statistics are a real household's (Open Power System Data, DE_KN_residential4: grid import
+ PV - export), moved by whole weeks so that 24 November 2016 becomes the test's Tuesday.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.db_schema import StatisticsShortTerm
from homeassistant.components.recorder.models import StatisticMeanType
from homeassistant.components.recorder.statistics import async_import_statistics
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.helpers.recorder import get_instance
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.price_optimizer.const import CONF_BASE_LOAD_SENSOR, CONF_CAPACITY, DOMAIN
from custom_components.price_optimizer.core.tariffs.base_load import (
    energy_from_meter,
    learn_base_load,
)
from custom_components.price_optimizer.core.tariffs.capacity import DailyPeaksStepRule
from custom_components.price_optimizer.diagnostics import async_get_config_entry_diagnostics
from custom_components.price_optimizer.household_load import LEARNING_WINDOW
from custom_components.price_optimizer.repair_issues import BASE_LOAD_SENSOR_CLASS, issue_id
from tests.household_meter import HOUSEHOLD, consumption_readings

from .appliances import add_appliance
from .conftest import AFTERNOON, replay_entry

HOUR = timedelta(hours=1)
BERLIN = ZoneInfo("Europe/Berlin")
NOW = AFTERNOON.astimezone(UTC)
# 2016-11-22 and 2026-11-24 are both Tuesdays.
SHIFT = timedelta(weeks=522)
ELVIA_STEPS = [(0, 112), (2, 184), (5, 300), (10, 420), (15, 540), (20, 656), (25, 1248)]
DAILY_PEAKS_RULE = {
    "kind": "daily_peaks_step",
    "peaks_counted": 3,
    "steps": [{"threshold_kw": t, "monthly_fee": f} for t, f in ELVIA_STEPS],
}
FLEMISH_RULE = {
    "kind": "monthly_peak",
    "fee_per_kw_month": 4.0,
    "floor_kw": 2.5,
    "interval_minutes": 15,
    "rolling_months": 12,
}
MONTH_PEAK = "sensor.replay_de_lu_month_s_peak"
CAPACITY_STEP = "sensor.replay_de_lu_capacity_step"

pytestmark = pytest.mark.skipif(not HOUSEHOLD.exists(), reason="the household data is not here")


@pytest.fixture
def mock_recorder_before_hass(async_test_recorder: Any) -> None:
    """Let the recorder be prepared before Home Assistant starts, as it is in a real install."""


@cache
def household_hours() -> dict[datetime, float]:
    """KWh per UTC hour, shifted to end just before the test's afternoon."""
    readings = [
        (moment + SHIFT, kwh) for moment, kwh in consumption_readings("2016-08-01", "2016-11-25")
    ]
    hourly = energy_from_meter(readings, HOUR)
    return {start: kwh for start, kwh in hourly.items() if start + HOUR <= NOW}


def learning_hours() -> dict[datetime, float]:
    start = (NOW - LEARNING_WINDOW).replace(minute=0, second=0, microsecond=0)
    return {h: kwh for h, kwh in household_hours().items() if h >= start}


def november_daily_peaks() -> dict[str, float]:
    peaks: dict[str, float] = {}
    for start, kwh in household_hours().items():
        local = start.astimezone(BERLIN)
        if (local.year, local.month) == (2026, 11):
            day = local.date().isoformat()
            peaks[day] = max(peaks.get(day, 0.0), kwh)
    return peaks


def import_energy_wh(hass: HomeAssistant, entity_id: str) -> None:
    """The hourly running sum in Wh, as the recorder keeps an energy meter's statistics."""
    hours = sorted(household_hours().items())
    total = 5_000_000.0
    rows = []
    for start, kwh in hours:
        total += kwh * 1000
        rows.append({"start": start, "state": total, "sum": total})
    async_import_statistics(
        hass,
        {
            "has_mean": False,
            "mean_type": StatisticMeanType.NONE,
            "has_sum": True,
            "name": None,
            "source": "recorder",
            "statistic_id": entity_id,
            "unit_class": "energy",
            "unit_of_measurement": "Wh",
        },
        rows,
    )


def power_metadata(entity_id: str) -> Any:
    return {
        "has_mean": True,
        "mean_type": StatisticMeanType.ARITHMETIC,
        "has_sum": False,
        "name": None,
        "source": "recorder",
        "statistic_id": entity_id,
        "unit_class": "power",
        "unit_of_measurement": "W",
    }


def import_power_w(hass: HomeAssistant, entity_id: str) -> None:
    """The hourly mean power in W, as the recorder keeps a power sensor's statistics."""
    rows = [
        {"start": start, "mean": kwh * 1000, "min": 0.0, "max": kwh * 1000}
        for start, kwh in sorted(household_hours().items())
    ]
    async_import_statistics(hass, power_metadata(entity_id), rows)


async def setup_entry(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, **options: Any
) -> MockConfigEntry:
    await hass.config.async_set_time_zone("Europe/Berlin")
    entry = replay_entry()
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, options=options)
    freezer.move_to(AFTERNOON)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    return entry


async def test_an_energy_meter_in_wh_teaches_the_base_load_and_the_daily_peaks(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    hass.states.async_set(
        "sensor.house_energy",
        "5000",
        {"device_class": "energy", "unit_of_measurement": "Wh", "state_class": "total_increasing"},
    )
    import_energy_wh(hass, "sensor.house_energy")
    await async_wait_recording_done(hass)
    entry = await setup_entry(
        hass,
        freezer,
        **{CONF_BASE_LOAD_SENSOR: "sensor.house_energy", CONF_CAPACITY: DAILY_PEAKS_RULE},
    )

    profile, terms = entry.runtime_data.household.load_for_plan(vat_rate=0.0)
    peaks = entry.runtime_data.household.month_peaks_now()
    expected = learn_base_load(learning_hours(), HOUR, "Europe/Berlin")
    assert profile is not None
    assert profile.kw.keys() == expected.kw.keys()
    assert list(profile.kw.values()) == pytest.approx(list(expected.kw.values()))
    daily = november_daily_peaks()
    assert peaks is not None
    assert {day.isoformat(): kw for day, kw in peaks.daily_peaks_kw.items()} == pytest.approx(daily)
    assert terms is not None
    assert terms.rule.kind == "daily_peaks_step"
    assert terms.time_zone == "Europe/Berlin"
    assert terms.daily_peaks_kw == peaks.daily_peaks_kw
    top3 = sorted(daily.values(), reverse=True)[:3]
    billed = sum(top3) / 3

    peak_state = hass.states.get(MONTH_PEAK)
    assert peak_state is not None
    assert float(peak_state.state) == pytest.approx(billed, abs=1e-3)
    assert peak_state.attributes["unit_of_measurement"] == "kW"
    assert peak_state.attributes["peaks_counted"] == 3
    assert peak_state.attributes["daily_peaks"] == pytest.approx(daily, abs=1e-3)
    step_state = hass.states.get(CAPACITY_STEP)
    assert step_state is not None
    thresholds = [t for t, _ in ELVIA_STEPS]
    reached = max(i for i, t in enumerate(thresholds) if billed >= t)
    assert float(step_state.state) == ELVIA_STEPS[reached][1]
    assert step_state.attributes["unit_of_measurement"] == "EUR"
    assert step_state.attributes["from_kw"] == thresholds[reached]
    assert step_state.attributes["to_kw"] == thresholds[reached + 1]

    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["household_load"]["kind"] == "energy"
    assert diagnostics["household_load"]["findings"] == []
    assert diagnostics["household_load"]["profile_slots"] == 7 * 24


async def test_a_power_sensor_in_w_gives_the_quarter_hour_peak_and_its_charge(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    entity_id = "sensor.house_power"
    hass.states.async_set(entity_id, "800", {"device_class": "power", "unit_of_measurement": "W"})
    import_power_w(hass, entity_id)
    # The last hours also have 5-minute statistics, with a short 9 kW kettle-and-oven spike.
    spike = NOW.replace(minute=0, second=0, microsecond=0) - 2 * HOUR
    five = timedelta(minutes=5)
    get_instance(hass).async_import_statistics(
        power_metadata(entity_id),
        [
            {"start": spike + i * five, "mean": 9000.0 if i in {3, 4, 5} else 500.0}
            for i in range(24)
        ],
        StatisticsShortTerm,
    )
    await async_wait_recording_done(hass)
    entry = await setup_entry(
        hass, freezer, **{CONF_BASE_LOAD_SENSOR: entity_id, CONF_CAPACITY: FLEMISH_RULE}
    )

    profile, terms = entry.runtime_data.household.load_for_plan(vat_rate=0.0)
    peaks = entry.runtime_data.household.month_peaks_now()
    expected = learn_base_load(learning_hours(), HOUR, "Europe/Berlin")
    assert profile is not None
    assert list(profile.kw.values()) == pytest.approx(list(expected.kw.values()))
    assert peaks is not None
    assert terms is not None
    assert terms.peak_so_far_kw == pytest.approx(9.0)
    assert terms.earlier_peaks_kw == peaks.earlier_peaks_kw
    # The 15-minute average of the spike's quarter: 9 kW throughout.
    assert peaks.peak_so_far_kw == pytest.approx(9.0)
    october = max(kwh for h, kwh in household_hours().items() if h.astimezone(BERLIN).month == 10)
    assert peaks.earlier_months["2026-10"] == pytest.approx(october)
    assert set(peaks.earlier_months) == {"2026-09", "2026-10"}

    peak_state = hass.states.get(MONTH_PEAK)
    assert peak_state is not None
    assert float(peak_state.state) == pytest.approx(9.0)
    assert peak_state.attributes["interval_minutes"] == 15
    step_state = hass.states.get(CAPACITY_STEP)
    assert step_state is not None
    billed = [max(p, 2.5) for p in (*peaks.earlier_peaks_kw, 9.0)]
    assert float(step_state.state) == pytest.approx(4.0 * sum(billed) / len(billed), abs=0.01)
    assert step_state.attributes["floor_kw"] == 2.5


async def test_a_missing_sensor_leaves_the_base_load_at_zero_with_a_finding(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    entry = await setup_entry(
        hass,
        freezer,
        **{CONF_BASE_LOAD_SENSOR: "sensor.not_there", CONF_CAPACITY: DAILY_PEAKS_RULE},
    )
    assert entry.runtime_data.household.load_for_plan(vat_rate=0.0) == (None, None)
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["household_load"]["findings"] == ["sensor_missing"]
    state = hass.states.get(MONTH_PEAK)
    assert state is not None
    assert state.state == "unavailable"
    assert (
        ir.async_get(hass).async_get_issue(DOMAIN, issue_id(BASE_LOAD_SENSOR_CLASS, entry.entry_id))
        is None
    )


async def test_a_sensor_without_statistics_is_a_finding(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    hass.states.async_set("sensor.new_meter", "unavailable", {"device_class": "energy"})
    entry = await setup_entry(hass, freezer, **{CONF_BASE_LOAD_SENSOR: "sensor.new_meter"})
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["household_load"]["findings"] == ["sensor_unavailable", "no_statistics"]
    assert entry.runtime_data.household.load_for_plan(vat_rate=0.0) == (None, None)
    # No capacity charge: no capacity sensors.
    assert hass.states.get(MONTH_PEAK) is None


async def test_a_sensor_of_the_wrong_device_class_raises_a_repair_issue_until_fixed(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    hass.states.async_set(
        "sensor.house_energy", "21", {"device_class": "temperature", "unit_of_measurement": "°C"}
    )
    entry = await setup_entry(hass, freezer, **{CONF_BASE_LOAD_SENSOR: "sensor.house_energy"})
    wrong_class = issue_id(BASE_LOAD_SENSOR_CLASS, entry.entry_id)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, wrong_class)
    assert issue is not None
    assert issue.translation_key == "base_load_sensor_class"
    assert issue.translation_placeholders == {
        "title": entry.title,
        "entity_id": "sensor.house_energy",
        "device_class": "temperature",
    }
    assert entry.runtime_data.household.load_for_plan(vat_rate=0.0) == (None, None)

    hass.states.async_set(
        "sensor.house_energy", "5000", {"device_class": "energy", "unit_of_measurement": "Wh"}
    )
    import_energy_wh(hass, "sensor.house_energy")
    await async_wait_recording_done(hass)
    await entry.runtime_data.household.async_refresh()
    assert ir.async_get(hass).async_get_issue(DOMAIN, wrong_class) is None
    assert entry.runtime_data.household.load_for_plan(vat_rate=0.0)[0] is not None

    hass.states.async_set("sensor.house_energy", "21", {"device_class": "temperature"})
    await entry.runtime_data.household.async_refresh()
    assert ir.async_get(hass).async_get_issue(DOMAIN, wrong_class) is not None
    await hass.config_entries.async_remove(entry.entry_id)
    assert ir.async_get(hass).async_get_issue(DOMAIN, wrong_class) is None


async def test_capacity_sensors_appear_when_a_charge_is_configured_later(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    hass.states.async_set("sensor.house_power", "800", {"device_class": "power"})
    import_power_w(hass, "sensor.house_power")
    await async_wait_recording_done(hass)
    entry = await setup_entry(hass, freezer, **{CONF_BASE_LOAD_SENSOR: "sensor.house_power"})
    assert hass.states.get(MONTH_PEAK) is None

    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_CAPACITY: DAILY_PEAKS_RULE}
    )
    # The peaks are read from the recorder's history in its own thread first; on a busy machine
    # one round of waiting can end before that read has.
    for _ in range(20):
        await async_wait_recording_done(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        if hass.states.get(MONTH_PEAK) is not None:
            break
    state = hass.states.get(MONTH_PEAK)
    assert state is not None
    daily = november_daily_peaks()
    assert float(state.state) == pytest.approx(sum(sorted(daily.values())[-3:]) / 3, abs=1e-3)
    registry = er.async_get(hass)
    assert registry.async_get(MONTH_PEAK) is not None


async def test_without_a_recorder_the_base_load_is_zero_with_a_finding(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    hass.states.async_set("sensor.house_power", "800", {"device_class": "power"})
    entry = await setup_entry(hass, freezer, **{CONF_BASE_LOAD_SENSOR: "sensor.house_power"})
    assert entry.runtime_data.household.load_for_plan(vat_rate=0.0) == (None, None)
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["household_load"]["findings"] == ["no_recorder"]


async def test_without_a_sensor_nothing_is_read_or_stored(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hass_storage: dict[str, Any]
) -> None:
    entry = await setup_entry(hass, freezer)
    assert entry.runtime_data.household.load_for_plan(vat_rate=0.0) == (None, None)
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["household_load"]["findings"] == ["not_configured"]
    assert f"{DOMAIN}.{entry.entry_id}.household_load" not in hass_storage


async def test_a_restart_plans_with_what_was_learnt_and_relearns_a_day_later(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    hass.states.async_set("sensor.house_power", "800", {"device_class": "power"})
    import_power_w(hass, "sensor.house_power")
    await async_wait_recording_done(hass)
    entry = await setup_entry(
        hass,
        freezer,
        **{CONF_BASE_LOAD_SENSOR: "sensor.house_power", CONF_CAPACITY: DAILY_PEAKS_RULE},
    )
    key = f"{DOMAIN}.{entry.entry_id}.household_load"
    learnt, terms = entry.runtime_data.household.load_for_plan(vat_rate=0.0)
    assert hass_storage[key]["data"]["sensor"] == "sensor.house_power"
    assert await hass.config_entries.async_unload(entry.entry_id)

    # What the Store holds comes back as it was, before the recorder is read again.
    stored = hass_storage[key]["data"]
    stored["profile"]["kw"] = [
        [weekday, slot, 0.25] for weekday, slot, _ in stored["profile"]["kw"]
    ]
    freezer.move_to(AFTERNOON + 2 * HOUR)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    household = entry.runtime_data.household
    profile, again = household.load_for_plan(vat_rate=0.0)
    assert profile is not None
    assert set(profile.kw.values()) == {0.25}
    assert again == terms
    assert household.data.peaks_at == AFTERNOON + 2 * HOUR

    # A day after learning, the hourly refresh learns the profile again.
    freezer.move_to(AFTERNOON + 25 * HOUR)
    await household.async_refresh()
    relearnt, _ = household.load_for_plan(vat_rate=0.0)
    assert household.data.learnt_at == AFTERNOON + 25 * HOUR
    assert relearnt is not None
    assert relearnt.kw.keys() == learnt.kw.keys()
    assert set(relearnt.kw.values()) != {0.25}
    # The re-plan the new profile starts reads the recorder too: no query may still run when
    # the recorder closes its database at the test's end.
    await hass.async_block_till_done(wait_background_tasks=True)
    await async_wait_recording_done(hass)


async def test_statistics_in_a_unit_that_is_not_energy_are_not_used(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    hass.states.async_set("sensor.house_power", "800", {"device_class": "power"})
    async_import_statistics(
        hass,
        {**power_metadata("sensor.house_power"), "unit_class": None, "unit_of_measurement": "A"},
        [{"start": NOW.replace(minute=0) - 2 * HOUR, "mean": 4.0, "min": 4.0, "max": 4.0}],
    )
    await async_wait_recording_done(hass)
    entry = await setup_entry(hass, freezer, **{CONF_BASE_LOAD_SENSOR: "sensor.house_power"})
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["household_load"]["findings"] == ["unit_unsupported"]
    assert entry.runtime_data.household.load_for_plan(vat_rate=0.0) == (None, None)


async def test_an_invalid_capacity_charge_is_a_finding_and_shows_no_sensors(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    hass.states.async_set("sensor.house_power", "800", {"device_class": "power"})
    import_power_w(hass, "sensor.house_power")
    await async_wait_recording_done(hass)
    entry = await setup_entry(
        hass,
        freezer,
        **{CONF_BASE_LOAD_SENSOR: "sensor.house_power", CONF_CAPACITY: {"kind": "yearly"}},
    )
    household = entry.runtime_data.household
    assert household.capacity_rule is None
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["household_load"]["findings"] == ["capacity_invalid"]
    profile, terms = household.load_for_plan(vat_rate=0.0)
    assert profile is not None
    assert terms is None
    peaks = household.month_peaks_now()
    assert peaks is not None
    assert peaks.interval_minutes == 60
    assert hass.states.get(MONTH_PEAK) is None


async def test_statistics_older_than_the_window_teach_nothing(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    hass.states.async_set("sensor.house_power", "800", {"device_class": "power"})
    long_ago = NOW.replace(minute=0) - 3 * LEARNING_WINDOW
    async_import_statistics(
        hass,
        power_metadata("sensor.house_power"),
        [{"start": long_ago, "mean": 400.0, "min": 400.0, "max": 400.0}],
    )
    await async_wait_recording_done(hass)
    entry = await setup_entry(hass, freezer, **{CONF_BASE_LOAD_SENSOR: "sensor.house_power"})
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["household_load"]["findings"] == ["no_statistics"]


async def test_a_sensor_not_yet_started_is_not_judged_by_its_device_class(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    hass.states.async_set("sensor.house_power", "unavailable")
    entry = await setup_entry(hass, freezer, **{CONF_BASE_LOAD_SENSOR: "sensor.house_power"})
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["household_load"]["findings"] == ["sensor_unavailable"]
    assert (
        ir.async_get(hass).async_get_issue(DOMAIN, issue_id(BASE_LOAD_SENSOR_CLASS, entry.entry_id))
        is None
    )


@pytest.mark.usefixtures("market_prices_only")
async def test_the_plan_counts_the_learnt_base_load_and_prices_the_capacity_charge(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    hass.states.async_set("sensor.house_power", "800", {"device_class": "power"})
    import_power_w(hass, "sensor.house_power")
    await async_wait_recording_done(hass)
    entry = await setup_entry(
        hass,
        freezer,
        **{CONF_BASE_LOAD_SENSOR: "sensor.house_power", CONF_CAPACITY: DAILY_PEAKS_RULE},
    )
    await add_appliance(hass, entry, "ev_charger")
    await hass.async_block_till_done(wait_background_tasks=True)
    schedule = entry.runtime_data.planner.data.schedule
    # The EV's 7 kW on top of the house crosses Elvia's steps: the plan says what that costs,
    # and compares its savings with a baseline that pays its own capacity charge.
    assert schedule.capacity_cost is not None
    assert schedule.baseline_capacity_cost is not None
    assert schedule.planned_cost == pytest.approx(
        sum(plan.planned_cost or 0.0 for plan in schedule.plans) + schedule.capacity_cost
    )
    # Published fees exclude VAT; plans weigh them with it, as they weigh the prices.
    _, plain = entry.runtime_data.household.load_for_plan(vat_rate=0.0)
    _, taxed = entry.runtime_data.household.load_for_plan(vat_rate=0.25)
    assert plain is not None
    assert taxed is not None
    assert isinstance(plain.rule, DailyPeaksStepRule)
    assert isinstance(taxed.rule, DailyPeaksStepRule)
    assert [step.monthly_fee for step in taxed.rule.steps] == pytest.approx(
        [1.25 * step.monthly_fee for step in plain.rule.steps]
    )

    # Without the sensor the base load is zero and the charge is still planned on the EV alone.
    hass.config_entries.async_update_entry(entry, options={CONF_CAPACITY: DAILY_PEAKS_RULE})
    await hass.async_block_till_done(wait_background_tasks=True)
    profile, _ = entry.runtime_data.household.load_for_plan(vat_rate=0.0)
    assert profile is None
