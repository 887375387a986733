"""LightGBM, direct multi-horizon: one model, the horizon is a feature of each row."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import lightgbm
import numpy as np
from tqdm import tqdm

from custom_components.price_optimizer.core.forecast.features import TABULAR_FEATURES

from .dataset import Samples


@dataclass(frozen=True)
class BoostingConfig:
    """LightGBM parameters; the L1 objective targets the median, the quantity MAE rewards."""

    num_leaves: int = 31
    learning_rate: float = 0.05
    rounds: int = 1500
    early_stopping: int = 100
    min_data_in_leaf: int = 200
    feature_fraction: float = 0.8
    bagging_fraction: float = 0.7
    lambda_l2: float = 1.0
    max_rows: int = 1_200_000
    seed: int = 7

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-safe form."""
        return asdict(self)

    def parameters(self) -> dict[str, object]:
        """Return LightGBM's parameter dict."""
        return {
            "objective": "l1",
            "metric": "l1",
            "num_leaves": self.num_leaves,
            "learning_rate": self.learning_rate,
            "min_data_in_leaf": self.min_data_in_leaf,
            "feature_fraction": self.feature_fraction,
            "bagging_fraction": self.bagging_fraction,
            "bagging_freq": 1,
            "lambda_l2": self.lambda_l2,
            "seed": self.seed,
            "deterministic": True,
            "force_row_wise": True,
            "num_threads": 2,
            "verbosity": -1,
        }


def rows_of(samples: Samples) -> tuple[np.ndarray, np.ndarray]:
    """Return one tabular row per (origin, horizon hour) and its target."""
    features = samples.tabular.reshape(-1, samples.tabular.shape[-1])
    return features, samples.target.reshape(-1)


def train_boosting(
    config: BoostingConfig, train: Samples, validation: Samples | None, progress: bool = True
) -> lightgbm.Booster:
    """Fit on the training rows (subsampled to ``max_rows``), stop early on validation."""
    features, target = rows_of(train)
    if features.shape[0] > config.max_rows:
        keep = np.random.default_rng(config.seed).choice(
            features.shape[0], config.max_rows, replace=False
        )
        keep.sort()
        features, target = features[keep], target[keep]
    names = list(TABULAR_FEATURES)
    data = lightgbm.Dataset(features, target, feature_name=names, free_raw_data=True)
    valid_sets = []
    callbacks = []
    if validation is not None:
        held_features, held_target = rows_of(validation)
        valid_sets.append(lightgbm.Dataset(held_features, held_target, reference=data))
        callbacks.append(lightgbm.early_stopping(config.early_stopping, verbose=False))
    bar = tqdm(total=config.rounds, desc="LightGBM rounds", disable=not progress)

    def advance(_: object) -> None:
        bar.update(1)

    callbacks.append(advance)
    booster = lightgbm.train(
        config.parameters(),
        data,
        num_boost_round=config.rounds,
        valid_sets=valid_sets,
        callbacks=callbacks,
    )
    bar.close()
    return booster
