"""Recalibration from the entry's own scored forecasts: online weights and conformal bands."""

from __future__ import annotations

import numpy as np
import pytest

from custom_components.price_optimizer.core.forecast.blend_fit import best_convex_weights, simplex
from custom_components.price_optimizer.core.forecast.features import HOUR_SECONDS
from custom_components.price_optimizer.core.forecast.recalibration import (
    ADAPTATION_STEP,
    MIN_SCORED_HOURS,
    MISS_TARGET,
    WINDOW_DAYS,
    IssuedForecast,
    Recalibration,
)

DAY = 24
T0 = 1_700_000_000 // HOUR_SECONDS * HOUR_SECONDS
SHIPPED = {"cnn_lstm": 0.9, "lightgbm": 0.1}
LOWER = np.full(DAY, -0.5)
UPPER = np.full(DAY, 0.5)


def serve_day(
    recalibration: Recalibration, day: int, medians: dict[str, np.ndarray], actual: np.ndarray
) -> tuple[dict[str, float], np.ndarray, np.ndarray]:
    """Serve one day as the forecaster does (center 0, scale 1), then publish its prices."""
    origin = T0 + day * DAY * HOUR_SECONDS
    served = recalibration.calibrated(SHIPPED, LOWER, UPPER, medians)
    median = sum(weight * medians[name] for name, weight in served.weights.items())
    lower, upper = median + served.lower_offsets, median + served.upper_offsets
    recalibration.issue(
        IssuedForecast(origin, 0.0, 1.0, medians, median, LOWER, UPPER, lower, upper)
    )
    # Scale 1 and center 0 make model units asinh(price).
    recalibration.score(origin, np.sinh(actual))
    return served.weights, lower, upper


def test_the_shipped_blend_serves_until_a_week_is_scored() -> None:
    recalibration = Recalibration()
    rng = np.random.default_rng(1)
    for day in range(MIN_SCORED_HOURS // DAY):
        truth = rng.normal(size=DAY)
        weights, lower, upper = serve_day(
            recalibration, day, {"cnn_lstm": truth + 1.0, "lightgbm": truth}, truth
        )
        assert weights == SHIPPED
        median = 0.9 * (truth + 1.0) + 0.1 * truth
        np.testing.assert_allclose(lower, median - 0.5)
        np.testing.assert_allclose(upper, median + 0.5)
    assert sum(item.actual.size for item in recalibration.scored) == MIN_SCORED_HOURS


def test_online_weights_move_to_the_better_member_within_weeks() -> None:
    """The shipped blend trusts a member that has gone wrong; the scores overrule it."""
    recalibration = Recalibration()
    rng = np.random.default_rng(2)
    served = []
    for day in range(WINDOW_DAYS + 7):
        truth = rng.normal(size=DAY)
        medians = {
            "cnn_lstm": truth + rng.normal(0.0, 1.0, DAY),
            "lightgbm": truth + rng.normal(0.0, 0.1, DAY),
        }
        served.append(serve_day(recalibration, day, medians, truth)[0])
    after_week, after_window = served[8], served[-1]
    assert after_week["lightgbm"] > SHIPPED["lightgbm"]
    assert after_week["lightgbm"] < after_window["lightgbm"]
    assert after_window["lightgbm"] >= 0.9
    assert sum(after_window.values()) == pytest.approx(1.0)
    # Only the last window's scores are kept.
    assert {item.forecast.origin for item in recalibration.scored} == {
        T0 + day * DAY * HOUR_SECONDS for day in range(7, WINDOW_DAYS + 7)
    }


def test_band_factors_are_the_recent_errors_in_band_widths() -> None:
    """Every price two band widths above the median: the upper band doubles, the lower closes."""
    recalibration = Recalibration()
    for day in range(MIN_SCORED_HOURS // DAY):
        medians = {"cnn_lstm": np.zeros(DAY), "lightgbm": np.zeros(DAY)}
        serve_day(recalibration, day, medians, np.full(DAY, 1.0))
    factors = recalibration.band_factors()
    # Only the first day ahead was scored: the later ones take the same, pooled, factor.
    assert factors["upper"] == pytest.approx([2.0] * 7)
    assert factors["lower"] == [0.0] * 7
    served = recalibration.calibrated(SHIPPED, LOWER, UPPER, {"cnn_lstm": np.zeros(DAY)})
    np.testing.assert_allclose(served.upper_offsets, 1.0)
    np.testing.assert_allclose(served.lower_offsets, 0.0)


def test_each_day_ahead_gets_the_band_its_own_errors_need() -> None:
    """Two-day forecasts: the second day's prices miss by twice as much as the first's."""
    recalibration = Recalibration()
    hours = 2 * DAY
    lower, upper = np.full(hours, -0.5), np.full(hours, 0.5)
    for day in range(14):
        origin = T0 + day * DAY * HOUR_SECONDS
        median = np.zeros(hours)
        recalibration.issue(
            IssuedForecast(origin, 0.0, 1.0, {}, median, lower, upper, median + lower, upper)
        )
        # Each day publishes the first day of today's forecast and the second of yesterday's.
        recalibration.score(origin, np.sinh(np.full(DAY, 0.5)))
    factors = recalibration.band_factors(2)
    assert factors["upper"] == pytest.approx([1.0, 1.0])
    kept = recalibration.as_dict()
    for item in kept["scored"]:
        if item[2][0] >= DAY:
            item[1] = [1.0] * len(item[1])
    doubled = Recalibration.from_dict(kept)
    assert doubled.band_factors(2)["upper"] == pytest.approx([1.0, 2.0])
    served = doubled.calibrated({"lightgbm": 1.0}, lower, upper, {"lightgbm": np.zeros(hours)})
    np.testing.assert_allclose(served.upper_offsets, [0.5] * DAY + [1.0] * DAY)


def test_each_miss_moves_its_side_level_by_the_adaptation_step() -> None:
    recalibration = Recalibration()
    medians = {"cnn_lstm": np.zeros(DAY), "lightgbm": np.zeros(DAY)}
    # Six hours above the band, two below, sixteen inside it.
    actual = np.array([0.9] * 6 + [-0.9] * 2 + [0.0] * 16)
    serve_day(recalibration, 0, medians, actual)
    # Only the first day ahead was scored: the other days' levels stay.
    assert recalibration.levels["upper"] == pytest.approx(
        [1 - MISS_TARGET + ADAPTATION_STEP * (6 - DAY * MISS_TARGET)] + [1 - MISS_TARGET] * 6
    )
    assert recalibration.levels["lower"][0] == pytest.approx(
        1 - MISS_TARGET + ADAPTATION_STEP * (2 - DAY * MISS_TARGET)
    )


def test_each_day_ahead_moves_its_own_level() -> None:
    """A day publishes a day of each of the week's forecasts: each moves its day's level."""
    recalibration = Recalibration()
    hours = 7 * DAY
    lower, upper = np.full(hours, -0.5), np.full(hours, 0.5)
    for day in range(7):
        origin = T0 + day * DAY * HOUR_SECONDS
        median = np.zeros(hours)
        recalibration.issue(
            IssuedForecast(origin, 0.0, 1.0, {}, median, lower, upper, median + lower, upper)
        )
    # Day 6 publishes the seventh day of the first forecast, ... the first of the last.
    # Half its hours above the band: each day ahead sees twelve misses, not seven times that.
    published = np.sinh(np.array([0.9] * (DAY // 2) + [0.0] * (DAY // 2)))
    recalibration.score(T0 + 6 * DAY * HOUR_SECONDS, published)
    step = ADAPTATION_STEP * (DAY // 2 - DAY * MISS_TARGET)
    assert recalibration.levels["upper"] == pytest.approx([1 - MISS_TARGET + step] * 7)
    assert recalibration.levels["lower"] == pytest.approx(
        [1 - MISS_TARGET - ADAPTATION_STEP * DAY * MISS_TARGET] * 7
    )


@pytest.mark.parametrize("spread", [0.2, 1.0, 3.0])
def test_conformal_bands_hold_eighty_percent_whatever_the_shipped_width(spread: float) -> None:
    """Errors of any spread: the served p10-p90 band holds about 80 % once calibrated."""
    recalibration = Recalibration()
    rng = np.random.default_rng(3)
    inside = []
    for day in range(150):
        truth = rng.normal(size=DAY)
        median = truth + rng.normal(0.0, spread, DAY)
        _, lower, upper = serve_day(
            recalibration, day, {"cnn_lstm": median, "lightgbm": median}, truth
        )
        if day >= 30:
            inside.append((lower <= truth) & (truth <= upper))
    assert np.mean(inside) == pytest.approx(0.8, abs=0.03)


def test_hours_are_scored_once_and_the_rest_waits() -> None:
    recalibration = Recalibration()
    forecast = IssuedForecast(
        T0, 0.0, 1.0, {"lightgbm": np.zeros(48)}, np.zeros(48), np.full(48, -1.0),
        np.full(48, 1.0), np.full(48, -1.0), np.full(48, 1.0),
    )  # fmt: skip
    recalibration.issue(forecast)
    assert recalibration.score(T0 - 10 * HOUR_SECONDS, np.zeros(10)) == 0
    published = np.zeros(34)
    published[-24:] = 1.0
    assert recalibration.score(T0 - 10 * HOUR_SECONDS, published) == 24
    waiting = recalibration.pending[T0]
    assert (waiting.origin, waiting.median.size) == (T0 + DAY * HOUR_SECONDS, 24)
    assert recalibration.score(T0 - 10 * HOUR_SECONDS, published) == 0
    assert recalibration.score(T0 + DAY * HOUR_SECONDS, np.ones(24)) == 24
    assert not recalibration.pending
    assert sum(item.actual.size for item in recalibration.scored) == 48


def test_a_forecast_never_published_is_dropped_after_three_days() -> None:
    recalibration = Recalibration()
    recalibration.issue(
        IssuedForecast(
            T0, 0.0, 1.0, {}, np.zeros(2), np.zeros(2), np.zeros(2), np.zeros(2), np.zeros(2)
        )
    )
    three_days_on = T0 + 3 * DAY * HOUR_SECONDS
    recalibration.score(three_days_on - 2 * HOUR_SECONDS, np.full(2, np.nan))
    assert T0 in recalibration.pending
    recalibration.score(three_days_on - HOUR_SECONDS, np.full(2, np.nan))
    assert not recalibration.pending


def test_the_state_survives_a_restart_and_damaged_state_starts_afresh() -> None:
    recalibration = Recalibration()
    rng = np.random.default_rng(4)
    for day in range(3):
        truth = rng.normal(size=DAY)
        serve_day(recalibration, day, {"cnn_lstm": truth, "lightgbm": truth + 0.1}, truth)
    recalibration.issue(
        IssuedForecast(
            T0 + 9 * DAY * HOUR_SECONDS, 1.0, 2.0, {"lightgbm": np.full(3, np.nan)},
            np.zeros(3), -np.ones(3), np.ones(3), -np.ones(3), np.ones(3),
        )
    )  # fmt: skip
    restored = Recalibration.from_dict(recalibration.as_dict())
    assert restored.levels == recalibration.levels
    assert restored.pending.keys() == recalibration.pending.keys()
    assert np.isnan(restored.pending[T0 + 9 * DAY * HOUR_SECONDS].members["lightgbm"]).all()
    assert len(restored.scored) == len(recalibration.scored)
    for kept, original in zip(restored.scored, recalibration.scored, strict=True):
        np.testing.assert_allclose(kept.actual, original.actual, atol=1e-6)
        np.testing.assert_allclose(
            kept.forecast.members["lightgbm"], original.forecast.members["lightgbm"], atol=1e-6
        )
    assert Recalibration.from_dict({"levels": {"lower": "x"}}).levels == Recalibration().levels
    shared = Recalibration.from_dict({"levels": {"lower": 0.8, "upper": 0.95}}).levels
    assert shared == {"lower": [0.8] * 7, "upper": [0.95] * 7}
    assert not Recalibration.from_dict({"scored": [[1, 2]]}).scored
    stored = recalibration.as_dict()
    stored["scored"][0][1] = stored["scored"][0][1][:-1]
    assert not Recalibration.from_dict(stored).scored
    stored = recalibration.as_dict()
    stored["pending"][0][1][4] = [0.0]
    assert not Recalibration.from_dict(stored).pending


def test_the_weight_search_finds_a_blend_on_its_grid() -> None:
    rng = np.random.default_rng(5)
    first, second, third = (rng.normal(size=(40, DAY)) for _ in range(3))
    actual = 0.25 * first + 0.7 * second + 0.05 * third
    weights, error = best_convex_weights(
        {"a": first, "b": second, "c": third},
        actual,
        np.zeros((40, 1)),
        np.ones((40, 1)),
        ("a", "b", "c"),
    )
    assert weights == pytest.approx({"a": 0.25, "b": 0.7, "c": 0.05})
    assert error < 1e-12
    assert simplex(3).shape == (231, 3)
    np.testing.assert_allclose(simplex(3).sum(axis=1), 1.0)
