"""Accuracy metrics as the epftoolbox benchmark defines them, and the Diebold-Mariano test."""

from __future__ import annotations

import math

import numpy as np

WEEK_HOURS = 168


def mae(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Return the mean absolute error."""
    return float(np.mean(np.abs(actual - predicted)))


def rmse(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Return the root mean squared error."""
    return float(np.sqrt(np.mean((actual - predicted) ** 2)))


def smape(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Return the symmetric MAPE in percent: mean(|y - p| / ((|y| + |p|) / 2)) * 100."""
    denominator = (np.abs(actual) + np.abs(predicted)) / 2.0
    ratio = np.divide(
        np.abs(actual - predicted),
        denominator,
        out=np.zeros_like(denominator),
        where=denominator > 0,
    )
    return float(np.mean(ratio) * 100.0)


def weekly_naive_mae(actual: np.ndarray) -> float:
    """Return the MAE of y(t - 168 h) inside the period itself (its first week dropped)."""
    flat = actual.ravel()
    return mae(flat[WEEK_HOURS:], flat[:-WEEK_HOURS])


def rmae(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Return MAE relative to the weekly naive forecast over the same period (epftoolbox m='W')."""
    return mae(actual, predicted) / weekly_naive_mae(actual)


def coverage(actual: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
    """Return the share of actual prices inside [lower, upper]."""
    return float(np.mean((actual >= lower) & (actual <= upper)))


def diebold_mariano_p_value(
    actual: np.ndarray, reference: np.ndarray, candidate: np.ndarray
) -> float:
    """Return the one-sided p-value that ``candidate`` is more accurate than ``reference``.

    The multivariate version of the epftoolbox benchmark: each day's loss differential is
    the difference of the two forecasts' mean absolute errors over its 24 hours.
    """
    days = actual.shape[0]
    differential = np.mean(np.abs(actual - reference), axis=1) - np.mean(
        np.abs(actual - candidate), axis=1
    )
    variance = float(np.var(differential))
    if variance == 0.0:
        return 0.5
    statistic = float(np.mean(differential)) / math.sqrt(variance / days)
    return 0.5 * math.erfc(statistic / math.sqrt(2.0))


def summary(actual: np.ndarray, predicted: np.ndarray, naive_mae: float) -> dict[str, float]:
    """Return MAE, rMAE (against ``naive_mae``), sMAPE and RMSE for [days, 24] arrays."""
    return {
        "mae": mae(actual, predicted),
        "rmae": mae(actual, predicted) / naive_mae,
        "smape": smape(actual, predicted),
        "rmse": rmse(actual, predicted),
    }
