"""Export a training run for the integration, after proving the three runtimes agree.

Writes the network's ONNX file, the same weights as a numpy archive, the LightGBM model, its
JSON tree dump and the trees as ONNX (the last three gzip-compressed: the integration ships
through HACS), and ``metadata.json`` with feature order, scaling, horizon, spans, each
member's training cut-offs, metrics and the sha256 of every file. Nothing reaches the
destination unless PyTorch, ONNX Runtime and the numpy runtime agree to 1e-4 and both the
numpy and the ONNX trees match ``lightgbm.predict`` to 1e-9.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
import gzip
import io
import json
from pathlib import Path
import shutil
import tempfile
from typing import Any

import lightgbm
import numpy as np
import onnxruntime
import torch

from custom_components.price_optimizer.core.forecast import features
from custom_components.price_optimizer.core.forecast.network import (
    QUANTILES,
    CnnLstmWeights,
    forward,
)
from custom_components.price_optimizer.core.forecast.onnx import OnnxNetwork, OnnxTrees
from custom_components.price_optimizer.core.forecast.predictor import (
    METADATA_FILE,
    NETWORK_ONNX,
    NETWORK_WEIGHTS,
    TREES_DUMP,
    TREES_ONNX,
    sha256_of,
)
from custom_components.price_optimizer.core.forecast.trees import TreeEnsemble

from .cnn_lstm import CnnLstm, predict_torch, weight_arrays
from .train import cutoffs_of
from .tree_onnx import trees_to_onnx

TREES_MODEL = "lightgbm_model.txt.gz"
# Inputs and PyTorch / LightGBM outputs, so the integration's tests can hold the numpy runtime
# to the training libraries without installing them.
CONFORMANCE = "conformance.npz"
# Only training and the tests read these two, so they stay out of the folder HACS installs.
REFERENCE_FILES = (TREES_MODEL, CONFORMANCE)
REFERENCE_DIR = Path(__file__).resolve().parent / "reference_models"
NETWORK_TOLERANCE = 1e-4
TREE_TOLERANCE = 1e-9


class RuntimeDisagreementError(RuntimeError):
    """Two runtimes gave different numbers for the same inputs."""


@dataclass
class Agreement:
    """Largest relative differences seen by the export checks."""

    numpy_vs_torch: float
    onnx_vs_torch: float
    numpy_vs_onnx: float
    trees_numpy_vs_lightgbm: float
    trees_onnx_vs_lightgbm: float
    network_inputs: int
    tree_rows: int

    def as_dict(self) -> dict[str, float | int]:
        """Return a JSON-safe form."""
        return dict(self.__dict__)


def relative_difference(left: np.ndarray, right: np.ndarray) -> float:
    """Return max |left - right| / max(1, |right|), elementwise."""
    return float(np.max(np.abs(left - right) / np.maximum(1.0, np.abs(right))))


def write_onnx(model: CnnLstm, path: Path) -> None:
    """Export the network with a dynamic batch dimension."""
    sequence = torch.zeros(1, features.HISTORY_HOURS, len(features.HISTORY_FEATURES))
    horizon = torch.zeros(1, features.HORIZON_HOURS, len(features.HORIZON_FEATURES))
    model.eval()
    buffer = io.BytesIO()
    torch.onnx.export(
        model,
        (sequence, horizon),
        buffer,
        input_names=["sequence", "horizon"],
        output_names=["quantiles"],
        dynamic_axes={"sequence": {0: "batch"}, "horizon": {0: "batch"}, "quantiles": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )
    path.write_bytes(buffer.getvalue())


def write_gzip(path: Path, content: str | bytes) -> None:
    """Write ``content`` gzip-compressed with a fixed timestamp: equal models give equal bytes."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as handle:
        handle.write(data)


def random_inputs(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Return random network inputs in the features' range, with indicators as 0/1."""
    generator = np.random.default_rng(seed)
    sequence = generator.normal(
        size=(count, features.HISTORY_HOURS, len(features.HISTORY_FEATURES))
    )
    horizon = generator.normal(size=(count, features.HORIZON_HOURS, len(features.HORIZON_FEATURES)))
    return sequence, horizon


def check_agreement(
    model: CnnLstm,
    staging: Path,
    booster: lightgbm.Booster,
    network_inputs: tuple[np.ndarray, np.ndarray],
    tree_rows: np.ndarray,
) -> Agreement:
    """Run all runtimes on the same inputs; raise when any pair disagrees."""
    sequence, horizon = network_inputs
    reference = predict_torch(model, sequence, horizon)
    numpy_output = forward(CnnLstmWeights.load(staging / NETWORK_WEIGHTS), sequence, horizon)
    onnx_output = OnnxNetwork(staging / NETWORK_ONNX)(sequence, horizon)
    trees = TreeEnsemble.load(staging / TREES_DUMP)
    expected_trees = booster.predict(tree_rows, raw_score=True)
    agreement = Agreement(
        numpy_vs_torch=relative_difference(numpy_output, reference),
        onnx_vs_torch=relative_difference(onnx_output, reference),
        numpy_vs_onnx=relative_difference(numpy_output, onnx_output),
        trees_numpy_vs_lightgbm=relative_difference(trees.predict(tree_rows), expected_trees),
        trees_onnx_vs_lightgbm=relative_difference(
            OnnxTrees(staging / TREES_ONNX).predict(tree_rows), expected_trees
        ),
        network_inputs=int(sequence.shape[0]),
        tree_rows=int(tree_rows.shape[0]),
    )
    worst_network = max(agreement.numpy_vs_torch, agreement.onnx_vs_torch, agreement.numpy_vs_onnx)
    if worst_network > NETWORK_TOLERANCE:
        raise RuntimeDisagreementError(f"network runtimes differ by {worst_network:.2e}")
    for runtime, difference in (
        ("numpy", agreement.trees_numpy_vs_lightgbm),
        ("ONNX", agreement.trees_onnx_vs_lightgbm),
    ):
        if difference > TREE_TOLERANCE:
            raise RuntimeDisagreementError(
                f"{runtime} trees differ from lightgbm by {difference:.2e}"
            )
    return agreement


def export(
    report: dict[str, Any],
    model: CnnLstm,
    booster: lightgbm.Booster,
    destination: Path,
    *,
    reference_destination: Path = REFERENCE_DIR,
    real_inputs: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
    version: str,
    metrics: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write the artifacts to ``destination`` once every runtime agrees; return the metadata.

    The LightGBM model and the conformance samples go to ``reference_destination``.

    ``real_inputs`` are (sequence, horizon, tabular) samples from real data, checked beside
    random ones.
    """
    with tempfile.TemporaryDirectory() as temporary:
        staging = Path(temporary)
        write_onnx(model, staging / NETWORK_ONNX)
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **weight_arrays(model))
        (staging / NETWORK_WEIGHTS).write_bytes(buffer.getvalue())
        write_gzip(staging / TREES_MODEL, booster.model_to_string())
        dump = booster.dump_model()
        write_gzip(staging / TREES_DUMP, json.dumps(dump))
        write_gzip(staging / TREES_ONNX, trees_to_onnx(dump).SerializeToString())

        sequence, horizon = random_inputs(16, seed=11)
        rows = np.random.default_rng(12).normal(size=(256, len(features.TABULAR_FEATURES)))
        rows[::7, 3] = np.nan
        if real_inputs is not None:
            sequence = np.concatenate((sequence, real_inputs[0]))
            horizon = np.concatenate((horizon, real_inputs[1]))
            rows = np.concatenate((rows, real_inputs[2].reshape(-1, rows.shape[1])))
        agreement = check_agreement(model, staging, booster, (sequence, horizon), rows)
        pick = np.r_[0:2, 16 : min(sequence.shape[0], 19)]
        tree_pick = np.r_[0:16, 256 : min(rows.shape[0], 304)]
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            sequence=sequence[pick],
            horizon=horizon[pick],
            network_output=predict_torch(model, sequence[pick], horizon[pick]),
            tree_rows=rows[tree_pick],
            tree_output=booster.predict(rows[tree_pick], raw_score=True),
        )
        (staging / CONFORMANCE).write_bytes(buffer.getvalue())

        def described(names: tuple[str, ...]) -> dict[str, dict[str, Any]]:
            return {
                name: {"sha256": sha256_of(path), "bytes": path.stat().st_size}
                for name, path in ((name, staging / name) for name in names)
            }

        artifacts = described((NETWORK_ONNX, NETWORK_WEIGHTS, TREES_DUMP, TREES_ONNX))
        reference_artifacts = described(REFERENCE_FILES)
        metadata = {
            "model_version": version,
            "created": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "onnxruntime_version": onnxruntime.__version__,
            "torch_version": torch.__version__,
            "lightgbm_version": lightgbm.__version__,
            "resolution_minutes": 60,
            "history_hours": features.HISTORY_HOURS,
            "horizon_hours": features.HORIZON_HOURS,
            "quantiles": list(QUANTILES),
            "exogenous_channels": list(features.EXOGENOUS_CHANNELS),
            "feature_names": {
                "sequence": list(features.HISTORY_FEATURES),
                "horizon": list(features.HORIZON_FEATURES),
                "tabular": list(features.TABULAR_FEATURES),
            },
            "scaling": {
                "prices": (
                    "asinh((price - median) / max(MAD, 0.05 * mean |price|)) over the "
                    f"{features.HISTORY_HOURS} hours before the origin"
                ),
                "exogenous": (
                    "(value - median) / max(MAD, 0.05 * mean |value|) over the same hours, "
                    f"clipped to +-{features.EXOGENOUS_CLIP}"
                ),
            },
            "linear": report["config"]["linear"],
            "ensemble": report["ensemble"],
            "ensemble_by_market": report.get("ensemble_by_market", {}),
            # Runs saved before the week-ahead bands existed serve two days.
            **{key: report[key] for key in ("week_ahead", "week_ahead_by_market") if key in report},
            "training": {
                "spans": report["spans"],
                "cutoffs": cutoffs_of(report),
                "samples": report["samples"],
                "lightgbm_rounds": report["lightgbm_rounds"],
                "network": report["config"]["network"],
                "boosting": report["config"]["boosting"],
                "seconds": round(report["timings"]["total_s"], 1),
                "validation_scaled_mae": report["validation_scaled_mae"],
            },
            "runtime_agreement": agreement.as_dict(),
            "metrics": metrics or {},
            "artifacts": artifacts,
            "reference_artifacts": reference_artifacts,
        }
        (staging / METADATA_FILE).write_text(json.dumps(metadata, indent=2), encoding="utf-8")
        destination.mkdir(parents=True, exist_ok=True)
        for name in (*artifacts, METADATA_FILE):
            shutil.copyfile(staging / name, destination / name)
        reference_destination.mkdir(parents=True, exist_ok=True)
        for name in reference_artifacts:
            shutil.copyfile(staging / name, reference_destination / name)
    return metadata
