"""Sensors at a frozen time, checked against the bundled data they replay."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from statistics import fmean

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.price_optimizer.core.prices import per_kwh
from custom_components.price_optimizer.core.sources.replay import load_table
from custom_components.price_optimizer.precision import price

from .conftest import AFTERNOON, MORNING, replay_entry

PREFIX = "sensor.replay_de_lu_"
TOMORROW = "binary_sensor.replay_de_lu_tomorrow_s_prices_available"


def replayed_day(day: date, area: str = "DE_LU") -> list[float]:
    """Return the 24 hourly prices per kWh the replay serves for a normal day."""
    table = load_table()
    index = (day - table.first_day).days
    return [per_kwh(price) for price in table.prices[area][index * 24 : index * 24 + 24]]


# 2026-11-24 is replayed from Tuesday 2022-11-22, 2026-11-25 from Wednesday 2022-11-23.
TODAY = replayed_day(date(2022, 11, 22))
TOMORROW_PRICES = replayed_day(date(2022, 11, 23))


def state(hass: HomeAssistant, key: str) -> str:
    return hass.states.get(PREFIX + key).state


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_price_sensors_at_a_frozen_afternoon(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    assert float(state(hass, "current_price")) == pytest.approx(TODAY[14])
    assert float(state(hass, "next_slot_price")) == pytest.approx(TODAY[15])
    assert float(state(hass, "today_s_lowest_price")) == pytest.approx(min(TODAY))
    assert float(state(hass, "today_s_highest_price")) == pytest.approx(max(TODAY))
    assert float(state(hass, "today_s_average_price")) == price(fmean(TODAY))
    cheapest = dt_util.parse_datetime(state(hass, "today_s_cheapest_slot"))
    dearest = dt_util.parse_datetime(state(hass, "today_s_most_expensive_slot"))
    assert dt_util.as_local(cheapest).hour == TODAY.index(min(TODAY))
    assert dt_util.as_local(dearest).hour == TODAY.index(max(TODAY))
    assert hass.states.get(TOMORROW).state == "on"
    assert dt_util.parse_datetime(state(hass, "last_successful_fetch")) == AFTERNOON
    assert state(hass, "data_quality_findings") == "0"

    current = hass.states.get(PREFIX + "current_price")
    assert current.attributes["unit_of_measurement"] == "EUR/kWh"
    assert current.attributes["state_class"] == "measurement"
    assert [slot["price"] for slot in current.attributes["today"]] == pytest.approx(TODAY)
    assert [slot["price"] for slot in current.attributes["tomorrow"]] == pytest.approx(
        TOMORROW_PRICES
    )
    assert current.attributes["today"][0]["start"] == "2026-11-23T23:00:00+00:00"


async def test_state_follows_slot_boundaries(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(AFTERNOON.replace(hour=15, minute=0))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert float(state(hass, "current_price")) == pytest.approx(TODAY[15])
    assert float(state(hass, "next_slot_price")) == pytest.approx(TODAY[16])


async def test_tomorrow_is_unknown_in_the_morning(
    hass: HomeAssistant,
    berlin: HomeAssistant,
    mock_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    freezer.move_to(MORNING)
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(TOMORROW).state == "off"
    assert hass.states.get(PREFIX + "current_price").attributes["tomorrow"] == []
    assert float(state(hass, "current_price")) == pytest.approx(TODAY[9])


@pytest.mark.parametrize(
    ("day", "resolution", "slots"),
    [
        (datetime.fromisoformat("2026-03-29T12:00:00+02:00"), "60", 23),
        (datetime.fromisoformat("2026-03-29T12:00:00+02:00"), "15", 92),
        (datetime.fromisoformat("2026-10-25T12:00:00+01:00"), "60", 25),
        (datetime.fromisoformat("2026-10-25T12:00:00+01:00"), "15", 100),
    ],
)
async def test_dst_days_in_the_replay(
    hass: HomeAssistant,
    berlin: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    day: datetime,
    resolution: str,
    slots: int,
) -> None:
    entry = replay_entry(resolution=resolution)
    entry.add_to_hass(hass)
    freezer.move_to(day)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    today = hass.states.get(PREFIX + "current_price").attributes["today"]
    assert len(today) == slots
    assert (
        dt_util.parse_datetime(today[-1]["end"]) - dt_util.parse_datetime(today[0]["start"])
        == timedelta(minutes=15 if resolution == "15" else 60) * slots
    )


async def test_last_fetch_is_disabled_by_default(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    entry = entity_registry.async_get(PREFIX + "last_successful_fetch")
    assert entry is not None
    assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert hass.states.get(PREFIX + "last_successful_fetch") is None
