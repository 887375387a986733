"""Reading other integrations' price shapes, without Home Assistant.

No integration records its attributes as files; every test builds them in the
shape the integration's own code writes (custom nordpool's ``_add_raw``,
hass-entsoe's ``prices``, core Nord Pool's action response) and fills them with
real prices from the Nord Pool and ENTSO-E fixtures.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.price_optimizer.core.sources.base import SourceDataError
from custom_components.price_optimizer.core.sources.entity_formats import (
    kind_of,
    parse_core_nordpool,
    parse_custom_nordpool,
    parse_entsoe_attributes,
    series_from_history,
    unit_of,
)
from custom_components.price_optimizer.core.sources.entsoe import parse_prices
from tests.payloads import json_payload, payload

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NL = json_payload("nordpool", "DayAheadPrices_NL_EUR_2024-11-05_hourly_ha-core.json")
HOUR = timedelta(hours=1)


def core_response() -> dict[str, list[dict[str, object]]]:
    """The response core Nord Pool's action builds from this real reply (ISO times, per MWh)."""
    return {
        "NL": [
            {
                "start": e["deliveryStart"].replace("Z", "+00:00"),
                "end": e["deliveryEnd"].replace("Z", "+00:00"),
                "price": e["entryPerArea"]["NL"],
            }
            for e in NL["multiAreaEntries"]
        ]
    }


def custom_raw(in_cents: bool = False) -> dict[str, object]:
    """Custom nordpool attributes: local datetimes and the price per kWh (or in cents)."""
    factor = 0.1 if in_cents else 0.001
    raw = [
        {
            "start": datetime.fromisoformat(e["deliveryStart"]).astimezone(AMSTERDAM),
            "end": datetime.fromisoformat(e["deliveryEnd"]).astimezone(AMSTERDAM),
            "value": round(e["entryPerArea"]["NL"] * factor, 5),
        }
        for e in NL["multiAreaEntries"]
    ]
    return {
        "unit": "kWh",
        "currency": "EUR",
        "price_in_cents": in_cents,
        "raw_today": raw,
        "raw_tomorrow": [],
    }


def test_core_nordpool_response() -> None:
    series = parse_core_nordpool(core_response(), "NL", "EUR")
    assert len(series) == 24
    assert max(slot.price for slot in series) == pytest.approx(0.47299)
    with pytest.raises(SourceDataError, match="no prices for SE3"):
        parse_core_nordpool(core_response(), "SE3", "EUR")
    with pytest.raises(SourceDataError, match="lacks"):
        parse_core_nordpool({"NL": [{"start": "2024-11-04T23:00:00+00:00"}]}, "NL", "EUR")


@pytest.mark.parametrize("in_cents", [False, True])
def test_custom_nordpool_raw_today(in_cents: bool) -> None:
    series = parse_custom_nordpool(custom_raw(in_cents))
    assert len(series) == 24
    assert series.start == datetime(2024, 11, 4, 23, tzinfo=UTC)
    assert max(slot.price for slot in series) == pytest.approx(0.47299)


def test_custom_nordpool_restored_strings_missing_values_and_units() -> None:
    attributes = custom_raw()
    restored = [
        {**entry, "start": entry["start"].isoformat(), "end": entry["end"].isoformat()}  # type: ignore[union-attr]
        for entry in attributes["raw_today"]  # type: ignore[attr-defined]
    ]
    restored[3]["value"] = None
    series = parse_custom_nordpool({**attributes, "raw_today": restored})
    assert len(series) == 23
    per_mwh = parse_custom_nordpool({**attributes, "unit": "MWh"})
    assert per_mwh.slots[0].price == pytest.approx(
        parse_custom_nordpool(attributes).slots[0].price / 1000
    )
    with pytest.raises(SourceDataError, match="currency"):
        parse_custom_nordpool({**attributes, "currency": None})
    with pytest.raises(SourceDataError, match="lacks"):
        parse_custom_nordpool({**attributes, "raw_today": [{"start": "x"}]})
    naive = [{**restored[0], "start": datetime(2024, 11, 5), "value": 1.0}]  # noqa: DTZ001
    with pytest.raises(SourceDataError, match="time zone"):
        parse_custom_nordpool({**attributes, "raw_today": naive})
    with pytest.raises(SourceDataError, match="expected a time"):
        parse_custom_nordpool({**attributes, "raw_today": [{**restored[0], "start": 5}]})


def test_entsoe_prices_attribute_in_quarter_hours() -> None:
    de_lu = parse_prices(
        payload("entsoe", "a44_DE-LU_2025-10-31_to_11-01_PT15M_A03_two-sequences_openhab.xml")
    )
    berlin = ZoneInfo("Europe/Berlin")
    # hass-entsoe writes local times with a space and the price per kWh.
    prices = [
        {"time": slot.start.astimezone(berlin).isoformat(sep=" "), "price": slot.price}
        for slot in de_lu
    ]
    series = parse_entsoe_attributes({"prices": prices}, "EUR")
    assert [(s.start, s.duration, s.price) for s in series] == [
        (s.start, s.duration, s.price) for s in de_lu
    ]
    split = parse_entsoe_attributes(
        {"prices_today": prices[:96], "prices_tomorrow": prices[96:]}, "EUR"
    )
    assert split == series
    with pytest.raises(SourceDataError, match="lacks"):
        parse_entsoe_attributes({"prices": [{"time": prices[0]["time"]}]}, "EUR")


def test_units_and_kinds() -> None:
    assert unit_of("EUR/kWh") == ("EUR", 1.0)
    assert unit_of("€/kWh") == ("EUR", 1.0)
    assert unit_of("SEK/MWh") == ("SEK", 1000.0)
    assert unit_of("ct/kWh") == ("EUR", 100.0)
    for bad in (None, "W", "EUR/m³"):
        with pytest.raises(SourceDataError):
            unit_of(bad)
    assert kind_of({"raw_today": []}, "nordpool") == "custom_nordpool"
    assert kind_of({"prices": []}, "entsoe") == "entsoe"
    assert kind_of({}, "nordpool") == "core_nordpool"
    assert kind_of({"unit_of_measurement": "EUR/kWh"}, "template") == "sensor"


def test_history_prices_each_slot_by_the_state_at_its_middle() -> None:
    t0 = datetime(2025, 6, 1, 10, tzinfo=UTC)
    changes = [
        (t0 + timedelta(seconds=3), "0.25"),
        (t0 + timedelta(hours=1, seconds=2), "unavailable"),
        (t0 + timedelta(hours=2, seconds=5), "-0.02"),
        (t0 + timedelta(hours=3), "nan"),
    ]
    series = series_from_history(changes, HOUR, t0 + timedelta(hours=3, minutes=10), "EUR", 1.0)
    assert [(slot.start, slot.price) for slot in series] == [(t0, 0.25), (t0 + 2 * HOUR, -0.02)]
    assert not series_from_history([], HOUR, t0, "EUR", 1.0)
    quarters = series_from_history(changes[:1], timedelta(minutes=15), t0 + HOUR, "SEK", 100.0)
    assert len(quarters) == 5
    assert quarters.slots[0].price == 0.0025
