"""The find_cheapest_window, estimate_savings and get_plan actions, and their translated errors."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.price_optimizer.const import DOMAIN
from custom_components.price_optimizer.precision import money, price

from .appliances import add_appliance, state_of
from .conftest import AFTERNOON, replay_entry

pytestmark = pytest.mark.usefixtures("market_prices_only")
HOUR = timedelta(hours=1)


async def call(hass: HomeAssistant, action: str, **data: Any) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN, action, data, blocking=True, return_response=True
    )
    assert response is not None
    return response


async def slots_ahead(hass: HomeAssistant, entry: MockConfigEntry) -> list[dict[str, Any]]:
    prices = await call(hass, "get_prices", config_entry=entry.entry_id)
    return [*prices["today"], *prices["tomorrow"]]


async def test_find_cheapest_window_ranks_windows_that_do_not_overlap(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    response = await call(
        hass,
        "find_cheapest_window",
        config_entry=loaded_entry.entry_id,
        duration={"hours": 3},
        latest_end="2026-11-25 07:00:00",
        count=3,
        power_kw=2.0,
    )
    assert response["currency"] == "EUR"
    assert response["power_kw"] == 2.0
    windows = response["windows"]
    assert len(windows) == 3
    averages = [window["average_price"] for window in windows]
    assert averages == sorted(averages)
    spans = sorted((window["start"], window["end"]) for window in windows)
    assert all(earlier[1] <= later[0] for earlier, later in pairwise(spans))
    # Every three-hour window from 15:00 to 07:00, tried by hand.
    slots = [
        slot
        for slot in await slots_ahead(hass, loaded_entry)
        if dt_util.as_utc(AFTERNOON.replace(minute=0) + HOUR)
        <= dt_util.parse_datetime(slot["start"])
        < dt_util.parse_datetime("2026-11-25T07:00:00+01:00")
    ]
    best = min(range(len(slots) - 2), key=lambda i: sum(s["price"] for s in slots[i : i + 3]))
    first = windows[0]
    assert first["start"] == slots[best]["start"]
    assert first["end"] == slots[best + 2]["end"]
    total = sum(slot["price"] for slot in slots[best : best + 3])
    # The response rounds prices to 5 decimals and money to 4.
    assert first["average_price"] == pytest.approx(price(total / 3))
    assert first["cost"] == pytest.approx(money(2.0 * total))


async def test_find_cheapest_window_starts_no_earlier_than_asked(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    response = await call(
        hass,
        "find_cheapest_window",
        config_entry=loaded_entry.entry_id,
        duration={"minutes": 90},
        earliest_start="2026-11-25 08:00:00",
    )
    (window,) = response["windows"]
    start = dt_util.parse_datetime(window["start"])
    assert start >= dt_util.parse_datetime("2026-11-25T08:00:00+01:00")
    assert dt_util.parse_datetime(window["end"]) - start == timedelta(minutes=90)
    # Both are rounded, each to its own precision.
    assert window["cost"] == pytest.approx(window["average_price"] * 1.5, abs=1e-4)


@pytest.mark.parametrize(
    ("data", "key", "placeholders"),
    [
        ({"duration": {"minutes": 0}}, "duration_invalid", {"duration_minutes": "0"}),
        ({"duration": {"minutes": -30}}, "duration_invalid", {"duration_minutes": "-30"}),
        (
            {"duration": {"hours": 40}},
            "no_window_fits",
            {
                "appliance": "-",
                "window_start": "2026-11-24 14:15",
                "deadline": "2026-11-26 00:00",
                "available_hours": "33.75",
                "needed_hours": "40",
            },
        ),
        (
            {"duration": {"hours": 2}, "latest_end": "2026-11-24 14:00:00"},
            "window_ended",
            {"latest_end": "2026-11-24 14:00", "now": "2026-11-24 14:07"},
        ),
        (
            {
                "duration": {"hours": 2},
                "earliest_start": "2026-11-24 22:00:00",
                "latest_end": "2026-11-24 20:00:00",
            },
            "window_end_before_start",
            {"earliest_start": "2026-11-24 22:00", "latest_end": "2026-11-24 20:00"},
        ),
    ],
)
async def test_find_cheapest_window_says_why_no_window_is_found(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    data: dict[str, Any],
    key: str,
    placeholders: dict[str, str],
) -> None:
    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, "find_cheapest_window", config_entry=loaded_entry.entry_id, **data)
    assert caught.value.translation_domain == DOMAIN
    assert caught.value.translation_key == key
    assert caught.value.translation_placeholders == placeholders


async def test_estimate_savings_of_configured_appliances_matches_their_plan(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher")
    response = await call(
        hass, "estimate_savings", config_entry=loaded_entry.entry_id, appliance_ids=[dishwasher]
    )
    (planned, _waiting) = response["schedule"]["plans"]
    assert planned["appliance_id"] == dishwasher
    assert response["optimised_cost"] == pytest.approx(planned["planned_cost"])
    assert response["run_now_cost"] == pytest.approx(planned["baseline_cost"])
    # Each figure is rounded to 4 decimals on its own.
    assert response["savings"] == pytest.approx(
        response["run_now_cost"] - response["optimised_cost"], abs=1.5e-4
    )
    assert response["savings_percent"] == pytest.approx(
        100 * response["savings"] / response["run_now_cost"], abs=0.02
    )
    assert (
        planned["runs"][0]["start"]
        == dt_util.as_utc(
            dt_util.parse_datetime(state_of(hass, "sensor", dishwasher, "next_start").state)
        ).isoformat()
    )


async def test_estimate_savings_of_appliances_described_in_the_call(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher")
    response = await call(
        hass,
        "estimate_savings",
        config_entry=loaded_entry.entry_id,
        appliance_ids=[dishwasher],
        appliances=[
            {"kind": "ev_charger", "name": "Car", "energy_kwh": 20},
            {
                "kind": "washing_machine",
                "earliest_start": "2026-11-24 20:00:00",
                "deadline": "2026-11-25 06:00:00",
            },
        ],
    )
    plans = {plan["name"]: plan for plan in response["schedule"]["plans"] if plan["runs"]}
    assert set(plans) == {"Dishwasher", "Car", "appliance_2"}
    car = plans["Car"]
    assert sum(run["energy_kwh"] for run in car["runs"]) == pytest.approx(21.0)
    washer = plans["appliance_2"]
    # A time without a zone is local.
    assert dt_util.parse_datetime(washer["window_start"]) == AFTERNOON.replace(hour=20, minute=0)
    assert dt_util.parse_datetime(washer["due"]) == dt_util.parse_datetime(
        "2026-11-25T06:00:00+01:00"
    )
    assert response["optimised_cost"] == pytest.approx(
        sum(plan["planned_cost"] for plan in plans.values())
    )
    assert response["savings"] > 0


@pytest.mark.parametrize(
    ("data", "key", "placeholders"),
    [
        ({}, "no_appliances", None),
        ({"appliance_ids": ["nope"]}, "appliance_not_found", {"appliance_id": "nope"}),
        (
            {"appliances": [{"kind": "toaster"}]},
            "appliance_invalid",
            {"number": "1", "error": "unknown kind toaster"},
        ),
        (
            {"appliances": [{"kind": "dryer"}, {"kind": "dryer", "watts": 3000}]},
            "appliance_invalid",
            {"number": "2", "error": "unknown fields watts"},
        ),
        (
            {"appliances": [{"kind": "dryer", "power_kw": "strong"}]},
            "appliance_invalid",
            {"number": "1", "error": "could not convert string to float: 'strong'"},
        ),
        (
            {"appliances": [{"kind": "dryer", "name": "Dryer", "min_power_kw": 1}]},
            "power_range_invalid",
            {"appliance": "Dryer"},
        ),
        (
            {
                "appliances": [
                    {
                        "kind": "custom",
                        "name": "Kiln",
                        "duration_minutes": 300,
                        "deadline": "2026-11-24 18:00:00",
                    }
                ]
            },
            "window_too_short",
            {
                "appliance": "Kiln",
                "window_start": "2026-11-24 14:15",
                "deadline": "2026-11-24 18:00",
                "available_hours": "3.75",
                "needed_hours": "5",
            },
        ),
        (
            {
                "appliances": [
                    {
                        "kind": "dryer",
                        "name": "Dryer",
                        "earliest_start": "2026-11-24 22:00:00",
                        "deadline": "2026-11-24 20:00:00",
                    }
                ]
            },
            "window_invalid",
            {
                "appliance": "Dryer",
                "earliest_start": "2026-11-24 22:00",
                "deadline": "2026-11-24 20:00",
            },
        ),
        (
            {
                "appliances": [
                    {
                        "kind": "dryer",
                        "name": "Dryer",
                        "earliest_start": "2026-11-24 10:00:00",
                        "deadline": "2026-11-24 12:00:00",
                    }
                ]
            },
            "deadline_passed",
            {"appliance": "Dryer", "deadline": "2026-11-24 12:00"},
        ),
        (
            {"appliances": [{"kind": "dryer", "name": "Dryer", "duration_minutes": -30}]},
            "duration_not_positive",
            {"appliance": "Dryer", "duration_minutes": "-30"},
        ),
        (
            {
                "appliances": [
                    {
                        "kind": "ev_charger",
                        "name": "Car",
                        "energy_kwh": 50,
                        "earliest_start": "2026-11-24 20:00:00",
                        "deadline": "2026-11-25 03:00:00",
                    }
                ]
            },
            "energy_cannot_fit_whole_slots",
            {
                "appliance": "Car",
                "window_start": "2026-11-24 20:00",
                "deadline": "2026-11-25 03:00",
                "asked_kwh": "50",
                "energy_kwh": "50.75",
                "power_kw": "7",
                "slot_minutes": "15",
                "slot_kwh": "1.75",
                "max_energy_kwh": "49",
            },
        ),
    ],
)
async def test_estimate_savings_refuses_what_it_cannot_estimate(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    data: dict[str, Any],
    key: str,
    placeholders: dict[str, str] | None,
) -> None:
    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, "estimate_savings", config_entry=loaded_entry.entry_id, **data)
    assert caught.value.translation_key == key
    assert caught.value.translation_placeholders == placeholders


async def test_get_plan_lists_runs_status_and_savings_of_every_appliance(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher")
    response = await call(hass, "get_plan", config_entry=loaded_entry.entry_id)
    assert response["currency"] == "EUR"
    assert response["created_at"] == dt_util.as_utc(AFTERNOON).isoformat()
    (appliance,) = response["appliances"]
    assert appliance["appliance_id"] == dishwasher
    assert appliance["kind"] == "dishwasher"
    assert appliance["status"] == "scheduled"
    assert appliance["automatic_control"] is True
    assert appliance["realised_savings"] == 0
    # The answer and the sensor are rounded alike.
    assert appliance["expected_savings"] == float(
        state_of(hass, "sensor", dishwasher, "expected_savings").state
    )
    assert appliance["next_run"] == response["plans"][0]["runs"][0]
    assert response["solver"]["status"] == "optimal"


async def test_plan_actions_need_a_loaded_entry(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    other = replay_entry("NL")
    other.add_to_hass(hass)
    for action, extra in (
        ("get_plan", {}),
        ("find_cheapest_window", {"duration": {"hours": 1}}),
        ("estimate_savings", {"appliances": [{"kind": "dryer"}]}),
    ):
        with pytest.raises(ServiceValidationError) as caught:
            await call(hass, action, config_entry=other.entry_id, **extra)
        assert caught.value.translation_key == "entry_not_loaded"
