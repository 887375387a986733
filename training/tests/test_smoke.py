"""CI smoke test: train tiny models on a few weeks of real prices, export, forecast.

The export step itself refuses to write anything unless PyTorch, ONNX Runtime and numpy
agree, so a passing export is the three-runtime check; the test repeats it on the files.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import json
from pathlib import Path
import shutil

import numpy as np
import pytest

from custom_components.price_optimizer.core.forecast.linear import LinearConfig
from custom_components.price_optimizer.core.forecast.predictor import Forecaster, sha256_of
from custom_components.price_optimizer.core.prices import PriceSeries, PriceSlot
from training.__main__ import main
from training.boosting import BoostingConfig
from training.cnn_lstm import NetworkConfig
from training.data import DEFAULT_DATA_ROOT, load_named
from training.export import export
from training.train import TrainConfig, load_run, run_training

TINY_NETWORK = NetworkConfig(channels=8, hidden=8, horizon_embedding=8, head=16, epochs=2)
TINY_TREES = BoostingConfig(rounds=20, num_leaves=7, min_data_in_leaf=20)


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    assert (DEFAULT_DATA_ROOT / "epf" / "NP.csv").is_file(), "shared data not found"
    run = tmp_path_factory.mktemp("run")
    config = TrainConfig(
        data_sets=("NP",),
        cutoffs={"NP": "2013-03-15"},
        validation_days=21,
        blend_stride_days=2,
        min_training_days=30,
        network=TINY_NETWORK,
        boosting=TINY_TREES,
        linear=LinearConfig(windows=(28,)),
    )
    report = run_training(config, run, progress=False)
    models = tmp_path_factory.mktemp("models")
    _, network, booster = load_run(run)
    metadata = export(
        report,
        network,
        booster,
        models,
        reference_destination=models / "reference",
        real_inputs=None,
        version="smoke",
    )
    return models, metadata


def test_training_reads_nothing_after_the_cutoff(tiny_models: tuple[Path, dict]) -> None:
    _, metadata = tiny_models
    spans = metadata["training"]["spans"]["NP"]
    assert spans["validation"][1] <= "2013-03-15"
    assert spans["train"][1] == spans["validation"][0]
    cutoffs = metadata["training"]["cutoffs"]
    assert set(cutoffs) == {"linear", "cnn_lstm", "lightgbm", "blend"}
    for member in ("cnn_lstm", "lightgbm", "blend"):
        np_span = cutoffs[member]["data_sets"]["NP"]
        assert np_span["read_before"] == "2013-03-15T00:00:00"  # NP is kept in wall-clock hours
        assert np_span["fitted_before"] == "2013-02-22T00:00:00"  # 21 validation days before
        assert cutoffs[member]["latest_read_before"] == np_span["read_before"]
    assert cutoffs["linear"]["data_sets"] == {}


def test_cutoffs_of_exported_models_are_rebuilt_from_configuration_and_data(
    tiny_models: tuple[Path, dict], tmp_path: Path
) -> None:
    models, metadata = tiny_models
    copy = tmp_path / "models"
    shutil.copytree(models, copy)
    older = json.loads((copy / "metadata.json").read_text(encoding="utf-8"))
    del older["training"]["cutoffs"]
    (copy / "metadata.json").write_text(json.dumps(older), encoding="utf-8")
    record = ["record-cutoffs", "--models", str(copy), "--cutoff", "NP=2013-03-15"]
    # Another configuration than the run's gives other spans and writes nothing.
    assert main([*record, "--validation-days", "28", "--min-training-days", "30"]) == 2
    assert "cutoffs" not in json.loads((copy / "metadata.json").read_text(encoding="utf-8"))
    assert main([*record, "--validation-days", "21", "--min-training-days", "30"]) == 0
    rebuilt = json.loads((copy / "metadata.json").read_text(encoding="utf-8"))
    assert rebuilt["training"]["cutoffs"] == metadata["training"]["cutoffs"]
    assert Forecaster.load(copy).version == "smoke"


def test_export_proves_the_runtimes_agree_and_hashes_every_file(
    tiny_models: tuple[Path, dict],
) -> None:
    models, metadata = tiny_models
    agreement = metadata["runtime_agreement"]
    assert agreement["numpy_vs_torch"] < 1e-4
    assert agreement["onnx_vs_torch"] < 1e-4
    assert agreement["trees_numpy_vs_lightgbm"] < 1e-9
    assert agreement["trees_onnx_vs_lightgbm"] < 1e-9
    assert "lightgbm_trees.onnx.gz" in metadata["artifacts"]
    for name, item in metadata["artifacts"].items():
        assert sha256_of(models / name) == item["sha256"]
    assert set(metadata["reference_artifacts"]) == {"lightgbm_model.txt.gz", "conformance.npz"}
    for name, item in metadata["reference_artifacts"].items():
        assert not (models / name).exists()
        assert sha256_of(models / "reference" / name) == item["sha256"]
    written = json.loads((models / "metadata.json").read_text(encoding="utf-8"))
    assert written["feature_names"]["tabular"][0] == "origin_price"
    assert written["horizon_hours"] == 48


def test_exported_models_forecast_through_both_runtimes(tiny_models: tuple[Path, dict]) -> None:
    models, _ = tiny_models
    market = load_named("NP")
    prices = market.prices[: 60 * 24]
    start = datetime(2013, 1, 1, tzinfo=UTC)
    series = PriceSeries(
        tuple(
            PriceSlot(start + timedelta(hours=i), timedelta(hours=1), float(p))
            for i, p in enumerate(prices)
        )
    )
    forecasts = [
        Forecaster.load(models, prefer_onnx=choice).predict(series, market.zone, "NO")
        for choice in (True, False)
    ]
    assert [f.runtime for f in forecasts] == ["onnx", "numpy"]
    assert len(forecasts[0].slots) == 48
    assert forecasts[0].linear_windows == (28,)  # 60 days of history cover the 28-day window
    assert np.allclose(
        [s.price for s in forecasts[0].slots], [s.price for s in forecasts[1].slots], rtol=1e-4
    )


def write_np_csv(path: Path, days: int = 80) -> None:
    market = load_named("NP")
    hours = days * 24
    lines = ["time,price,load"]
    for stamp, price, load in zip(
        market.hour_starts[:hours],
        market.prices[:hours],
        market.exogenous["load"][:hours],
        strict=True,
    ):
        lines.append(f"{datetime.fromtimestamp(int(stamp), UTC):%Y-%m-%d %H:%M},{price},{load}")
    path.write_text("\n".join(lines), encoding="utf-8")


def evaluate_csv(models: Path, csv: Path, out: Path, *extra: str) -> int:
    return main(
        [
            "evaluate",
            "--models", str(models),
            "--csv", str(csv),
            "--time-column", "time",
            "--price-column", "price",
            "--exog-columns", "load",
            "--timezone", "Europe/Oslo",
            "--country", "NO",
            "--test-start", "2013-03-10",
            "--test-end", "2013-03-16",
            "--no-progress",
            "--out", str(out),
            *extra,
        ]
    )  # fmt: skip


def test_cli_evaluates_a_generic_csv(tiny_models: tuple[Path, dict], tmp_path: Path) -> None:
    models, _ = tiny_models
    csv = tmp_path / "NP.csv"  # named like a training market, which must not pick its blend
    write_np_csv(csv)
    out = tmp_path / "metrics.json"
    assert evaluate_csv(models, csv, out) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["schema"] == "price-optimizer/forecast-metrics/1"
    assert document["days"] == 7
    assert document["model"]["blend"] == "global"
    assert document["training_overlap"] == ["NP"]  # the tiny models read NP to 2013-03-15
    assert set(document["metrics"]) >= {"ours", "weekly naive", "cnn_lstm", "lightgbm"}
    naive = document["metrics"]["weekly naive"]["mae"]
    assert document["metrics"]["ours"]["rmae"] == pytest.approx(
        document["metrics"]["ours"]["mae"] / naive
    )


def test_cli_evaluates_a_csv_with_the_blend_market_names(
    tiny_models: tuple[Path, dict], tmp_path: Path
) -> None:
    models, _ = tiny_models
    copy = tmp_path / "models"
    shutil.copytree(models, copy)
    metadata = json.loads((copy / "metadata.json").read_text(encoding="utf-8"))
    # A zone of its own whose blend serves the network alone, unlike the global blend.
    metadata["ensemble_by_market"] = {
        "nor-epf-NO_1": {
            key: {
                **blend,
                "weights": {name: float(name == "cnn_lstm") for name in blend["weights"]},
            }
            for key, blend in metadata["ensemble"].items()
        }
    }
    (copy / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    csv = tmp_path / "prices.csv"
    write_np_csv(csv)
    documents = {}
    for market in ("nor-epf-NO_1", "NO1"):
        out = tmp_path / f"{market}.json"
        assert evaluate_csv(copy, csv, out, "--market", market) == 0
        documents[market] = json.loads(out.read_text(encoding="utf-8"))
    for document in documents.values():
        metrics = document["metrics"]
        assert document["model"]["blend"] == "nor-epf-NO_1"
        assert metrics["ours"]["mae"] == pytest.approx(metrics["cnn_lstm"]["mae"])
        assert "ours (global blend)" in metrics
    assert evaluate_csv(copy, csv, tmp_path / "x.json", "--market", "SE4") == 2
