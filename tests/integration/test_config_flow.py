"""Config and options flows, as a user clicks through them."""

from __future__ import annotations

from homeassistant import config_entries
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.price_optimizer.const import (
    CONF_AREA,
    CONF_FEE_PER_KWH,
    CONF_MULTIPLIER,
    CONF_RESOLUTION,
    CONF_SOURCE,
    CONF_VAT_PERCENT,
    DOMAIN,
)
from custom_components.price_optimizer.precision import price

from .conftest import replay_entry
from .options import open_options_step


def suggested_values(result: FlowResult) -> dict[str, object]:
    """Return what a form shows filled in."""
    return {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description and "suggested_value" in key.description
    }


async def test_user_picks_the_replay_source_and_an_area(hass: HomeAssistant) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    assert result["type"] is FlowResultType.MENU
    assert "replay" in result["menu_options"]

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "replay"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "replay"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_AREA: "NL", CONF_RESOLUTION: "15"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Replay NL"
    assert result["data"] == {CONF_SOURCE: "replay", CONF_AREA: "NL", CONF_RESOLUTION: "15"}
    assert result["result"].unique_id == "replay_NL"


async def test_the_same_source_and_area_cannot_be_added_twice(hass: HomeAssistant) -> None:
    replay_entry("NL").add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "replay"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_AREA: "NL", CONF_RESOLUTION: "60"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_options_change_every_price(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    state = hass.states.get("sensor.replay_de_lu_current_price")
    raw = float(state.state)

    result = await open_options_step(hass, loaded_entry, "prices")
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "prices"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {CONF_VAT_PERCENT: 19.0, CONF_FEE_PER_KWH: 0.12, CONF_MULTIPLIER: 1.1},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()

    def household(market: float) -> float:
        return (market * 1.1 + 0.12) * 1.19

    adjusted = hass.states.get("sensor.replay_de_lu_current_price")
    assert float(adjusted.state) == pytest.approx(price(household(raw)))
    raw_today = loaded_entry.runtime_data.coordinator.data.raw.local_day_of(dt_util.now())
    assert [slot["price"] for slot in adjusted.attributes["today"]] == pytest.approx(
        [price(household(slot.price)) for slot in raw_today]
    )

    result = await open_options_step(hass, loaded_entry, "prices")
    assert suggested_values(result) == {
        CONF_VAT_PERCENT: 19.0,
        CONF_FEE_PER_KWH: 0.12,
        CONF_MULTIPLIER: 1.1,
    }
