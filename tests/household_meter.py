"""A real household's consumption as the cumulative meter a house sensor would report.

DE_KN_residential4 of Open Power System Data's Household Data (CC-BY-4.0), see
../shared/pv/SOURCES.md: the house's consumption counter is grid import + PV - grid export.
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

HOUSEHOLD = Path(__file__).resolve().parents[2] / "shared/pv/power_of_residential_4.csv"


def consumption_readings(first: str, end: str) -> list[tuple[datetime, float]]:
    """The consumption counter (kWh) at each hourly reading from UTC ``first`` to before ``end``.

    ``first`` and ``end`` are ISO texts compared with the file's stamps; rows with a missing
    counter are left out.
    """
    readings = []
    with HOUSEHOLD.open() as handle:
        for row in csv.DictReader(handle):
            values = [row[f"DE_KN_residential4_{n}"] for n in ("grid_import", "pv", "grid_export")]
            if all(values) and first <= row["utc_timestamp"] < end:
                grid_import, pv, export = map(float, values)
                moment = datetime.fromisoformat(row["utc_timestamp"].replace("Z", "+00:00"))
                readings.append((moment, grid_import + pv - export))
    return readings
