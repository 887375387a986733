"""The README's main command gives a working Home Assistant with live-looking prices."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
import re
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import Browser, Page, expect
import pytest
import yaml

from .conftest import ARTIFACTS, ROOT, TIME_ZONE, DevelopInstance, open_price_optimizer_dashboard


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


def test_the_overview_leads_the_documented_user_to_the_prices(logged_in_page: Page) -> None:
    # Since 2026.11 Home Assistant's own overview shows areas, not every entity: the prices are
    # one click away, on the dashboard the integration's configuration puts in the sidebar.
    page = logged_in_page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "overview.png", full_page=True)
    open_price_optimizer_dashboard(page)
    page.wait_for_url("**/price-optimizer/overview")
    expect(page.get_by_text("Current price").first).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Cheapest slot").first).to_be_visible()
    expect(page.get_by_text("EUR/kWh").first).to_be_visible()
    expect(page.get_by_text("Dishwasher").first).to_be_visible()
    expect(page.get_by_text("Next start").first).to_be_visible()


def _local(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp).astimezone(ZoneInfo(TIME_ZONE))


def test_the_dashboard_shows_prices_forecast_plan_and_savings(
    develop_instance: DevelopInstance, wide_logged_in_page: Page
) -> None:
    page = wide_logged_in_page
    open_price_optimizer_dashboard(page)
    page.wait_for_url("**/price-optimizer/overview")
    states = {state["entity_id"]: state for state in develop_instance.get("/api/states")}

    # The state has 5 decimals and the card shows 4, rounding the state's digits half up
    # (0.28025 shows as 0.2803, where the float's own formatting gives 0.2802).
    current = Decimal(states["sensor.replay_de_lu_current_price"]["state"])
    shown = current.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    expect(page.locator("hui-tile-card", has_text="Current price")).to_contain_text(
        f"{shown} EUR/kWh", timeout=30_000
    )
    # The develop entry is hourly: an hour's average is its slot's price.
    lowest = float(states["sensor.replay_de_lu_today_s_lowest_price"]["state"])
    days = page.locator("hui-markdown-card", has_text="Today and tomorrow")
    expect(days).to_contain_text(f"{lowest:.4f} ▼")

    series = states["sensor.replay_de_lu_forecast_price"]["attributes"]["series"]
    first_forecast = next(slot for slot in series if slot["origin"] == "forecast")
    band = f"{first_forecast['lower']:.3f}\N{EN DASH}{first_forecast['upper']:.3f}"
    # Rows are told apart by their start: neighbouring hours can share a rounded band.
    forecast_row = page.locator("hui-markdown-card", has_text="Upcoming prices").locator(
        "tr", has_text=_local(first_forecast["start"]).strftime("%a %H:%M")
    )
    expect(forecast_row).to_contain_text(f"{first_forecast['price']:.4f}")
    expect(forecast_row).to_contain_text(band)
    first_market = page.locator("hui-markdown-card", has_text="Upcoming prices").locator(
        "tr", has_text=_local(series[0]["start"]).strftime("%a %H:%M")
    )
    expect(first_market).to_contain_text(f"{series[0]['price']:.4f}")
    expect(first_market).to_contain_text("market")

    calendar = page.locator("hui-calendar-card")
    savings = page.locator("hui-markdown-card", has_text="Savings per appliance")
    for name, key in (("Dishwasher", "dishwasher"), ("EV charger", "ev_charger")):
        card = page.locator("hui-entities-card", has_text=name)
        planned_cost = states[f"sensor.{key}_planned_cost"]["state"]
        expect(card).to_contain_text(f"€{float(planned_cost):.2f}")
        expected_savings = float(states[f"sensor.{key}_expected_savings"]["state"])
        # Home Assistant puts a negative amount's sign before the currency: -€0.01.
        sign = "-" if expected_savings < 0 else ""
        expect(card).to_contain_text(f"{sign}€{abs(expected_savings):.2f}")
        expect(card.get_by_role("switch")).to_be_checked()
        expect(savings.locator("tr", has_text=name)).to_contain_text(f"{expected_savings:.2f}")
        start = _local(states[f"sensor.{key}_next_start"]["state"])
        # The calendar shows this week, Monday to Sunday.
        if start.isocalendar()[:2] == datetime.now(start.tzinfo).isocalendar()[:2]:
            # 2026.11's calendar card lists each event as a button: "2:00 AM - 4:00 AM Dishwasher".
            event = (
                calendar.get_by_role("button")
                .filter(has_text=name)
                .filter(has_text=start.strftime("%-I:%M %p"))
            )
            expect(event.first).to_be_visible()

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "dashboard.png", full_page=True)


DASHBOARDS = ROOT / "dashboards"
ENTITY_ID = re.compile(r"\b(?:sensor|binary_sensor|switch|calendar)\.[a-z0-9_]+\b")


def _cards(config: Any) -> Iterator[dict[str, Any]]:
    """Yield every card of a dashboard, however deeply nested."""
    if isinstance(config, dict):
        if "type" in config:
            yield config
        for value in config.values():
            yield from _cards(value)
    elif isinstance(config, list):
        for value in config:
            yield from _cards(value)


@pytest.mark.parametrize("dashboard", ["price_optimizer.yaml", "price_optimizer_apexcharts.yaml"])
def test_the_dashboards_name_the_develop_instances_entities(
    develop_instance: DevelopInstance, dashboard: str
) -> None:
    text = (DASHBOARDS / dashboard).read_text()
    named = set(ENTITY_ID.findall(text))
    existing = {state["entity_id"] for state in develop_instance.get("/api/states")}
    assert named - existing == set()
    for name in ("replay_de_lu_current_price", "dishwasher_status", "ev_charger_status"):
        assert f"sensor.{name}" in named


def test_the_apexcharts_generators_plot_prices_forecast_and_band(
    develop_instance: DevelopInstance, browser: Browser
) -> None:
    """The ApexCharts card is not installed here; its generators run in the browser as it would."""
    config = yaml.safe_load((DASHBOARDS / "price_optimizer_apexcharts.yaml").read_text())
    generated = [
        (series["entity"], series["name"], series["data_generator"])
        for card in _cards(config)
        if card["type"] == "custom:apexcharts-card"
        for series in card["series"]
    ]
    states = {state["entity_id"]: state for state in develop_instance.get("/api/states")}
    page = browser.new_page()
    try:
        points = {
            name: page.evaluate(
                "([code, entity]) => new Function('entity', 'start', 'end', 'hass', 'moment', code)"
                "(entity, new Date(), new Date(), {states: {}}, undefined)",
                [code, states[entity]],
            )
            for entity, name, code in generated
        }
    finally:
        page.close()
    assert len(points) == len(generated) == 5

    def timestamp(value: str) -> int:
        return int(datetime.fromisoformat(value).timestamp() * 1000)

    prices = states["sensor.replay_de_lu_current_price"]["attributes"]
    assert points["Price"] == [
        [timestamp(slot["start"]), slot["price"]] for slot in prices["today"] + prices["tomorrow"]
    ]
    series = states["sensor.replay_de_lu_forecast_price"]["attributes"]["series"]
    market = [slot for slot in series if slot["origin"] == "market"]
    forecast = [slot for slot in series if slot["origin"] == "forecast"]
    assert market
    assert forecast
    assert points["Market price"] == [
        *([timestamp(slot["start"]), slot["price"]] for slot in market),
        [timestamp(market[-1]["end"]), market[-1]["price"]],
    ]
    for name, key in (
        ("Forecast", "price"),
        ("Forecast, 10th percentile", "lower"),
        ("Forecast, 90th percentile", "upper"),
    ):
        # One point per slot, and one at the end so the last step is drawn.
        assert points[name] == [
            *([timestamp(slot["start"]), slot[key]] for slot in forecast),
            [timestamp(forecast[-1]["end"]), forecast[-1][key]],
        ]


BRAND = ROOT / "custom_components" / "price_optimizer" / "brand"


def test_the_add_integration_dialog_shows_the_bundled_brand_icon(
    logged_in_page: Page, develop_instance: DevelopInstance
) -> None:
    # Home Assistant serves a custom integration's brand/ folder itself since 2026.x; older
    # frontends ask the brands CDN, which knows no custom integration.
    page = logged_in_page
    page.goto(f"{develop_instance.url}/config/integrations/dashboard")
    page.get_by_role("button", name="Add integration").click()
    dialog = page.locator("dialog-add-integration")
    dialog.get_by_role("textbox").first.fill("Price Optimizer")
    icon = dialog.locator('img[src*="price_optimizer"]').first
    expect(icon).to_be_visible(timeout=30_000)
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=icon.element_handle(), timeout=30_000
    )
    source = str(icon.get_attribute("src"))
    served = page.request.get(source if "://" in source else f"{develop_instance.url}{source}")
    assert served.ok, source
    assert served.body() in {path.read_bytes() for path in BRAND.glob("*.png")}, source
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "add_integration.png")
