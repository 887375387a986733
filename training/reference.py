"""The reference forecast: the shipped models run by ONNX Runtime and LightGBM on real prices.

Home Assistant OS cannot install onnxruntime or lightgbm, so the integration forecasts in
numpy. ``tests/unit/test_forecast_reference.py`` holds that numpy forecast, in the Home
Assistant environments where neither library exists, to the file written here: the CNN-LSTM
through ONNX Runtime and the trees through ``lightgbm.Booster.predict`` itself, blended by
the integration's own ``Forecaster``. The inputs (real prices from the integration's replay
table) are stored beside the forecast, so the Home Assistant test needs nothing from here.
``training/tests/test_reference.py`` regenerates the file and fails when the checked-in one
differs, so it cannot go stale when the models are re-exported.

    .venvs/training/bin/python -m training.reference    # rewrites the file
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import gzip
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import lightgbm
import numpy as np

from custom_components.price_optimizer.core.forecast import MODELS_DIR
from custom_components.price_optimizer.core.forecast.onnx import OnnxNetwork
from custom_components.price_optimizer.core.forecast.predictor import (
    METADATA_FILE,
    NETWORK_ONNX,
    Forecaster,
)
from custom_components.price_optimizer.core.prices import PriceSeries, PriceSlot, per_kwh
from custom_components.price_optimizer.core.sources.replay import DATA_ZONE, load_table

from .export import REFERENCE_DIR, TREES_MODEL

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_FILE = ROOT / "tests" / "fixtures" / "forecast_reference.json"
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class ReferenceCase:
    """Hourly replay prices of one zone: ``days`` of them ending ``end_day`` days into the table."""

    column: str
    zone: str
    country: str
    market: str | None
    days: int
    end_day: int


# Three members with a market's own blend; three with the blend fitted across markets; and
# too little history for the lasso, so the two static members serve alone.
CASES = (
    ReferenceCase("DE_LU", "Europe/Berlin", "DE", "deepforkit-DE_LU", days=120, end_day=200),
    ReferenceCase("FR", "Europe/Paris", "FR", None, days=100, end_day=330),
    ReferenceCase("NO_1", "Europe/Oslo", "NO", "nor-epf-NO_1", days=21, end_day=90),
)


class LightGBMTrees:
    """The LightGBM member evaluated by LightGBM itself."""

    def __init__(self, booster: lightgbm.Booster) -> None:
        """Wrap a loaded booster."""
        self._booster = booster

    def predict(self, rows: np.ndarray) -> np.ndarray:
        """Return the raw score of each row, as the numpy trees must reproduce it."""
        return np.asarray(self._booster.predict(rows, raw_score=True), dtype=np.float64)


def reference_forecaster(
    models_dir: Path = MODELS_DIR, reference_dir: Path = REFERENCE_DIR
) -> Forecaster:
    """Return the shipped blend with the network in ONNX Runtime and the trees in LightGBM."""
    metadata = json.loads((models_dir / METADATA_FILE).read_text(encoding="utf-8"))
    with gzip.open(reference_dir / TREES_MODEL, "rt", encoding="utf-8") as handle:
        booster = lightgbm.Booster(model_str=handle.read())
    network = OnnxNetwork(models_dir / NETWORK_ONNX)
    return Forecaster(metadata, network, LightGBMTrees(booster), "onnxruntime+lightgbm")


def case_inputs(case: ReferenceCase) -> tuple[datetime, list[float]]:
    """Return the first hour (UTC) and the hourly prices of ``case``, per kWh as sources give."""
    table = load_table()
    first_day = datetime.combine(table.first_day, datetime.min.time(), DATA_ZONE)
    end = case.end_day * 24
    start = first_day.astimezone(UTC) + (end - case.days * 24) * HOUR
    prices = table.prices[case.column][end - case.days * 24 : end]
    return start, [per_kwh(price) for price in prices]


def reference_forecasts(forecaster: Forecaster | None = None) -> dict[str, Any]:
    """Return the cases, their inputs and the reference forecast of each (JSON-safe)."""
    forecaster = forecaster or reference_forecaster()
    cases = []
    for case in CASES:
        start, prices = case_inputs(case)
        series = PriceSeries(
            tuple(
                PriceSlot(start + index * HOUR, HOUR, price) for index, price in enumerate(prices)
            )
        )
        forecast = forecaster.predict(series, ZoneInfo(case.zone), case.country, market=case.market)
        cases.append(
            {
                "source": f"custom_components/price_optimizer/core/sources/replay_prices.csv.gz, "
                f"column {case.column} (EUR/MWh) per kWh",
                "zone": case.zone,
                "country": case.country,
                "market": case.market,
                "start": start.isoformat(),
                "prices": prices,
                "members": list(forecast.members),
                "forecast": [
                    {
                        "start": slot.start.isoformat(),
                        "price": slot.price,
                        "lower": slot.lower,
                        "upper": slot.upper,
                    }
                    for slot in forecast.slots
                ],
            }
        )
    return {
        "produced_by": "python -m training.reference: CNN-LSTM in ONNX Runtime, trees in lightgbm",
        "cases": cases,
    }


def write_reference(path: Path = REFERENCE_FILE) -> None:
    """Write the reference forecasts to ``path``."""
    path.write_text(json.dumps(reference_forecasts(), indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_reference()
    print(f"wrote {REFERENCE_FILE}")
