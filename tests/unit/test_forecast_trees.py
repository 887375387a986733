"""LightGBM trees in numpy: LightGBM's decision rule, missing values, and the shipped dump."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from custom_components.price_optimizer.core.forecast.predictor import TREES_DUMP
from custom_components.price_optimizer.core.forecast.trees import TreeDumpError, TreeEnsemble

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "custom_components/price_optimizer/core/forecast/models"
# The PyTorch and LightGBM outputs the export recorded; kept with training, not shipped.
REFERENCE = ROOT / "training/reference_models"


def split(
    feature: int,
    threshold: float,
    left: dict[str, Any],
    right: dict[str, Any],
    missing: str = "None",
    default_left: bool = True,
) -> dict[str, Any]:
    return {
        "split_feature": feature,
        "threshold": threshold,
        "decision_type": "<=",
        "default_left": default_left,
        "missing_type": missing,
        "left_child": left,
        "right_child": right,
    }


def leaf(value: float) -> dict[str, Any]:
    return {"leaf_value": value}


def dump(*trees: dict[str, Any]) -> dict[str, Any]:
    return {
        "feature_names": ["a", "b"],
        "tree_info": [{"tree_structure": tree} for tree in trees],
    }


def test_threshold_goes_left_when_equal_and_trees_add_up() -> None:
    ensemble = TreeEnsemble.from_dump(
        dump(
            split(0, 1.5, leaf(1.0), split(1, -2.0, leaf(10.0), leaf(20.0))),
            leaf(0.25),  # a tree that never split
        )
    )
    rows = np.array([[1.5, 0.0], [1.6, -2.0], [1.6, -1.9]])
    assert ensemble.predict(rows).tolist() == [1.25, 10.25, 20.25]
    assert ensemble.feature_names == ("a", "b")
    assert ensemble.depth == 2


@pytest.mark.parametrize(
    ("missing", "default_left", "value", "expected"),
    [
        ("None", False, np.nan, 1.0),  # NaN reads as 0.0, which is <= 0.5
        ("None", False, 0.7, 2.0),
        ("NaN", False, np.nan, 2.0),  # NaN takes the learnt side
        ("NaN", True, np.nan, 1.0),
        ("NaN", False, 0.0, 1.0),
        ("Zero", False, 0.0, 2.0),  # zero takes the default side
        ("Zero", False, np.nan, 2.0),  # NaN reads as zero first
        ("Zero", True, 1e-36, 1.0),
        ("Zero", False, 0.3, 1.0),
    ],
)
def test_missing_values_follow_lightgbm(
    missing: str, default_left: bool, value: float, expected: float
) -> None:
    ensemble = TreeEnsemble.from_dump(
        dump(split(0, 0.5, leaf(1.0), leaf(2.0), missing, default_left))
    )
    assert ensemble.predict(np.array([[value, 0.0]])).tolist() == [expected]


def test_categorical_splits_are_refused() -> None:
    tree = split(0, 1.0, leaf(1.0), leaf(2.0)) | {"decision_type": "=="}
    with pytest.raises(TreeDumpError):
        TreeEnsemble.from_dump(dump(tree))


def test_shipped_trees_reproduce_lightgbm_predictions() -> None:
    with gzip.open(MODELS / TREES_DUMP, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    ensemble = TreeEnsemble.from_dump(data)
    assert len(ensemble.roots) == len(data["tree_info"])
    with np.load(REFERENCE / "conformance.npz") as reference:
        rows, expected = reference["tree_rows"], reference["tree_output"]
    predicted = ensemble.predict(rows)
    assert predicted == pytest.approx(expected, rel=1e-9, abs=1e-9)
    assert TreeEnsemble.load(MODELS / TREES_DUMP).predict(rows[:3]) == pytest.approx(predicted[:3])


def test_plain_json_dumps_load_too(tmp_path: Path) -> None:
    path = tmp_path / "trees.json"
    path.write_text(json.dumps(dump(leaf(3.0))), encoding="utf-8")
    assert TreeEnsemble.load(path).predict(np.zeros((2, 2))).tolist() == [3.0, 3.0]


def lightgbm_rule(node: dict[str, Any], row: np.ndarray) -> float:
    """Walk one tree for one row the way LightGBM's numerical split does."""
    while "leaf_value" not in node:
        value = row[node["split_feature"]]
        missing = node["missing_type"]
        if np.isnan(value) and missing != "NaN":
            value = 0.0
        if (missing == "Zero" and abs(value) <= 1e-35) or (missing == "NaN" and np.isnan(value)):
            left = node["default_left"]
        else:
            left = value <= node["threshold"]
        node = node["left_child"] if left else node["right_child"]
    return float(node["leaf_value"])


def random_tree(rng: np.random.Generator, depth: int, features: int) -> dict[str, Any]:
    if depth == 0 or rng.random() < 0.2:
        return leaf(float(rng.normal()))
    return split(
        int(rng.integers(features)),
        float(rng.choice([0.0, rng.normal()])),
        random_tree(rng, depth - 1, features),
        random_tree(rng, depth - 1, features),
        str(rng.choice(["None", "Zero", "NaN"])),
        bool(rng.random() < 0.5),
    )


@pytest.mark.parametrize("seed", range(6))
def test_rows_sharing_columns_score_as_if_walked_one_by_one(seed: int) -> None:
    # Forecast rows repeat the origin's columns: those splits are decided once for all
    # rows and jumped over; the result must not change, missing values and zeros included.
    rng = np.random.default_rng(seed)
    features = 6
    data = dump(*(random_tree(rng, 7, features) for _ in range(40)))
    data["feature_names"] = [f"f{i}" for i in range(features)]
    ensemble = TreeEnsemble.from_dump(data)
    rows = np.repeat(rng.normal(size=(1, features)), 12, axis=0)
    rows[:, 0] = 0.0  # shared zero: zero-as-missing splits take their default side
    rows[:, 1] = np.nan  # shared NaN: never equal, so decided row by row
    rows[:, 4:] = rng.normal(size=(12, 2))
    rows[::3, 5] = np.nan
    rows[1::4, 4] = 0.0
    for subset in (rows, rows[:1], np.repeat(rows[:1], 3, axis=0), np.nan_to_num(rows)):
        expected = [
            sum(lightgbm_rule(tree["tree_structure"], row) for tree in data["tree_info"])
            for row in subset
        ]
        assert ensemble.predict(subset) == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert ensemble.predict(rows[:0]).shape == (0,)


def test_a_deep_chain_of_decided_splits_is_followed_to_its_end() -> None:
    # 20 splits on a shared column, then one on a column the rows differ in.
    node = split(1, 0.0, leaf(1.0), leaf(2.0))
    for level in range(20):
        node = split(0, float(level), leaf(-100.0), node)
    ensemble = TreeEnsemble.from_dump(dump(node))
    assert ensemble.depth == 21
    rows = np.array([[50.0, -1.0], [50.0, 1.0]])
    assert ensemble.predict(rows).tolist() == [1.0, 2.0]
    assert ensemble.predict(np.array([[5.5, 1.0], [5.5, -1.0]])).tolist() == [-100.0, -100.0]
