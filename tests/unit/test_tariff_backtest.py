"""The tariff backtest bills what its plans consume, and knowing more never costs more."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
import json
from pathlib import Path
import sys

import pytest

from benchmarks import tariff_backtest
from benchmarks.tariff_backtest import (
    PLANNED_KINDS,
    POLICIES,
    Replay,
    capacity_charge,
    capacity_terms,
    dk1_case,
    household_days,
    no1_case,
    replay,
    same_weekday_in_season,
)
from custom_components.price_optimizer.core.optimizer import preset
from custom_components.price_optimizer.core.tariffs.capacity import DailyPeaksStepRule

DAYS = 3
# Relative slack for plans the solver proves optimal within its gap.
SOLVER_TOLERANCE = 1e-4


@pytest.fixture(scope="module")
def house() -> dict[date, tuple[float, ...]]:
    """Return the real house's base load by local day."""
    return household_days()


@pytest.fixture(scope="module")
def danish(house: dict[date, tuple[float, ...]]) -> Replay:
    """Return three days of N1's tariff on DK1, where no capacity charge applies."""
    return replay(dk1_case(first_day=date(2023, 3, 14), days=DAYS), house)


@pytest.fixture(scope="module")
def result(house: dict[date, tuple[float, ...]]) -> Replay:
    """Return three days of Elvia's tariff on NO1, across a month's end."""
    return replay(no1_case(first_day=date(2024, 10, 30), days=DAYS), house)


def _appliance_loads(result: Replay, policy: str) -> dict[datetime, float]:
    return {q: kwh - result.base.get(q, 0.0) for q, kwh in result.loads[policy].items()}


def _daily_peaks(result: Replay, loads: Mapping[datetime, float]) -> dict[str, dict[date, float]]:
    hours: dict[datetime, float] = {}
    for quarter, kwh in loads.items():
        start = quarter.replace(minute=0)
        hours[start] = hours.get(start, 0.0) + kwh
    months: dict[str, dict[date, float]] = {}
    for start, kwh in hours.items():
        day = start.astimezone(result.case.zone).date()
        peaks = months.setdefault(day.strftime("%Y-%m"), {})
        peaks[day] = max(peaks.get(day, 0.0), kwh)
    return months


def test_bills_are_the_energies_at_total_prices_plus_the_capacity_step(result: Replay) -> None:
    case = result.case
    for policy in POLICIES:
        loads = result.loads[policy]
        bill = result.bills[policy]
        assert bill.energy_kwh == pytest.approx(sum(loads.values()))
        assert bill.energy_cost == pytest.approx(
            sum(kwh * result.prices[q] for q, kwh in loads.items())
        )
        months = _daily_peaks(result, loads)
        assert sorted(bill.monthly_capacity) == sorted(months) == ["2024-10", "2024-11"]
        for month, peaks in months.items():
            rule = case.capacity_rule(date.fromisoformat(f"{month}-01"))
            assert isinstance(rule, DailyPeaksStepRule)
            top = sorted(peaks.values(), reverse=True)[:3]
            fee = rule.fee_for(sum(top) / len(top))
            assert bill.monthly_capacity[month] == pytest.approx(fee * (1 + case.capacity_vat))
        assert bill.total == pytest.approx(bill.energy_cost + sum(bill.monthly_capacity.values()))


def test_every_policy_runs_each_appliance_on_top_of_the_same_base_load(result: Replay) -> None:
    appliances = [preset(kind, kind, kind) for kind in PLANNED_KINDS]
    least = DAYS * sum(a.target_energy_kwh for a in appliances)
    most = DAYS * sum(a.flexible_energy_kwh for a in appliances)
    assert sum(result.base.values()) > DAYS * 5
    for policy in POLICIES:
        assert result.blocked[policy] == 0
        planned = _appliance_loads(result, policy)
        assert min(planned.values()) >= -1e-9, policy
        assert least - 1e-6 <= sum(planned.values()) <= most + 1e-6, policy
        assert set(result.base) <= set(result.loads[policy])


def test_without_a_capacity_charge_the_total_price_plan_pays_least_for_its_energy(
    danish: Replay,
) -> None:
    def appliance_cost(policy: str) -> float:
        planned = _appliance_loads(danish, policy)
        return sum(kwh * danish.prices[q] for q, kwh in planned.items())

    spot, total = appliance_cost("spot_only"), appliance_cost("total_price")
    assert total <= spot + SOLVER_TOLERANCE * abs(spot)
    assert danish.bills["perfect"].total == pytest.approx(danish.bills["total_price"].total)
    assert all(bill.capacity_cost == 0 for bill in danish.bills.values())


def test_the_danish_total_price_adds_n1_energinet_and_the_tax_with_vat(danish: Replay) -> None:
    # 2023-03-14 18:00 in Copenhagen: N1's peak band (17-20) of the first quarter.
    evening = datetime.fromisoformat("2023-03-14T17:00:00+00:00")
    market = danish.case.market.slot_at(evening)
    assert market is not None
    expected = (market.price + 1.05619 + 0.054 + 0.058 + 0.008) * 1.25
    assert danish.prices[evening] == pytest.approx(expected)


def test_perfect_foresight_is_never_dearer_than_planning_on_the_total_price(
    house: dict[date, tuple[float, ...]],
) -> None:
    # On one plan day the perfect plan's objective is its bill less a constant, so it can lose
    # to the total-price plan only by what its solve left open (objective minus bound).
    one_day = replay(no1_case(first_day=date(2024, 11, 12), days=1), house)
    (report,) = one_day.solves["perfect"]
    assert report.objective is not None
    assert report.bound is not None
    left_open = report.objective - report.bound
    perfect = one_day.bills["perfect"].total
    total = one_day.bills["total_price"].total
    assert perfect <= total + left_open + SOLVER_TOLERANCE * abs(total)


def test_the_plan_weighs_the_capacity_fee_the_bill_charges(result: Replay) -> None:
    # Energy prices are planned with VAT, so the capacity fee they are traded against must be.
    month_start = datetime.fromisoformat("2024-10-01T00:00:00+02:00").astimezone(UTC)
    month_end = datetime.fromisoformat("2024-11-01T00:00:00+01:00").astimezone(UTC)
    loads = result.loads["total_price"]
    terms = capacity_terms(result.case, loads, month_end - timedelta(hours=11))
    assert terms is not None
    october = {q: kwh for q, kwh in loads.items() if month_start <= q < month_end}
    billed = result.bills["total_price"].monthly_capacity["2024-10"]
    planned = capacity_charge(terms.rule, october, result.case.zone)
    assert planned == pytest.approx(billed)


def test_the_total_price_adds_grid_tariff_taxes_and_vat_to_the_market(result: Replay) -> None:
    # 2024-10-31 is a Thursday: Elvia's day band applies from 06:00 local.
    oslo_noon = datetime.fromisoformat("2024-10-31T11:00:00+00:00")
    market = result.case.market.slot_at(oslo_noon)
    assert market is not None
    expected = (market.price + 0.2456 + 0.1644 + 0.01) * 1.25
    assert result.prices[oslo_noon] == pytest.approx(expected)


def test_a_replayed_day_takes_the_house_day_on_its_weekday_nearest_in_season(
    house: dict[date, tuple[float, ...]],
) -> None:
    target = date(2025, 1, 15)
    chosen = same_weekday_in_season(sorted(house), target)
    assert chosen.weekday() == target.weekday()
    assert abs(chosen.timetuple().tm_yday - target.timetuple().tm_yday) <= 3
    assert all(len(hours) == 24 for hours in house.values())


def test_a_day_whose_prices_have_a_gap_is_not_planned(house: dict[date, tuple[float, ...]]) -> None:
    # The NO1 file lacks the local 00:00 hour of 2024-12-31: the plan of 12-30 would span it.
    gap = replay(no1_case(first_day=date(2024, 12, 30), days=1), house)
    assert gap.skipped_days == [date(2024, 12, 30)]
    assert gap.planned_days == 0
    assert gap.unpriced_quarters == 4
    assert gap.loads["spot_only"] == gap.base


def test_the_json_holds_every_case_with_its_three_bills(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "tariff_backtest.json"
    monkeypatch.setattr(
        sys, "argv", ["tariff_backtest", "--cases", "DK1", "--days", "2", "--output", str(output)]
    )
    tariff_backtest.main()

    document = json.loads(output.read_text())
    assert list(document) == ["cases"]
    (case,) = document["cases"]
    required = {"name", "days", "spot_only_bill", "total_price_bill", "perfect_bill", "currency"}
    assert required <= set(case)
    assert (case["name"], case["days"], case["currency"]) == ("DK1", 2, "DKK")
    for policy in POLICIES:
        parts = case["policies"][policy]
        assert case[f"{policy}_bill"] == pytest.approx(
            parts["energy_cost"] + parts["capacity_cost"], abs=0.02
        )
        # Danish households pay no capacity charge.
        assert parts["capacity_cost"] == 0
        assert parts["energy_cost"] > 0
        assert case["solver"][policy]["plans"] == 2
        assert case["blocked_occurrences"][policy] == 0
