"""LightGBM trees as one ONNX TreeEnsemble: LightGBM's numbers, missing values included."""

from __future__ import annotations

from pathlib import Path

import lightgbm
import numpy as np
import pytest

from custom_components.price_optimizer.core.forecast.onnx import OnnxTrees
from custom_components.price_optimizer.core.forecast.trees import TreeDumpError, TreeEnsemble
from training.export import relative_difference, write_gzip
from training.tree_onnx import trees_to_onnx


def booster(features: np.ndarray, target: np.ndarray, **parameters: object) -> lightgbm.Booster:
    settings = {"objective": "l2", "num_leaves": 15, "min_data_in_leaf": 5, "verbosity": -1}
    settings.update(parameters)
    return lightgbm.train(settings, lightgbm.Dataset(features, target), num_boost_round=30)


def onnx_trees(model: lightgbm.Booster, folder: Path) -> OnnxTrees:
    path = folder / "trees.onnx.gz"
    write_gzip(path, trees_to_onnx(model.dump_model()).SerializeToString())
    return OnnxTrees(path)


def test_splits_that_learnt_a_side_for_nan_and_those_that_did_not(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    features = rng.normal(size=(2000, 5))
    target = features[:, 0] - 2 * features[:, 1] + rng.normal(0, 0.1, 2000)
    features[rng.random(features.shape) < 0.2] = np.nan
    features[:, 4] = rng.normal(size=2000)  # never missing while training: NaN reads as 0
    model = booster(features, target)
    types = {
        node.get("missing_type")
        for tree in model.dump_model()["tree_info"]
        for node in _splits(tree["tree_structure"])
    }
    assert types == {"NaN", "None"}
    rows = rng.normal(size=(300, 5))
    rows[rng.random(rows.shape) < 0.3] = np.nan
    rows[rng.random(rows.shape) < 0.1] = 0.0
    expected = model.predict(rows, raw_score=True)
    assert relative_difference(onnx_trees(model, tmp_path).predict(rows), expected) < 1e-12
    numpy_trees = TreeEnsemble.from_dump(model.dump_model())
    assert relative_difference(numpy_trees.predict(rows), expected) < 1e-12


def test_a_tree_that_never_split_still_counts(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    features = rng.normal(size=(50, 3))
    model = booster(features, np.full(50, 4.0), min_data_in_leaf=40)
    assert all("leaf_value" in t["tree_structure"] for t in model.dump_model()["tree_info"])
    rows = rng.normal(size=(7, 3))
    predicted = onnx_trees(model, tmp_path).predict(rows)
    assert predicted == pytest.approx(model.predict(rows, raw_score=True), rel=1e-12)


def test_zero_as_missing_splits_are_refused() -> None:
    rng = np.random.default_rng(2)
    features = rng.normal(size=(500, 3))
    features[rng.random(features.shape) < 0.3] = 0.0
    model = booster(features, features[:, 0] + features[:, 1], zero_as_missing=True)
    with pytest.raises(TreeDumpError, match="Zero"):
        trees_to_onnx(model.dump_model())


def _splits(node: dict) -> list[dict]:
    if "leaf_value" in node:
        return []
    return [node, *_splits(node["left_child"]), *_splits(node["right_child"])]
