"""The README's main command gives a working Home Assistant with live-looking prices."""

from __future__ import annotations

from datetime import datetime

from playwright.sync_api import Page, expect

from .conftest import ARTIFACTS, DevelopInstance


def test_rest_api_shows_the_price_sensors_with_values(develop_instance: DevelopInstance) -> None:
    states = {
        state["entity_id"]: state
        for state in develop_instance.get("/api/states")
        if state["entity_id"].startswith(("sensor.replay_de_lu", "binary_sensor.replay_de_lu"))
    }
    current = states["sensor.replay_de_lu_current_price"]
    assert float(current["state"]) > -0.5
    assert current["attributes"]["unit_of_measurement"] == "EUR/kWh"
    assert 23 <= len(current["attributes"]["today"]) <= 100
    for key in ("next_slot_price", "today_s_lowest_price", "today_s_highest_price"):
        float(states[f"sensor.replay_de_lu_{key}"]["state"])
    assert states["binary_sensor.replay_de_lu_tomorrow_s_prices_available"]["state"] in (
        "on",
        "off",
    )


def test_the_provisioned_appliances_are_planned(develop_instance: DevelopInstance) -> None:
    states = {state["entity_id"]: state for state in develop_instance.get("/api/states")}
    for device in ("dishwasher", "ev_charger"):
        status = states[f"sensor.{device}_status"]
        assert status["state"] in status["attributes"]["options"]
        assert status["state"] != "unknown"
        # Scheduled, or a reason why not (such as tomorrow's prices not yet published).
        assert status["state"] == "scheduled" or status["attributes"]["reason"]
        if status["state"] == "scheduled":
            datetime.fromisoformat(states[f"sensor.{device}_next_start"]["state"])
            assert float(states[f"sensor.{device}_planned_cost"]["state"]) > -10
        assert states[f"switch.{device}_automatic_control"]["state"] == "on"
        assert states[f"sensor.{device}_realised_savings"]["attributes"]["state_class"] == "total"
    assert states["calendar.replay_de_lu_appliance_plan"]["state"] in ("on", "off")


def test_the_overview_shows_the_prices_to_the_documented_user(logged_in_page: Page) -> None:
    page = logged_in_page
    expect(page.get_by_text("Current price")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Today's cheapest slot")).to_be_visible()
    expect(page.get_by_text("EUR/kWh").first).to_be_visible()
    expect(page.get_by_text("Dishwasher").first).to_be_visible()
    expect(page.get_by_text("Next start").first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "overview.png", full_page=True)
