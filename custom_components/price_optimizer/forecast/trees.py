"""LightGBM's gradient-boosted trees evaluated in numpy from the model's JSON dump.

The dump (``Booster.dump_model()``) is flattened into arrays once; prediction walks every
tree for every row at the same time, one tree level per step, with LightGBM's own
numerical decision rule: NaN counts as 0 unless the split learnt a side for missing
values, "zero" splits send (near) zeros to their default side, and a value goes left
when it is ``<=`` the threshold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
import gzip
import json
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from .features import FloatArray

MISSING_NONE: Final = 0
MISSING_ZERO: Final = 1
MISSING_NAN: Final = 2
MISSING_TYPES: Final = {"None": MISSING_NONE, "Zero": MISSING_ZERO, "NaN": MISSING_NAN}
ZERO_THRESHOLD: Final = 1e-35


class TreeDumpError(ValueError):
    """The JSON dump holds something this evaluator does not implement."""


@dataclass(frozen=True, slots=True)
class TreeEnsemble:
    """All trees as flat arrays; a child index below zero is leaf ``-index - 1``."""

    feature: npt.NDArray[np.int64]
    threshold: FloatArray
    left: npt.NDArray[np.int64]
    right: npt.NDArray[np.int64]
    default_left: npt.NDArray[np.bool_]
    missing_type: npt.NDArray[np.int64]
    leaf_value: FloatArray
    roots: npt.NDArray[np.int64]
    depth: int
    feature_names: tuple[str, ...]

    @classmethod
    def from_dump(cls, dump: Mapping[str, Any]) -> TreeEnsemble:
        """Flatten ``Booster.dump_model()`` output."""
        builder = _Builder()
        roots = [builder.add(tree["tree_structure"]) for tree in dump["tree_info"]]
        return cls(
            feature=np.array(builder.feature, dtype=np.int64),
            threshold=np.array(builder.threshold, dtype=np.float64),
            left=np.array(builder.left, dtype=np.int64),
            right=np.array(builder.right, dtype=np.int64),
            default_left=np.array(builder.default_left, dtype=np.bool_),
            missing_type=np.array(builder.missing_type, dtype=np.int64),
            leaf_value=np.array(builder.leaf_value, dtype=np.float64),
            roots=np.array(roots, dtype=np.int64),
            depth=builder.depth,
            feature_names=tuple(dump.get("feature_names", ())),
        )

    @classmethod
    def load(cls, path: Path) -> TreeEnsemble:
        """Read a JSON dump, gzip-compressed when the name ends in ``.gz``."""
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            return cls.from_dump(json.load(handle))

    def predict(self, rows: FloatArray) -> FloatArray:
        """Return the raw score (sum of leaf values) for each row of ``rows``."""
        count = rows.shape[0]
        nodes = np.broadcast_to(self.roots, (count, self.roots.size)).copy()
        row_index = np.arange(count)[:, None]
        for _ in range(self.depth):
            active = nodes >= 0
            if not active.any():
                break
            index = np.where(active, nodes, 0)
            values = rows[row_index, self.feature[index]]
            missing = self.missing_type[index]
            is_nan = np.isnan(values)
            values = np.where(is_nan & (missing != MISSING_NAN), 0.0, values)
            to_default = ((missing == MISSING_ZERO) & (np.abs(values) <= ZERO_THRESHOLD)) | (
                (missing == MISSING_NAN) & is_nan
            )
            go_left = np.where(
                to_default, self.default_left[index], values <= self.threshold[index]
            )
            nodes = np.where(active, np.where(go_left, self.left[index], self.right[index]), nodes)
        return np.asarray(self.leaf_value[-nodes - 1].sum(axis=1), dtype=np.float64)


class _Builder:
    def __init__(self) -> None:
        self.feature: list[int] = []
        self.threshold: list[float] = []
        self.left: list[int] = []
        self.right: list[int] = []
        self.default_left: list[bool] = []
        self.missing_type: list[int] = []
        self.leaf_value: list[float] = []
        self.depth = 0

    def add(self, node: Mapping[str, Any], depth: int = 0) -> int:
        """Append ``node`` and its subtree; return its encoded index."""
        if "leaf_value" in node:
            self.leaf_value.append(float(node["leaf_value"]))
            self.depth = max(self.depth, depth)
            return -len(self.leaf_value)
        if node.get("decision_type") != "<=":
            raise TreeDumpError(f"split type {node.get('decision_type')!r} is not supported")
        index = len(self.feature)
        self.feature.append(int(node["split_feature"]))
        self.threshold.append(float(node["threshold"]))
        self.default_left.append(bool(node["default_left"]))
        self.missing_type.append(MISSING_TYPES[node["missing_type"]])
        self.left.append(0)
        self.right.append(0)
        self.left[index] = self.add(node["left_child"], depth + 1)
        self.right[index] = self.add(node["right_child"], depth + 1)
        return index
