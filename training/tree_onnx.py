"""LightGBM's JSON tree dump as one ONNX ``TreeEnsemble`` node (ai.onnx.ml opset 5), in float64.

Thresholds, leaf values and the sum stay in float64, so ONNX Runtime reproduces
``lightgbm.predict`` to rounding. LightGBM's missing-value rule is expressed per split:
a split without a learnt missing side reads NaN as 0, so NaN goes the way 0 goes; a split
that learnt one sends NaN to its default side. Zero-as-missing splits (``zero_as_missing``,
which the training never sets) have no ONNX equivalent and are refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from custom_components.price_optimizer.core.forecast.trees import TreeDumpError

INPUT = "rows"
OUTPUT = "score"
ML_OPSET = 5
ONNX_OPSET = 21
BRANCH_LEQ = 0


@dataclass
class _Nodes:
    feature: list[int] = field(default_factory=list)
    threshold: list[float] = field(default_factory=list)
    missing_goes_left: list[int] = field(default_factory=list)
    true_id: list[int] = field(default_factory=list)
    true_is_leaf: list[int] = field(default_factory=list)
    false_id: list[int] = field(default_factory=list)
    false_is_leaf: list[int] = field(default_factory=list)
    leaf_value: list[float] = field(default_factory=list)

    def split(self, feature: int, threshold: float, missing_goes_left: bool) -> int:
        self.feature.append(feature)
        self.threshold.append(threshold)
        self.missing_goes_left.append(int(missing_goes_left))
        for column in (self.true_id, self.true_is_leaf, self.false_id, self.false_is_leaf):
            column.append(0)
        return len(self.feature) - 1

    def add(self, node: Mapping[str, Any]) -> tuple[bool, int]:
        """Append ``node`` and its subtree; return (is leaf, index among leaves or splits)."""
        if "leaf_value" in node:
            self.leaf_value.append(float(node["leaf_value"]))
            return True, len(self.leaf_value) - 1
        if node.get("decision_type") != "<=":
            raise TreeDumpError(f"split type {node.get('decision_type')!r} is not supported")
        threshold = float(node["threshold"])
        missing = node["missing_type"]
        if missing == "None":
            missing_goes_left = threshold >= 0.0
        elif missing == "NaN":
            missing_goes_left = bool(node["default_left"])
        else:
            raise TreeDumpError(f"missing type {missing!r} has no ONNX equivalent")
        index = self.split(int(node["split_feature"]), threshold, missing_goes_left)
        is_leaf, child = self.add(node["left_child"])
        self.true_is_leaf[index], self.true_id[index] = int(is_leaf), child
        is_leaf, child = self.add(node["right_child"])
        self.false_is_leaf[index], self.false_id[index] = int(is_leaf), child
        return False, index


def trees_to_onnx(dump: Mapping[str, Any]) -> onnx.ModelProto:
    """Return a model mapping float64 ``rows`` [n, features] to ``score`` [n, 1]."""
    nodes = _Nodes()
    roots = []
    for tree in dump["tree_info"]:
        is_leaf, index = nodes.add(tree["tree_structure"])
        if is_leaf:
            # A tree that never split: one split whose both sides are that leaf.
            root = nodes.split(0, 0.0, missing_goes_left=True)
            nodes.true_is_leaf[root] = nodes.false_is_leaf[root] = 1
            nodes.true_id[root] = nodes.false_id[root] = index
            index = root
        roots.append(index)
    ensemble = helper.make_node(
        "TreeEnsemble",
        [INPUT],
        [OUTPUT],
        domain="ai.onnx.ml",
        tree_roots=roots,
        nodes_featureids=nodes.feature,
        nodes_splits=numpy_helper.from_array(np.array(nodes.threshold, dtype=np.float64)),
        nodes_modes=numpy_helper.from_array(
            np.full(len(nodes.feature), BRANCH_LEQ, dtype=np.uint8)
        ),
        nodes_truenodeids=nodes.true_id,
        nodes_trueleafs=nodes.true_is_leaf,
        nodes_falsenodeids=nodes.false_id,
        nodes_falseleafs=nodes.false_is_leaf,
        nodes_missing_value_tracks_true=nodes.missing_goes_left,
        leaf_targetids=[0] * len(nodes.leaf_value),
        leaf_weights=numpy_helper.from_array(np.array(nodes.leaf_value, dtype=np.float64)),
        n_targets=1,
        aggregate_function=1,  # sum
        post_transform=0,  # none: the raw score, as lightgbm.predict(raw_score=True)
    )
    features = int(dump["max_feature_idx"]) + 1
    graph = helper.make_graph(
        [ensemble],
        "lightgbm_trees",
        [helper.make_tensor_value_info(INPUT, TensorProto.DOUBLE, [None, features])],
        [helper.make_tensor_value_info(OUTPUT, TensorProto.DOUBLE, [None, 1])],
    )
    model = helper.make_model(
        graph,
        opset_imports=[
            helper.make_opsetid("", ONNX_OPSET),
            helper.make_opsetid("ai.onnx.ml", ML_OPSET),
        ],
        producer_name="price_optimizer.training",
    )
    onnx.checker.check_model(model, full_check=True)
    return model
