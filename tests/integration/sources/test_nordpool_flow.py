"""Nord Pool in Home Assistant over real HTTP: setup, quarter-hour sensors, reconfigure."""

from __future__ import annotations

from datetime import datetime

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.price_optimizer.const import SOURCE_NORDPOOL
from custom_components.price_optimizer.core.sources import nordpool
from tests.local_api import LocalApi, Reply
from tests.payloads import payload

from .helpers import fast_http, field_names, open_source_step, select_options, start_reconfigure

PATH = "/api/DayAheadPriceIndices"
FIRST_QUARTER_DAY = datetime.fromisoformat("2025-10-01T14:00:00+02:00")


@pytest.fixture(autouse=True)
async def nordpool_api(
    hass: HomeAssistant, api: LocalApi, monkeypatch: pytest.MonkeyPatch
) -> LocalApi:
    await hass.config.async_set_time_zone("Europe/Stockholm")
    monkeypatch.setattr(nordpool, "API_URL", api.url("/api"))
    fast_http(monkeypatch, SOURCE_NORDPOOL)
    api.reply(PATH, Reply(204))
    for minutes in (15, 60):
        api.reply(
            PATH,
            Reply(
                body=payload(
                    "nordpool", f"DayAheadPriceIndices_SE3_SEK_2025-10-01_res{minutes}_ha-core.json"
                )
            ),
            query={"date": "2025-10-01", "resolutionInMinutes": str(minutes)},
        )
    return api


async def test_user_sets_up_quarter_hour_prices_in_sek(
    hass: HomeAssistant, nordpool_api: LocalApi, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(FIRST_QUARTER_DAY)
    result = await open_source_step(hass, "nordpool")
    assert field_names(result) == {"area", "currency", "resolution"}
    assert "DE-LU" in select_options(result, "area")
    assert "CH" not in select_options(result, "area")
    assert select_options(result, "currency") == list(nordpool.CURRENCIES)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"area": "SE3", "currency": "SEK", "resolution": "15"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Nord Pool SE3"
    assert result["result"].unique_id == "nordpool_SE3"
    await hass.async_block_till_done()

    state = hass.states.get("sensor.nord_pool_se3_current_price")
    assert state.attributes["unit_of_measurement"] == "SEK/kWh"
    assert len(state.attributes["today"]) == 96
    # 14:00 local is the 57th quarter-hour of the day.
    assert float(state.state) == pytest.approx(state.attributes["today"][56]["price"])

    result = await start_reconfigure(hass, result["result"].entry_id)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"area": "SE3", "currency": "SEK", "resolution": "60"}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    state = hass.states.get("sensor.nord_pool_se3_current_price")
    assert len(state.attributes["today"]) == 24
    assert nordpool_api.requests_to(PATH)[-1].query["resolutionInMinutes"] == "60"


async def test_a_day_not_yet_published_is_no_prices(
    hass: HomeAssistant, nordpool_api: LocalApi, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(datetime.fromisoformat("2025-10-05T14:00:00+02:00"))
    result = await open_source_step(hass, "nordpool")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"area": "SE3", "currency": "SEK", "resolution": "15"}
    )
    assert result["errors"] == {"base": "no_prices"}
