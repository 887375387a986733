"""Data-quality findings on held prices."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from custom_components.price_optimizer.core.prices import PriceSeries, PriceSlot
from custom_components.price_optimizer.core.quality import Finding, check_prices

HOUR = timedelta(hours=1)
T0 = datetime(2026, 11, 24, tzinfo=UTC)


def series(*prices: float | None) -> PriceSeries:
    return PriceSeries(
        tuple(
            PriceSlot(T0 + i * HOUR, HOUR, price)
            for i, price in enumerate(prices)
            if price is not None
        )
    )


def test_clean_prices_have_no_findings() -> None:
    assert check_prices(series(0.1, -0.05, 0.3), T0 + 3 * HOUR, T0) == ()


def test_reports_gaps_magnitudes_jumps_and_staleness() -> None:
    findings = check_prices(series(0.1, None, 0.2, 5.0, 0.1, -0.9), T0 + 8 * HOUR, T0)
    assert set(findings) == {
        Finding("gap", 1, T0 + HOUR),
        Finding("implausible_price", 2, T0 + 3 * HOUR),
        Finding("implausible_jump", 2, T0 + 3 * HOUR),
        Finding("stale", 1, T0 + 6 * HOUR),
    }


def test_nothing_held_is_stale_from_now() -> None:
    assert check_prices(PriceSeries(), T0, T0) == (Finding("stale", 1, T0),)
    assert Finding("stale", 1, T0).as_dict() == {
        "code": "stale",
        "count": 1,
        "first_at": "2026-11-24T00:00:00+00:00",
    }
