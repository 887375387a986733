"""The meter counters of one real household, as each hour's energy per meter.

The household is DE_KN_residential4 of Open Power System Data's Household Data (CC-BY-4.0;
Open Power System Data, Household Data 2020-04-15, primary data CoSSMic / ISC Konstanz), see
../shared/pv/SOURCES.md: hourly cumulative kWh counters of grid import and export, PV, EV,
heat pump and appliances. A reading is the counter at its stamp; the rise to the next reading
is that hour's energy. Its consumption is grid import + PV - grid export.
"""

from __future__ import annotations

import csv
from datetime import datetime
from itertools import pairwise
import math
from pathlib import Path
from typing import Final

HOUSEHOLD_FILE: Final = (
    Path(__file__).resolve().parents[1].parent / "shared" / "pv" / "power_of_residential_4.csv"
)
PREFIX: Final = "DE_KN_residential4_"


def hourly_rises(path: Path = HOUSEHOLD_FILE) -> list[tuple[datetime, dict[str, float]]]:
    """Each hour's rise of every counter (kWh) by UTC hour start; NaN where a reading is missing.

    Meters are named without the household's prefix (``grid_import``, ``pv``, ``ev`` ...). A
    counter that fell gives a negative rise: each user decides what that means.
    """
    readings: list[tuple[datetime, dict[str, float]]] = []
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            values = {
                key.removeprefix(PREFIX): float(value) if value else math.nan
                for key, value in row.items()
                if key != "utc_timestamp"
            }
            readings.append((datetime.fromisoformat(row["utc_timestamp"]), values))
    return [
        (start, {meter: after[meter] - before[meter] for meter in after})
        for (start, before), (_, after) in pairwise(readings)
    ]
