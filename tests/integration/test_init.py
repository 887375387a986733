"""Setup, unload, reload and restarts of a price entry against a real Home Assistant core."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

import custom_components.price_optimizer as integration
from custom_components.price_optimizer import entry_points
from custom_components.price_optimizer.const import DOMAIN
from custom_components.price_optimizer.core.prices import PriceSeries
from custom_components.price_optimizer.core.sources.base import SourceError
from custom_components.price_optimizer.core.sources.replay import ReplaySource
from custom_components.price_optimizer.forecast_engine import ForecastEngine

from .appliances import add_appliance, entity_id
from .conftest import AFTERNOON, MORNING

CURRENT_PRICE = "sensor.replay_de_lu_current_price"
FORECAST_PRICE = "sensor.replay_de_lu_forecast_price"


def test_package_hands_home_assistant_exactly_the_entry_points() -> None:
    # Home Assistant probes the package with hasattr(): what it finds decides what it calls.
    for name in integration.__all__:
        assert getattr(integration, name) is getattr(entry_points, name)
    for absent in ("async_migrate_entry", "setup", "PLATFORM_SCHEMA", "async_reset_platform"):
        assert not hasattr(integration, absent)


async def test_setup_and_unload(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert float(hass.states.get(CURRENT_PRICE).state) > 0
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    assert loaded_entry.state is ConfigEntryState.NOT_LOADED


async def test_reload_keeps_the_prices(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    before = hass.states.get(CURRENT_PRICE).state
    assert await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(CURRENT_PRICE).state == before


async def test_restart_with_stored_prices_survives_a_dead_source(
    hass: HomeAssistant,
    berlin: HomeAssistant,
    mock_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, object],
) -> None:
    freezer.move_to(AFTERNOON)
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done()
    price = hass.states.get(CURRENT_PRICE).state
    stored = hass_storage[f"{DOMAIN}.{mock_entry.entry_id}"]
    assert stored["data"]["raw"]["slots"]
    assert await hass.config_entries.async_unload(mock_entry.entry_id)

    with patch.object(ReplaySource, "async_fetch", side_effect=SourceError("down")):
        assert await hass.config_entries.async_setup(mock_entry.entry_id)
        await hass.async_block_till_done()
    assert mock_entry.state is ConfigEntryState.LOADED
    assert hass.states.get(CURRENT_PRICE).state == price


async def test_first_setup_without_prices_is_retried(
    hass: HomeAssistant, berlin: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    with patch.object(ReplaySource, "async_fetch", side_effect=SourceError("down")):
        assert not await hass.config_entries.async_setup(mock_entry.entry_id)
    assert mock_entry.state is ConfigEntryState.SETUP_RETRY


async def test_outage_keeps_prices_logs_once_and_recovers(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    coordinator = loaded_entry.runtime_data.coordinator
    with patch.object(ReplaySource, "async_fetch", side_effect=SourceError("HTTP 503")):
        for _ in range(3):
            await coordinator.async_refresh()
    assert caplog.text.count("is unavailable") == 1
    assert "HTTP 503" in caplog.text
    assert coordinator.data.source_available is False
    assert hass.states.get(CURRENT_PRICE).state != "unavailable"

    await coordinator.async_refresh()
    assert caplog.text.count("is available again") == 1
    assert coordinator.data.source_available is True


async def test_entities_go_unavailable_only_when_no_price_is_held_for_now(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    held_until = loaded_entry.runtime_data.coordinator.data.raw.end
    with patch.object(ReplaySource, "async_fetch", return_value=PriceSeries()):
        freezer.move_to(held_until - timedelta(minutes=1))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
        assert hass.states.get(CURRENT_PRICE).state != "unavailable"
        freezer.move_to(held_until + timedelta(seconds=1))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
    assert hass.states.get(CURRENT_PRICE).state == "unavailable"


async def test_fetches_when_tomorrow_is_published_and_not_per_slot(
    hass: HomeAssistant,
    berlin: HomeAssistant,
    mock_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    freezer.move_to(MORNING)
    with patch.object(
        ReplaySource, "async_fetch", autospec=True, side_effect=ReplaySource.async_fetch
    ) as fetch:
        assert await hass.config_entries.async_setup(mock_entry.entry_id)
        await hass.async_block_till_done(wait_background_tasks=True)
        # The setup fetch, then the forecast's history backfill, a week at a time, once.
        after_setup = fetch.call_count
        assert (
            hass.states.get("binary_sensor.replay_de_lu_tomorrow_s_prices_available").state == "off"
        )
        # Three slot boundaries pass without a call to the source.
        for _ in range(3):
            freezer.tick(timedelta(hours=1))
            async_fire_time_changed(hass)
            await hass.async_block_till_done()
        assert fetch.call_count == after_setup
        freezer.move_to(MORNING.replace(hour=12, minute=55))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
        assert fetch.call_count == after_setup + 1
    assert hass.states.get("binary_sensor.replay_de_lu_tomorrow_s_prices_available").state == "on"


async def test_removing_the_entry_deletes_its_stored_prices(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, hass_storage: dict[str, object]
) -> None:
    key = f"{DOMAIN}.{loaded_entry.entry_id}"
    assert key in hass_storage
    assert await hass.config_entries.async_remove(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert key not in hass_storage


async def test_setup_does_not_wait_for_the_models_the_forecast_or_the_plan(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """On a slow machine the forecast and the plan take seconds; the setup is done before."""
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher")
    status = entity_id(hass, "sensor", dishwasher, "status")
    assert hass.states.get(status).state == "scheduled"
    load = ForecastEngine.async_load
    models_wanted = asyncio.Event()
    models_may_load = asyncio.Event()

    async def slow_load(engine: ForecastEngine) -> bool:
        models_wanted.set()
        await models_may_load.wait()
        return await load(engine)

    with patch.object(ForecastEngine, "async_load", slow_load):
        assert await hass.config_entries.async_reload(loaded_entry.entry_id)
        await hass.async_block_till_done()
        # Set up, with every entity there, while the models have not loaded yet.
        assert loaded_entry.state is ConfigEntryState.LOADED
        assert models_wanted.is_set()
        runtime = loaded_entry.runtime_data
        assert runtime.forecast.data is None
        assert runtime.planner.data is None
        assert float(hass.states.get(CURRENT_PRICE).state) > 0
        assert hass.states.get(FORECAST_PRICE).state == "unavailable"
        assert hass.states.get(status).state == "unavailable"
        # What the Store kept is back before the plan: the record, and its switch.
        assert runtime.planner.record(dishwasher).tracked_since is not None
        assert hass.states.get(entity_id(hass, "switch", dishwasher, "automatic_control")).state

        models_may_load.set()
        await hass.async_block_till_done(wait_background_tasks=True)
    assert runtime.forecast.data is not None
    assert runtime.forecast.data.status == "ok"
    assert runtime.planner.data is not None
    assert runtime.planner.data.plans(dishwasher)
    assert hass.states.get(FORECAST_PRICE).state != "unavailable"
    assert hass.states.get(status).state == "scheduled"


async def test_get_forecast_says_when_the_first_forecast_is_not_made_yet(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    models_may_load = asyncio.Event()
    load = ForecastEngine.async_load

    async def slow_load(engine: ForecastEngine) -> bool:
        await models_may_load.wait()
        return await load(engine)

    with patch.object(ForecastEngine, "async_load", slow_load):
        assert await hass.config_entries.async_reload(loaded_entry.entry_id)
        await hass.async_block_till_done()
        with pytest.raises(ServiceValidationError) as raised:
            await hass.services.async_call(
                DOMAIN,
                "get_forecast",
                {"config_entry": loaded_entry.entry_id},
                blocking=True,
                return_response=True,
            )
        assert raised.value.translation_key == "no_forecast_yet"
        models_may_load.set()
        await hass.async_block_till_done(wait_background_tasks=True)
