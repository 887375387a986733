"""The CNN-LSTM in numpy: its layers, and the shipped weights against PyTorch's own outputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from custom_components.price_optimizer.core.forecast.network import (
    CnnLstmWeights,
    WeightArchiveError,
    conv1d,
    forward,
    lstm_layer,
)
from custom_components.price_optimizer.core.forecast.predictor import NETWORK_WEIGHTS

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "custom_components/price_optimizer/core/forecast/models"
# The PyTorch and LightGBM outputs the export recorded; kept with training, not shipped.
REFERENCE = ROOT / "training/reference_models"


def test_conv1d_matches_the_definition_with_stride_and_padding() -> None:
    rng = np.random.default_rng(0)
    inputs = rng.normal(size=(2, 3, 9))
    weight = rng.normal(size=(4, 3, 3))
    bias = rng.normal(size=4)
    result = conv1d(inputs, weight, bias, stride=2, padding=1)
    padded = np.pad(inputs, ((0, 0), (0, 0), (1, 1)))
    expected = np.empty((2, 4, 5))
    for position in range(5):
        window = padded[:, :, 2 * position : 2 * position + 3]
        expected[:, :, position] = np.einsum("bck,ock->bo", window, weight) + bias
    assert result == pytest.approx(expected)


def test_lstm_layer_follows_the_gate_equations_for_one_step() -> None:
    rng = np.random.default_rng(1)
    size, features = 3, 2
    input_weight = rng.normal(size=(4 * size, features))
    hidden_weight = rng.normal(size=(4 * size, size))
    input_bias, hidden_bias = rng.normal(size=4 * size), rng.normal(size=4 * size)
    inputs = rng.normal(size=(1, 1, features))
    gates = input_weight @ inputs[0, 0] + input_bias + hidden_bias
    entry, forget, candidate, exit_gate = np.split(gates, 4)
    cell = 1 / (1 + np.exp(-entry)) * np.tanh(candidate)
    expected = 1 / (1 + np.exp(-exit_gate)) * np.tanh(cell)
    del forget  # no earlier cell state to keep
    result = lstm_layer(inputs, input_weight, hidden_weight, input_bias, hidden_bias)
    assert result[0, 0] == pytest.approx(expected)


def test_shipped_weights_reproduce_pytorch_and_quantiles_never_cross() -> None:
    weights = CnnLstmWeights.load(MODELS / NETWORK_WEIGHTS)
    with np.load(REFERENCE / "conformance.npz") as reference:
        output = forward(weights, reference["sequence"], reference["horizon"])
        expected = reference["network_output"]
    assert np.max(np.abs(output - expected) / np.maximum(1.0, np.abs(expected))) < 1e-4
    assert (output[:, :, 0] <= output[:, :, 1]).all()
    assert (output[:, :, 1] <= output[:, :, 2]).all()


def test_missing_array_is_named() -> None:
    with pytest.raises(WeightArchiveError, match=r"conv1\.weight"):
        CnnLstmWeights({})["conv1.weight"]
