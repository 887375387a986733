"""The shipped models give the same numbers in every runtime.

numpy CNN-LSTM vs ONNX Runtime vs PyTorch within 1e-4 (relative, floored at 1), on random
inputs and on features of real prices; numpy trees vs ``lightgbm.predict`` within 1e-9.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import gzip
from zoneinfo import ZoneInfo

import lightgbm
import numpy as np
import pytest
import torch

from custom_components.price_optimizer.core.forecast import MODELS_DIR
from custom_components.price_optimizer.core.forecast.features import (
    CONTEXT_HOURS,
    EXOGENOUS_CHANNELS,
    HORIZON_HOURS,
    ForecastInputs,
    build_features,
    calendar_features,
)
from custom_components.price_optimizer.core.forecast.network import CnnLstmWeights, forward
from custom_components.price_optimizer.core.forecast.onnx import OnnxNetwork, OnnxTrees
from custom_components.price_optimizer.core.forecast.predictor import (
    NETWORK_ONNX,
    NETWORK_WEIGHTS,
    TREES_DUMP,
    TREES_ONNX,
    Forecaster,
)
from custom_components.price_optimizer.core.forecast.trees import TreeEnsemble
from custom_components.price_optimizer.core.sources.replay import load_table
from training.cnn_lstm import CnnLstm, NetworkConfig, predict_torch
from training.export import REFERENCE_DIR, TREES_MODEL, random_inputs, relative_difference

BERLIN = ZoneInfo("Europe/Berlin")


def shipped_network() -> CnnLstm:
    """Rebuild the PyTorch network from the shipped numpy archive."""
    with np.load(MODELS_DIR / NETWORK_WEIGHTS) as archive:
        state = {name: torch.from_numpy(archive[name]) for name in archive.files}
    config = NetworkConfig(
        channels=state["conv1.weight"].shape[0],
        hidden=state["lstm.weight_hh_l0"].shape[1],
        horizon_embedding=state["horizon.weight"].shape[0],
        head=state["head1.weight"].shape[0],
    )
    model = CnnLstm(config)
    model.load_state_dict(state)
    model.eval()
    return model


def real_features(count: int) -> list:
    """Return features of real DE-LU prices (the bundled replay data) at several origins."""
    prices = np.array(load_table().prices["DE_LU"])
    start = datetime(2023, 1, 1, tzinfo=UTC)
    result = []
    for origin in np.linspace(CONTEXT_HOURS, prices.size - HORIZON_HOURS, count).astype(int):
        starts = int(start.timestamp()) + 3600 * np.arange(
            origin - CONTEXT_HOURS, origin + HORIZON_HOURS, dtype=np.int64
        )
        exogenous = np.full((CONTEXT_HOURS + HORIZON_HOURS, len(EXOGENOUS_CHANNELS)), np.nan)
        result.append(
            build_features(
                ForecastInputs(
                    origin=int(starts[CONTEXT_HOURS]),
                    prices=prices[origin - CONTEXT_HOURS : origin],
                    exogenous=exogenous,
                    calendar=calendar_features(starts, BERLIN, "DE"),
                )
            )
        )
    return result


@pytest.fixture(scope="module")
def network_inputs() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    features = real_features(12)
    return {
        "random": random_inputs(8, seed=5),
        "real": (
            np.stack([f.sequence for f in features]),
            np.stack([f.horizon for f in features]),
        ),
    }


@pytest.mark.parametrize("kind", ["random", "real"])
def test_numpy_onnx_and_pytorch_agree(
    network_inputs: dict[str, tuple[np.ndarray, np.ndarray]], kind: str
) -> None:
    sequence, horizon = network_inputs[kind]
    reference = predict_torch(shipped_network(), sequence, horizon)
    numpy_output = forward(CnnLstmWeights.load(MODELS_DIR / NETWORK_WEIGHTS), sequence, horizon)
    onnx_output = OnnxNetwork(MODELS_DIR / NETWORK_ONNX)(sequence, horizon)
    assert relative_difference(numpy_output, reference) < 1e-4
    assert relative_difference(onnx_output, reference) < 1e-4
    assert relative_difference(numpy_output, onnx_output) < 1e-4


def test_numpy_and_onnx_trees_agree_with_lightgbm_on_random_and_real_rows() -> None:
    with gzip.open(REFERENCE_DIR / TREES_MODEL, "rt", encoding="utf-8") as handle:
        booster = lightgbm.Booster(model_str=handle.read())
    trees = TreeEnsemble.load(MODELS_DIR / TREES_DUMP)
    onnx_trees = OnnxTrees(MODELS_DIR / TREES_ONNX)
    rng = np.random.default_rng(3)
    random_rows = rng.normal(size=(500, booster.num_feature()))
    random_rows[rng.random(random_rows.shape) < 0.05] = np.nan
    random_rows[rng.random(random_rows.shape) < 0.05] = 0.0
    samples = real_features(10)
    real_rows = np.concatenate([f.tabular for f in samples])
    for rows in (random_rows, real_rows, *(f.tabular for f in samples[:3])):
        expected = booster.predict(rows, raw_score=True)
        assert relative_difference(trees.predict(rows), expected) < 1e-9
        assert relative_difference(onnx_trees.predict(rows), expected) < 1e-9


def test_forecaster_gives_the_same_forecast_with_onnx_and_with_numpy() -> None:
    prices = np.array(load_table().prices["FR"][: 100 * 24])
    from custom_components.price_optimizer.core.prices import PriceSeries, PriceSlot

    start = datetime(2023, 1, 1, tzinfo=UTC)
    series = PriceSeries(
        tuple(
            PriceSlot(start + timedelta(hours=i), timedelta(hours=1), float(p))
            for i, p in enumerate(prices)
        )
    )
    with_onnx = Forecaster.load(MODELS_DIR, prefer_onnx=True)
    with_numpy = Forecaster.load(MODELS_DIR, prefer_onnx=False)
    assert (with_onnx.runtime, with_numpy.runtime) == ("onnx", "numpy")
    onnx_forecast = with_onnx.predict(series, ZoneInfo("Europe/Paris"), "FR")
    numpy_forecast = with_numpy.predict(series, ZoneInfo("Europe/Paris"), "FR")
    assert [s.price for s in onnx_forecast.slots] == pytest.approx(
        [s.price for s in numpy_forecast.slots], rel=1e-4
    )
