"""Shared steps for driving a live source through Home Assistant against the local server."""

from __future__ import annotations

from typing import Any

from homeassistant import config_entries
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.price_optimizer import source_factory
from custom_components.price_optimizer.const import DOMAIN
from custom_components.price_optimizer.core.sources.http import HttpPolicy

# Real HTTP without waiting: the frozen test clock would never let a backoff end.
FAST = HttpPolicy(timeout=10.0, attempts=2, backoff_base=0.0, min_interval=0.0)


def fast_http(monkeypatch: pytest.MonkeyPatch, source: str) -> None:
    """Make ``source``'s HTTP policy quick, keeping retries and the breaker real."""
    monkeypatch.setitem(source_factory.POLICIES, source, FAST)


async def open_source_step(hass: HomeAssistant, source: str) -> dict[str, Any]:
    """Start a user flow and pick ``source`` from the menu."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    assert result["type"] is FlowResultType.MENU
    assert source in result["menu_options"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": source}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == source
    return dict(result)


def field_names(result: dict[str, Any]) -> set[str]:
    """Return the fields a form asks for."""
    return {str(key) for key in result["data_schema"].schema}


def select_options(result: dict[str, Any], field: str) -> list[str]:
    """Return the options a select field of a form offers."""
    for key, value in result["data_schema"].schema.items():
        if str(key) == field:
            return [
                option if isinstance(option, str) else option["value"]
                for option in value.config["options"]
            ]
    raise AssertionError(f"{field} not in form")


async def start_reconfigure(hass: HomeAssistant, entry_id: str) -> dict[str, Any]:
    """Start the reconfigure flow of an entry, as its menu item does."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_RECONFIGURE, "entry_id": entry_id}
    )
    return dict(result)
