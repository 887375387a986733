"""How long a dead provider keeps a person or the coordinator waiting, over real HTTP.

A flow makes one attempt of at most ten seconds; the coordinator retries once at
most and leaves the rest to its update schedule.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.price_optimizer import config_flow
from custom_components.price_optimizer.const import DOMAIN
from custom_components.price_optimizer.core.sources import awattar
from custom_components.price_optimizer.core.sources.http import FLOW_RETRY, SourceHttp
from tests.local_api import LocalApi, Reply
from tests.payloads import payload

from .helpers import fast_http, open_source_step

PATH = "/v1/marketdata"
MARKETDATA = payload("awattar", "marketdata_DE_2023-01-17_08-23UTC_openkfw.json")
MORNING = datetime.fromisoformat("2023-01-17T09:30:00+01:00")


@pytest.fixture(autouse=True)
async def awattar_api(hass: HomeAssistant, api: LocalApi, monkeypatch: pytest.MonkeyPatch) -> None:
    """Send aWATTar's German traffic to the local server."""
    await hass.config.async_set_time_zone("Europe/Berlin")
    monkeypatch.setitem(awattar.AREAS, "DE-LU", (api.url(PATH), ZoneInfo("Europe/Berlin")))


def spy_timeouts(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Return the timeouts of the attempts the sources' HTTP layer makes from now on."""
    timeouts: list[float] = []
    once = SourceHttp._once

    async def recorded(http: SourceHttp, request: Any) -> Any:
        timeouts.append(http.policy.timeout)
        return await once(http, request)

    monkeypatch.setattr(SourceHttp, "_once", recorded)
    return timeouts


async def submit_awattar(hass: HomeAssistant) -> dict[str, Any]:
    result = await open_source_step(hass, "awattar")
    return dict(
        await hass.config_entries.flow.async_configure(result["flow_id"], {"area": "DE-LU"})
    )


async def test_a_failing_provider_is_reported_after_one_attempt_of_at_most_ten_seconds(
    hass: HomeAssistant, api: LocalApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.reply(PATH, Reply(503))
    timeouts = spy_timeouts(monkeypatch)
    result = await submit_awattar(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    assert len(api.requests_to(PATH)) == 1
    assert len(timeouts) == 1
    assert 0 < timeouts[0] <= 10


async def test_a_provider_that_never_answers_is_reported_after_one_attempt(
    hass: HomeAssistant, api: LocalApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The budget is shortened so the test does not wait ten seconds; the server
    # answers only long after it.
    monkeypatch.setattr(config_flow, "FLOW_RETRY", replace(FLOW_RETRY, timeout=0.1))
    api.reply(PATH, Reply(delay=1.0, body=MARKETDATA))
    result = await submit_awattar(hass)
    assert result["errors"] == {"base": "cannot_connect"}
    assert len(api.requests_to(PATH)) == 1


async def test_the_coordinator_retries_a_failing_provider_once_at_most(
    hass: HomeAssistant,
    api: LocalApi,
    monkeypatch: pytest.MonkeyPatch,
    freezer: FrozenDateTimeFactory,
) -> None:
    # No backoff, so the test does not sleep; the number of attempts is the caller's.
    fast_http(monkeypatch, "awattar")
    freezer.move_to(MORNING)
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="aWATTar DE-LU",
        unique_id="awattar_DE-LU",
        data={"source": "awattar", "area": "DE-LU"},
    )
    entry.add_to_hass(hass)
    api.reply(PATH, Reply(503))
    timeouts = spy_timeouts(monkeypatch)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert len(api.requests_to(PATH)) == 2
    assert timeouts == [timeouts[0]] * 2
    assert timeouts[0] <= 15

    api.reply(PATH, Reply(body=MARKETDATA))
    await hass.config_entries.async_reload(entry.entry_id)
    # The forecast's history backfill asks the source too: let it finish first.
    await hass.async_block_till_done(wait_background_tasks=True)
    coordinator = entry.runtime_data.coordinator
    seen = len(api.requests_to(PATH))
    api.reply(PATH, Reply(503))
    await coordinator.async_refresh()
    assert coordinator.data.source_available is False
    assert len(api.requests_to(PATH)) - seen == 2
