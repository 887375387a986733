"""Fixtures for tests against a real Home Assistant core: the replay entry and a fixed clock."""

from __future__ import annotations

from collections.abc import Generator
from datetime import datetime
import gc
from typing import Any
from unittest.mock import PropertyMock, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.price_optimizer.const import (
    CONF_AREA,
    CONF_RESOLUTION,
    CONF_SOURCE,
    DOMAIN,
    SOURCE_REPLAY,
)
from custom_components.price_optimizer.core.forecast import MODELS_DIR
from custom_components.price_optimizer.forecast_engine import ForecastEngine, _load_once

# A Tuesday in November, after that day's publication: today and tomorrow are known.
AFTERNOON = datetime.fromisoformat("2026-11-24T14:07:00+01:00")
MORNING = datetime.fromisoformat("2026-11-24T09:30:00+01:00")


@pytest.fixture(autouse=True, scope="session")
def shipped_models_loaded() -> None:
    """Load the shipped forecast models once per test process, before its first test.

    Under coverage the first load takes seconds. A test that ends while an entry still loads
    them has Home Assistant stop the executor thread by raising SystemExit into it; raised
    inside coverage's tracer, that leaves the tracer's lock held, and the process hangs at the
    next function it has not run before.
    """
    _load_once(MODELS_DIR)


@pytest.fixture
def market_prices_only() -> Generator[None]:
    """Plan on published prices alone, as when the forecast cannot run.

    Tests of the planner's own rules use it, so their expectations follow from the
    market prices; tests with the forecast are in test_plan_with_forecast.py.
    """
    with patch.object(ForecastEngine, "async_load", return_value=False):
        yield


@pytest.fixture
def entity_registry_enabled_by_default() -> Generator[None]:
    """Create every entity enabled, also those users must enable themselves."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


@pytest.fixture(autouse=True)
def no_gc_callback_of_property_tests() -> None:
    """Drop the garbage-collector callback hypothesis leaves behind in this worker.

    Home Assistant stops an executor thread that outlives its test by raising SystemExit in
    it. Raised inside that callback, the exit cannot propagate and fails whichever test is
    tearing down. The callback only times garbage collection for hypothesis's deadlines,
    which tests/conftest.py switches off; it is not put back.
    """
    for hook in [hook for hook in gc.callbacks if hook.__module__.startswith("hypothesis")]:
        gc.callbacks.remove(hook)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load the integration from this repository."""


@pytest.fixture
async def berlin(hass: HomeAssistant) -> HomeAssistant:
    """Return the core set to the replayed market's time zone."""
    await hass.config.async_set_time_zone("Europe/Berlin")
    return hass


def replay_entry(area: str = "DE-LU", resolution: str = "60", **extra: Any) -> MockConfigEntry:
    """Return a config entry for the bundled replay source."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=f"Replay {area}",
        unique_id=f"{SOURCE_REPLAY}_{area}",
        data={CONF_SOURCE: SOURCE_REPLAY, CONF_AREA: area, CONF_RESOLUTION: resolution, **extra},
    )


@pytest.fixture
def mock_entry(hass: HomeAssistant) -> MockConfigEntry:
    """Return a replay entry added to Home Assistant, not yet set up."""
    entry = replay_entry()
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def loaded_entry(
    berlin: HomeAssistant, mock_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> MockConfigEntry:
    """Return the replay entry set up at a frozen Tuesday afternoon."""
    freezer.move_to(AFTERNOON)
    assert await berlin.config_entries.async_setup(mock_entry.entry_id)
    # The forecast's history backfill runs in the background; let it finish.
    await berlin.async_block_till_done(wait_background_tasks=True)
    return mock_entry
