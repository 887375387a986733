"""The shape of quarter-hour prices within each hour, fitted on the recent ones."""

from __future__ import annotations

import numpy as np
import pytest

from custom_components.price_optimizer.core.forecast.sub_hour import (
    MIN_RAMP_HOURS,
    SHAPE_DAYS,
    SubHourShape,
)

QUARTER = 900
END = 1_764_547_200  # a whole hour
INTERCEPTS = np.array([-0.5, -0.1, 0.2, 0.4])
RAMPS = np.array([-0.6, -0.2, 0.2, 0.6])


def quarter_slots(hourly: np.ndarray, end: int = END) -> tuple[np.ndarray, np.ndarray]:
    """Quarter-hours that follow the shape exactly around ``hourly`` means ending at ``end``."""
    padded = np.concatenate([[hourly[0]], hourly, [hourly[-1]]])
    ramp = (padded[2:] - padded[:-2]) / 2
    offsets = INTERCEPTS[None, :] + ramp[:, None] * RAMPS[None, :]
    # The intercepts sum to zero and so do the ramps: every hour keeps its mean.
    values = hourly[:, None] + offsets
    first = end - hourly.size * 3600
    starts = first + QUARTER * np.arange(hourly.size * 4)
    return starts, values.ravel()


def test_the_fit_recovers_offsets_and_ramps_and_applies_them() -> None:
    hourly = np.random.default_rng(1).normal(0.1, 0.03, 10 * 24)
    starts, values = quarter_slots(hourly)
    shape = SubHourShape.learn(starts, values, QUARTER, END)
    np.testing.assert_allclose(shape.intercepts, INTERCEPTS, atol=1e-9)
    np.testing.assert_allclose(shape.ramps, RAMPS, atol=1e-9)
    ahead = np.array([0.1, 0.3, 0.2])
    offsets = shape.offsets(ahead, before=0.1)
    np.testing.assert_allclose(offsets[1], INTERCEPTS + (0.2 - 0.1) / 2 * RAMPS, atol=1e-9)
    # The last hour ramps toward its one known neighbour; so does the first without one.
    np.testing.assert_allclose(offsets[2], INTERCEPTS + (0.2 - 0.3) / 2 * RAMPS, atol=1e-9)
    np.testing.assert_allclose(
        shape.offsets(ahead, before=None)[0], INTERCEPTS + (0.3 - 0.1) / 2 * RAMPS, atol=1e-9
    )


def test_only_whole_hours_of_the_last_weeks_count() -> None:
    hourly = np.random.default_rng(2).normal(0.1, 0.03, (SHAPE_DAYS + 5) * 24)
    starts, values = quarter_slots(hourly)
    values = values.copy()
    # Slots before the window and a lone quarter of a broken hour would pull the fit away.
    values[: 5 * 24 * 4] += 5.0
    keep = np.ones(starts.size, dtype=bool)
    keep[-40:-37] = False
    values[-37] += 3.0
    shape = SubHourShape.learn(starts[keep], values[keep], QUARTER, END)
    np.testing.assert_allclose(shape.intercepts, INTERCEPTS, atol=1e-9)
    np.testing.assert_allclose(shape.ramps, RAMPS, atol=1e-9)


def test_too_few_hours_keep_the_mean_offsets_and_none_keep_the_hour_flat() -> None:
    hourly = np.full(MIN_RAMP_HOURS - 1, 0.2)
    starts, values = quarter_slots(hourly)
    shape = SubHourShape.learn(starts, values, QUARTER, END)
    np.testing.assert_allclose(shape.intercepts, INTERCEPTS, atol=1e-12)
    assert shape.ramps.tolist() == [0.0] * 4
    empty = SubHourShape.learn(np.zeros(0), np.zeros(0), QUARTER, END)
    assert empty.intercepts.tolist() == empty.ramps.tolist() == [0.0] * 4
    assert empty.offsets(np.array([1.0, 2.0]), None) == pytest.approx(np.zeros((2, 4)))
