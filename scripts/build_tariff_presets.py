"""Build the shipped grid-tariff presets from published tariff data.

Usage: python scripts/build_tariff_presets.py [TARIFF_DIR]

TARIFF_DIR defaults to ../shared/tariffs. Its ``norway/<company>.yml`` files are copies of
kraftsystemet/fri-nettleie ``tariffer/<company>.yml`` (data licence CC-BY-4.0, credit "Fri
nettleie"); fees there are NOK per year excl. VAT and energy parts øre/kWh excl. VAT, taxes and
Enova. The presets hold them per month and per kWh in NOK, as the integration prices them.

The Flemish capacity tariff's 2026 rates (EUR/kW/year excl. VAT, row "Gemiddelde maandpiek
(laagspanning met piekmeting)" of the Vlaamse Nutsregulator's tariff sheets, as collected in
TARIFF_FACTS.md) are written out below: they come from prose, not from a data file.

Writes custom_components/price_optimizer/core/tariffs/presets/{norway,flanders}.json.
"""

from __future__ import annotations

from datetime import date
import json
from pathlib import Path
import sys
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT.parent / "shared/tariffs"
OUTPUT = ROOT / "custom_components/price_optimizer/core/tariffs/presets"
FRI_NETTLEIE = "https://github.com/kraftsystemet/fri-nettleie"
FRI_NETTLEIE_SNAPSHOT = "b9531c7c70bc0521fdd43104c3180a323849d645"
MONTHS = 12
ORE_PER_KRONE = 100

VREG_SHEETS = (
    "https://www.vlaamsenutsregulator.be/elektriciteit-en-aardgas/nettarieven/"
    "hoeveel-bedragen-de-distributienettarieven"
)
FLANDERS_2026_EUR_PER_KW_YEAR = {
    "Fluvius Antwerpen": 49.40,
    "Fluvius Halle-Vilvoorde": 56.04,
    "Fluvius Imewo": 54.20,
    "Fluvius Kempen": 56.21,
    "Fluvius Limburg": 49.05,
    "Fluvius Midden-Vlaanderen": 50.12,
    "Fluvius West": 57.10,
    "Fluvius Zenne-Dijle": 56.12,
}
FLANDERS_FLOOR_KW = 2.5


def _day(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return date.fromisoformat(str(value)).isoformat()


def _hours(text: str) -> list[str]:
    """``"6-21"`` means hours 06 to 21 inclusive: 06:00-22:00."""
    first, last = (int(part) for part in text.split("-"))
    return [f"{first:02d}:00", f"{last + 1:02d}:00"]


def _days(names: list[str] | None) -> list[str]:
    if not names or names == ["alle"]:
        return []
    if names == ["virkedag"]:
        return ["workday"]
    raise ValueError(f"unknown day set {names!r}")


def norway_period(tariff: dict[str, Any]) -> dict[str, Any]:
    """One validity period of a fri-nettleie tariff in the integration's units."""
    fixed = tariff["fastledd"]
    if fixed["metode"] != "TRE_DØGNMAX_MND":
        raise ValueError(f"unsupported peak method {fixed['metode']!r}")
    energy = tariff["energiledd"]
    valid_from = _day(tariff["gyldig_fra"])
    valid_to = _day(tariff.get("gyldig_til"))
    return {
        "valid_from": valid_from,
        "valid_to": valid_to,
        "customer_groups": list(tariff["kundegrupper"]),
        "area": tariff.get("navn"),
        "capacity": {
            "kind": "daily_peaks_step",
            "peaks_counted": 3,
            "threshold_included": bool(fixed.get("terskel_inkludert", True)),
            "steps": [
                {"threshold_kw": step["terskel"], "monthly_fee": round(step["pris"] / MONTHS, 6)}
                for step in fixed["terskler"]
            ],
            "yearly_fees": [step["pris"] for step in fixed["terskler"]],
        },
        "energy": {
            "name": "energiledd",
            "kind": "grid",
            "valid_from": valid_from,
            "valid_to": valid_to,
            "base_price": round(energy["grunnpris"] / ORE_PER_KRONE, 8),
            "bands": [
                {
                    "name": band["navn"],
                    "price": round(band["pris"] / ORE_PER_KRONE, 8),
                    "times": [_hours(band["timer"])],
                    "days": _days(band.get("dager")),
                }
                for band in energy.get("unntak", ())
            ],
            "vat_applies": True,
        },
    }


def norway(directory: Path) -> dict[str, Any]:
    """Every company's published tariff history."""
    presets = []
    for path in sorted(directory.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        presets.append(
            {
                "id": f"no_{path.stem.replace('-', '_')}",
                "name": data["netteier"].strip(),
                "country": "NO",
                "currency": "NOK",
                "time_zone": "Europe/Oslo",
                "holiday_country": "NO",
                "gln": list(data["gln"]),
                "updated": _day(data["sist_oppdatert"]),
                "sources": list(data["kilder"]),
                "dataset": f"{FRI_NETTLEIE} tariffer/{path.name} @ {FRI_NETTLEIE_SNAPSHOT}",
                "licence": "CC-BY-4.0",
                "credit": "Fri nettleie",
                "periods": [norway_period(tariff) for tariff in data["tariffer"]],
            }
        )
    return {
        "description": "Norwegian household grid tariffs: monthly capacity steps (NOK excl. VAT) "
        "and energy parts (NOK/kWh excl. VAT, forbruksavgift and Enova).",
        "presets": presets,
    }


def flanders() -> dict[str, Any]:
    """The Flemish capacity tariff of 2026 per grid area."""
    return {
        "description": "Flemish capacity tariff: EUR per kW and month (excl. VAT) of the mean of "
        "up to twelve months' highest 15-minute peaks, each at least 2.5 kW.",
        "presets": [
            {
                "id": "be_vl_" + area.removeprefix("Fluvius ").lower().replace("-", "_"),
                "name": area,
                "country": "BE",
                "currency": "EUR",
                "time_zone": "Europe/Brussels",
                "holiday_country": "BE",
                "gln": [],
                "updated": "2026-01-01",
                "sources": [VREG_SHEETS],
                "dataset": "TARIFF_FACTS.md (Vlaamse Nutsregulator tariff sheets 2026)",
                "licence": "facts (tariff figures published by the regulator)",
                "credit": "Vlaamse Nutsregulator",
                "periods": [
                    {
                        "valid_from": "2026-01-01",
                        "valid_to": "2027-01-01",
                        "customer_groups": ["household"],
                        "area": area,
                        "capacity": {
                            "kind": "monthly_peak",
                            "fee_per_kw_month": round(rate / MONTHS, 8),
                            "floor_kw": FLANDERS_FLOOR_KW,
                            "interval_minutes": 15,
                            "rolling_months": 12,
                            "yearly_fee_per_kw": rate,
                        },
                        "energy": None,
                    }
                ],
            }
            for area, rate in FLANDERS_2026_EUR_PER_KW_YEAR.items()
        ],
    }


def main(argv: list[str]) -> None:
    directory = Path(argv[1]) if len(argv) > 1 else DEFAULT_DIR
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for name, content in (("norway", norway(directory / "norway")), ("flanders", flanders())):
        target = OUTPUT / f"{name}.json"
        target.write_text(
            json.dumps(content, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print(f"wrote {target.relative_to(ROOT)}: {len(content['presets'])} presets")


if __name__ == "__main__":
    main(sys.argv)
