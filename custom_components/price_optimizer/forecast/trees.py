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
    """All trees as one node table; a leaf is a node whose children are itself.

    Self-looping leaves let every tree take the same number of steps, so prediction is a
    fixed number of whole-array gathers with no bookkeeping of finished trees.
    """

    feature: npt.NDArray[np.int64]
    threshold: FloatArray
    children: npt.NDArray[np.int64]
    default_left: npt.NDArray[np.bool_]
    missing_type: npt.NDArray[np.int64]
    value: FloatArray
    roots: npt.NDArray[np.int64]
    depth: int
    deeper_than: npt.NDArray[np.int64]
    feature_names: tuple[str, ...]
    has_zero_splits: bool

    @classmethod
    def from_dump(cls, dump: Mapping[str, Any]) -> TreeEnsemble:
        """Flatten ``Booster.dump_model()`` output."""
        builder = _Builder()
        roots = []
        depths = []
        for tree in dump["tree_info"]:
            builder.depth = 0
            roots.append(builder.add(tree["tree_structure"]))
            depths.append(builder.depth)
        # Deepest trees first: step k only needs the first deeper_than[k] trees.
        order = np.argsort(-np.array(depths, dtype=np.int64), kind="stable")
        depth_sorted = np.array(depths, dtype=np.int64)[order]
        splits = len(builder.feature)
        leaves = len(builder.leaf_value)

        def node(encoded: int) -> int:
            return encoded if encoded >= 0 else splits - encoded - 1

        leaf_nodes = np.arange(splits, splits + leaves, dtype=np.int64)
        children = np.concatenate(
            (
                np.array(
                    [[node(a), node(b)] for a, b in zip(builder.left, builder.right, strict=True)],
                    dtype=np.int64,
                ).reshape(splits, 2),
                np.stack((leaf_nodes, leaf_nodes), axis=1),
            )
        )
        missing = np.array(builder.missing_type, dtype=np.int64)
        return cls(
            feature=np.concatenate((builder.feature, np.zeros(leaves))).astype(np.int64),
            threshold=np.concatenate((builder.threshold, np.full(leaves, np.inf))),
            children=children,
            default_left=np.concatenate((builder.default_left, np.ones(leaves))).astype(bool),
            missing_type=np.concatenate((missing, np.zeros(leaves, dtype=np.int64))),
            value=np.concatenate((np.zeros(splits), builder.leaf_value)),
            roots=np.array([node(roots[index]) for index in order], dtype=np.int64),
            depth=int(depth_sorted[0]) if depth_sorted.size else 0,
            deeper_than=np.array(
                [
                    int((depth_sorted > step).sum())
                    for step in range(int(depth_sorted.max(initial=0)))
                ],
                dtype=np.int64,
            ),
            feature_names=tuple(dump.get("feature_names", ())),
            has_zero_splits=bool((missing == MISSING_ZERO).any()),
        )

    @classmethod
    def load(cls, path: Path) -> TreeEnsemble:
        """Read a JSON dump, gzip-compressed when the name ends in ``.gz``."""
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            return cls.from_dump(json.load(handle))

    def predict(self, rows: FloatArray) -> FloatArray:
        """Return the raw score (sum of leaf values) for each row of ``rows``."""
        nodes = np.broadcast_to(self.roots, (rows.shape[0], self.roots.size)).copy()
        row_index = np.arange(rows.shape[0])[:, None]
        # Without NaN and zero-as-missing splits, LightGBM's rule is the plain comparison.
        plain = not self.has_zero_splits and bool(np.isfinite(rows).all())
        for active in self.deeper_than:
            current = nodes[:, :active]
            values = rows[row_index, self.feature[current]]
            if plain:
                go_right = values > self.threshold[current]
            else:
                go_right = ~self._goes_left(current, values)
            nodes[:, :active] = self.children[current, go_right.astype(np.intp)]
        return np.asarray(self.value[nodes].sum(axis=1), dtype=np.float64)

    def _goes_left(self, nodes: npt.NDArray[np.int64], values: FloatArray) -> npt.NDArray[np.bool_]:
        missing = self.missing_type[nodes]
        is_nan = np.isnan(values)
        values = np.where(is_nan & (missing != MISSING_NAN), 0.0, values)
        to_default = ((missing == MISSING_ZERO) & (np.abs(values) <= ZERO_THRESHOLD)) | (
            (missing == MISSING_NAN) & is_nan
        )
        return np.asarray(
            np.where(to_default, self.default_left[nodes], values <= self.threshold[nodes]),
            dtype=np.bool_,
        )


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
