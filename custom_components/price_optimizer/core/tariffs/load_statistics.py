"""Energy per interval from a house sensor's long-term statistics rows.

An energy sensor's statistics hold a running ``sum`` (kWh) at each period's end; a power
sensor's hold the period's ``mean`` (kW). Both become kWh per UTC period start, the series
:mod:`.base_load` learns from and :mod:`.month_peaks` finds peaks in. A period missing from the
statistics (the sensor was unavailable) is absent, not zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
import math
from typing import Literal

from .base_load import energy_from_meter

LoadKind = Literal["energy", "power"]


@dataclass(frozen=True, slots=True)
class StatisticsRow:
    """One period of a statistic, in kWh (``sum``) or kW (``mean``)."""

    start: datetime
    end: datetime
    value: float


def energy_from_statistics(
    rows: Sequence[StatisticsRow], kind: LoadKind, period: timedelta
) -> dict[datetime, float]:
    """KWh per period start: differences of the running sum, or the mean power held."""
    if kind == "energy":
        # The first row's own sum needs the reading before it: it starts the differences.
        return energy_from_meter([(row.end, row.value) for row in rows], period)
    hours = period.total_seconds() / 3600
    return {row.start: row.value * hours for row in rows if math.isfinite(row.value)}
