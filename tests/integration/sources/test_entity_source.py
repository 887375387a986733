"""Another entity as the source, in a real Home Assistant core.

The entities are set up as the other integrations would leave them: their
attribute shapes come from those integrations' code, filled with real prices
from the Nord Pool and ENTSO-E fixtures. The core Nord Pool integration itself
needs pynordpool, whose pinned version differs between the two Home Assistant
releases tested here; its ``get_prices_for_date`` action is therefore stood in
for by one that answers in the same shape from the recorded Nord Pool reply.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.price_optimizer.core.sources.base import SourceError
from custom_components.price_optimizer.core.sources.entsoe import parse_prices
from custom_components.price_optimizer.entity_source import EntitySource
from tests.payloads import json_payload, payload

from .helpers import open_source_step


@pytest.fixture
def mock_recorder_before_hass(async_test_recorder: Any) -> None:
    """Let the recorder be prepared before Home Assistant starts, as it is in a real install."""


NL = json_payload("nordpool", "DayAheadPrices_NL_EUR_2024-11-05_hourly_ha-core.json")
NL_MORNING = datetime.fromisoformat("2024-11-05T09:30:00+01:00")


async def choose(hass: HomeAssistant, entity_id: str, resolution: str = "60") -> dict[str, Any]:
    result = await open_source_step(hass, "entity")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"entity_id": entity_id, "resolution": resolution}
    )
    await hass.async_block_till_done()
    return dict(result)


def nl_price_at(when: datetime) -> float:
    for entry in NL["multiAreaEntries"]:
        if (
            datetime.fromisoformat(entry["deliveryStart"])
            <= when
            < datetime.fromisoformat(entry["deliveryEnd"])
        ):
            return float(entry["entryPerArea"]["NL"]) / 1000
    raise AssertionError(when)


async def test_custom_nordpool_sensor(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    await hass.config.async_set_time_zone("Europe/Amsterdam")
    freezer.move_to(NL_MORNING)
    amsterdam = NL_MORNING.tzinfo
    raw = [
        {
            "start": datetime.fromisoformat(e["deliveryStart"]).astimezone(amsterdam),
            "end": datetime.fromisoformat(e["deliveryEnd"]).astimezone(amsterdam),
            "value": round(e["entryPerArea"]["NL"] / 1000, 5),
        }
        for e in NL["multiAreaEntries"]
    ]
    hass.states.async_set(
        "sensor.nordpool_kwh_nl_eur_3_10_0",
        str(raw[9]["value"]),
        {
            "unit": "kWh",
            "currency": "EUR",
            "price_in_cents": False,
            "raw_today": raw,
            "raw_tomorrow": [],
            "unit_of_measurement": "EUR/kWh",
        },
    )
    result = await choose(hass, "sensor.nordpool_kwh_nl_eur_3_10_0")
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["entity_kind"] == "custom_nordpool"
    state = hass.states.get("sensor.entity_sensor_nordpool_kwh_nl_eur_3_10_0_current_price")
    assert float(state.state) == pytest.approx(nl_price_at(NL_MORNING))
    assert len(state.attributes["today"]) == 24


async def test_entsoe_sensor_with_quarter_hours(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    await hass.config.async_set_time_zone("Europe/Berlin")
    now = datetime.fromisoformat("2025-10-31T14:20:00+01:00")
    freezer.move_to(now)
    de_lu = parse_prices(
        payload("entsoe", "a44_DE-LU_2025-10-31_to_11-01_PT15M_A03_two-sequences_openhab.xml")
    )
    prices = [
        {"time": slot.start.astimezone(now.tzinfo).isoformat(sep=" "), "price": slot.price}
        for slot in de_lu
    ]
    hass.states.async_set(
        "sensor.average_electricity_price",
        str(de_lu.slot_at(now).price),
        {"prices": prices, "unit_of_measurement": "€/kWh"},
    )
    result = await choose(hass, "sensor.average_electricity_price")
    assert result["data"]["entity_kind"] == "entsoe"
    state = hass.states.get("sensor.entity_sensor_average_electricity_price_current_price")
    assert float(state.state) == pytest.approx(de_lu.slot_at(now).price)
    assert state.attributes["unit_of_measurement"] == "EUR/kWh"
    assert len(state.attributes["tomorrow"]) == 96


async def test_core_nordpool_through_its_price_action(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    await hass.config.async_set_time_zone("Europe/Amsterdam")
    freezer.move_to(NL_MORNING)
    calls: list[dict[str, Any]] = []

    async def get_prices_for_date(call: ServiceCall) -> ServiceResponse:
        calls.append(dict(call.data))
        if call.data["date"] != "2024-11-05":
            return {"NL": []}
        return {
            "NL": [
                {
                    "start": datetime.fromisoformat(e["deliveryStart"]).isoformat(),
                    "end": datetime.fromisoformat(e["deliveryEnd"]).isoformat(),
                    "price": e["entryPerArea"]["NL"],
                }
                for e in NL["multiAreaEntries"]
            ]
        }

    hass.services.async_register(
        "nordpool",
        "get_prices_for_date",
        get_prices_for_date,
        supports_response=SupportsResponse.ONLY,
    )
    nordpool_entry = MockConfigEntry(domain="nordpool", data={"areas": ["NL"], "currency": "EUR"})
    nordpool_entry.add_to_hass(hass)
    registered = er.async_get(hass).async_get_or_create(
        "sensor", "nordpool", "NL-current_price", config_entry=nordpool_entry
    )
    hass.states.async_set(registered.entity_id, "0.1", {"unit_of_measurement": "EUR/kWh"})

    result = await choose(hass, registered.entity_id)
    assert result["data"]["entity_kind"] == "core_nordpool"
    assert calls[0] == {
        "config_entry": nordpool_entry.entry_id,
        "date": "2024-11-04",
        "areas": ["NL"],
    }
    state = hass.states.get(f"sensor.entity_{registered.entity_id.replace('.', '_')}_current_price")
    assert float(state.state) == pytest.approx(nl_price_at(NL_MORNING))
    coordinator = result["result"].runtime_data.coordinator
    assert coordinator.next_fetch == NL_MORNING.replace(hour=13, minute=0)


async def test_plain_price_sensor_history_from_the_recorder(
    recorder_mock: Any, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    await hass.config.async_set_time_zone("Europe/Amsterdam")
    start = datetime.fromisoformat("2024-11-05T06:00:02+01:00")
    for hour in range(4):
        freezer.move_to(start + timedelta(hours=hour))
        when = (start + timedelta(hours=hour)).replace(second=0)
        hass.states.async_set(
            "sensor.spot_price", str(nl_price_at(when)), {"unit_of_measurement": "EUR/kWh"}
        )
        await hass.async_block_till_done()
    await async_wait_recording_done(hass)
    freezer.move_to(start + timedelta(hours=3, minutes=20))

    result = await choose(hass, "sensor.spot_price")
    assert result["data"]["entity_kind"] == "sensor"
    state = hass.states.get("sensor.entity_sensor_spot_price_current_price")
    today = state.attributes["today"]
    assert [slot["price"] for slot in today] == pytest.approx(
        [nl_price_at(start.replace(second=0) + timedelta(hours=h)) for h in range(4)]
    )
    assert state.attributes["tomorrow"] == []


async def test_a_missing_entity_is_reported(hass: HomeAssistant) -> None:
    result = await choose(hass, "sensor.not_there")
    assert result["errors"] == {"base": "entity_not_found"}


async def test_unavailable_entity_and_failing_action_are_outages(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    await hass.config.async_set_time_zone("Europe/Amsterdam")
    freezer.move_to(NL_MORNING)
    start, end = NL_MORNING - timedelta(hours=1), NL_MORNING + timedelta(hours=1)
    hass.states.async_set("sensor.gone", "unavailable")
    with pytest.raises(SourceError, match="unavailable"):
        await EntitySource(hass, "sensor.gone", "sensor", 60).async_fetch(start, end)

    with pytest.raises(SourceError, match="no Nord Pool entry"):
        await EntitySource(hass, "sensor.gone", "core_nordpool", 60).async_fetch(start, end)

    async def failing(call: ServiceCall) -> ServiceResponse:
        raise HomeAssistantError("Nord Pool is down")

    hass.services.async_register(
        "nordpool", "get_prices_for_date", failing, supports_response=SupportsResponse.ONLY
    )
    nordpool_entry = MockConfigEntry(domain="nordpool", data={"areas": ["NL"], "currency": "EUR"})
    nordpool_entry.add_to_hass(hass)
    registered = er.async_get(hass).async_get_or_create(
        "sensor", "nordpool", "NL-current_price", config_entry=nordpool_entry
    )
    source = EntitySource(hass, registered.entity_id, "core_nordpool", 60)
    with pytest.raises(SourceError, match="Nord Pool is down"):
        await source.async_fetch(start, end)
