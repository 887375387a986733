"""Every figure of docs/tariffs.md is computed here from the model, so the page cannot drift."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from custom_components.price_optimizer.core.tariffs.capacity import DailyPeaksStepRule
from custom_components.price_optimizer.core.tariffs.energidataservice import (
    parse_pricelist,
    reply_components,
)
from custom_components.price_optimizer.core.tariffs.model import SlotPrice, Tariff, slot_price
from custom_components.price_optimizer.core.tariffs.presets import preset

ROOT = Path(__file__).resolve().parents[3]
DOC = (ROOT / "docs/tariffs.md").read_text(encoding="utf-8")
FIXTURES = ROOT / "tests/fixtures/energidataservice_tariffs"
CPH = ZoneInfo("Europe/Copenhagen")
REPLIES = (
    "NetTariffs.json",
    "SystemTariffs.json",
    "TransmissionGridTariffs.json",
    "DatahubPricelistElectricityTax.json",
)


def danish_hour(hour: int, market: float) -> SlotPrice:
    components = tuple(
        c
        for name in REPLIES
        for c in reply_components(parse_pricelist((FIXTURES / name).read_bytes()))
    )
    tariff = Tariff(
        time_zone="Europe/Copenhagen", currency="DKK", vat_rate=0.25, components=components
    )
    return slot_price(tariff, datetime(2023, 2, 1, hour, tzinfo=CPH), timedelta(hours=1), market)


def row(label: str, price: SlotPrice) -> str:
    parts = price.components
    cells = [
        price.market,
        parts["CD (5790001089030)"],
        parts["41000 (5790000432752)"],
        parts["40000 (5790000432752)"],
        parts["EA-001 (5790000432752)"],
        price.vat,
    ]
    return f"| {label} | " + " | ".join(f"{v:.5f}" for v in cells) + f" | **{price.total:.5f}** |"


def test_worked_example_rows_are_the_model_prices() -> None:
    night = danish_hour(3, 1.00)
    evening = danish_hour(18, 1.20)
    assert row("03:00-04:00", night) in DOC
    assert row("18:00-19:00", evening) in DOC
    gap = evening.total - night.total
    assert f"is {gap:.5f} DKK/kWh\nhigher" in DOC
    assert f"saves {2 * gap:.5f} DKK, not the {2 * (evening.market - night.market):.5f} DKK" in DOC


def test_capacity_example_is_the_marginal_cost_of_the_elvia_steps() -> None:
    period = preset("norway", "no_elvia").periods[0]
    rule = period.capacity
    assert isinstance(rule, DailyPeaksStepRule)
    state = rule.state([4.6, 4.4, 4.2], [1, 2, 3])
    before = rule.fee_for(rule.billed_kw(list(state.daily_peaks_kw.values())))
    marginal = rule.marginal_cost(state, [4], [3.0], [3.0])
    assert f"4.2 kW pays {before:.0f} NOK" in DOC
    assert f"marginal capacity cost is\n{marginal:.0f} NOK" in DOC
    assert (
        f"{rule.fee_for(2.0):.0f} NOK/month from 2 kW and {rule.fee_for(5.0):.0f} NOK/month" in DOC
    )
