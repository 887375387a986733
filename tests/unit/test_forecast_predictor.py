"""The forecaster as the integration calls it: shipped models, real prices, degraded inputs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
import shutil
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from custom_components.price_optimizer.core.forecast.onnx import onnx_runtime_available
from custom_components.price_optimizer.core.forecast.predictor import (
    METADATA_FILE,
    NETWORK_WEIGHTS,
    TREES_DUMP,
    ArtifactIntegrityError,
    Blend,
    Forecaster,
    NotEnoughHistoryError,
    blend_key,
    hourly_means,
)
from custom_components.price_optimizer.core.prices import PriceSeries, PriceSlot
from custom_components.price_optimizer.core.sources.replay import load_table

MODELS = (
    Path(__file__).resolve().parents[2] / "custom_components/price_optimizer/core/forecast/models"
)
BERLIN = ZoneInfo("Europe/Berlin")
HOUR = timedelta(hours=1)
QUARTER = timedelta(minutes=15)
# Real DE-LU day-ahead prices (EUR/MWh) from the bundled replay data, which starts at
# midnight of 2022-06-25 in Central European summer time.
REPLAY_START = datetime(2022, 6, 24, 22, tzinfo=UTC)
T0 = REPLAY_START


@pytest.fixture(scope="module")
def forecaster() -> Forecaster:
    return Forecaster.load(MODELS, prefer_onnx=False)


def real_prices(days: int, zone: str = "DE_LU") -> np.ndarray:
    return np.array(load_table().prices[zone][: days * 24])


def hourly_series(prices: np.ndarray, start: datetime = T0) -> PriceSeries:
    return PriceSeries(
        tuple(PriceSlot(start + i * HOUR, HOUR, float(p)) for i, p in enumerate(prices))
    )


def test_load_checks_every_artifact_against_its_sha256(tmp_path: Path) -> None:
    copy = tmp_path / "models"
    shutil.copytree(MODELS, copy)
    weights = copy / NETWORK_WEIGHTS
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ArtifactIntegrityError) as error:
        Forecaster.load(copy)
    assert error.value.artifact == NETWORK_WEIGHTS
    assert error.value.actual is not None
    assert error.value.actual != error.value.expected
    shutil.copyfile(MODELS / NETWORK_WEIGHTS, weights)
    (copy / TREES_DUMP).unlink()
    with pytest.raises(ArtifactIntegrityError, match="missing") as error:
        Forecaster.load(copy)
    assert error.value.actual is None


def test_loads_with_onnx_only_when_onnxruntime_is_importable(forecaster: Forecaster) -> None:
    assert forecaster.runtime == "numpy"
    preferred = Forecaster.load(MODELS, prefer_onnx=True)
    assert preferred.runtime == ("onnx" if onnx_runtime_available() else "numpy")
    assert forecaster.version == preferred.version != ""
    assert (MODELS / METADATA_FILE).is_file()


def test_forecasts_a_week_after_the_known_prices_with_bands(forecaster: Forecaster) -> None:
    prices = hourly_series(real_prices(120))
    forecast = forecaster.predict(prices, BERLIN, "DE")
    assert prices.end is not None
    assert forecast.slots[0].start == prices.end
    assert forecast.slots[-1].end - prices.end == timedelta(hours=168)
    assert all(slot.origin == "forecast" and slot.duration == HOUR for slot in forecast.slots)
    for slot in forecast.slots:
        assert slot.lower is not None
        assert slot.upper is not None
        assert slot.lower <= slot.price <= slot.upper
    assert forecast.members == ("linear", "cnn_lstm", "lightgbm")
    assert forecast.linear_windows == (56, 84)
    assert forecast.runtime == "numpy"
    assert forecast.exogenous_missing == ("load", "supply")
    series = forecast.as_series()
    assert len(series) == len(forecast.slots)


def test_past_two_days_the_lasso_serves_alone_with_its_own_bands(
    forecaster: Forecaster,
) -> None:
    assert forecaster.week_ahead is not None
    origin = int(T0.timestamp()) + 120 * 24 * 3600
    prices = real_prices(120)
    medians, features, windows, missing = forecaster.member_forecasts(
        origin, prices, {}, zone=BERLIN, country="DE", horizon_hours=168
    )
    assert {name: values.size for name, values in medians.items()} == dict.fromkeys(
        ("cnn_lstm", "lightgbm", "linear"), 168
    )
    assert np.isnan(medians["cnn_lstm"][48:]).all()
    assert np.isfinite(medians["linear"]).all()
    week = forecaster.combine(
        origin,
        medians,
        features.scaling,
        windows=windows,
        missing=missing,
        horizon_hours=168,
        market=None,
    )
    scaling = features.scaling
    assert week.median[48:] == pytest.approx(scaling.denormalise(medians["linear"][48:]))
    assert week.lower[48:] == pytest.approx(
        scaling.denormalise(medians["linear"][48:] + forecaster.week_ahead.lower_offsets)
    )
    two_days = forecaster.combine(
        origin,
        medians,
        features.scaling,
        windows=windows,
        missing=missing,
        horizon_hours=48,
        market=None,
    )
    assert week.median[:48] == pytest.approx(two_days.median)
    # Without the lasso, or without its long bands, the forecast ends with the static members.
    static = {name: medians[name] for name in ("cnn_lstm", "lightgbm")}
    alone = forecaster.combine(
        origin,
        static,
        features.scaling,
        windows=(),
        missing=missing,
        horizon_hours=168,
        market=None,
    )
    assert alone.median.size == 48
    without_bands = {key: v for key, v in forecaster.metadata.items() if key != "week_ahead"}
    older = Forecaster(without_bands, forecaster.network, forecaster.trees, "numpy")
    assert older.max_horizon_hours == 48
    assert len(older.predict(hourly_series(prices), BERLIN, "DE").slots) == 48


def test_beats_the_weekly_naive_forecast_on_real_prices(forecaster: Forecaster) -> None:
    prices = real_prices(340)
    ours, naive = [], []
    for day in range(130, 340, 40):
        start = REPLAY_START + (day - 95) * 24 * HOUR
        history = hourly_series(prices[(day - 95) * 24 : day * 24], start=start)
        forecast = forecaster.predict(history, BERLIN, "DE")
        assert len(forecast.slots) == 168
        actual = prices[day * 24 : day * 24 + 168]
        errors = np.abs(np.array([slot.price for slot in forecast.slots]) - actual)
        ours.append(errors.reshape(7, 24).mean(axis=1))
        naive.append(np.abs(prices[day * 24 - 168 : day * 24] - actual).reshape(7, 24).mean(axis=1))
    # The first two days (the blend) and the week as a whole (the lasso after them).
    assert np.mean(np.array(ours)[:, :2]) < 0.9 * np.mean(np.array(naive)[:, :2])
    assert np.mean(ours) < np.mean(naive)


def test_forecast_is_the_same_in_any_unit(forecaster: Forecaster) -> None:
    prices = real_prices(70)
    per_mwh = forecaster.predict(hourly_series(prices), BERLIN, "DE")
    per_kwh = forecaster.predict(hourly_series(prices / 1000), BERLIN, "DE")
    assert [s.price for s in per_kwh.slots] == pytest.approx(
        [s.price / 1000 for s in per_mwh.slots], rel=1e-6
    )


def test_without_enough_history_for_the_lasso_the_static_members_serve(
    forecaster: Forecaster,
) -> None:
    forecast = forecaster.predict(hourly_series(real_prices(20)), BERLIN, "DE")
    assert forecast.members == ("cnn_lstm", "lightgbm")
    assert forecast.linear_windows == ()
    assert blend_key(forecast.members) in forecaster.blends
    assert len(forecast.slots) == 48


def test_too_little_history_says_when_forecasts_start(forecaster: Forecaster) -> None:
    prices = hourly_series(real_prices(5)[:100])
    with pytest.raises(NotEnoughHistoryError) as error:
        forecaster.predict(prices, BERLIN, "DE")
    assert error.value.known_hours == 100
    assert prices.end is not None
    assert error.value.ready_at == prices.end + 44 * HOUR
    with pytest.raises(NotEnoughHistoryError):
        forecaster.predict(PriceSeries(), BERLIN, "DE")


def test_gaps_in_the_history_are_bridged(forecaster: Forecaster) -> None:
    prices = hourly_series(real_prices(90))
    slots = [s for i, s in enumerate(prices.slots) if not 2100 <= i < 2110]
    forecast = forecaster.predict(PriceSeries(tuple(slots)), BERLIN, "DE")
    assert len(forecast.slots) == 168
    assert all(np.isfinite(slot.price) for slot in forecast.slots)


def test_quarter_hour_prices_give_quarter_hour_forecasts_with_their_shape(
    forecaster: Forecaster,
) -> None:
    hourly = real_prices(70)
    ramp = (-3.0, -1.0, 1.0, 3.0)
    slots = tuple(
        PriceSlot(T0 + i * HOUR + q * QUARTER, QUARTER, float(price) + ramp[q])
        for i, price in enumerate(hourly)
        for q in range(4)
    )
    forecast = forecaster.predict(PriceSeries(slots), BERLIN, "DE")
    assert len(forecast.slots) == 168 * 4
    assert all(slot.duration == QUARTER for slot in forecast.slots)
    first_hour = [slot.price for slot in forecast.slots[:4]]
    assert np.diff(first_hour) == pytest.approx([2.0, 2.0, 2.0])
    same_hourly = forecaster.predict(hourly_series(hourly), BERLIN, "DE")
    assert np.mean(first_hour) == pytest.approx(same_hourly.slots[0].price)


def test_exogenous_forecasts_are_used_and_a_missing_one_is_reported(
    forecaster: Forecaster,
) -> None:
    days = 90
    prices = hourly_series(real_prices(days))
    hours = np.arange(days * 24 + 48)
    load = 50_000 + 8_000 * np.sin(2 * np.pi * (hours - 6) / 24)
    supply = 20_000 + 6_000 * np.cos(2 * np.pi * hours / (24 * 5))
    full = {"load": hourly_series(load), "supply": hourly_series(supply)}
    with_both = forecaster.predict(prices, BERLIN, "DE", exogenous=full)
    assert with_both.exogenous_missing == ()
    only_load = forecaster.predict(prices, BERLIN, "DE", exogenous={"load": full["load"]})
    assert only_load.exogenous_missing == ("supply",)
    assert [s.price for s in with_both.slots] != [s.price for s in only_load.slots]


@pytest.mark.parametrize("gap", ["absent", "zero"])
def test_a_missing_load_hour_the_day_before_keeps_the_lasso(
    forecaster: Forecaster, gap: str
) -> None:
    days = 90
    prices = hourly_series(real_prices(days))
    hours = np.arange(days * 24 + 48)
    load = 50_000 + 8_000 * np.sin(2 * np.pi * (hours - 6) / 24)
    complete = forecaster.predict(prices, BERLIN, "DE", exogenous={"load": hourly_series(load)})
    slots = list(hourly_series(load).slots)
    hour = days * 24 - 5  # in the last known day, which the lasso's forecast row reads
    if gap == "absent":
        del slots[hour]
    else:
        slots[hour] = PriceSlot(slots[hour].start, HOUR, 0.0)
    gapped = forecaster.predict(prices, BERLIN, "DE", exogenous={"load": PriceSeries(tuple(slots))})
    assert complete.members == gapped.members == ("linear", "cnn_lstm", "lightgbm")
    assert gapped.linear_windows == complete.linear_windows == (56,)
    assert [s.price for s in gapped.slots] == pytest.approx(
        [s.price for s in complete.slots], rel=0.02
    )


def test_hourly_means_of_a_load_channel_leave_out_zero_slots() -> None:
    start = T0
    series = PriceSeries(
        (
            PriceSlot(start, QUARTER, 400.0),
            PriceSlot(start + QUARTER, QUARTER, 0.0),
            PriceSlot(start + 2 * QUARTER, HOUR / 2, 430.0),
            PriceSlot(start + HOUR, HOUR, 0.0),
        )
    )
    begin = int(start.timestamp())
    load = hourly_means(series, begin, 2, channel="load")
    assert load[0] == pytest.approx((400.0 + 2 * 430.0) / 3)
    assert np.isnan(load[1])
    supply = hourly_means(series, begin, 2, channel="supply")
    assert supply.tolist() == pytest.approx([(400.0 + 2 * 430.0) / 4, 0.0])


def test_short_horizon_and_hourly_means_of_mixed_slots(forecaster: Forecaster) -> None:
    forecast = forecaster.predict(
        hourly_series(real_prices(30)), BERLIN, "DE", horizon=timedelta(hours=24)
    )
    assert len(forecast.slots) == 24
    start = T0
    series = PriceSeries(
        (
            PriceSlot(start, QUARTER, 1.0),
            PriceSlot(start + QUARTER, QUARTER, 3.0),
            PriceSlot(start + 2 * HOUR, HOUR, 7.0),
        )
    )
    means = hourly_means(series, int(start.timestamp()), 3)
    assert means[0] == pytest.approx(2.0)
    assert np.isnan(means[1])
    assert means[2] == 7.0


def test_a_partly_known_hour_is_completed_by_the_forecast(forecaster: Forecaster) -> None:
    hourly = real_prices(30)
    slots = [
        PriceSlot(T0 + i * HOUR + q * QUARTER, QUARTER, float(price))
        for i, price in enumerate(hourly)
        for q in range(4)
    ][:-2]  # the last hour is known only up to half past
    prices = PriceSeries(tuple(slots))
    forecast = forecaster.predict(prices, BERLIN, "DE")
    assert forecast.slots[0].start == prices.end
    assert forecast.slots[0].start.minute == 30
    assert len(forecast.slots) == 48 * 4 - 2


def test_mixed_resolutions_keep_the_shape_only_from_whole_hours(forecaster: Forecaster) -> None:
    hourly = real_prices(30)
    slots = [PriceSlot(T0 + i * HOUR, HOUR, float(p)) for i, p in enumerate(hourly[:-24])]
    start = T0 + (hourly.size - 24) * HOUR
    for i, price in enumerate(hourly[-24:]):
        parts = 4 if i % 2 else 3  # some hours miss a quarter
        slots += [
            PriceSlot(start + i * HOUR + q * QUARTER, QUARTER, float(price) + q)
            for q in range(parts)
        ]
    forecast = forecaster.predict(PriceSeries(tuple(slots)), BERLIN, "DE")
    assert forecast.slots[0].duration == QUARTER
    assert all(np.isfinite(slot.price) for slot in forecast.slots)


def test_repeated_forecasts_reuse_the_refit_and_blends_round_trip(
    forecaster: Forecaster,
) -> None:
    prices = hourly_series(real_prices(70))
    load = hourly_series(40_000 + 1_000 * np.sin(np.arange(70 * 24) / 4))  # history only
    first = forecaster.predict(prices, BERLIN, "DE", exogenous={"load": load})
    again = forecaster.predict(prices, BERLIN, "DE", exogenous={"load": load})
    assert first == again
    for blend in forecaster.blends.values():
        restored = Blend.from_dict(blend.as_dict())
        assert restored.weights == blend.weights
        assert restored.lower_offsets == pytest.approx(blend.lower_offsets, abs=1e-6)


def hourly_means_one_by_one(series: PriceSeries, start: int, hours: int) -> np.ndarray:
    totals, weights = np.zeros(hours), np.zeros(hours)
    for slot in series.slots:
        index = (int(slot.start.timestamp()) - start) // 3600
        if 0 <= index < hours:
            totals[index] += slot.price * slot.duration.total_seconds()
            weights[index] += slot.duration.total_seconds()
    with np.errstate(invalid="ignore"):
        return np.where(weights > 0, totals / weights, np.nan)


@pytest.mark.parametrize("seed", range(5))
def test_hourly_means_of_long_gapped_mixed_series_match_the_definition(seed: int) -> None:
    # Hourly, then quarter-hours and half-hours, with gaps of every length (and a first
    # and last slot that may sit right after or before one): the starts are read only
    # around the gaps, so each gap must be found.
    rng = np.random.default_rng(seed)
    slots, start = [], T0
    for _ in range(3000):
        duration = (HOUR, HOUR, QUARTER, timedelta(minutes=30))[int(rng.integers(4))]
        if rng.random() < 0.01:
            start += QUARTER * int(rng.integers(1, 200))
        slots.append(PriceSlot(start, duration, float(rng.normal(50, 20))))
        start += duration
    series = PriceSeries(tuple(slots))
    first = int(T0.timestamp()) + 3600 * int(rng.integers(-5, 5))
    hours = int((start - T0) / HOUR) + 3
    expected = hourly_means_one_by_one(series, first, hours)
    assert hourly_means(series, first, hours) == pytest.approx(expected, nan_ok=True, rel=1e-12)
    uniform = PriceSeries(
        tuple(
            PriceSlot(s.start, HOUR, s.price)
            for s in slots
            if s.duration == HOUR and s.start.minute == 0
        )
    )
    expected = hourly_means_one_by_one(uniform, first, hours)
    assert hourly_means(uniform, first, hours) == pytest.approx(expected, nan_ok=True, rel=1e-12)


def test_the_same_series_again_gives_the_same_forecast_and_a_changed_one_does_not() -> None:
    forecaster = Forecaster.load(MODELS, prefer_onnx=False)
    prices = real_prices(70)
    series = hourly_series(prices)
    first = forecaster.predict(series, BERLIN, "DE")
    assert forecaster.predict(series, BERLIN, "DE") == first
    assert forecaster.predict(PriceSeries(tuple(series.slots)), BERLIN, "DE") == first
    changed = prices.copy()
    changed[-30] += 40.0
    moved = forecaster.predict(hourly_series(changed), BERLIN, "DE")
    assert moved != first
    assert moved == Forecaster.load(MODELS, prefer_onnx=False).predict(
        hourly_series(changed), BERLIN, "DE"
    )


def test_the_refit_is_not_reused_after_the_caller_changes_its_array_in_place(
    forecaster: Forecaster,
) -> None:
    # Training's backtests pass their own (writable) arrays to the hourly core.
    prices = real_prices(70)
    origin = int((T0 + prices.size * HOUR).timestamp())
    first = forecaster.predict_hourly(origin, prices, {}, zone=BERLIN, country="DE")
    prices[-100] += 50.0
    again = forecaster.predict_hourly(origin, prices, {}, zone=BERLIN, country="DE")
    fresh = Forecaster.load(MODELS, prefer_onnx=False).predict_hourly(
        origin, prices, {}, zone=BERLIN, country="DE"
    )
    assert not np.array_equal(first.member_medians["linear"], again.member_medians["linear"])
    assert np.array_equal(again.median, fresh.median)
