"""The loaders: every data set reads a zero load forecast as a gap, and keeps real zeros."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from training.data import DEFAULT_DATA_ROOT, load_csv, load_deepforkit

DEEPFORKIT = DEFAULT_DATA_ROOT / "recent" / "deepforkit_entsoe_2015-2023H1"


def write_csv(path: Path, load: list[float], wind: list[float]) -> None:
    times = pd.date_range("2024-03-01", periods=len(load), freq="h", tz="UTC")
    frame = pd.DataFrame(
        {"time": times.strftime("%Y-%m-%dT%H:%M:%S%z"), "price": 40.0, "load": load, "wind": wind}
    )
    frame.to_csv(path, index=False)


def test_generic_csv_reads_a_zero_load_forecast_as_a_gap_and_keeps_zero_wind(
    tmp_path: Path,
) -> None:
    csv = tmp_path / "prices.csv"
    write_csv(csv, load=[500.0, 0.0, 520.0, -1.0], wind=[0.0, 3.0, 0.0, 4.0])
    market = load_csv(
        csv,
        time_column="time",
        price_column="price",
        exogenous_columns=["load", "supply=wind", "zonal_load=load"],
        timezone="UTC",
        country=None,
    )
    assert np.array_equal(market.exogenous["load"], [500.0, np.nan, 520.0, np.nan], True)
    assert np.array_equal(market.exogenous["zonal_load"], market.exogenous["load"], True)
    assert market.exogenous["supply"].tolist() == [0.0, 3.0, 0.0, 4.0]


def test_a_zero_quarter_hour_of_load_is_left_out_of_its_hours_mean(tmp_path: Path) -> None:
    csv = tmp_path / "quarters.csv"
    times = pd.date_range("2024-03-01", periods=8, freq="15min", tz="UTC")
    pd.DataFrame(
        {
            "time": times.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "price": 40.0,
            "load": [400.0, 0.0, 410.0, 420.0, 0.0, 0.0, 0.0, 0.0],
        }
    ).to_csv(csv, index=False)
    market = load_csv(
        csv,
        time_column="time",
        price_column="price",
        exogenous_columns=["load"],
        timezone="UTC",
        country=None,
    )
    assert np.array_equal(market.exogenous["load"], [410.0, np.nan], True)


def test_generic_csv_and_deepforkit_agree_on_the_same_file() -> None:
    zone = "DE_LU"
    raw = pd.read_csv(DEEPFORKIT / f"{zone}.csv").dropna(subset=["Price_DA"])
    assert (raw["Load_DA"] == 0).sum() > 0  # the file marks missing load forecasts with 0
    deepforkit = load_deepforkit(zone)
    generic = load_csv(
        DEEPFORKIT / f"{zone}.csv",
        time_column=raw.columns[0],
        price_column="Price_DA",
        exogenous_columns=["load=Load_DA"],
        timezone="UTC",
        country="DE",
    )
    assert generic.prices.size == deepforkit.prices.size
    load = deepforkit.exogenous["load"]
    assert np.isnan(load).sum() == (raw["Load_DA"] <= 0).sum()
    assert np.array_equal(generic.exogenous["load"], load, equal_nan=True)
