"""The lasso member refitted on the device: it learns a real relation and skips thin windows."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from custom_components.price_optimizer.core.forecast.linear import (
    EXOGENOUS_FILL_HOURS,
    LinearConfig,
    _fista,
    _lasso_path,
    fill_exogenous,
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


def two_channel_market(days: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return prices driven by yesterday's prices, a load forecast and a wind forecast."""
    rng = np.random.default_rng(5)
    profile = 50 + 20 * np.sin(2 * np.pi * np.arange(24) / 24)
    hours = np.arange((days + 2) * 24)
    load = 1.0 + 0.3 * np.sin(2 * np.pi * hours / 24) + 0.2 * rng.standard_normal(hours.size)
    wind = (
        1.0 + 0.5 * np.sin(2 * np.pi * hours / (24 * 4.5)) + 0.1 * rng.standard_normal(hours.size)
    )
    exogenous = np.stack((load, wind), axis=1).reshape(days + 2, 24, 2)
    prices = np.empty((days, 24))
    prices[0] = profile
    for day in range(1, days):
        prices[day] = 0.5 * prices[day - 1] + 0.5 * profile
        prices[day] += 12 * exogenous[day, :, 0] - 9 * exogenous[day, :, 1]
        prices[day] += rng.normal(0, 0.5, 24)
    return prices, exogenous, np.arange(days + 2) % 7


@pytest.mark.parametrize(
    ("day", "hour"),
    [(-1, 23), (-1, 0), (-7, 12)],
    ids=["last hour of the day before", "first hour of the day before", "a week before"],
)
def test_a_missing_exogenous_hour_on_a_day_the_forecast_reads_keeps_the_lasso(
    day: int, hour: int
) -> None:
    prices, exogenous, weekdays = two_channel_market(120)
    history, actual = prices[:-1], prices[-1]
    inputs = exogenous[:120]  # up to the forecast day, whose index is 119
    config = LinearConfig(windows=(56, 84))
    complete = fit_predict(history, inputs, weekdays[:120], 1, config)
    gapped = inputs.copy()
    gapped[119 + day, hour, 0] = np.nan
    filled = fit_predict(history, gapped, weekdays[:120], 1, config)
    dropped = fit_predict(
        history, gapped, weekdays[:120], 1, replace(config, exogenous_fill_hours=0)
    )
    without_load = fit_predict(history, inputs[:, :, 1:], weekdays[:120], 1, config)
    assert complete is not None
    assert filled is not None
    assert dropped is not None
    assert without_load is not None
    assert filled.windows == dropped.windows == (56, 84)
    # Filling the hour keeps nearly the whole forecast; without filling, only the load is lost.
    assert np.abs(filled.prices - complete.prices).max() < 0.2
    assert dropped.prices == pytest.approx(without_load.prices)
    assert np.abs(complete.prices - actual).mean() < np.abs(dropped.prices - actual).mean()


def test_a_long_gap_costs_the_channel_only_in_the_blocks_that_read_it() -> None:
    prices, exogenous, weekdays = two_channel_market(120)
    config = LinearConfig(windows=(56,))
    complete = fit_predict(prices, exogenous, weekdays, 2, config)
    gapped = exogenous.copy()
    gapped[-1, :, 1] = np.nan  # no wind forecast for the second day yet
    partial = fit_predict(prices, gapped, weekdays, 2, config)
    without_wind = fit_predict(prices, exogenous[:, :, :1], weekdays, 2, config)
    assert complete is not None
    assert partial is not None
    assert without_wind is not None
    assert partial.prices[:24] == pytest.approx(complete.prices[:24])
    assert partial.prices[24:] == pytest.approx(without_wind.prices[24:])
    assert not np.allclose(partial.prices[24:], complete.prices[24:])


def test_gaps_in_calibration_days_are_filled_or_cost_those_days_or_the_channel() -> None:
    prices, exogenous, weekdays = two_channel_market(120)
    config = LinearConfig(windows=(56,))
    unfilled = replace(config, exogenous_fill_hours=0)
    history, inputs, days = prices[:-1], exogenous[:120], weekdays[:120]
    complete = fit_predict(history, inputs, days, 1, config)
    without_load = fit_predict(history, inputs[:, :, 1:], days, 1, config)
    few = inputs.copy()
    few[100, 5, 0] = np.nan  # spoils three of the 56 calibration rows
    many = inputs.copy()
    many[70:110:3, 5, 0] = np.nan  # 14 days: together they spoil more than a fifth
    results = {
        name: fit_predict(history, values, days, 1, chosen)
        for name, values, chosen in (
            ("few filled", few, config),
            ("few unfilled", few, unfilled),
            ("many filled", many, config),
            ("many unfilled", many, unfilled),
        )
    }
    assert complete is not None
    assert without_load is not None
    assert all(result is not None for result in results.values())
    assert np.abs(results["few filled"].prices - complete.prices).max() < 0.2
    assert np.abs(results["many filled"].prices - complete.prices).max() < 0.2
    assert np.abs(results["few unfilled"].prices - complete.prices).max() < 0.5
    assert not np.allclose(results["few unfilled"].prices, complete.prices)
    assert results["many unfilled"].prices == pytest.approx(without_load.prices)


def test_filling_interpolates_short_runs_and_holds_only_briefly_at_the_end() -> None:
    hours = np.arange(6 * 24, dtype=np.float64)
    values = hours.copy()
    values[10:13] = np.nan  # three hours inside
    values[30:50] = np.nan  # twenty hours inside
    values[60:90] = np.nan  # thirty hours inside
    values[-2:] = np.nan  # two hours at the end
    filled = fill_exogenous(values.reshape(6, 24, 1), 24).ravel()
    assert filled[10:13] == pytest.approx(hours[10:13])
    assert filled[30:50] == pytest.approx(hours[30:50])
    assert np.isnan(filled[60:90]).all()
    assert filled[-2:] == pytest.approx([hours[-3], hours[-3]])
    unpublished = hours.copy()
    unpublished[-24:] = np.nan  # the last day's forecast is not out yet
    assert np.isnan(fill_exogenous(unpublished.reshape(6, 24, 1), 24).ravel()[-24:]).all()
    assert np.array_equal(fill_exogenous(values.reshape(6, 24, 1), 0).ravel(), values, True)


def test_works_without_exogenous_channels() -> None:
    prices, _, weekdays = synthetic_market(120)
    forecast = fit_predict(prices, np.zeros((121, 24, 0)), weekdays[:121], 1, LinearConfig((56,)))
    assert forecast is not None
    assert np.isfinite(forecast.prices).all()


def test_quarter_hour_days_give_ninety_six_prices_a_block() -> None:
    prices, _, weekdays = synthetic_market(120)
    ramp = np.tile([-1.5, -0.5, 0.5, 1.5], 24)
    quarters = np.repeat(prices, 4, axis=1) + ramp
    forecast = fit_predict(quarters, np.zeros((122, 96, 0)), weekdays[:122], 2, LinearConfig((56,)))
    assert forecast is not None
    assert forecast.prices.shape == (2 * 96,)
    # The shape within each hour is learnt: the quarters ramp as the history's do.
    within = forecast.prices.reshape(2 * 24, 4)
    assert np.diff(within, axis=1).mean() == pytest.approx(1.0, abs=0.2)


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


def test_models_exported_before_gap_filling_fill_gaps_as_new_ones_do() -> None:
    stored = LinearConfig().as_dict()
    del stored["exogenous_fill_hours"]
    assert LinearConfig.from_dict(stored).exogenous_fill_hours == EXOGENOUS_FILL_HOURS == 48
