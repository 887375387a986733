"""The forecast's history from the recorder, for sources that keep none."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from unittest.mock import patch
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.price_optimizer.const import DOMAIN
from custom_components.price_optimizer.core.prices import PriceSeries, PriceSlot
from custom_components.price_optimizer.core.sources.replay import ReplaySource, load_table
from custom_components.price_optimizer.core.tariffs.household import Adjustment, household_tariff

from .conftest import AFTERNOON, replay_entry
from .test_forecast import setup_at


@pytest.fixture
def mock_recorder_before_hass(async_test_recorder: Any) -> None:
    """Let the recorder be prepared before Home Assistant starts, as it is in a real install."""


async def test_history_comes_from_the_recorder_when_the_source_keeps_none(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    berlin: HomeAssistant,
    freezer: FrozenDateTimeFactory,
) -> None:
    household = household_tariff(
        Adjustment(vat_percent=10.0, fee_per_kwh=0.05, multiplier=1.0),
        time_zone="Europe/Berlin",
        currency="EUR",
    )
    table = load_table()
    entity_id = "sensor.replay_de_lu_current_price"
    first_hour = AFTERNOON - timedelta(days=7)
    recorded: dict[datetime, float] = {}
    for hour in range(7 * 24):
        when = first_hour + timedelta(hours=hour)
        freezer.move_to(when)
        market = table.price("DE_LU", when.astimezone(ZoneInfo("Europe/Berlin"))) / 1000
        recorded[when.astimezone(UTC)] = market
        # The sensor records its total and, beside it, the market price it was made from.
        total = household.slot_price(PriceSlot(when.astimezone(UTC), timedelta(hours=1), market))
        hass.states.async_set(entity_id, str(total.total), {"market_price": market})
        await hass.async_block_till_done()
    await async_wait_recording_done(hass)
    hass.states.async_remove(entity_id)

    original = ReplaySource.async_fetch

    async def only_today(source: ReplaySource, start: datetime, end: datetime) -> PriceSeries:
        today = dt_util.start_of_local_day()
        return await original(source, max(start, today), end) if end > today else PriceSeries()

    # An entry that has run before (its price sensor is registered and recorded) and has
    # no forecast history yet, as after an upgrade to a version with the forecast.
    entry = replay_entry()
    entry.add_to_hass(hass)
    er.async_get(hass).async_get_or_create(
        "sensor",
        DOMAIN,
        f"{entry.entry_id}_current_price",
        config_entry=entry,
        suggested_object_id="replay_de_lu_current_price",
    )
    hass.config_entries.async_update_entry(
        entry, options={"vat_percent": 10.0, "fee_per_kwh": 0.05, "multiplier": 1.0}
    )
    with patch.object(ReplaySource, "async_fetch", autospec=True, side_effect=only_today):
        await setup_at(hass, entry, freezer, AFTERNOON)
    await async_wait_recording_done(hass)

    forecast = entry.runtime_data.forecast
    assert forecast.data.status == "ok"
    history = forecast._history.as_series(dt_util.start_of_local_day(), "EUR")
    sample = first_hour.astimezone(UTC) + timedelta(hours=30)
    assert history.slot_at(sample).price == pytest.approx(recorded[sample], abs=1e-9)
    assert forecast.data.history_hours >= 7 * 24
