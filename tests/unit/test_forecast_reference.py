"""With only the manifest's requirements, the forecast equals ONNX Runtime's and LightGBM's.

Home Assistant OS cannot install onnxruntime, lightgbm or torch, and neither do these test
environments. The reference file holds real prices and the forecast the shipped models give
for them with the network in ONNX Runtime and the trees in LightGBM; it is written, and kept
current, by ``training/reference.py`` and ``training/tests/test_reference.py``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib.util import find_spec
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from custom_components.price_optimizer.core.forecast.predictor import Forecaster
from custom_components.price_optimizer.core.prices import PriceSeries, PriceSlot

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "custom_components/price_optimizer/core/forecast/models"
REFERENCE = json.loads((ROOT / "tests/fixtures/forecast_reference.json").read_text("utf-8"))
HOUR = timedelta(hours=1)
# The network's float32 ONNX graph against numpy's float64: the conformance tolerance.
RELATIVE = 1e-4


@pytest.mark.parametrize("module", ["onnxruntime", "lightgbm", "torch"])
def test_the_environment_has_only_the_manifest_requirements(module: str) -> None:
    assert find_spec(module) is None


@pytest.mark.parametrize(
    "case", REFERENCE["cases"], ids=[case["market"] or case["zone"] for case in REFERENCE["cases"]]
)
def test_forecast_without_onnxruntime_and_lightgbm_equals_theirs(case: dict[str, Any]) -> None:
    forecaster = Forecaster.load(MODELS)
    start = datetime.fromisoformat(case["start"])
    prices = PriceSeries(
        tuple(
            PriceSlot(start + index * HOUR, HOUR, price)
            for index, price in enumerate(case["prices"])
        )
    )

    forecast = forecaster.predict(
        prices, ZoneInfo(case["zone"]), case["country"], market=case["market"]
    )

    assert forecaster.runtime == "numpy"
    assert list(forecast.members) == case["members"]
    expected = case["forecast"]
    assert [slot.start.isoformat() for slot in forecast.slots] == [s["start"] for s in expected]
    for band in ("price", "lower", "upper"):
        assert [getattr(slot, band) for slot in forecast.slots] == pytest.approx(
            [s[band] for s in expected], rel=RELATIVE
        )
