"""Build the replay source's bundled price file from the Deepforkit ENTSO-E data.

Usage: python scripts/build_replay_data.py [DATA_DIR]

DATA_DIR defaults to ../shared/data/recent/deepforkit_entsoe_2015-2023H1 (CC0-1.0,
Kasra-Aliyon/Deepforkit @ 617461c8). The output keeps the last 53 whole weeks of
day-ahead prices of every zone, in the files' own Central European wall-clock
hours (24 rows a day), rounded to the cent per MWh the market publishes.
"""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
import gzip
import io
from pathlib import Path
import sys

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared/data/recent/deepforkit_entsoe_2015-2023H1"
OUTPUT = ROOT / "custom_components/price_optimizer/core/sources/replay_prices.csv.gz"
ZONE_FILES = ("BE", "DE_LU", "DK_1", "FI", "FR", "NL", "NO_1", "SE_3")
LAST_DAY = date(2023, 6, 30)
FIRST_DAY = LAST_DAY - timedelta(weeks=53) + timedelta(days=1)


def read_zone(path: Path) -> dict[datetime, float]:
    """Return the zone's day-ahead price per wall-clock hour."""
    prices: dict[datetime, float] = {}
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            stamp, price = row[""], row["Price_DA"]
            if stamp and price:
                # The files hold naive Central European wall-clock hours, kept as such.
                prices[datetime.strptime(stamp, "%m/%d/%Y %H:%M")] = float(price)  # noqa: DTZ007
    return prices


def main() -> None:
    """Write the compact replay file."""
    data_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA
    zones = {name: read_zone(data_dir / f"{name}.csv") for name in ZONE_FILES}
    hours = [
        datetime.combine(FIRST_DAY, datetime.min.time()) + timedelta(hours=offset)
        for offset in range(((LAST_DAY - FIRST_DAY).days + 1) * 24)
    ]
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["wall_clock_cet", *ZONE_FILES])
    for hour in hours:
        writer.writerow(
            [hour.strftime("%Y-%m-%dT%H:%M")] + [f"{zones[name][hour]:.2f}" for name in ZONE_FILES]
        )
    # mtime=0 keeps the file byte-identical when rebuilt from the same data.
    OUTPUT.write_bytes(gzip.compress(text.getvalue().encode(), 9, mtime=0))
    print(f"{OUTPUT.relative_to(ROOT)}: {len(hours)} hours, {OUTPUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
