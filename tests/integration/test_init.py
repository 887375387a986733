"""Setup, unload, reload and restarts of a price entry against a real Home Assistant core."""

from __future__ import annotations

from datetime import timedelta
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.price_optimizer.const import DOMAIN
from custom_components.price_optimizer.models import PriceSeries
from custom_components.price_optimizer.sources.base import SourceError
from custom_components.price_optimizer.sources.replay import ReplaySource

from .conftest import AFTERNOON, MORNING

CURRENT_PRICE = "sensor.replay_de_lu_current_price"


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
