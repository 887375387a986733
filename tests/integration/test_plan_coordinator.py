"""Planning on the replayed market: cheapest real slots, the household limit, re-plans."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise
from types import MappingProxyType
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.price_optimizer.const import CONF_HOUSEHOLD_LIMIT_KW, DOMAIN
from custom_components.price_optimizer.core.optimizer import (
    Appliance,
    SolverUnavailableError,
    find_cheapest_windows,
    preset,
)
from custom_components.price_optimizer.plan_coordinator import PlanCoordinator, PriceFeed
from custom_components.price_optimizer.precision import money

from .appliances import (
    add_appliance,
    device_of,
    entity_id,
    move_to,
    reconfigure_appliance,
    start_appliance_flow,
    state_of,
    suggested_values,
)
from .conftest import AFTERNOON, MORNING, replay_entry

pytestmark = pytest.mark.usefixtures("market_prices_only")
HOUR = timedelta(hours=1)
# 07:00 in Berlin on the morning after AFTERNOON.
READY_BY = datetime.fromisoformat("2026-11-25T07:00:00+01:00")


async def prices_ahead(hass: HomeAssistant, entry: MockConfigEntry) -> list[dict[str, Any]]:
    """Return the slots of today and tomorrow as the get_prices action gives them."""
    response = await hass.services.async_call(
        DOMAIN, "get_prices", {"config_entry": entry.entry_id}, blocking=True, return_response=True
    )
    assert response is not None
    return [*response["today"], *response["tomorrow"]]


def cheapest_window_by_hand(
    slots: list[dict[str, Any]], start: datetime, end: datetime, length: int
) -> tuple[datetime, float]:
    """Try every start of ``length`` consecutive slots in [start, end): the cheapest, earliest."""
    inside = [s for s in slots if start <= dt_util.parse_datetime(s["start"]) < end]
    options = [
        (sum(s["price"] for s in inside[i : i + length]), i)
        for i in range(len(inside) - length + 1)
    ]
    total, first = min(options)
    return dt_util.parse_datetime(inside[first]["start"]), total


async def get_plan(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN, "get_plan", {"config_entry": entry.entry_id}, blocking=True, return_response=True
    )
    assert response is not None
    return response


def stored(appliance: Appliance) -> dict[str, Any]:
    """Return what the subentry of ``appliance`` holds."""
    return {k: v for k, v in appliance.as_dict().items() if k not in ("appliance_id", "name")}


def with_subentries(
    hass: HomeAssistant, *subentries: tuple[str, str, dict[str, Any]]
) -> MockConfigEntry:
    """Return a replay entry, added but not set up, holding ``(type, title, data)`` subentries."""
    entry = replay_entry()
    entry.add_to_hass(hass)
    for subentry_type, title, data in subentries:
        hass.config_entries.async_add_subentry(
            entry,
            ConfigSubentry(
                data=MappingProxyType(data),
                subentry_type=subentry_type,
                title=title,
                unique_id=None,
            ),
        )
    return entry


@pytest.mark.parametrize(("resolution", "slots_per_hour"), [("60", 1), ("15", 4)])
async def test_a_dishwasher_runs_in_the_cheapest_real_window_before_seven(
    hass: HomeAssistant,
    berlin: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    resolution: str,
    slots_per_hour: int,
) -> None:
    entry = replay_entry(resolution=resolution)
    entry.add_to_hass(hass)
    freezer.move_to(AFTERNOON)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    dishwasher = await add_appliance(hass, entry, "dishwasher")

    # Planned at 14:07: a run may start from the next boundary, and must end by 07:00.
    first = dt_util.as_utc(AFTERNOON.replace(minute=0) + HOUR)
    if slots_per_hour == 4:
        first = dt_util.as_utc(AFTERNOON.replace(minute=15))
    by_hand, total = cheapest_window_by_hand(
        await prices_ahead(hass, entry), first, READY_BY, 2 * slots_per_hour
    )
    (window,) = find_cheapest_windows(
        entry.runtime_data.planner.price_plan(),
        2 * HOUR,
        now=AFTERNOON,
        latest_end=READY_BY,
        power_kw=1.5,
    )
    assert window.start == by_hand
    start = state_of(hass, "sensor", dishwasher, "next_start")
    end = state_of(hass, "sensor", dishwasher, "next_end")
    assert dt_util.parse_datetime(start.state) == by_hand
    assert dt_util.parse_datetime(end.state) == by_hand + 2 * HOUR
    cost = float(state_of(hass, "sensor", dishwasher, "planned_cost").state)
    assert cost == pytest.approx(money(1.5 * total / slots_per_hour))
    assert cost == pytest.approx(money(window.cost))
    savings = state_of(hass, "sensor", dishwasher, "expected_savings")
    assert float(savings.state) > 0
    assert savings.attributes["unit_of_measurement"] == "EUR"
    status = state_of(hass, "sensor", dishwasher, "status")
    assert status.state == "scheduled"
    assert status.attributes["reason"] is None
    assert state_of(hass, "binary_sensor", dishwasher, "run_now").state == "off"


async def test_an_ev_charges_in_the_six_cheapest_hours_before_seven(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    ev = await add_appliance(hass, loaded_entry, "ev_charger")
    slots = await prices_ahead(hass, loaded_entry)
    first = dt_util.as_utc(AFTERNOON.replace(minute=0) + HOUR)
    inside = [s for s in slots if first <= dt_util.parse_datetime(s["start"]) < READY_BY]
    cheapest = sorted(inside, key=lambda s: (s["price"], s["start"]))[:6]
    plan = await get_plan(hass, loaded_entry)
    (planned, waiting) = [p for p in plan["plans"] if p["appliance_id"] == ev]
    hours = [
        dt_util.parse_datetime(run["start"]) + step * HOUR
        for run in planned["runs"]
        for step in range(
            round(
                (dt_util.parse_datetime(run["end"]) - dt_util.parse_datetime(run["start"])) / HOUR
            )
        )
    ]
    assert sorted(hours) == sorted(dt_util.parse_datetime(s["start"]) for s in cheapest)
    assert planned["planned_cost"] == pytest.approx(money(7.0 * sum(s["price"] for s in cheapest)))
    assert waiting["status"] == "blocked"
    assert waiting["issue"]["code"] == "awaiting_prices"


async def test_the_household_limit_keeps_appliances_apart(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher")
    ev = await add_appliance(hass, loaded_entry, "ev_charger")

    def load_per_hour(plan: dict[str, Any]) -> dict[datetime, float]:
        load: dict[datetime, float] = {}
        for item in plan["plans"]:
            for run in item["runs"]:
                moment = dt_util.parse_datetime(run["start"])
                while moment < dt_util.parse_datetime(run["end"]):
                    load[moment] = load.get(moment, 0.0) + run["power_kw"]
                    moment += HOUR
        return load

    unlimited = await get_plan(hass, loaded_entry)
    assert max(load_per_hour(unlimited).values()) == pytest.approx(8.5)
    hass.config_entries.async_update_entry(
        loaded_entry, options={**loaded_entry.options, CONF_HOUSEHOLD_LIMIT_KW: 8.0}
    )
    await hass.async_block_till_done()
    limited = await get_plan(hass, loaded_entry)
    assert limited["household_limit_kw"] == 8.0
    assert max(load_per_hour(limited).values()) <= 8.0
    assert limited["planned_cost"] >= unlimited["planned_cost"]
    for appliance_id in (dishwasher, ev):
        assert state_of(hass, "sensor", appliance_id, "status").state == "scheduled"


async def test_an_appliance_above_the_limit_says_why_it_cannot_be_planned(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    hass.config_entries.async_update_entry(
        loaded_entry, options={**loaded_entry.options, CONF_HOUSEHOLD_LIMIT_KW: 3.5}
    )
    await hass.async_block_till_done()
    ev = await add_appliance(hass, loaded_entry, "ev_charger")
    status = state_of(hass, "sensor", ev, "status")
    assert status.state == "blocked"
    assert status.attributes["reason"] == "power_above_limit"
    assert status.attributes["reason_details"] == {
        "appliance": "EV charger",
        "power_kw": "7",
        "limit_kw": "3.5",
    }
    assert state_of(hass, "sensor", ev, "next_start").state == "unknown"
    assert state_of(hass, "sensor", ev, "planned_cost").state == "unknown"


async def test_new_prices_turn_a_waiting_appliance_into_a_plan(
    hass: HomeAssistant,
    berlin: HomeAssistant,
    mock_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    freezer.move_to(MORNING)
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done()
    dishwasher = await add_appliance(hass, mock_entry, "dishwasher")
    status = state_of(hass, "sensor", dishwasher, "status")
    assert status.state == "idle"
    assert status.attributes["reason"] == "awaiting_prices"
    # Local times, to the minute.
    assert status.attributes["reason_details"] == {
        "appliance": "Dishwasher",
        "deadline": "2026-11-25 07:00",
        "prices_until": "2026-11-25 00:00",
    }
    planner = mock_entry.runtime_data.planner
    first_plan = planner.data.schedule.created_at

    # The replayed market publishes tomorrow at 12:55: the planner hears it at once.
    await move_to(hass, freezer, MORNING.replace(hour=12, minute=55))
    assert planner.data.schedule.created_at > first_plan
    assert state_of(hass, "sensor", dishwasher, "status").state == "scheduled"
    start = dt_util.parse_datetime(state_of(hass, "sensor", dishwasher, "next_start").state)
    assert start is not None
    assert dt_util.as_utc(MORNING.replace(hour=13)) <= start <= READY_BY - 2 * HOUR


async def test_the_plan_is_made_again_at_each_slot_boundary(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    await add_appliance(hass, loaded_entry, "dishwasher")
    planner = loaded_entry.runtime_data.planner
    made = planner.data.schedule.created_at
    await move_to(hass, freezer, AFTERNOON.replace(minute=30))
    assert planner.data.schedule.created_at == made
    await move_to(hass, freezer, AFTERNOON.replace(hour=15, minute=0))
    assert planner.data.schedule.created_at == dt_util.as_utc(AFTERNOON.replace(hour=15, minute=0))


async def test_editing_an_appliance_plans_it_again(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher")
    before = state_of(hass, "sensor", dishwasher, "next_start").state
    await reconfigure_appliance(hass, loaded_entry, dishwasher, daily_ready_by="23:00:00")
    due = AFTERNOON.replace(hour=23, minute=0)
    (window,) = find_cheapest_windows(
        loaded_entry.runtime_data.planner.price_plan(),
        2 * HOUR,
        now=AFTERNOON,
        latest_end=due,
    )
    after = state_of(hass, "sensor", dishwasher, "next_start").state
    assert after != before
    assert dt_util.parse_datetime(after) == window.start
    assert window.start + 2 * HOUR <= due


async def test_removing_an_appliance_removes_its_device_entities_and_record(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher")
    dryer = await add_appliance(hass, loaded_entry, "dryer")
    status = entity_id(hass, "sensor", dishwasher, "status")
    assert hass.config_entries.async_remove_subentry(loaded_entry, dishwasher)
    await hass.async_block_till_done()
    assert device_of(hass, loaded_entry, dishwasher) is None
    assert er.async_get(hass).async_get(status) is None
    assert hass.states.get(status) is None
    records = hass_storage[f"{DOMAIN}.{loaded_entry.entry_id}.plan"]["data"]["records"]
    assert set(records) == {dryer}
    assert state_of(hass, "sensor", dryer, "status").state == "scheduled"


async def test_a_device_left_by_a_vanished_appliance_is_removed(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    registry = dr.async_get(hass)
    stale = registry.async_get_or_create(
        config_entry_id=loaded_entry.entry_id, identifiers={(DOMAIN, "gone")}, name="Old dryer"
    )
    service = device_of(hass, loaded_entry, loaded_entry.entry_id)
    assert service is not None
    component = hass.data["integrations"][DOMAIN].get_component()
    assert await component.async_remove_config_entry_device(hass, loaded_entry, stale)
    assert not await component.async_remove_config_entry_device(hass, loaded_entry, service)
    assert await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert registry.async_get(stale.id) is None
    assert registry.async_get(service.id) is not None


async def test_the_calendar_shows_every_planned_run(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher")
    ev = await add_appliance(hass, loaded_entry, "ev_charger")
    plan = await get_plan(hass, loaded_entry)
    runs = sorted(
        (dt_util.parse_datetime(run["start"]), dt_util.parse_datetime(run["end"]), item["name"])
        for item in plan["plans"]
        for run in item["runs"]
    )
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {"entity_id": "calendar.replay_de_lu_appliance_plan", "duration": {"hours": 48}},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    events = response["calendar.replay_de_lu_appliance_plan"]["events"]
    assert (
        sorted(
            (dt_util.parse_datetime(e["start"]), dt_util.parse_datetime(e["end"]), e["summary"])
            for e in events
        )
        == runs
    )
    assert {e["summary"] for e in events} == {"Dishwasher", "EV charger"}
    first = min(events, key=lambda e: e["start"])
    assert first["description"].endswith(" EUR")
    state = hass.states.get("calendar.replay_de_lu_appliance_plan")
    assert state is not None
    assert state.state == "off"
    assert dt_util.as_utc(dt_util.parse_datetime(state.attributes["start_time"])) == runs[0][0]
    for earlier, later in pairwise(runs):
        assert earlier[0] <= later[0]
    assert {dishwasher, ev} <= set(loaded_entry.runtime_data.planner.appliances)


async def test_a_planner_that_cannot_solve_leaves_the_prices_alone(
    hass: HomeAssistant, berlin: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    entry = with_subentries(
        hass, ("appliance", "Dishwasher", stored(preset("dishwasher", "x", "Dishwasher")))
    )
    freezer.move_to(AFTERNOON)
    with patch(
        "custom_components.price_optimizer.plan_coordinator.plan",
        side_effect=SolverUnavailableError,
    ):
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        (subentry_id,) = entry.subentries
        assert float(hass.states.get("sensor.replay_de_lu_current_price").state) > 0  # type: ignore[union-attr]
        assert state_of(hass, "sensor", subentry_id, "status").state == "unavailable"
        assert state_of(hass, "switch", subentry_id, "automatic_control").state == "on"
        with pytest.raises(ServiceValidationError) as caught:
            await get_plan(hass, entry)
        assert caught.value.translation_key == "no_plan"
    # The next slot boundary plans again.
    await move_to(hass, freezer, AFTERNOON.replace(hour=15, minute=0))
    assert state_of(hass, "sensor", subentry_id, "status").state == "scheduled"


async def test_a_planner_without_prices_plans_nothing(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    planner = PlanCoordinator(
        hass, loaded_entry, PriceFeed(lambda: None, lambda _: lambda: None), lambda: (None, None)
    )
    await planner.async_load()
    await planner.async_refresh()
    assert not planner.last_update_success
    assert planner.price_plan().slots == ()
    await planner.async_shutdown()


async def test_an_appliance_that_cannot_be_read_is_left_out(
    hass: HomeAssistant,
    berlin: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    dryer = stored(preset("dryer", "x", "Dryer"))
    entry = with_subentries(
        hass,
        ("appliance", "Dryer", dryer),
        ("appliance", "Toaster", {**dryer, "kind": "toaster"}),
        ("tariff", "Night rate", {}),
    )
    freezer.move_to(AFTERNOON)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert [a.name for a in entry.runtime_data.planner.appliances.values()] == ["Dryer"]
    assert "Appliance Toaster cannot be read and is left out" in caplog.text


async def test_an_appliance_added_while_the_entry_reloads_is_planned_too(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    load = PlanCoordinator.async_load
    added: list[str] = []

    async def load_and_meanwhile_add_another(planner: PlanCoordinator) -> None:
        await load(planner)
        if not added:
            # As an "Add appliance" lands while the entry reloads.
            ev = stored(preset("ev_charger", "x", "EV charger"))
            subentry = ConfigSubentry(
                data=MappingProxyType(ev), subentry_type="appliance", title="EV", unique_id=None
            )
            added.append(subentry.subentry_id)
            hass.config_entries.async_add_subentry(loaded_entry, subentry)

    form = await start_appliance_flow(hass, loaded_entry, "dishwasher")
    result = await hass.config_entries.subentries.async_configure(
        form["flow_id"], suggested_values(form)
    )
    await hass.config_entries.subentries.async_configure(result["flow_id"], {"target": "none"})
    await hass.async_block_till_done()
    with patch.object(PlanCoordinator, "async_load", load_and_meanwhile_add_another):
        assert await hass.config_entries.async_reload(loaded_entry.entry_id)
        await hass.async_block_till_done()
    assert len(loaded_entry.subentries) == 2
    assert set(loaded_entry.runtime_data.planner.appliances) == set(loaded_entry.subentries)
    assert state_of(hass, "sensor", added[0], "status").state == "scheduled"
