"""Forecasts across the clock changes cover the 23- and 25-hour local days exactly."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from benchmarks.prices import deepforkit, norway
from custom_components.price_optimizer.forecast.predictor import Forecaster
from custom_components.price_optimizer.models import PriceSeries, local_day_bounds

MODELS = Path(__file__).resolve().parents[2] / "custom_components/price_optimizer/forecast/models"


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


def test_spring_forward_day_gets_23_hourly_slots(forecaster: Forecaster) -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # Real DE-LU prices known up to local midnight before Sunday 26 March 2023.
    known_until = datetime(2023, 3, 25, 23, tzinfo=UTC)
    prices = deepforkit("DE_LU").between(known_until - timedelta(days=120), known_until)

    forecast = forecaster.predict(prices, berlin, "DE", market="deepforkit-DE_LU").as_series()

    assert forecast.slots[0].start == known_until
    assert_contiguous_with_bands(forecast)
    change_day = day_of(forecast, date(2023, 3, 26), berlin)
    assert len(change_day.slots) == 23
    assert {slot.duration for slot in change_day.slots} == {timedelta(hours=1)}
    assert len(day_of(forecast, date(2023, 3, 27), berlin).slots) == 24


def test_fall_back_day_gets_100_quarter_hours(forecaster: Forecaster) -> None:
    oslo = ZoneInfo("Europe/Oslo")
    # Real NO1 quarter-hour prices known up to local midnight before Sunday 26 October 2025.
    known_until = datetime(2025, 10, 25, 22, tzinfo=UTC)
    prices = norway("NO_1", since=known_until - timedelta(days=120)).between(
        known_until - timedelta(days=120), known_until
    )

    forecast = forecaster.predict(prices, oslo, "NO", market="nor-epf-NO_1").as_series()

    assert forecast.slots[0].start == known_until
    assert_contiguous_with_bands(forecast)
    change_day = day_of(forecast, date(2025, 10, 26), oslo)
    assert len(change_day.slots) == 100
    assert {slot.duration for slot in change_day.slots} == {timedelta(minutes=15)}
