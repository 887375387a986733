"""The forecast's long hourly history and its live accuracy arithmetic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from custom_components.price_optimizer.core.forecast.accuracy import LiveAccuracy
from custom_components.price_optimizer.core.forecast.history import HourlyHistory
from custom_components.price_optimizer.core.prices import PriceSeries, PriceSlot

HOUR = timedelta(hours=1)
QUARTER = timedelta(minutes=15)
T0 = datetime(2026, 11, 24, tzinfo=UTC)


def series(
    start: datetime, step: timedelta, prices: list[float], origin: str = "market"
) -> PriceSeries:
    return PriceSeries(
        tuple(
            PriceSlot(
                start + i * step,
                step,
                price,
                origin,
                *((price - 1, price + 1) if origin == "forecast" else ()),
            )  # type: ignore[arg-type]
            for i, price in enumerate(prices)
        )
    )


def test_history_keeps_one_duration_weighted_mean_per_hour() -> None:
    history = HourlyHistory().with_prices(series(T0, QUARTER, [1.0, 2.0, 3.0, 6.0, 5.0]))
    assert history.start == int(T0.timestamp())
    assert history.values.tolist()[0] == pytest.approx(3.0)
    assert history.values.tolist()[1] == pytest.approx(5.0)
    assert history.hours_known == 2
    assert history.end == T0 + 2 * HOUR


def test_history_grows_both_ways_keeps_gaps_and_newer_prices_win() -> None:
    history = HourlyHistory().with_prices(series(T0, HOUR, [1.0, 2.0]))
    history = history.with_prices(series(T0 + 4 * HOUR, HOUR, [5.0]))
    history = history.with_prices(series(T0 - 2 * HOUR, HOUR, [-1.0, 0.0, 9.0]))
    values = history.values.tolist()
    assert values[:5] == [-1.0, 0.0, 9.0, 2.0, values[4]]
    assert np.isnan(values[4])
    assert np.isnan(values[5])
    assert values[6] == 5.0
    assert history.first_known == T0 - 2 * HOUR
    as_series = history.as_series(T0 + 4 * HOUR, "EUR")
    assert [slot.price for slot in as_series] == [-1.0, 0.0, 9.0, 2.0]
    assert HourlyHistory.from_dict(history.as_dict()).values.tolist()[6] == 5.0
    trimmed = history.trimmed(timedelta(hours=3))
    assert trimmed.start == int((T0 + 2 * HOUR).timestamp())
    assert trimmed.hours_known == 1
    assert HourlyHistory().as_series(T0, "EUR") == PriceSeries()
    assert HourlyHistory().with_prices(PriceSeries()).end is None


def test_live_accuracy_scores_each_published_slot_once_by_horizon() -> None:
    accuracy = LiveAccuracy()
    origin = T0
    accuracy.issue(origin, series(T0, HOUR, [10.0] * 40, origin="forecast"))
    published = series(T0, HOUR, [float(i) for i in range(26)])
    assert accuracy.score(published, T0 + 26 * HOUR) == 26
    assert accuracy.score(published, T0 + 26 * HOUR) == 0
    summary = accuracy.summary()
    errors = [10.0 - i for i in range(26)]
    assert summary["mae"] == pytest.approx(sum(abs(e) for e in errors) / 26)
    assert summary["bias"] == pytest.approx(sum(errors) / 26)
    assert list(summary["buckets"]) == [f"{24 * d}-{24 * d + 24}h" for d in range(7)]
    assert summary["buckets"]["0-24h"]["count"] == 24
    assert summary["buckets"]["24-48h"]["count"] == 2
    assert summary["buckets"]["24-48h"]["mae"] == pytest.approx((14.0 + 15.0) / 2)
    assert summary["buckets"]["48-72h"]["mae"] is None
    # The band is the forecast plus and minus one: only 9, 10 and 11 fall inside.
    assert summary["band_coverage"] == pytest.approx(3 / 26)
    assert accuracy.summary(scale=2.5)["mae"] == pytest.approx(summary["mae"] * 2.5)

    restored = LiveAccuracy.from_dict(accuracy.as_dict())
    assert restored.summary() == summary
    assert len(restored.pending[origin]) == 14


def test_forecasts_that_can_no_longer_be_scored_are_dropped() -> None:
    accuracy = LiveAccuracy()
    accuracy.issue(T0, series(T0, HOUR, [1.0], origin="forecast"))
    accuracy.issue(T0 + HOUR, PriceSeries())
    assert accuracy.score(PriceSeries(), T0 + timedelta(days=4)) == 0
    assert accuracy.pending == {}
    assert accuracy.summary()["count"] == 0
