"""The shipped presets parse, match their published figures, and match the data they came from."""

from __future__ import annotations

from datetime import date, datetime, timedelta
import importlib.util
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from custom_components.price_optimizer.core.tariffs.capacity import (
    DailyPeaksStepRule,
    MonthlyPeakRule,
)
from custom_components.price_optimizer.core.tariffs.model import component_prices, slot_price
from custom_components.price_optimizer.core.tariffs.presets import PRESET_DIR, load_presets, preset

ROOT = Path(__file__).resolve().parents[3]
SHARED_TARIFFS = ROOT.parent / "shared/tariffs"
OSLO = ZoneInfo("Europe/Oslo")
HOUR = timedelta(hours=1)


def energy_at(preset_id: str, day: date, hour: int) -> float:
    tariff = preset("norway", preset_id).tariff(vat_rate=0.25)
    start = datetime(day.year, day.month, day.day, hour, tzinfo=OSLO)
    return component_prices(tariff, start, HOUR)["energiledd"]


def step_fee(preset_id: str, day: date, billed_kw: float) -> float:
    period = preset("norway", preset_id).period_on(day)
    assert period is not None
    assert isinstance(period.capacity, DailyPeaksStepRule)
    return period.capacity.fee_for(billed_kw)


def test_every_preset_parses_with_source_licence_and_date() -> None:
    norway = load_presets("norway")
    assert {p.id for p in norway} == {"no_bkk", "no_elvia", "no_glitre", "no_lede", "no_tensio_ts"}
    for item in norway:
        assert item.licence == "CC-BY-4.0"
        assert item.credit == "Fri nettleie"
        assert item.sources
        assert "kraftsystemet/fri-nettleie" in item.dataset
        assert item.updated >= date(2025, 1, 1)
        item.tariff(vat_rate=0.25)
    assert len(load_presets("flanders")) == 8


@pytest.mark.parametrize(
    ("preset_id", "day", "hour", "nok_per_kwh"),
    [
        ("no_elvia", date(2024, 10, 2), 12, 0.2456),  # Wednesday, day band
        ("no_elvia", date(2024, 10, 2), 21, 0.2456),  # "6-21" includes the 21 hour
        ("no_elvia", date(2024, 10, 2), 22, 0.1856),
        ("no_elvia", date(2024, 10, 2), 5, 0.1856),
        ("no_elvia", date(2024, 10, 5), 12, 0.1856),  # Saturday
        ("no_elvia", date(2024, 12, 25), 12, 0.1856),  # Christmas Day, a Wednesday
        ("no_elvia", date(2025, 4, 1), 6, 0.2099),
        ("no_tensio_ts", date(2024, 9, 7), 12, 0.22704),  # every day, Saturday too
        ("no_tensio_ts", date(2024, 9, 7), 22, 0.11304),
        ("no_bkk", date(2025, 9, 1), 21, 0.2877),
        ("no_bkk", date(2025, 9, 1), 22, 0.1899),
        ("no_glitre", date(2024, 10, 6), 12, 0.2496),  # Sunday, "Høylast" every day
        ("no_lede", date(2024, 8, 1), 12, 0.2438),
    ],
)
def test_energy_part_matches_the_published_figure(
    preset_id: str, day: date, hour: int, nok_per_kwh: float
) -> None:
    assert energy_at(preset_id, day, hour) == pytest.approx(nok_per_kwh)


@pytest.mark.parametrize(
    ("preset_id", "day", "billed_kw", "nok_per_month"),
    [
        ("no_elvia", date(2024, 10, 15), 4.99, 184.00),
        ("no_elvia", date(2024, 10, 15), 5.0, 300.00),
        ("no_elvia", date(2025, 4, 15), 10.0, 328.00),
        ("no_tensio_ts", date(2024, 9, 15), 600.0, 17625.60),
        ("no_bkk", date(2025, 9, 15), 1.0, 124.00),
        ("no_glitre", date(2024, 10, 15), 12.0, 608.00),
        ("no_lede", date(2024, 8, 15), 7.0, 402.00),
    ],
)
def test_capacity_step_matches_the_published_figure(
    preset_id: str, day: date, billed_kw: float, nok_per_month: float
) -> None:
    assert step_fee(preset_id, day, billed_kw) == pytest.approx(nok_per_month)


def test_energy_part_is_priced_with_vat_in_the_total() -> None:
    tariff = preset("norway", "no_elvia").tariff(vat_rate=0.25)
    start = datetime(2024, 10, 2, 12, tzinfo=OSLO)
    assert slot_price(tariff, start, HOUR, 1.0).total == pytest.approx(1.25 * (1.0 + 0.2456))


def test_no_period_outside_the_published_history() -> None:
    assert preset("norway", "no_elvia").period_on(date(2024, 9, 30)) is None


def test_flemish_capacity_tariff_2026_per_grid_area() -> None:
    antwerpen = preset("flanders", "be_vl_antwerpen")
    period = antwerpen.period_on(date(2026, 3, 1))
    assert period is not None
    rule = period.capacity
    assert isinstance(rule, MonthlyPeakRule)
    assert (rule.floor_kw, rule.interval_minutes, rule.rolling_months) == (2.5, 15, 12)
    # A 6 kW month with no history: 6 kW x 49.40 EUR/kW/year / 12.
    assert rule.charge_for_peak(6.0) == pytest.approx(24.70)
    west = preset("flanders", "be_vl_west").periods[0].capacity
    assert isinstance(west, MonthlyPeakRule)
    assert west.fee_per_kw_month * 12 == pytest.approx(57.10)
    assert antwerpen.period_on(date(2027, 1, 1)) is None


@pytest.mark.skipif(not SHARED_TARIFFS.is_dir(), reason="the published tariff data is not here")
def test_shipped_presets_are_what_the_build_script_makes_from_the_published_data() -> None:
    spec = importlib.util.spec_from_file_location("build", ROOT / "scripts/build_tariff_presets.py")
    assert spec is not None
    assert spec.loader is not None
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    shipped = json.loads((PRESET_DIR / "norway.json").read_text(encoding="utf-8"))
    assert build.norway(SHARED_TARIFFS / "norway") == shipped
    assert build.flanders() == json.loads(
        (PRESET_DIR / "flanders.json").read_text(encoding="utf-8")
    )


def test_unknown_region_and_preset_are_refused() -> None:
    with pytest.raises(ValueError, match="no presets"):
        load_presets("sweden")  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        preset("norway", "no_statnett")
