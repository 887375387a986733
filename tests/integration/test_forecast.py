"""The forecast inside Home Assistant, on the replayed real prices."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import pairwise
import logging
from pathlib import Path
import shutil
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant import block_async_io
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.price_optimizer import forecast_engine as engine
from custom_components.price_optimizer.const import DOMAIN
from custom_components.price_optimizer.core.forecast.markets import validated_market
from custom_components.price_optimizer.core.prices import PriceSeries
from custom_components.price_optimizer.core.sources.replay import ReplaySource
from custom_components.price_optimizer.precision import price
from custom_components.price_optimizer.repair_issues import MODEL_FILES_DAMAGED

from .conftest import AFTERNOON, MORNING, replay_entry

FORECAST = "sensor.replay_de_lu_forecast_price"
ACCURACY = "sensor.replay_de_lu_forecast_accuracy_mae_30_days"
MODEL = "sensor.replay_de_lu_forecast_model"


async def setup_at(
    hass: HomeAssistant, entry: MockConfigEntry, freezer: FrozenDateTimeFactory, when: datetime
) -> None:
    if hass.config_entries.async_get_entry(entry.entry_id) is None:
        entry.add_to_hass(hass)
    freezer.move_to(when)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_forecast_fills_a_week_beyond_the_published_prices(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    runtime = loaded_entry.runtime_data
    known = runtime.coordinator.data.prices
    plan = runtime.forecast.price_plan
    forecast_slots = [slot for slot in plan if slot.origin == "forecast"]

    assert runtime.forecast.data.status == "ok"
    assert forecast_slots[0].start == known.end
    assert forecast_slots[-1].end - known.end == timedelta(hours=168)
    assert all(s.lower <= s.price <= s.upper for s in forecast_slots)
    # Known prices win: every published slot is in the plan exactly as published.
    assert [slot for slot in plan if slot.origin == "market"] == list(known)

    state = hass.states.get(FORECAST)
    assert float(state.state) == price(forecast_slots[0].price)
    assert state.attributes["status"] == "ok"
    series = state.attributes["series"]
    assert series[0]["origin"] == "market"
    assert series[-1]["origin"] == "forecast"
    assert {"lower", "upper"} <= set(series[-1])

    model = hass.states.get(MODEL)
    assert model.state == "1.2.0"
    assert model.attributes["runtime"] == "numpy"
    # The replay has 92 days of history: the refitted lasso serves beside the static members.
    assert set(model.attributes["members"]) == {"linear", "cnn_lstm", "lightgbm"}
    assert set(model.attributes["inputs_missing"]) == {"load", "supply"}
    assert model.attributes["history_hours"] >= 92 * 24
    assert model.attributes["horizon_hours"] == 168


async def test_published_prices_replace_the_forecast_and_are_scored(
    hass: HomeAssistant, berlin: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    entry = replay_entry()
    await setup_at(hass, entry, freezer, MORNING)
    runtime = entry.runtime_data
    tomorrow_forecast = {
        slot.start: slot.price
        for slot in runtime.forecast.data.forecast
        if slot.origin == "forecast"
    }
    tomorrow_bands = {
        slot.start: (slot.lower, slot.upper)
        for slot in runtime.forecast.data.forecast
        if slot.origin == "forecast"
    }
    assert hass.states.get(ACCURACY).state == "unknown"

    freezer.move_to(MORNING.replace(hour=12, minute=55))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)

    published = runtime.coordinator.data.raw
    scored = [
        (tomorrow_forecast[slot.start], slot.price)
        for slot in published
        if slot.start in tomorrow_forecast
    ]
    assert len(scored) == 24
    plan = runtime.forecast.price_plan
    for start in tomorrow_forecast:
        if published.slot_at(start):
            assert plan.slot_at(start).origin == "market"
    expected_mae = sum(abs(forecast - price) for forecast, price in scored) / len(scored)
    accuracy = hass.states.get(ACCURACY)
    assert float(accuracy.state) == pytest.approx(price(expected_mae))
    assert accuracy.attributes["count"] == 24
    assert sum(bucket["count"] for bucket in accuracy.attributes["horizons"].values()) == 24
    inside = [
        tomorrow_bands[slot.start][0] <= slot.price <= tomorrow_bands[slot.start][1]
        for slot in published
        if slot.start in tomorrow_forecast
    ]
    assert accuracy.attributes["band_coverage"] == pytest.approx(sum(inside) / 24)
    horizons = accuracy.attributes["horizons"].values()
    assert sum(
        bucket["band_coverage"] * bucket["count"] for bucket in horizons if bucket["count"]
    ) == pytest.approx(sum(inside))
    # The next forecast starts where the newly published prices end.
    assert runtime.forecast.data.origin == published.end
    # The same hours, hourly, are scored for the recalibration; a week of them is needed
    # before the blend weights and bands move from the shipped ones.
    model = hass.states.get(MODEL)
    assert model.attributes["recalibration_hours"] == 24
    assert model.attributes["band_factors"] == {"lower": [1.0] * 7, "upper": [1.0] * 7}
    forecaster = runtime.forecast.engine.forecaster
    market = validated_market(entry.data["area"])
    blend = forecaster.market_blends.get(market or "", forecaster.blends)
    shipped = blend["linear+cnn_lstm+lightgbm"].weights
    assert model.attributes["blend_weights"] == {
        name: round(weight, 4) for name, weight in shipped.items()
    }


async def test_accuracy_is_shown_in_the_household_price(
    hass: HomeAssistant, berlin: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    entry = replay_entry()
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, options={"vat_percent": 25.0, "fee_per_kwh": 0.3, "multiplier": 2.0}
    )
    freezer.move_to(MORNING)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    freezer.move_to(MORNING.replace(hour=13))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)

    raw_mae = entry.runtime_data.forecast.data.accuracy["mae"]
    # A fixed fee cancels out of an error; the multiplier and VAT scale it.
    assert float(hass.states.get(ACCURACY).state) == pytest.approx(price(raw_mae * 2.0 * 1.25))


async def test_forecast_and_accuracy_survive_a_restart(
    hass: HomeAssistant, berlin: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    entry = replay_entry()
    await setup_at(hass, entry, freezer, MORNING)
    freezer.move_to(MORNING.replace(hour=13))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    history_hours = entry.runtime_data.forecast.data.history_hours
    accuracy = hass.states.get(ACCURACY).state
    scored = entry.runtime_data.forecast.data.recalibration_hours
    assert scored > 0
    assert await hass.config_entries.async_unload(entry.entry_id)

    with patch.object(ReplaySource, "async_fetch", return_value=PriceSeries()) as fetch:
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done(wait_background_tasks=True)
    # The history came back from the Store: nothing was backfilled again.
    assert fetch.call_count == 1
    assert entry.runtime_data.forecast.data.history_hours == history_hours
    assert entry.runtime_data.forecast.data.status == "ok"
    assert hass.states.get(ACCURACY).state == accuracy
    assert entry.runtime_data.forecast.data.recalibration_hours == scored


async def test_too_little_history_says_when_forecasts_start(
    hass: HomeAssistant, berlin: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    original = ReplaySource.async_fetch

    async def only_today(source: ReplaySource, start: datetime, end: datetime) -> PriceSeries:
        today = dt_util.start_of_local_day()
        return await original(source, max(start, today), end) if end > today else PriceSeries()

    with patch.object(ReplaySource, "async_fetch", autospec=True, side_effect=only_today):
        await setup_at(hass, replay_entry(), freezer, AFTERNOON)

    state = hass.states.get(FORECAST)
    assert state.state == "unknown"
    assert state.attributes["status"] == "waiting_for_history"
    ready_at = state.attributes["ready_at"]
    assert ready_at > AFTERNOON
    assert hass.states.get(MODEL).attributes["status"] == "waiting_for_history"
    # Prices work without a forecast.
    assert float(hass.states.get("sensor.replay_de_lu_current_price").state) > 0


async def test_damaged_model_files_turn_the_forecast_off_with_a_repair_issue(
    hass: HomeAssistant,
    berlin: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    models = tmp_path / "models"
    shutil.copytree(engine.MODELS_DIR, models)
    with (models / "cnn_lstm_weights.npz").open("ab") as handle:
        handle.write(b"\0")
    with patch.object(engine, "MODELS_DIR", models):
        entry = replay_entry()
        entry.add_to_hass(hass)
        freezer.move_to(AFTERNOON)
        with patch(
            "custom_components.price_optimizer.data.ForecastEngine",
            lambda hass: engine.ForecastEngine(hass, models),
        ):
            assert await hass.config_entries.async_setup(entry.entry_id)
            await hass.async_block_till_done(wait_background_tasks=True)

    issue = ir.async_get(hass).async_get_issue(DOMAIN, MODEL_FILES_DAMAGED)
    assert issue is not None
    assert "cnn_lstm_weights.npz" in issue.translation_placeholders["error"]
    assert "model file cnn_lstm_weights.npz" in caplog.text
    assert hass.states.get(MODEL).attributes["status"] == "unavailable"
    assert hass.states.get(FORECAST).state == "unknown"
    plan = entry.runtime_data.forecast.price_plan
    assert plan == entry.runtime_data.coordinator.data.prices


async def test_quarter_hour_source_gets_a_quarter_hour_forecast(
    hass: HomeAssistant, berlin: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    entry = replay_entry(resolution="15")
    # The morning before the autumn change: the forecast runs over the 25-hour day.
    await setup_at(hass, entry, freezer, datetime.fromisoformat("2026-10-24T10:00:00+02:00"))
    forecast = [s for s in entry.runtime_data.forecast.price_plan if s.origin == "forecast"]
    assert {slot.duration for slot in forecast} == {timedelta(minutes=15)}
    assert all(a.end == b.start for a, b in pairwise(forecast))
    sunday = [
        slot for slot in forecast if dt_util.as_local(slot.start).date() == date(2026, 10, 25)
    ]
    assert len(sunday) == 100


async def test_get_forecast_returns_the_plan_with_or_without_bands(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    response = await hass.services.async_call(
        DOMAIN,
        "get_forecast",
        {"config_entry": loaded_entry.entry_id, "hours_ahead": 40},
        blocking=True,
        return_response=True,
    )
    slots = response["slots"]
    assert response["forecast_status"] == "ok"
    assert response["model_version"] == "1.2.0"
    assert response["unit"] == "EUR/kWh"
    assert dt_util.parse_datetime(slots[0]["start"]) <= AFTERNOON
    assert len(slots) == 40
    assert {slot["origin"] for slot in slots} == {"market", "forecast"}
    assert "lower" in slots[-1]

    response = await hass.services.async_call(
        DOMAIN,
        "get_forecast",
        {"config_entry": loaded_entry.entry_id, "include_bands": False},
        blocking=True,
        return_response=True,
    )
    assert len(response["slots"]) == 36
    assert all("lower" not in slot for slot in response["slots"])

    week = await hass.services.async_call(
        DOMAIN,
        "get_forecast",
        {"config_entry": loaded_entry.entry_id, "hours_ahead": 168},
        blocking=True,
        return_response=True,
    )
    assert len(week["slots"]) == 168
    assert week["slots"][-1]["origin"] == "forecast"


@pytest.fixture
def blocking_call_detection(
    disable_block_async_io: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> pytest.LogCaptureFixture:
    """Turn on Home Assistant's blocking-call detection as in production, file reads included.

    Under pytest Home Assistant leaves open(), Path.read_bytes() and the like unwatched; the
    model files are read with exactly those, so the detection is enabled without that
    exemption. A call it catches a second time is only logged at debug level.
    """
    monkeypatch.setattr(block_async_io, "_IN_TESTS", False)
    caplog.set_level(logging.WARNING)
    caplog.set_level(logging.DEBUG, logger="homeassistant.util.loop")
    block_async_io.enable()
    return caplog


async def test_setup_with_the_shipped_models_does_not_block_the_event_loop(
    hass: HomeAssistant,
    berlin: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    blocking_call_detection: pytest.LogCaptureFixture,
) -> None:
    # Load and verify the real shipped models in this test, not from an earlier one's cache.
    engine._load_once.cache_clear()
    await setup_at(hass, replay_entry(), freezer, AFTERNOON)
    assert hass.states.get(FORECAST).attributes["status"] == "ok"
    assert hass.states.get(MODEL).attributes["runtime"] == "numpy"
    assert "Detected blocking call" not in blocking_call_detection.text


async def test_blocking_call_detection_catches_models_loaded_on_the_event_loop(
    hass: HomeAssistant,
    berlin: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    blocking_call_detection: pytest.LogCaptureFixture,
) -> None:
    engine._load_once.cache_clear()
    run_in_executor = hass.async_add_executor_job

    def load_models_on_the_loop(job: Any, *args: Any) -> Any:
        if job is engine._load_once:
            future = hass.loop.create_future()
            future.set_result(job(*args))
            return future
        return run_in_executor(job, *args)

    with patch.object(hass, "async_add_executor_job", load_models_on_the_loop):
        await setup_at(hass, replay_entry(), freezer, AFTERNOON)
    assert "inside the event loop by custom integration 'price_optimizer'" in (
        blocking_call_detection.text
    )
