"""The integration serves its plan card and has the frontend load it, with no install of its own."""

from __future__ import annotations

import hashlib

from homeassistant.components.frontend import DATA_EXTRA_MODULE_URL, UrlManager
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.price_optimizer.const import DOMAIN
from custom_components.price_optimizer.plan_card import (
    CARD_FILE,
    CARD_URL,
    async_register_plan_card,
)


def _as_if_the_frontend_were_loaded(hass: HomeAssistant) -> UrlManager:
    """Leave what the frontend's setup leaves: its package is not in the test environment."""
    modules = UrlManager(lambda _change, _url: None, [])
    hass.data[DATA_EXTRA_MODULE_URL] = modules
    hass.config.components.add("frontend")
    return modules


async def test_the_card_is_served_and_loaded_as_an_extra_module(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator
) -> None:
    assert await async_setup_component(hass, "http", {})
    modules = _as_if_the_frontend_were_loaded(hass)
    assert await async_setup_component(hass, DOMAIN, {})

    digest = hashlib.sha256(CARD_FILE.read_bytes()).hexdigest()[:12]
    assert modules.urls == {f"{CARD_URL}?v={digest}"}
    client = await hass_client_no_auth()
    response = await client.get(f"{CARD_URL}?v={digest}")
    assert response.status == 200
    assert response.content_type in ("text/javascript", "application/javascript")
    body = await response.read()
    assert body == CARD_FILE.read_bytes()
    assert b"price-optimizer-plan-card" in body


async def test_the_card_is_registered_once_per_start(hass: HomeAssistant) -> None:
    assert await async_setup_component(hass, "http", {})
    modules = _as_if_the_frontend_were_loaded(hass)
    assert await async_setup_component(hass, DOMAIN, {})
    (url,) = modules.urls
    # A second registration would add a second route for the same path, which aiohttp refuses.
    await async_register_plan_card(hass)
    assert modules.urls == {url}


async def test_without_the_frontend_nothing_is_served(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator
) -> None:
    assert await async_setup_component(hass, "http", {})
    assert await async_setup_component(hass, DOMAIN, {})
    assert DATA_EXTRA_MODULE_URL not in hass.data
    client = await hass_client_no_auth()
    response = await client.get(CARD_URL)
    assert response.status == 404
