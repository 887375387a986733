"""The household's tariff built from an entry's options, priced on real market prices."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
import json
from pathlib import Path
from typing import Any

import pytest

from custom_components.price_optimizer.core.prices import PriceSeries
from custom_components.price_optimizer.core.sources import awattar
from custom_components.price_optimizer.core.tariffs.capacity import (
    DailyPeaksStepRule,
    MonthlyPeakRule,
)
from custom_components.price_optimizer.core.tariffs.energidataservice import (
    parse_pricelist,
    reply_components,
)
from custom_components.price_optimizer.core.tariffs.household import (
    SUPPLIER_FEE,
    Adjustment,
    adjustment_tariff,
    household_tariff,
)
from custom_components.price_optimizer.core.tariffs.issues import TariffError
from custom_components.price_optimizer.core.tariffs.model import Component
from tests.payloads import json_payload

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures/energidataservice_tariffs"
BILL = Adjustment(vat_percent=21.0, fee_per_kwh=0.10, multiplier=1.5)


def real_prices() -> PriceSeries:
    """aWATTar's recorded DE-LU day-ahead hours of 2023-01-17."""
    return awattar.parse_marketdata(
        json_payload("awattar", "marketdata_DE_2023-01-17_08-23UTC_openkfw.json")
    )


def datahub(*names: str) -> tuple[Component, ...]:
    return tuple(
        component
        for name in names
        for component in reply_components(
            parse_pricelist(json.loads((FIXTURES / name).read_text()))
        )
    )


@pytest.mark.parametrize(
    "adjustment",
    [BILL, Adjustment(), Adjustment(vat_percent=25.0), Adjustment(fee_per_kwh=-0.02, multiplier=0)],
)
def test_vat_fee_and_multiplier_price_as_the_bill_formula(adjustment: Adjustment) -> None:
    series = real_prices()
    household = household_tariff(adjustment, time_zone="Europe/Berlin", currency="EUR")
    priced, parts = household.priced(series)
    for slot, total, part in zip(series, priced, parts, strict=True):
        bill = (slot.price * adjustment.multiplier + adjustment.fee_per_kwh) * (
            1 + adjustment.vat_percent / 100
        )
        assert total.price == pytest.approx(bill, rel=1e-12, abs=1e-15)
        assert part.market == slot.price
        assert part.total == total.price
    assert household.source == "adjustment"
    assert household == adjustment_tariff(adjustment, "Europe/Berlin", "EUR")


def test_a_forecast_band_is_priced_with_the_same_parts() -> None:
    series = real_prices()
    banded = replace(
        series,
        slots=tuple(
            replace(slot, origin="forecast", lower=slot.price - 0.03, upper=slot.price + 0.05)
            for slot in series
        ),
    )
    household = household_tariff(BILL, time_zone="Europe/Berlin", currency="EUR")
    priced, _ = household.priced(banded)
    for slot, total in zip(banded, priced, strict=True):
        assert slot.lower is not None
        assert slot.upper is not None
        low = household.slot_price(replace(slot, price=slot.lower)).total
        high = household.slot_price(replace(slot, price=slot.upper)).total
        assert total.lower == pytest.approx(low)
        assert total.upper == pytest.approx(high)
        assert total.origin == "forecast"


def test_the_source_kind_decides_what_is_added() -> None:
    series = real_prices()
    grid = {"name": "grid", "kind": "grid", "valid_from": "2020-01-01", "base_price": 0.2}
    tax = {"name": "tax", "kind": "tax", "valid_from": "2020-01-01", "base_price": 0.1}
    options = {"source": "manual", "components": [grid, tax]}
    first = series.slots[0]

    def total(kind: Any) -> float:
        household = household_tariff(
            BILL,
            time_zone="Europe/Berlin",
            currency="EUR",
            source_kind=kind,
            tariff_options=options,
        )
        return household.slot_price(first).total

    assert total("market") == pytest.approx(
        (first.price * 1.5 + 0.10 + 0.2 + 0.1) * 1.21, rel=1e-12
    )
    # A retail total already holds the supplier's fee, the energy tax and VAT on them.
    assert total("retail_energy") == pytest.approx(first.price + 0.2 * 1.21)
    assert total("all_in") == first.price


def test_a_preset_brings_its_zone_energy_part_and_capacity_periods() -> None:
    options = {"source": "preset", "preset": {"region": "norway", "id": "no_bkk"}}
    household = household_tariff(
        Adjustment(vat_percent=20.0),
        time_zone="UTC",
        currency="NOK",
        tariff_options=options,
        capacity_options={"kind": "monthly_peak", "fee_per_kw_month": 99.0},
    )
    assert household.source == "preset"
    assert household.tariff.time_zone == "Europe/Oslo"
    assert household.tariff.holiday_country == "NO"
    assert {c.name for c in household.tariff.components} == {"energiledd"}
    assert [p.valid_from for p in household.capacity] == [
        date(2024, 4, 1),
        date(2025, 9, 1),
        date(2026, 1, 1),
    ]
    # The preset's own capacity rule wins over one typed in.
    assert isinstance(household.capacity_on(date(2026, 3, 1)), DailyPeaksStepRule)
    assert household.capacity_on(date(2024, 1, 1)) is None
    with pytest.raises(TariffError) as refused:
        household_tariff(Adjustment(), time_zone="UTC", currency="EUR", tariff_options=options)
    assert refused.value.issue.code == "field_invalid"
    assert refused.value.issue.placeholders["field"] == "currency"


def test_capacity_and_export_options_without_a_preset() -> None:
    household = household_tariff(
        Adjustment(),
        time_zone="Europe/Brussels",
        currency="EUR",
        capacity_options={"kind": "monthly_peak", "fee_per_kw_month": 4.2, "floor_kw": 2.5},
        export_options={"kind": "spot", "multiplier": 0.9, "offset": -0.01},
    )
    rule = household.capacity_on(date(2026, 12, 2))
    assert isinstance(rule, MonthlyPeakRule)
    assert rule.fee_per_kw_month == 4.2
    assert household.export is not None
    assert household.export.price(0.2) == pytest.approx(0.17)


def test_manual_components_add_to_the_fee() -> None:
    options = {
        "source": "manual",
        "holiday_country": "BE",
        "components": [
            {
                "name": "distribution",
                "kind": "grid",
                "valid_from": "2026-01-01",
                "base_price": 0.05,
                "bands": [{"price": 0.09, "times": [["17:00", "22:00"]]}],
            }
        ],
    }
    household = household_tariff(
        BILL, time_zone="Europe/Brussels", currency="EUR", tariff_options=options
    )
    assert household.tariff.holiday_country == "BE"
    assert [c.name for c in household.tariff.components] == [SUPPLIER_FEE, "distribution"]
    evening = real_prices().slots[0]
    wednesday = replace(evening, start=datetime(2026, 12, 2, 17, tzinfo=UTC))
    part = household.slot_price(wednesday)
    assert part.components == {SUPPLIER_FEE: 0.10, "distribution": 0.09}
    assert part.total == pytest.approx((evening.price * 1.5 + 0.10 + 0.09) * 1.21)


def test_fetched_datahub_components_price_a_danish_hour() -> None:
    fetched = datahub(
        "GridTariffs.json",
        "SystemTariffs.json",
        "TransmissionGridTariffs.json",
        "ElectricityTaxes.json",
    )
    household = household_tariff(
        Adjustment(vat_percent=20.0),
        time_zone="UTC",
        currency="DKK",
        tariff_options={"source": "energidataservice", "grid_company": {"gln": "5790001089030"}},
        fetched=fetched,
    )
    assert household.source == "energidataservice"
    assert household.tariff.time_zone == "Europe/Copenhagen"
    # 2026-12-02 18:00 Copenhagen, a winter peak hour.
    slot = replace(real_prices().slots[0], start=datetime(2026, 12, 2, 17, tzinfo=UTC), price=1.0)
    part = household.slot_price(slot)
    assert part.components == pytest.approx(
        {
            "CD (5790001089030)": 0.991048,
            "CD R (5790001089030)": 0.0,
            "41000 (5790000432752)": 0.054,
            "40000 (5790000432752)": 0.043,
            "EA-001 (5790000432752)": 0.761,
        }
    )
    assert part.total == pytest.approx((1.0 + 0.991048 + 0.054 + 0.043 + 0.761) * 1.2)
    none_yet = household_tariff(
        Adjustment(),
        time_zone="UTC",
        currency="DKK",
        tariff_options={"source": "energidataservice"},
    )
    assert none_yet.tariff.components == ()


@pytest.mark.parametrize(
    ("adjustment", "options", "code"),
    [
        (Adjustment(), {"source": "ocr"}, "field_invalid"),
        (Adjustment(), {"source": "preset", "preset": "no_bkk"}, "field_invalid"),
        (
            Adjustment(),
            {"source": "preset", "preset": {"region": "mars", "id": "x"}},
            "field_invalid",
        ),
        (
            Adjustment(),
            {"source": "preset", "preset": {"region": "norway", "id": "x"}},
            "field_invalid",
        ),
        (Adjustment(), {"source": "manual", "components": "grid"}, "field_invalid"),
        (Adjustment(), {"source": "manual", "components": [{"name": "grid"}]}, "validity_missing"),
        (Adjustment(vat_percent=100.0), None, "vat_rate_invalid"),
        (Adjustment(), {"source": "manual", "holiday_country": "XX"}, "holiday_country_invalid"),
    ],
)
def test_bad_options_are_refused_with_a_code(
    adjustment: Adjustment, options: dict[str, Any] | None, code: str
) -> None:
    with pytest.raises(TariffError) as refused:
        household_tariff(
            adjustment, time_zone="Europe/Oslo", currency="NOK", tariff_options=options
        )
    assert refused.value.issue.code == code


def test_bad_capacity_and_export_options_are_refused() -> None:
    with pytest.raises(TariffError, match="capacity_rule_invalid"):
        household_tariff(
            Adjustment(), time_zone="UTC", currency="EUR", capacity_options={"kind": "x"}
        )
    with pytest.raises(TariffError, match="export_invalid"):
        household_tariff(Adjustment(), time_zone="UTC", currency="EUR", export_options={"kind": 1})
