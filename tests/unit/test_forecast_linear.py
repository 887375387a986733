"""The lasso member refitted on the device: it learns a real relation and skips thin windows."""

from __future__ import annotations

import numpy as np
import pytest

from custom_components.price_optimizer.core.forecast.linear import (
    LinearConfig,
    _fista,
    _lasso_path,
    fit_predict,
)


def synthetic_market(days: int, seed: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return prices driven by yesterday's prices and a load forecast, with noise."""
    rng = np.random.default_rng(seed)
    profile = 50 + 20 * np.sin(2 * np.pi * np.arange(24) / 24)
    load = 1.0 + 0.3 * rng.standard_normal((days + 2, 24, 1))
    prices = np.empty((days, 24))
    prices[0] = profile
    for day in range(1, days):
        prices[day] = 0.6 * prices[day - 1] + 0.4 * profile + 15 * load[day, :, 0]
        prices[day] += rng.normal(0, 0.5, 24)
    weekdays = np.arange(days + 2) % 7
    return prices, load, weekdays


def test_learns_the_process_and_beats_the_naive_forecast() -> None:
    prices, load, weekdays = synthetic_market(200)
    config = LinearConfig(windows=(56, 84))
    history, actual = prices[:-1], prices[-1]
    forecast = fit_predict(history, load[:200], weekdays[:200], 1, config)
    assert forecast is not None
    assert forecast.windows == (56, 84)
    error = np.abs(forecast.prices - actual).mean()
    naive = np.abs(history[-1] - actual).mean()
    assert error < 1.0
    assert error < naive / 3


def test_windows_beyond_the_history_are_skipped_and_none_when_nothing_fits() -> None:
    prices, load, weekdays = synthetic_market(100)
    config = LinearConfig(windows=(56, 84, 728))
    forecast = fit_predict(prices, load, weekdays, 2, config)
    assert forecast is not None
    assert forecast.windows == (56, 84)
    assert forecast.prices.shape == (48,)
    assert fit_predict(prices[:40], load[:42], weekdays[:42], 2, config) is None


def test_gaps_drop_calibration_days_but_too_many_drop_the_window() -> None:
    prices, load, weekdays = synthetic_market(100)
    config = LinearConfig(windows=(56,))
    gapped = prices.copy()
    gapped[60, 3] = np.nan
    assert fit_predict(gapped, load[:101], weekdays[:101], 1, config) is not None
    gapped[50:80:2, 0] = np.nan  # more than a fifth of the window's days lose a row
    assert fit_predict(gapped, load[:101], weekdays[:101], 1, config) is None
    gapped = prices.copy()
    gapped[-1, 5] = np.nan  # the forecast's own inputs are incomplete
    assert fit_predict(gapped, load[:101], weekdays[:101], 1, config) is None


def test_works_without_exogenous_channels() -> None:
    prices, _, weekdays = synthetic_market(120)
    forecast = fit_predict(prices, np.zeros((121, 24, 0)), weekdays[:121], 1, LinearConfig((56,)))
    assert forecast is not None
    assert np.isfinite(forecast.prices).all()


def test_fista_reaches_the_lasso_solution_of_an_orthogonal_problem() -> None:
    # With G = I the lasso solution is soft-thresholding of b.
    targets = np.array([[3.0], [-0.5], [0.2], [-2.0]])
    solution = _fista(np.eye(4), targets, 1.0, np.zeros_like(targets), step=1.0, iterations=50)
    assert solution.ravel() == pytest.approx([2.0, 0.0, 0.0, -1.0])


def soft_threshold(values: np.ndarray, penalty: float) -> np.ndarray:
    return np.sign(values) * np.maximum(np.abs(values) - penalty, 0.0)


@pytest.mark.parametrize("share", [0.0, 0.5, 1.0])
def test_path_average_share_mixes_the_criterion_pick_with_the_path_mean(share: float) -> None:
    # With G = I every point of the path is soft-thresholding of b, known exactly.
    targets = np.array([[3.0, 0.4], [-0.5, 0.3], [0.2, -0.35], [-2.0, 0.05]])
    penalties = (1.0, 0.6, 0.25)
    path = [soft_threshold(targets, penalty) for penalty in penalties]
    variance = np.array([16.0, 1.0])

    def solve(mix: float) -> np.ndarray:
        config = LinearConfig(penalties=penalties, iterations=40, path_average_share=mix)
        return _lasso_path(np.eye(4), targets, variance, 50, config)

    picked, weights = solve(0.0), solve(share)
    assert any(np.allclose(picked[:, 0], point[:, 0]) for point in path)
    assert any(np.allclose(picked[:, 1], point[:, 1]) for point in path)
    expected = (1.0 - share) * picked + share * np.mean(path, axis=0)
    assert weights == pytest.approx(expected)


def test_config_round_trips_through_its_dict() -> None:
    config = LinearConfig(
        windows=(28,), penalties=(0.5,), iterations=7, criterion="bic", path_average_share=0.25
    )
    assert LinearConfig.from_dict(config.as_dict()) == config


def test_models_exported_before_the_path_average_keep_the_criterion_alone() -> None:
    stored = LinearConfig().as_dict()
    del stored["path_average_share"]
    assert LinearConfig.from_dict(stored).path_average_share == 0.0
