"""Open a part of the options as a person does: the options menu, then that part."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry


async def open_options_step(hass: HomeAssistant, entry: MockConfigEntry, step: str) -> FlowResult:
    """Return the first form of the options part ``step``, chosen from the options menu."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.MENU
    assert step in result["menu_options"]
    return await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": step}
    )
