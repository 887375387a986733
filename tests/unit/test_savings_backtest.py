"""The savings backtest's forecast row must not see prices that were not published yet."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from benchmarks.prices import norway
from benchmarks.savings_backtest import PUBLICATION, shipped_forecast, with_forecast
from custom_components.price_optimizer.core.prices import PriceSeries

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture(scope="module")
def prices() -> PriceSeries:
    """Return real NO1 prices, 15-minute from October 2025."""
    return norway("NO_1", since=datetime(2025, 6, 1, tzinfo=UTC))


def test_forecast_ignores_prices_after_its_origin(prices: PriceSeries) -> None:
    until = datetime(2025, 11, 3, 23, tzinfo=UTC)
    due = until + timedelta(hours=8)
    honest = shipped_forecast(prices, OSLO, "NO", "nor-epf-NO_1", {})(until, due)
    future_changed = PriceSeries(
        tuple(replace(s, price=s.price * 10) if s.start >= until else s for s in prices.slots),
        prices.currency,
    )
    tampered = shipped_forecast(future_changed, OSLO, "NO", "nor-epf-NO_1", {})(until, due)

    assert tampered == honest
    assert honest.slots[0].start == until
    assert honest.end == due
    assert {slot.origin for slot in honest.slots} == {"forecast"}
    assert {slot.duration for slot in honest.slots} == {timedelta(minutes=15)}


def test_published_prices_win_and_the_forecast_fills_up_to_due(prices: PriceSeries) -> None:
    # 08:00 in Oslo: today's prices are known, tomorrow's are not published until about 13:00.
    now = datetime(2025, 11, 4, 7, tzinfo=UTC)
    due = datetime(2025, 11, 5, 6, tzinfo=UTC)
    until = PUBLICATION.expected_until(now)
    calls: list[tuple[datetime, datetime]] = []

    def forecast(origin: datetime, end: datetime) -> PriceSeries:
        calls.append((origin, end))
        # A forecast that also covers published slots must not replace them.
        slots = prices.between(origin - timedelta(hours=2), end).slots
        return PriceSeries(
            tuple(replace(s, price=-1.0, origin="forecast") for s in slots), prices.currency
        )

    known = with_forecast(prices, due, forecast)(now)

    assert known is not None
    assert calls == [(until, due)]
    assert known.between(now, until) == prices.between(now, until)
    beyond = known.between(until, due).slots
    assert beyond
    assert {slot.origin for slot in beyond} == {"forecast"}
