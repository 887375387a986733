"""Quarter-hour prices from an hourly forecast: which shape within the hour fits best.

Since 2025-10-01 the day-ahead market is quarter-hourly. The forecast is hourly and adds a
shape within each hour. On the real 15-minute prices of NO1-NO5 (``../shared/data/recent``)
each day from 2025-10-29 (four weeks of 15-minute prices before it) to 2025-12-30 is
forecast from the prices before its local midnight, and each shape is scored on its 96
quarter-hours (MAE, EUR/MWh):

- ``flat``: every quarter at its hour's price;
- ``week mean``: the mean offset of each quarter of each local hour over the last week
  (the shape served before this benchmark);
- ``ramp``: the integration's ``core/forecast/sub_hour.py``: per quarter an offset plus a
  coefficient times the ramp between the neighbouring hours, fitted on four weeks.

Each is applied to the actual hourly means (the shape's own error) and to the integration's
hourly forecast (numpy, with the zone's day-ahead load and wind/solar forecasts, no
recalibration).

A native quarter-hour model can learn only from the 15-minute prices, which start on
2025-10-01. So from 2025-12-03 (the first day with the lasso's shortest window, 56 days, and
its week of lags in quarter-hours) the lasso is also fitted on 96 quarter-hours a day and
compared with the same lasso, on the same 56 days of the same prices, fitted on their hourly
means and given the ramp; both read prices only. The served forecast with the ramp is
scored on those days too.

Prints the tables and writes ``benchmarks/results/sub_hour_shape.json``:

    scripts/in-venv ha-newest python -m benchmarks.sub_hour_shape
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
import json
from pathlib import Path
import time
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from benchmarks.prices import norway, norway_exogenous
from custom_components.price_optimizer.core.forecast import MODELS_DIR
from custom_components.price_optimizer.core.forecast.features import (
    HOUR_SECONDS,
    FloatArray,
    local_weekdays,
)
from custom_components.price_optimizer.core.forecast.linear import (
    LOOKBACK_DAYS,
    LinearConfig,
    fit_predict,
)
from custom_components.price_optimizer.core.forecast.predictor import (
    Forecaster,
    hourly_means,
    sub_hour_shape,
)
from custom_components.price_optimizer.core.prices import PriceSeries

ZONES = ("NO_1", "NO_2", "NO_3", "NO_4", "NO_5")
OSLO = ZoneInfo("Europe/Oslo")
QUARTER = timedelta(minutes=15)
FIRST_DAY = datetime(2025, 10, 29, tzinfo=OSLO)
LAST_DAY = datetime(2025, 12, 30, tzinfo=OSLO)
HISTORY_SINCE = datetime(2022, 9, 1, tzinfo=UTC)
SHAPES = ("flat", "week mean", "ramp")
NATIVE_WINDOW_DAYS = 56
NATIVE_FIRST_DAY = datetime(2025, 12, 3, tzinfo=OSLO)
NATIVE = ("native quarter-hour lasso", "hourly lasso + ramp", "served forecast + ramp")
RESULTS = Path(__file__).resolve().parent / "results" / "sub_hour_shape.json"


def quarters(series: PriceSeries, start: int, hours: int) -> FloatArray:
    """Return the quarter-hour prices (EUR/MWh) of ``hours`` hours from ``start``, [hours, 4]."""
    values = np.full(hours * 4, np.nan)
    for slot in series.between(
        datetime.fromtimestamp(start, UTC), datetime.fromtimestamp(start + hours * 3600, UTC)
    ):
        if slot.duration == QUARTER:
            values[(int(slot.start.timestamp()) - start) // 900] = slot.price * 1000
    return values.reshape(hours, 4)


def week_mean_shape(known: PriceSeries, origin: int) -> FloatArray:
    """Return last week's mean offset of each quarter from its hour, per local hour, [24, 4]."""
    week = quarters(known, origin - 7 * 24 * HOUR_SECONDS, 7 * 24)
    offsets = week - week.mean(axis=1, keepdims=True)
    local_hours = [
        datetime.fromtimestamp(origin + (hour - 7 * 24) * HOUR_SECONDS, OSLO).hour
        for hour in range(7 * 24)
    ]
    shape = np.zeros((24, 4))
    for hour in range(24):
        rows = offsets[[i for i, local in enumerate(local_hours) if local == hour]]
        rows = rows[np.isfinite(rows).all(axis=1)]
        if rows.size:
            shape[hour] = rows.mean(axis=0)
    return shape


def shaped(name: str, hourly: FloatArray, known: PriceSeries, origin: int) -> FloatArray:
    """Return quarter-hour prices (EUR/MWh) from ``hourly`` (EUR/MWh) with shape ``name``."""
    if name == "flat":
        return np.repeat(hourly[:, None], 4, axis=1)
    if name == "week mean":
        local = [datetime.fromtimestamp(origin + i * 3600, OSLO).hour for i in range(hourly.size)]
        return hourly[:, None] + week_mean_shape(known, origin)[local]
    shape = sub_hour_shape(known, QUARTER)
    before = hourly_means(known, origin - HOUR_SECONDS, 1)[0]
    # The shape is fitted on the series' prices, per kWh.
    return hourly[:, None] + shape.offsets(hourly / 1000, float(before)) * 1000


def lasso_day(day_prices: FloatArray, origin: int) -> FloatArray:
    """Return the lasso's next day from ``day_prices`` ([days, slots a day], prices only)."""
    days = day_prices.shape[0]
    noons = origin + HOUR_SECONDS * (24 * np.arange(-days, 1, dtype=np.int64) + 12)
    result = fit_predict(
        day_prices,
        np.zeros((days + 1, day_prices.shape[1], 0)),
        local_weekdays(noons, OSLO),
        1,
        LinearConfig(windows=(NATIVE_WINDOW_DAYS,)),
    )
    assert result is not None
    return result.prices


def native_errors(known: PriceSeries, origin: int, actual: FloatArray) -> dict[str, float]:
    """Return the MAE of the native quarter-hour lasso and of the hourly one with the ramp."""
    days = NATIVE_WINDOW_DAYS + LOOKBACK_DAYS
    fine = quarters(known, origin - days * 24 * HOUR_SECONDS, days * 24)
    native = lasso_day(fine.reshape(days, 96), origin).reshape(24, 4)
    hourly = lasso_day(fine.mean(axis=1).reshape(days, 24), origin)
    return {
        NATIVE[0]: float(np.abs(native - actual).mean()),
        NATIVE[1]: float(np.abs(shaped("ramp", hourly, known, origin) - actual).mean()),
    }


def run_zone(forecaster: Forecaster, zone: str) -> dict[str, Any]:
    """Forecast every day of the period in one zone; return each shape's MAE."""
    prices = norway(zone, since=HISTORY_SINCE)
    exogenous = norway_exogenous(zone)
    errors: dict[str, dict[str, list[float]]] = {
        base: {name: [] for name in SHAPES} for base in ("actual hourly", "forecast hourly")
    }
    native: dict[str, list[float]] = {name: [] for name in NATIVE}
    day = FIRST_DAY
    while day <= LAST_DAY:
        origin = int(day.timestamp())
        hours = 24
        actual = quarters(prices, origin, hours)
        if np.isfinite(actual).all():
            known = prices.between(prices.slots[0].start, day)
            first = origin - forecaster.history_hours_wanted * HOUR_SECONDS
            span = forecaster.history_hours_wanted
            channels = {
                name: hourly_means(
                    series.between(series.slots[0].start, day + timedelta(days=1)),
                    first,
                    span + 48,
                    channel=name,
                )
                for name, series in exogenous.items()
            }
            forecast = forecaster.predict_hourly(
                origin,
                hourly_means(known, first, span),
                channels,
                zone=OSLO,
                country="NO",
                horizon_hours=hours,
            )
            bases = {
                "actual hourly": actual.mean(axis=1),
                "forecast hourly": forecast.median * 1000,
            }
            for base, hourly in bases.items():
                for name in SHAPES:
                    error = np.abs(shaped(name, hourly, known, origin) - actual)
                    errors[base][name].append(float(error.mean()))
            if day >= NATIVE_FIRST_DAY:
                for name, value in native_errors(known, origin, actual).items():
                    native[name].append(value)
                native[NATIVE[2]].append(errors["forecast hourly"]["ramp"][-1])
        day += timedelta(days=1)  # the same wall-clock time: the next local midnight
    return {
        "zone": zone,
        "days": len(errors["actual hourly"]["flat"]),
        "mae": {
            base: {name: float(np.mean(values)) for name, values in by_shape.items()}
            for base, by_shape in errors.items()
        },
        "native": {
            "days": len(native[NATIVE[0]]),
            "mae": {name: float(np.mean(values)) for name, values in native.items()},
        },
    }


def main() -> None:
    """Run every zone, print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--zones", nargs="+", default=list(ZONES))
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    forecaster = Forecaster.load(MODELS_DIR, prefer_onnx=False)
    started = time.perf_counter()
    rows = [run_zone(forecaster, zone) for zone in args.zones]
    names = " ".join(f"{name:>9}" for name in SHAPES)
    print("MAE of quarter-hour prices, EUR/MWh")
    print(f"{'zone':<5} {'days':>4} | {'actual hourly +':^29} | {'forecast hourly +':^29}")
    print(f"{'':<5} {'':>4} | {names} | {names}")
    for row in rows:
        cells = [
            " ".join(f"{row['mae'][base][name]:>9.3f}" for name in SHAPES)
            for base in ("actual hourly", "forecast hourly")
        ]
        print(f"{row['zone']:<5} {row['days']:>4} | {cells[0]} | {cells[1]}")
    print(f"from {NATIVE_FIRST_DAY.date()}: MAE of quarter-hour prices, EUR/MWh")
    print(f"{'zone':<5} {'days':>4} | " + " | ".join(f"{name:>26}" for name in NATIVE))
    for row in rows:
        cells = [f"{row['native']['mae'][name]:>26.3f}" for name in NATIVE]
        print(f"{row['zone']:<5} {row['native']['days']:>4} | " + " | ".join(cells))
    document = {
        "period": [FIRST_DAY.date().isoformat(), LAST_DAY.date().isoformat()],
        "unit": "EUR/MWh",
        "shapes": list(SHAPES),
        "native_period": [NATIVE_FIRST_DAY.date().isoformat(), LAST_DAY.date().isoformat()],
        "zones": rows,
        "seconds": round(time.perf_counter() - started, 1),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
