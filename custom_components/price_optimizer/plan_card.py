"""Serve the bundled plan card and load it on every dashboard, so it needs no install of its own."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Final

from homeassistant.components.frontend import add_extra_js_url
from homeassistant.components.http import StaticPathConfig
from homeassistant.core import HomeAssistant
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN, LOGGER

CARD_FILE: Final = Path(__file__).parent / "frontend" / "price-optimizer-plan-card.js"
CARD_URL: Final = f"/{DOMAIN}/frontend/{CARD_FILE.name}"
_REGISTERED: HassKey[str] = HassKey(f"{DOMAIN}_plan_card_url")


def _versioned_url() -> str:
    """Return the card's URL with a digest of its content: a new version is never a cached one."""
    digest = hashlib.sha256(CARD_FILE.read_bytes()).hexdigest()[:12]
    return f"{CARD_URL}?v={digest}"


async def async_register_plan_card(hass: HomeAssistant) -> None:
    """Serve the card's module and add it to the frontend's extra modules, once per start.

    Without the frontend (a headless installation, the unit tests) there is nothing to load it.
    """
    if _REGISTERED in hass.data:
        return
    if "frontend" not in hass.config.components or hass.http is None:
        LOGGER.debug("The frontend is not loaded: the plan card is not served")
        return
    url = await hass.async_add_executor_job(_versioned_url)
    hass.data[_REGISTERED] = url
    # Cached for a long time: the version in the URL changes with the file.
    await hass.http.async_register_static_paths([StaticPathConfig(CARD_URL, str(CARD_FILE), True)])
    add_extra_js_url(hass, url)
