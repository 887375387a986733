"""The checked-in reference forecast is what ONNX Runtime and LightGBM give today.

``tests/unit/test_forecast_reference.py`` holds the integration's numpy forecast to that
file in environments without either library; regenerating it here means a re-export of the
models, or a change to the forecast, cannot leave it describing models no longer shipped.
"""

from __future__ import annotations

import json

import pytest

from custom_components.price_optimizer.forecast.onnx import OnnxNetwork
from training.reference import (
    REFERENCE_FILE,
    LightGBMTrees,
    reference_forecaster,
    reference_forecasts,
)

# The same libraries on another CPU may round the last bits differently; the numpy engine is
# held to 1e-4, so this leaves it all of its margin.
RELATIVE = 1e-9


def test_checked_in_reference_is_what_onnxruntime_and_lightgbm_forecast_now() -> None:
    checked_in = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))
    regenerated = json.loads(json.dumps(reference_forecasts()))

    assert len(checked_in["cases"]) == len(regenerated["cases"])
    for kept, fresh in zip(checked_in["cases"], regenerated["cases"], strict=True):
        forecast_kept, forecast_fresh = kept.pop("forecast"), fresh.pop("forecast")
        assert kept == fresh
        assert [slot["start"] for slot in forecast_kept] == [s["start"] for s in forecast_fresh]
        for band in ("price", "lower", "upper"):
            assert [slot[band] for slot in forecast_kept] == pytest.approx(
                [slot[band] for slot in forecast_fresh], rel=RELATIVE
            ), "run python -m training.reference after re-exporting the models"


def test_reference_uses_onnxruntime_and_lightgbm_not_the_numpy_runtime() -> None:
    forecaster = reference_forecaster()
    assert isinstance(forecaster.trees, LightGBMTrees)
    assert forecaster.runtime == "onnxruntime+lightgbm"
    assert isinstance(forecaster.network, OnnxNetwork)
