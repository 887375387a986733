"""Forecasts across the clock changes cover the 23- and 25-hour local days exactly, a week ahead."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from benchmarks.prices import deepforkit, norway
from custom_components.price_optimizer.core.forecast.predictor import Forecaster
from custom_components.price_optimizer.core.prices import PriceSeries, local_day_bounds

MODELS = (
    Path(__file__).resolve().parents[2] / "custom_components/price_optimizer/core/forecast/models"
)


@pytest.fixture(scope="module")
def forecaster() -> Forecaster:
    return Forecaster.load(MODELS, prefer_onnx=False)


def day_of(series: PriceSeries, day: date, zone: ZoneInfo) -> PriceSeries:
    return series.between(*local_day_bounds(day, zone))


def assert_contiguous_with_bands(series: PriceSeries) -> None:
    for slot, following in zip(series.slots, series.slots[1:], strict=False):
        assert following.start == slot.end
    for slot in series.slots:
        assert slot.origin == "forecast"
        assert slot.lower is not None
        assert slot.upper is not None
        assert slot.lower <= slot.price <= slot.upper


@pytest.mark.parametrize(
    ("prices", "zone", "country", "market", "known_until", "change_day", "slots", "duration"),
    [
        # Real DE-LU prices known up to local midnight before Sunday 26 March 2023 (23 hours).
        pytest.param(
            lambda: deepforkit("DE_LU"),
            "Europe/Berlin",
            "DE",
            "deepforkit-DE_LU",
            datetime(2023, 3, 25, 23, tzinfo=UTC),
            date(2023, 3, 26),
            23,
            timedelta(hours=1),
            id="spring-forward-hourly",
        ),
        # Real NO1 quarter-hours known up to local midnight before Sunday 26 October 2025 (25 h).
        pytest.param(
            lambda: norway("NO_1", since=datetime(2025, 6, 1, tzinfo=UTC)),
            "Europe/Oslo",
            "NO",
            "nor-epf-NO_1",
            datetime(2025, 10, 25, 22, tzinfo=UTC),
            date(2025, 10, 26),
            100,
            timedelta(minutes=15),
            id="fall-back-quarter-hours",
        ),
        # The same changes on the fourth day ahead, where the lasso serves alone.
        pytest.param(
            lambda: deepforkit("DE_LU"),
            "Europe/Berlin",
            "DE",
            "deepforkit-DE_LU",
            datetime(2023, 3, 21, 23, tzinfo=UTC),
            date(2023, 3, 26),
            23,
            timedelta(hours=1),
            id="spring-forward-on-day-five",
        ),
        pytest.param(
            lambda: norway("NO_1", since=datetime(2025, 6, 1, tzinfo=UTC)),
            "Europe/Oslo",
            "NO",
            "nor-epf-NO_1",
            datetime(2025, 10, 21, 22, tzinfo=UTC),
            date(2025, 10, 26),
            100,
            timedelta(minutes=15),
            id="fall-back-quarter-hours-on-day-five",
        ),
    ],
)
def test_clock_change_day_is_covered_exactly(
    forecaster: Forecaster,
    prices: Callable[[], PriceSeries],
    zone: str,
    country: str,
    market: str,
    known_until: datetime,
    change_day: date,
    slots: int,
    duration: timedelta,
) -> None:
    local = ZoneInfo(zone)
    known = prices().between(known_until - timedelta(days=120), known_until)

    forecast = forecaster.predict(known, local, country, market=market).as_series()

    assert forecast.slots[0].start == known_until
    assert_contiguous_with_bands(forecast)
    on_the_day = day_of(forecast, change_day, local)
    assert len(on_the_day.slots) == slots
    assert {slot.duration for slot in on_the_day.slots} == {duration}
    # A week from the end of the known prices, in UTC hours, whatever the local days hold.
    assert forecast.end == known_until + timedelta(hours=7 * 24)
