"""Real day-ahead prices from the shared history, as the integration's slot model."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from custom_components.price_optimizer.core.prices import PriceSeries, PriceSlot, per_kwh

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "recent"
NORWAY = SHARED / "nor_epf_NO1-NO5_2019-2025" / "day_ahead_prices_all_zones.csv"
DEEPFORKIT = SHARED / "deepforkit_entsoe_2015-2023H1"
CENTRAL = ZoneInfo("Europe/Berlin")


def norway(zone: str = "NO_1", since: datetime | None = None, path: Path = NORWAY) -> PriceSeries:
    """Return a Norwegian zone's prices per kWh; 15-minute slots from 2025-10-01 on."""
    rows: list[tuple[datetime, float]] = []
    with path.open(newline="") as handle:
        reader = csv.reader(handle)
        column = next(reader).index(zone)
        for row in reader:
            start = datetime.fromisoformat(row[0]).astimezone(UTC)
            if since is None or start >= since:
                rows.append((start, per_kwh(float(row[column]))))
    return PriceSeries(_interval_slots(rows), currency="EUR")


def _interval_slots(rows: list[tuple[datetime, float]]) -> tuple[PriceSlot, ...]:
    """Return slots from sorted interval starts: each lasts until the next (15 or 60 min)."""
    slots = []
    for (start, value), following in zip(rows, [*rows[1:], None], strict=True):
        end = following[0] if following else start + timedelta(minutes=15)
        slots.append(PriceSlot(start, min(end - start, timedelta(hours=1)), value))
    return tuple(slots)


def norway_exogenous(zone: str = "NO_1", folder: Path = NORWAY.parent) -> dict[str, PriceSeries]:
    """Return a Norwegian zone's day-ahead load and wind plus solar forecasts, in MW.

    The values travel in the ``price`` field, as the forecaster takes its
    exogenous series; an hour counts for supply only when one of its parts is known.
    """
    load: list[tuple[datetime, float]] = []
    with (folder / f"load_forecast_{zone}.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["load_forecast_mw"]:
                start = datetime.fromisoformat(row["datetime"]).astimezone(UTC)
                load.append((start, float(row["load_forecast_mw"])))
    supply: list[tuple[datetime, float]] = []
    with (folder / f"wind_solar_forecast_{zone}.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            parts = [row[name] for name in ("Solar", "Wind Offshore", "Wind Onshore")]
            if any(parts):
                start = datetime.fromisoformat(row["datetime"]).astimezone(UTC)
                supply.append((start, sum(float(part) for part in parts if part)))
    return {
        "load": PriceSeries(_interval_slots(sorted(load)), "MW"),
        "supply": PriceSeries(_interval_slots(sorted(supply)), "MW"),
    }


def deepforkit(zone: str, path: Path = DEEPFORKIT) -> PriceSeries:
    """Return a Deepforkit zone's hourly prices per kWh.

    The file has 24 wall-clock rows per Central European day (the spring gap
    filled, the autumn hour averaged): the filled spring row is dropped and the
    autumn day keeps one hour without a price.
    """
    slots: dict[datetime, PriceSlot] = {}
    with (path / f"{zone}.csv").open(newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for row in reader:
            if not row or not row[1]:
                continue
            local = datetime.strptime(row[0], "%m/%d/%Y %H:%M").replace(tzinfo=CENTRAL)
            start = local.astimezone(UTC)
            if start.astimezone(CENTRAL).replace(tzinfo=None) != local.replace(tzinfo=None):
                continue
            slots.setdefault(start, PriceSlot(start, timedelta(hours=1), per_kwh(float(row[1]))))
    return PriceSeries(tuple(slots.values()), currency="EUR")
