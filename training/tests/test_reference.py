"""The checked-in reference forecast is what ONNX Runtime and LightGBM give today.

``tests/unit/test_forecast_reference.py`` holds the integration's numpy forecast to that
file in environments without either library; regenerating it here means a re-export of the
models, or a change to the forecast, cannot leave it describing models no longer shipped.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from custom_components.price_optimizer.core.forecast.onnx import OnnxNetwork
from training.reference import (
    REFERENCE_FILE,
    LightGBMTrees,
    reference_forecaster,
    reference_forecasts,
)

# Float32 network outputs differ between CPUs (AVX-512, AVX2, NEON) by up to 2.8e-7 relative for
# the same models and inputs: 1e-5 holds on any of them, with a margin of 35. A re-export of the
# models or a change to the forecast moves the values by far more (see the test of the check).
RELATIVE = 1e-5


def _stale_bands(checked_in: dict[str, Any], regenerated: dict[str, Any]) -> list[str]:
    """Return the bands of each case whose forecast is not the regenerated one within RELATIVE."""
    stale = []
    assert len(checked_in["cases"]) == len(regenerated["cases"])
    for index, (kept, fresh) in enumerate(
        zip(checked_in["cases"], regenerated["cases"], strict=True)
    ):
        forecast_kept, forecast_fresh = kept["forecast"], fresh["forecast"]
        assert {k: v for k, v in kept.items() if k != "forecast"} == {
            k: v for k, v in fresh.items() if k != "forecast"
        }
        assert [slot["start"] for slot in forecast_kept] == [s["start"] for s in forecast_fresh]
        stale.extend(
            f"case {index} {band}"
            for band in ("price", "lower", "upper")
            if [slot[band] for slot in forecast_kept]
            != pytest.approx([slot[band] for slot in forecast_fresh], rel=RELATIVE)
        )
    return stale


def test_checked_in_reference_is_what_onnxruntime_and_lightgbm_forecast_now() -> None:
    checked_in = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))
    regenerated = json.loads(json.dumps(reference_forecasts()))

    assert _stale_bands(checked_in, regenerated) == [], (
        "run python -m training.reference after re-exporting the models"
    )


@pytest.mark.parametrize(
    ("relative_change", "stale"),
    [(2.8e-7, False), (-2.8e-7, False), (1e-4, True), (-1e-3, True)],
)
def test_the_check_tolerates_another_cpu_and_catches_a_changed_forecast(
    relative_change: float, stale: bool
) -> None:
    checked_in = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))
    changed = copy.deepcopy(checked_in)
    for case in changed["cases"]:
        for slot in case["forecast"]:
            slot["price"] *= 1 + relative_change
    assert bool(_stale_bands(checked_in, changed)) is stale


def test_reference_uses_onnxruntime_and_lightgbm_not_the_numpy_runtime() -> None:
    forecaster = reference_forecaster()
    assert isinstance(forecaster.trees, LightGBMTrees)
    assert forecaster.runtime == "onnxruntime+lightgbm"
    assert isinstance(forecaster.network, OnnxNetwork)
