"""Runs over time: started at the planned start, done at the end, in the ledger, across restarts."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_OFF, SERVICE_TURN_ON
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.price_optimizer.const import DOMAIN
from custom_components.price_optimizer.precision import money

from .appliances import add_appliance, entity_id, move_to, state_of
from .conftest import AFTERNOON

pytestmark = pytest.mark.usefixtures("market_prices_only")
HOUR = timedelta(hours=1)
QUARTER = timedelta(minutes=15)
# The first quarter-hour after AFTERNOON (14:07): the earliest an appliance added then could start.
FIRST_BOUNDARY = dt_util.as_utc(AFTERNOON.replace(minute=15))


async def hourly_prices(hass: HomeAssistant, entry: MockConfigEntry) -> dict[datetime, float]:
    response = await hass.services.async_call(
        DOMAIN, "get_prices", {"config_entry": entry.entry_id}, blocking=True, return_response=True
    )
    assert response is not None
    return {
        dt_util.parse_datetime(slot["start"]): slot["price"]
        for slot in [*response["today"], *response["tomorrow"]]
    }


def cost(prices: dict[datetime, float], start: datetime, hours: int, power_kw: float) -> float:
    """Return what ``hours`` at ``power_kw`` from ``start`` cost, a quarter-hour at a time."""
    quarters = (start + step * QUARTER for step in range(4 * hours))
    return power_kw * sum(prices[moment.replace(minute=0)] / 4 for moment in quarters)


def planned_run(hass: HomeAssistant, appliance_id: str) -> tuple[datetime, datetime]:
    start = dt_util.parse_datetime(state_of(hass, "sensor", appliance_id, "next_start").state)
    end = dt_util.parse_datetime(state_of(hass, "sensor", appliance_id, "next_end").state)
    assert start is not None
    assert end is not None
    return start, end


async def restart(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Stop the entry and start it again from what it stored."""
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def test_a_cycle_starts_runs_finishes_and_its_savings_are_realised(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher")
    prices = await hourly_prices(hass, loaded_entry)
    start, end = planned_run(hass, dishwasher)
    expected_savings = float(state_of(hass, "sensor", dishwasher, "expected_savings").state)

    await move_to(hass, freezer, start - timedelta(minutes=1))
    assert state_of(hass, "sensor", dishwasher, "status").state == "scheduled"
    assert state_of(hass, "binary_sensor", dishwasher, "run_now").state == "off"
    await move_to(hass, freezer, start)
    assert state_of(hass, "sensor", dishwasher, "status").state == "running"
    assert state_of(hass, "binary_sensor", dishwasher, "run_now").state == "on"
    assert hass.states.get("calendar.replay_de_lu_appliance_plan").state == "on"  # type: ignore[union-attr]
    # While it runs, cost and savings are what the plan promised at the start.
    assert float(state_of(hass, "sensor", dishwasher, "expected_savings").state) == pytest.approx(
        expected_savings
    )

    await move_to(hass, freezer, end)
    assert state_of(hass, "sensor", dishwasher, "status").state == "done"
    assert state_of(hass, "binary_sensor", dishwasher, "run_now").state == "off"
    paid = cost(prices, start, 2, 1.5)
    baseline = cost(prices, FIRST_BOUNDARY, 2, 1.5)
    ledger = state_of(hass, "sensor", dishwasher, "realised_savings")
    assert float(ledger.state) == pytest.approx(money(baseline - paid))
    assert float(ledger.state) == pytest.approx(expected_savings)
    assert ledger.attributes["state_class"] == "total"
    assert ledger.attributes["unit_of_measurement"] == "EUR"
    assert ledger.attributes["runs"] == 1
    assert ledger.attributes["last_run"]["paid"] == pytest.approx(paid)
    assert ledger.attributes["last_run"]["baseline"] == pytest.approx(baseline)

    # Done before 07:00: that morning's run is not planned again.
    await move_to(hass, freezer, end + HOUR)
    plans = loaded_entry.runtime_data.planner.data.plans(dishwasher)
    assert all(plan.due is None or plan.due > end + 2 * HOUR for plan in plans)
    assert state_of(hass, "sensor", dishwasher, "status").state == "done"
    assert state_of(hass, "sensor", dishwasher, "next_start").state == "unknown"


async def test_a_restart_in_the_middle_keeps_the_cycle_where_it_runs(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher")
    prices = await hourly_prices(hass, loaded_entry)
    start, end = planned_run(hass, dishwasher)
    await move_to(hass, freezer, start + timedelta(minutes=30))
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    freezer.move_to(start + timedelta(minutes=50))
    assert await hass.config_entries.async_setup(loaded_entry.entry_id)
    await hass.async_block_till_done()

    assert state_of(hass, "sensor", dishwasher, "status").state == "running"
    assert state_of(hass, "binary_sensor", dishwasher, "run_now").state == "on"
    assert planned_run(hass, dishwasher) == (start, end)
    (running, *_) = loaded_entry.runtime_data.planner.data.plans(dishwasher)
    assert running.status == "running"
    assert running.start == start

    await move_to(hass, freezer, end)
    ledger = state_of(hass, "sensor", dishwasher, "realised_savings")
    assert float(ledger.state) == pytest.approx(
        money(cost(prices, FIRST_BOUNDARY, 2, 1.5) - cost(prices, start, 2, 1.5))
    )
    await restart(hass, loaded_entry)
    assert state_of(hass, "sensor", dishwasher, "status").state == "done"
    assert state_of(hass, "sensor", dishwasher, "realised_savings").attributes["runs"] == 1
    assert state_of(hass, "sensor", dishwasher, "next_start").state == "unknown"


async def test_a_run_that_ended_while_stopped_is_settled_once_on_start(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher")
    start, end = planned_run(hass, dishwasher)
    await move_to(hass, freezer, start + timedelta(minutes=30))
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    freezer.move_to(end + timedelta(minutes=20))
    assert await hass.config_entries.async_setup(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert state_of(hass, "sensor", dishwasher, "status").state == "done"
    record = hass_storage[f"{DOMAIN}.{loaded_entry.entry_id}.plan"]["data"]["records"][dishwasher]
    assert record["last_outcome"]["finished_at"] == end.isoformat()
    assert record["ledger"]["runs"] == 1
    await restart(hass, loaded_entry)
    assert state_of(hass, "sensor", dishwasher, "realised_savings").attributes["runs"] == 1


async def test_a_start_missed_while_stopped_is_planned_again_not_assumed(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher")
    start, _ = planned_run(hass, dishwasher)
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    freezer.move_to(start + timedelta(minutes=37))
    assert await hass.config_entries.async_setup(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert state_of(hass, "sensor", dishwasher, "status").state == "scheduled"
    later, _ = planned_run(hass, dishwasher)
    # The earliest it may start now is the next quarter-hour.
    assert later >= start + 3 * QUARTER


async def test_an_ev_charge_is_settled_over_all_its_blocks(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    ev = await add_appliance(hass, loaded_entry, "ev_charger")
    prices = await hourly_prices(hass, loaded_entry)
    (plan, *_) = loaded_entry.runtime_data.planner.data.plans(ev)
    quarters = [
        run.start + step * QUARTER
        for run in plan.runs
        for step in range(int((run.end - run.start) / QUARTER))
    ]
    assert len(quarters) == 24
    for run in plan.runs:
        await move_to(hass, freezer, run.start)
        assert state_of(hass, "sensor", ev, "status").state == "running"
        await move_to(hass, freezer, run.end)
    assert state_of(hass, "sensor", ev, "status").state == "done"
    paid = 7.0 * sum(prices[moment.replace(minute=0)] / 4 for moment in quarters)
    baseline = cost(prices, FIRST_BOUNDARY, 6, 7.0)
    ledger = state_of(hass, "sensor", ev, "realised_savings")
    assert float(ledger.state) == pytest.approx(money(baseline - paid))
    assert ledger.attributes["last_run"]["energy_kwh"] == pytest.approx(42.0)


async def test_automatic_control_is_on_by_default_and_survives_a_restart(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher")
    switch = entity_id(hass, "switch", dishwasher, "automatic_control")
    assert hass.states.get(switch).state == "on"  # type: ignore[union-attr]
    await hass.services.async_call(
        "switch", SERVICE_TURN_OFF, {ATTR_ENTITY_ID: switch}, blocking=True
    )
    assert hass.states.get(switch).state == "off"  # type: ignore[union-attr]
    assert loaded_entry.runtime_data.planner.automatic_control(dishwasher) is False
    await restart(hass, loaded_entry)
    assert hass.states.get(switch).state == "off"  # type: ignore[union-attr]
    record = hass_storage[f"{DOMAIN}.{loaded_entry.entry_id}.plan"]["data"]["records"][dishwasher]
    assert record["automatic_control"] is False
    await hass.services.async_call(
        "switch", SERVICE_TURN_ON, {ATTR_ENTITY_ID: switch}, blocking=True
    )
    assert hass.states.get(switch).state == "on"  # type: ignore[union-attr]
    # Planning goes on either way.
    assert state_of(hass, "sensor", dishwasher, "status").state == "scheduled"
