"""Diagnostics say what the source did and never reveal a credential."""

from __future__ import annotations

from datetime import datetime
import logging
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.diagnostics import REDACTED
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.price_optimizer.core.sources.base import SourceError
from custom_components.price_optimizer.core.sources.replay import ReplaySource
from custom_components.price_optimizer.diagnostics import async_get_config_entry_diagnostics

from .appliances import add_appliance
from .conftest import AFTERNOON, replay_entry

SECRETS = {"api_key": "sk-live-7f3a9c", "token": "tibber-1b2c3d", "password": "hunter2-but-longer"}


async def test_diagnostics_redact_every_credential_and_logs_carry_none(
    hass: HomeAssistant,
    berlin: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    entry = replay_entry(**SECRETS)
    entry.add_to_hass(hass)
    freezer.move_to(AFTERNOON)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    with patch.object(ReplaySource, "async_fetch", side_effect=SourceError("HTTP 500")):
        await entry.runtime_data.coordinator.async_refresh()

    diagnostics = await async_get_config_entry_diagnostics(hass, entry)

    assert diagnostics["entry"]["data"] == {
        "source": "replay",
        "area": "DE-LU",
        "resolution": "60",
        **dict.fromkeys(SECRETS, REDACTED),
    }
    assert diagnostics["source"]["available"] is False
    assert datetime.fromisoformat(diagnostics["source"]["last_success"]) == AFTERNOON
    assert diagnostics["source"]["slots_held"] > 48
    assert diagnostics["findings"] == []
    text = repr(diagnostics) + caplog.text
    for secret in SECRETS.values():
        assert secret not in text


async def test_diagnostics_show_the_appliances_their_records_and_the_plan(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher")
    diagnostics = await async_get_config_entry_diagnostics(hass, loaded_entry)
    assert diagnostics["appliances"][dishwasher]["title"] == "Dishwasher"
    assert diagnostics["appliances"][dishwasher]["data"]["duration_minutes"] == 120
    assert diagnostics["household_limit_kw"] is None
    plan = diagnostics["plan"]
    assert plan["available"] is True
    assert plan["records"][dishwasher]["status"] == "scheduled"
    assert plan["schedule"]["plans"][0]["appliance_id"] == dishwasher
    assert plan["schedule"]["solver"]["status"] == "optimal"
