"""An entry's repair issues and its appliances' go with it; the shipped models' stay."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.price_optimizer.const import DOMAIN
from custom_components.price_optimizer.core.solar import solar_issue
from custom_components.price_optimizer.repair_issues import (
    MODEL_FILES_DAMAGED,
    async_raise_battery_control_failed,
    async_raise_battery_soc_sensor,
    async_raise_control_failed,
    async_raise_model_files_damaged,
    async_raise_mqtt_not_set_up,
    async_raise_solar_forecast,
    async_raise_source_unavailable,
    entry_issue_ids,
)

from .appliances import add_appliance

pytestmark = pytest.mark.usefixtures("market_prices_only")


def raise_every_issue(hass: HomeAssistant, entry: MockConfigEntry, appliance_id: str) -> None:
    async_raise_source_unavailable(hass, entry, dt_util.utcnow() - timedelta(hours=7), "down")
    async_raise_control_failed(
        hass,
        appliance_id,
        appliance="Dishwasher",
        command="on",
        target="switch.plug",
        attempts=3,
        reason="not_confirmed",
    )
    async_raise_mqtt_not_set_up(hass, appliance_id, "Dishwasher")
    async_raise_model_files_damaged(hass, "checksum mismatch")
    async_raise_solar_forecast(
        hass,
        entry,
        "Roof (forecast_solar)",
        solar_issue("forecast_ended", ended="2026-11-24T15:00:00+00:00"),
        dt_util.utcnow() - timedelta(hours=4),
    )
    async_raise_battery_soc_sensor(
        hass,
        entry,
        battery="Home battery",
        sensor="sensor.battery_soc",
        reason="soc_sensor_unavailable",
        since=dt_util.utcnow() - timedelta(hours=1),
    )
    async_raise_battery_control_failed(
        hass,
        entry,
        battery="Home battery",
        entity="select.inverter_mode",
        value="Force charge",
        attempts=3,
        error="timeout",
    )


def open_issues(hass: HomeAssistant) -> set[str]:
    return {issue_id for domain, issue_id in ir.async_get(hass).issues if domain == DOMAIN}


async def test_the_ids_of_earlier_releases_are_kept(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher")
    assert set(entry_issue_ids(loaded_entry)) == {
        f"source_unavailable_{loaded_entry.entry_id}",
        f"data_quality_{loaded_entry.entry_id}",
        f"mqtt_not_set_up_{dishwasher}",
        f"control_failed_{dishwasher}",
        # New in this release: the household's tariff and its base-load sensor.
        f"tariff_invalid_{loaded_entry.entry_id}",
        f"tariff_expired_{loaded_entry.entry_id}",
        f"base_load_sensor_class_{loaded_entry.entry_id}",
        f"solar_forecast_{loaded_entry.entry_id}",
        # New in this release: the battery's state-of-charge sensor (one battery per entry).
        f"battery_soc_sensor_{loaded_entry.entry_id}",
        f"battery_control_failed_{loaded_entry.entry_id}",
    }


async def test_unloading_an_entry_withdraws_its_issues_and_its_appliances(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher")
    raise_every_issue(hass, loaded_entry, dishwasher)
    assert open_issues(hass) == {
        f"source_unavailable_{loaded_entry.entry_id}",
        f"control_failed_{dishwasher}",
        f"mqtt_not_set_up_{dishwasher}",
        f"solar_forecast_{loaded_entry.entry_id}",
        f"battery_soc_sensor_{loaded_entry.entry_id}",
        f"battery_control_failed_{loaded_entry.entry_id}",
        MODEL_FILES_DAMAGED,
    }
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    # The shipped models are every entry's: another one may still be running.
    assert open_issues(hass) == {MODEL_FILES_DAMAGED}


async def test_removing_an_entry_withdraws_its_issues(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher")
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    # Raised while it was not loaded, by an earlier release kept open in the registry.
    raise_every_issue(hass, loaded_entry, dishwasher)
    assert await hass.config_entries.async_remove(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert open_issues(hass) == {MODEL_FILES_DAMAGED}
