"""Loaders: every data set becomes one ``Market`` on an hourly grid.

Two time conventions exist in the data. The epftoolbox and Deepforkit files hold local
wall-clock hours with exactly 24 per day (the dataset authors interpolated the spring
hour and averaged the autumn one); they are kept as wall-clock hours and read as if
they were UTC, so a local day is 24 grid hours. NOR_EPF and most generic CSVs carry real
instants; they go onto a true UTC grid and local time comes from their zone.

Every loader reads an exogenous value that means "not known" (a load forecast of 0, as
ENTSO-E files mark a missing hour) as a gap, with the integration's own rule
(``without_unknown_values``), before averaging onto the grid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, tzinfo
import os
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from custom_components.price_optimizer.core.forecast.features import without_unknown_values


def _default_data_root() -> Path:
    """Return $PRICE_OPTIMIZER_DATA, else the ``shared/data`` folder beside the repository."""
    configured = os.environ.get("PRICE_OPTIMIZER_DATA")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parent.parent.parent / "shared" / "data"


DEFAULT_DATA_ROOT: Final = _default_data_root()
EPF_MARKETS: Final = ("NP", "PJM", "BE", "FR", "DE")
# Exogenous columns of each epftoolbox file, in file order, as our channel names.
EPF_CHANNELS: Final = {
    "NP": ("load", "supply"),
    "PJM": ("load", "zonal_load"),
    "BE": ("supply", "load"),
    "FR": ("supply", "load"),
    "DE": ("load", "supply"),
}
EPF_COUNTRIES: Final = {"NP": "NO", "PJM": "US", "BE": "BE", "FR": "FR", "DE": "DE"}
# The benchmark's test periods (first and last day), from the epftoolbox paper.
EPF_TEST_PERIODS: Final = {
    "NP": ("2016-12-27", "2018-12-24"),
    "PJM": ("2016-12-27", "2018-12-24"),
    "BE": ("2015-01-04", "2016-12-31"),
    "FR": ("2015-01-04", "2016-12-31"),
    "DE": ("2016-01-04", "2017-12-31"),
}
DEEPFORKIT_ZONES: Final = ("BE", "DE_LU", "DK_1", "FI", "FR", "NL", "NO_1", "SE_3")
NOR_EPF_ZONES: Final = ("NO_1", "NO_2", "NO_3", "NO_4", "NO_5")
WALL_CLOCK: Final = UTC


@dataclass
class Market:
    """Hourly prices (NaN in gaps) and exogenous forecasts of one zone.

    ``hour_starts`` are epoch seconds; ``zone`` turns them into local time (``WALL_CLOCK``
    for wall-clock data sets). ``fine`` keeps the source's own slots when it is finer than
    an hour: (starts, prices).
    """

    name: str
    hour_starts: np.ndarray
    prices: np.ndarray
    exogenous: dict[str, np.ndarray]
    zone: tzinfo
    country: str | None
    currency: str = "EUR"
    fine: tuple[np.ndarray, np.ndarray] | None = None
    source: str = ""
    notes: list[str] = field(default_factory=list)

    def position_of(self, day: str) -> int:
        """Return the first grid index at or after local midnight of ``day`` (may be the end)."""
        return int(np.searchsorted(self.hour_starts, self._midnight(day)))

    def _midnight(self, day: str) -> int:
        stamp = pd.Timestamp(day)
        if self.zone is WALL_CLOCK:
            return int(stamp.tz_localize(UTC).timestamp())
        return int(stamp.tz_localize(self.zone).tz_convert(UTC).timestamp())

    def index_of(self, day: str) -> int:
        """Return the grid index of local midnight starting ``day`` (YYYY-MM-DD)."""
        seconds = self._midnight(day)
        index = int(np.searchsorted(self.hour_starts, seconds))
        if index >= self.hour_starts.size or self.hour_starts[index] != seconds:
            raise ValueError(f"{self.name} has no hour starting {day} 00:00")
        return index

    def slice(self, start: int, stop: int) -> Market:
        """Return the hours ``[start, stop)``."""
        return Market(
            self.name,
            self.hour_starts[start:stop],
            self.prices[start:stop],
            {name: values[start:stop] for name, values in self.exogenous.items()},
            self.zone,
            self.country,
            self.currency,
            None,
            self.source,
            list(self.notes),
        )


def _hourly_grid(
    instants: pd.DatetimeIndex, columns: dict[str, np.ndarray]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Average sub-hourly values into whole UTC hours on a gap-free grid (NaN where empty)."""
    frame = pd.DataFrame(columns, index=instants)
    hourly = frame.groupby(frame.index.floor("h")).mean()
    full = pd.date_range(hourly.index[0], hourly.index[-1], freq="h")
    hourly = hourly.reindex(full)
    return _epoch_seconds(full), {name: hourly[name].to_numpy(dtype=np.float64) for name in columns}


def _epoch_seconds(index: pd.DatetimeIndex) -> np.ndarray:
    return np.asarray(index.as_unit("s").asi8, dtype=np.int64)


def _wall_clock_index(values: pd.Series) -> pd.DatetimeIndex:
    index = pd.DatetimeIndex(pd.to_datetime(values))
    return index.tz_localize(UTC)


def load_epftoolbox(market: str, root: Path = DEFAULT_DATA_ROOT) -> Market:
    """Load one of the five benchmark markets (wall-clock hours)."""
    frame = pd.read_csv(root / "epf" / f"{market}.csv")
    instants = _wall_clock_index(frame.iloc[:, 0])
    names = EPF_CHANNELS[market]
    columns = {"price": frame.iloc[:, 1].to_numpy(dtype=np.float64)}
    for position, name in enumerate(names):
        columns[name] = without_unknown_values(
            name, frame.iloc[:, 2 + position].to_numpy(dtype=np.float64)
        )
    starts, grid = _hourly_grid(instants, columns)
    return Market(
        name=market,
        hour_starts=starts,
        prices=grid.pop("price"),
        exogenous=grid,
        zone=WALL_CLOCK,
        country=EPF_COUNTRIES[market],
        currency="USD" if market == "PJM" else "EUR",
        source=f"epftoolbox {market}.csv",
    )


def load_deepforkit(zone: str, root: Path = DEFAULT_DATA_ROOT) -> Market:
    """Load a Deepforkit ENTSO-E zone (wall-clock hours, 2015 to mid-2023)."""
    path = root / "recent" / "deepforkit_entsoe_2015-2023H1" / f"{zone}.csv"
    frame = pd.read_csv(path).dropna(subset=["Price_DA"])
    instants = _wall_clock_index(pd.to_datetime(frame.iloc[:, 0], format="%m/%d/%Y %H:%M"))
    load = without_unknown_values("load", frame["Load_DA"].to_numpy(dtype=np.float64))
    supply_columns = [name for name in ("Sol_DA", "Won_DA", "Woff_DA") if name in frame]
    supply_parts = frame[supply_columns]
    supply = without_unknown_values(
        "supply", supply_parts.sum(axis=1, min_count=1).to_numpy(dtype=np.float64)
    )
    starts, grid = _hourly_grid(
        instants,
        {"price": frame["Price_DA"].to_numpy(dtype=np.float64), "load": load, "supply": supply},
    )
    return Market(
        name=f"deepforkit-{zone}",
        hour_starts=starts,
        prices=grid.pop("price"),
        exogenous=grid,
        zone=WALL_CLOCK,
        country=zone.split("_", maxsplit=1)[0],
        source=f"Deepforkit {zone}.csv",
    )


def load_nor_epf(zone: str, root: Path = DEFAULT_DATA_ROOT) -> Market:
    """Load a Norwegian zone on a true UTC grid; 15-minute prices are kept in ``fine``."""
    folder = root / "recent" / "nor_epf_NO1-NO5_2019-2025"
    prices = pd.read_csv(folder / "day_ahead_prices_all_zones.csv", index_col=0)
    price_index = pd.DatetimeIndex(pd.to_datetime(prices.index, utc=True))
    price_values = prices[zone].to_numpy(dtype=np.float64)
    load = pd.read_csv(folder / f"load_forecast_{zone}.csv")
    supply = pd.read_csv(folder / f"wind_solar_forecast_{zone}.csv")
    load_index = pd.DatetimeIndex(pd.to_datetime(load["datetime"], utc=True))
    supply_index = pd.DatetimeIndex(pd.to_datetime(supply["datetime"], utc=True))
    starts, grid = _hourly_grid(price_index, {"price": price_values})
    load_values = without_unknown_values("load", load["load_forecast_mw"].to_numpy(float))
    _, load_grid = _hourly_grid(load_index, {"load": load_values})
    supply_sum = supply[["Solar", "Wind Offshore", "Wind Onshore"]].sum(axis=1, min_count=1)
    supply_values = without_unknown_values("supply", supply_sum.to_numpy(float))
    _, supply_grid = _hourly_grid(supply_index, {"supply": supply_values})
    exogenous = {}
    for name, values, index in (
        ("load", load_grid["load"], load_index),
        ("supply", supply_grid["supply"], supply_index),
    ):
        first = int(index.floor("h")[0].timestamp())
        aligned = np.full(starts.size, np.nan)
        offset = (first - int(starts[0])) // 3600
        source_range = np.arange(values.size) + offset
        keep = (source_range >= 0) & (source_range < starts.size)
        aligned[source_range[keep]] = values[keep]
        exogenous[name] = aligned
    fine_starts = _epoch_seconds(price_index)
    return Market(
        name=f"nor-epf-{zone}",
        hour_starts=starts,
        prices=grid["price"],
        exogenous=exogenous,
        zone=ZoneInfo("Europe/Oslo"),
        country="NO",
        fine=(fine_starts, price_values),
        source=f"NOR_EPF {zone}",
    )


def load_csv(
    path: Path,
    *,
    time_column: str,
    price_column: str,
    exogenous_columns: list[str],
    timezone: str,
    country: str | None,
    name: str | None = None,
) -> Market:
    """Load any CSV of prices; ``exogenous_columns`` are ``COLUMN`` or ``CHANNEL=COLUMN``.

    Naive times are read in ``timezone``; times with an offset are taken as they are. The
    channels named ``load`` and ``supply`` feed the global models; every channel feeds the
    refitted linear member. A channel named ``load`` or ``..._load`` is a load forecast: its
    zeros are gaps, as in every other loader.
    """
    frame = pd.read_csv(path)
    zone = ZoneInfo(timezone)
    instants = pd.DatetimeIndex(pd.to_datetime(frame[time_column]))
    if instants.tz is None:
        instants = instants.tz_localize(zone, ambiguous="infer", nonexistent="shift_forward")
    instants = instants.tz_convert(UTC)
    columns = {"price": frame[price_column].to_numpy(dtype=np.float64)}
    for item in exogenous_columns:
        channel, _, column = item.partition("=")
        columns[channel] = without_unknown_values(
            channel, frame[column or channel].to_numpy(dtype=np.float64)
        )
    starts, grid = _hourly_grid(instants, columns)
    resolution = pd.Series(instants).diff().dropna().min()
    fine = None
    if resolution < pd.Timedelta(hours=1):
        fine = (_epoch_seconds(instants), columns["price"])
    return Market(
        name=name or path.stem,
        hour_starts=starts,
        prices=grid.pop("price"),
        exogenous=grid,
        zone=zone,
        country=country,
        fine=fine,
        source=str(path),
    )


def load_named(name: str, root: Path = DEFAULT_DATA_ROOT) -> Market:
    """Load by name: ``NP`` (epftoolbox), ``deepforkit-FR``, ``nor-epf-NO_2`` ..."""
    if name in EPF_MARKETS:
        return load_epftoolbox(name, root)
    if name.startswith("deepforkit-"):
        return load_deepforkit(name.removeprefix("deepforkit-"), root)
    if name.startswith("nor-epf-"):
        return load_nor_epf(name.removeprefix("nor-epf-"), root)
    raise ValueError(f"unknown data set {name!r}")


ALL_TRAINING_SETS: Final = (
    *EPF_MARKETS,
    *(f"deepforkit-{zone}" for zone in DEEPFORKIT_ZONES),
    *(f"nor-epf-{zone}" for zone in NOR_EPF_ZONES),
)
