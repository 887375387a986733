"""The CNN-LSTM and the LightGBM trees through ONNX Runtime, used only when it is importable.

Home Assistant OS cannot install onnxruntime (no musl wheels), so nothing requires it;
where it exists it runs the same models several times faster than numpy.
"""

from __future__ import annotations

import gzip
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np

from .features import FloatArray


def onnx_runtime_available() -> bool:
    """Return whether ``onnxruntime`` can be imported."""
    return find_spec("onnxruntime") is not None


def _session(path: Path) -> Any:
    """Open an ONNX file (gzip-compressed when named ``.gz``) on one thread.

    Raises ImportError without onnxruntime.
    """
    import onnxruntime  # noqa: PLC0415  (optional: absent on Home Assistant OS)

    model = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])


class OnnxNetwork:
    """An ONNX Runtime session over the exported network."""

    def __init__(self, path: Path) -> None:
        """Open ``path``; raises ImportError without onnxruntime."""
        self._session = _session(path)

    def __call__(self, sequence: FloatArray, horizon: FloatArray) -> FloatArray:
        """Return [batch, horizon, 3] quantiles in model units."""
        outputs = self._session.run(
            ["quantiles"],
            {
                "sequence": sequence.astype(np.float32),
                "horizon": horizon.astype(np.float32),
            },
        )
        return np.asarray(outputs[0], dtype=np.float64)


class OnnxTrees:
    """An ONNX Runtime session over the LightGBM trees, in float64 like LightGBM itself."""

    def __init__(self, path: Path) -> None:
        """Open ``path``; raises ImportError without onnxruntime."""
        self._session = _session(path)

    def predict(self, rows: FloatArray) -> FloatArray:
        """Return the raw score (sum of leaf values) for each row of ``rows``."""
        outputs = self._session.run(["score"], {"rows": np.ascontiguousarray(rows, np.float64)})
        return np.asarray(outputs[0], dtype=np.float64).reshape(-1)
