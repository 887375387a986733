"""The one slot model: ordering, lookups, merging, local days and adjustments."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.price_optimizer.core.prices import (
    PriceSeries,
    PriceSeriesError,
    PriceSlot,
    local_day_bounds,
    local_day_bounds_of,
)
from custom_components.price_optimizer.core.tariffs.household import Adjustment, household_tariff

BERLIN = ZoneInfo("Europe/Berlin")
HOUR = timedelta(hours=1)
QUARTER = timedelta(minutes=15)
T0 = datetime(2026, 11, 24, 0, tzinfo=UTC)


def hourly(*prices: float, start: datetime = T0) -> PriceSeries:
    return PriceSeries(
        tuple(PriceSlot(start + i * HOUR, HOUR, price) for i, price in enumerate(prices))
    )


def test_slot_lookup_finds_the_containing_slot_and_none_in_gaps() -> None:
    series = PriceSeries((PriceSlot(T0, HOUR, 1.0), PriceSlot(T0 + 2 * HOUR, QUARTER, 2.0)))
    assert series.slot_at(T0 + timedelta(minutes=59)) == PriceSlot(T0, HOUR, 1.0)
    assert series.slot_at(T0 + HOUR) is None
    assert series.slot_at(T0 - timedelta(seconds=1)) is None
    assert series.slot_at(T0 + 2 * HOUR + QUARTER) is None
    assert series.next_slot(T0) == PriceSlot(T0 + 2 * HOUR, QUARTER, 2.0)
    assert series.next_slot(T0 + 2 * HOUR) is None
    assert series.start == T0
    assert series.end == T0 + 2 * HOUR + QUARTER


def test_rejects_naive_overlapping_and_odd_slots() -> None:
    with pytest.raises(PriceSeriesError, match="not UTC"):
        PriceSeries((PriceSlot(datetime(2026, 1, 1), HOUR, 1.0),))  # noqa: DTZ001
    with pytest.raises(PriceSeriesError, match="not UTC"):
        PriceSeries((PriceSlot(datetime(2026, 1, 1, tzinfo=BERLIN), HOUR, 1.0),))
    with pytest.raises(PriceSeriesError, match="lasts"):
        PriceSeries((PriceSlot(T0, timedelta(minutes=20), 1.0),))
    with pytest.raises(PriceSeriesError, match="overlaps"):
        PriceSeries((PriceSlot(T0, HOUR, 1.0), PriceSlot(T0 + QUARTER, QUARTER, 1.0)))
    with pytest.raises(PriceSeriesError, match="overlaps"):
        PriceSeries.from_unsorted([PriceSlot(T0, HOUR, 1.0), PriceSlot(T0, HOUR, 2.0)])


def test_newer_prices_replace_the_slots_they_overlap() -> None:
    held = hourly(1.0, 2.0, 3.0)
    quarter_hours = PriceSeries(
        tuple(PriceSlot(T0 + HOUR + i * QUARTER, QUARTER, 9.0 + i) for i in range(4))
    )
    merged = held.merged_with(quarter_hours)
    assert [(s.start - T0, s.price) for s in merged] == [
        (timedelta(0), 1.0),
        (HOUR, 9.0),
        (HOUR + QUARTER, 10.0),
        (HOUR + 2 * QUARTER, 11.0),
        (HOUR + 3 * QUARTER, 12.0),
        (2 * HOUR, 3.0),
    ]
    assert held.merged_with(PriceSeries()) is held
    assert merged.trimmed_before(T0 + 2 * HOUR).slots == (PriceSlot(T0 + 2 * HOUR, HOUR, 3.0),)


def test_local_days_have_23_24_and_25_hours() -> None:
    def hours(day: date) -> float:
        start, end = local_day_bounds(day, BERLIN)
        return (end - start) / HOUR

    assert hours(date(2026, 3, 29)) == 23
    assert hours(date(2026, 10, 25)) == 25
    assert hours(date(2026, 11, 24)) == 24
    assert local_day_bounds(date(2026, 11, 24), BERLIN)[0] == datetime(2026, 11, 23, 23, tzinfo=UTC)


def test_local_day_of_uses_the_zone_of_the_given_time() -> None:
    series = hourly(*range(48), start=datetime(2026, 11, 23, 23, tzinfo=UTC))
    evening = datetime(2026, 11, 24, 22, 30, tzinfo=BERLIN)
    assert [s.price for s in series.local_day_of(evening)] == list(range(24))
    assert [s.price for s in series.local_day_of(evening, 1)] == list(range(24, 48))
    with pytest.raises(ValueError, match="no time zone"):
        local_day_bounds_of(datetime(2026, 11, 24))  # noqa: DTZ001


def test_the_household_tariff_scales_adds_fee_then_vat() -> None:
    household = household_tariff(
        Adjustment(vat_percent=21.0, fee_per_kwh=0.10, multiplier=1.5),
        time_zone="Europe/Berlin",
        currency="EUR",
    )
    total = household.slot_price
    assert total(PriceSlot(T0, HOUR, 0.20)).total == pytest.approx((0.30 + 0.10) * 1.21)
    assert total(PriceSlot(T0, HOUR, -0.10)).total == pytest.approx((-0.15 + 0.10) * 1.21)
    banded = PriceSeries((PriceSlot(T0, HOUR, 0.2, "forecast", lower=0.1, upper=0.3),))
    (slot,) = household.priced(banded)[0]
    assert (slot.price, slot.lower, slot.upper) == pytest.approx(
        (0.484, (0.15 + 0.1) * 1.21, (0.45 + 0.1) * 1.21)
    )
    plain = household_tariff(Adjustment(), time_zone="Europe/Berlin", currency="EUR")
    assert plain.slot_price(PriceSlot(T0, HOUR, 0.1234)).total == 0.1234


def test_round_trips_through_its_stored_form() -> None:
    series = PriceSeries(
        (
            PriceSlot(T0, QUARTER, -0.01),
            PriceSlot(T0 + QUARTER, HOUR, 0.2, "forecast", lower=0.1, upper=0.4),
        ),
        currency="SEK",
    )
    assert PriceSeries.from_dict(series.as_dict()) == series
    assert series.as_dict()["slots"][0] == {
        "start": "2026-11-24T00:00:00+00:00",
        "end": "2026-11-24T00:15:00+00:00",
        "price": -0.01,
        "origin": "market",
    }
