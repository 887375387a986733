"""The CNN-LSTM's forward pass in numpy, from the exported weight archive.

It mirrors ``training/cnn_lstm.py`` layer by layer (PyTorch's Conv1d, LSTM gate order
i, f, g, o, and the attention over the LSTM's outputs); the conformance tests hold the
two, and the ONNX file, to the same numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np

from .features import FloatArray

LSTM_LAYERS: Final = 2
QUANTILES: Final = (0.1, 0.5, 0.9)
# Index of "price_same_hour_last_known_day" in HORIZON_FEATURES: the median is learnt
# as a change from it.
SKIP_FEATURE: Final = 1


class WeightArchiveError(ValueError):
    """The weight archive lacks an array or has one of the wrong shape."""


@dataclass(frozen=True, slots=True)
class CnnLstmWeights:
    """The arrays of the network, by their PyTorch state-dict names, in float64."""

    arrays: Mapping[str, FloatArray]

    @classmethod
    def load(cls, path: Path) -> CnnLstmWeights:
        """Read an ``.npz`` archive written by the export step (no pickles)."""
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name].astype(np.float64) for name in archive.files}
        return cls(arrays)

    def __getitem__(self, name: str) -> FloatArray:
        """Return one array, or raise ``WeightArchiveError`` when it is absent."""
        try:
            return self.arrays[name]
        except KeyError:
            raise WeightArchiveError(f"weight archive has no {name!r}") from None


def _softplus(values: FloatArray) -> FloatArray:
    return np.asarray(np.logaddexp(0.0, values), dtype=np.float64)


def _relu(values: FloatArray) -> FloatArray:
    return np.maximum(values, 0.0)


def conv1d(
    inputs: FloatArray, weight: FloatArray, bias: FloatArray, stride: int, padding: int
) -> FloatArray:
    """Return PyTorch's Conv1d of [batch, channels, length] inputs."""
    padded = np.pad(inputs, ((0, 0), (0, 0), (padding, padding)))
    kernel = weight.shape[2]
    windows = np.lib.stride_tricks.sliding_window_view(padded, kernel, axis=2)[:, :, ::stride]
    output = np.einsum("bclk,ock->bol", windows, weight, optimize=True)
    return np.asarray(output + bias[None, :, None], dtype=np.float64)


def lstm_layer(
    inputs: FloatArray,
    input_weight: FloatArray,
    hidden_weight: FloatArray,
    input_bias: FloatArray,
    hidden_bias: FloatArray,
) -> FloatArray:
    """Return the hidden states of one LSTM layer over [batch, time, features] inputs."""
    batch, steps, _ = inputs.shape
    size = hidden_weight.shape[1]
    # sigmoid(x) = (1 + tanh(x / 2)) / 2: with the input, forget and output gates halved
    # (exactly: a power of two) one tanh per step serves all four gates.
    scale = np.full(4 * size, 0.5)
    scale[2 * size : 3 * size] = 1.0
    projected = (inputs @ input_weight.T + (input_bias + hidden_bias)) * scale
    recurrent = hidden_weight.T * scale
    hidden = np.zeros((batch, size))
    cell = np.zeros((batch, size))
    outputs = np.empty((batch, steps, size))
    for step in range(steps):
        gates = np.tanh(projected[:, step] + hidden @ recurrent)
        squashed = 0.5 * gates + 0.5
        entry, forget, exit_gate = (
            squashed[:, :size],
            squashed[:, size : 2 * size],
            squashed[:, 3 * size :],
        )
        cell = forget * cell + entry * gates[:, 2 * size : 3 * size]
        hidden = exit_gate * np.tanh(cell)
        outputs[:, step] = hidden
    return outputs


def forward(weights: CnnLstmWeights, sequence: FloatArray, horizon: FloatArray) -> FloatArray:
    """Return [batch, horizon, 3] quantiles (p10, p50, p90) in model units.

    ``sequence`` is [batch, HISTORY_HOURS, history features] and ``horizon`` is
    [batch, HORIZON_HOURS, horizon features], as ``features.build_features`` makes them.
    """
    signal = conv1d(
        sequence.transpose(0, 2, 1), weights["conv1.weight"], weights["conv1.bias"], 1, 1
    )
    signal = conv1d(_relu(signal), weights["conv2.weight"], weights["conv2.bias"], 2, 1)
    states = _relu(signal).transpose(0, 2, 1)
    for layer in range(LSTM_LAYERS):
        states = lstm_layer(
            states,
            weights[f"lstm.weight_ih_l{layer}"],
            weights[f"lstm.weight_hh_l{layer}"],
            weights[f"lstm.bias_ih_l{layer}"],
            weights[f"lstm.bias_hh_l{layer}"],
        )
    last = states[:, -1]
    query = last @ weights["attention.weight"].T + weights["attention.bias"]
    scores = np.einsum("bth,bh->bt", states, query) / np.sqrt(states.shape[2])
    scores = np.exp(scores - scores.max(axis=1, keepdims=True))
    attention = scores / scores.sum(axis=1, keepdims=True)
    context = np.einsum("bt,bth->bh", attention, states)
    batch = horizon.shape[0]
    future = _relu(
        horizon.reshape(batch, -1) @ weights["horizon.weight"].T + weights["horizon.bias"]
    )
    joined = np.concatenate((last, context, future), axis=1)
    hidden = _relu(joined @ weights["head1.weight"].T + weights["head1.bias"])
    raw = (hidden @ weights["head2.weight"].T + weights["head2.bias"]).reshape(batch, -1, 3)
    median = raw[:, :, 1] + horizon[:, :, SKIP_FEATURE]
    lower = median - _softplus(raw[:, :, 0])
    upper = median + _softplus(raw[:, :, 2])
    return np.stack((lower, median, upper), axis=2)
