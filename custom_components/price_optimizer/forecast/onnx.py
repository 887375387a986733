"""The CNN-LSTM through ONNX Runtime, used only when ``onnxruntime`` happens to be importable.

Home Assistant OS cannot install onnxruntime (no musl wheels), so nothing requires it;
where it exists it runs the same network a few times faster than numpy.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np

from .features import FloatArray


def onnx_runtime_available() -> bool:
    """Return whether ``onnxruntime`` can be imported."""
    return find_spec("onnxruntime") is not None


class OnnxNetwork:
    """An ONNX Runtime session over the exported network, on one thread."""

    def __init__(self, path: Path) -> None:
        """Open ``path``; raises ImportError without onnxruntime."""
        import onnxruntime  # noqa: PLC0415  (optional: absent on Home Assistant OS)

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self._session: Any = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )

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
