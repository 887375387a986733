"""Cheapest windows, savings estimates and the ledger of realised savings."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from custom_components.price_optimizer.core.optimizer import (
    CyclePhase,
    PlannedRun,
    PlanningError,
    PlanRequest,
    SavingsLedger,
    estimate_savings,
    find_cheapest_windows,
    preset,
    realised_costs,
)
from custom_components.price_optimizer.core.optimizer.savings import profile_cost
from custom_components.price_optimizer.core.prices import PriceSeries, PriceSlot

T0 = datetime(2026, 5, 4, tzinfo=UTC)
HOUR = timedelta(hours=1)
QUARTER = timedelta(minutes=15)


def hourly(*prices: float) -> PriceSeries:
    return PriceSeries(tuple(PriceSlot(T0 + i * HOUR, HOUR, p) for i, p in enumerate(prices)))


def test_cheapest_windows_are_ranked_and_do_not_overlap() -> None:
    prices = hourly(5, 1, 1, 4, 2, 2, 9, 1)
    windows = find_cheapest_windows(prices, 2 * HOUR, now=T0, count=3, power_kw=2.0)
    assert [w.start for w in windows] == [T0 + HOUR, T0 + 4 * HOUR, T0 + 6 * HOUR]
    assert windows[0].average_price == pytest.approx(1.0)
    assert windows[0].cost == pytest.approx(4.0)
    assert windows[0].as_dict()["end"] == (T0 + 3 * HOUR).isoformat()


def test_windows_respect_bounds_partial_slots_and_quarter_hours() -> None:
    prices = PriceSeries(
        tuple(PriceSlot(T0 + i * QUARTER, QUARTER, p) for i, p in enumerate([4, 1, 2, 3, 1, 1]))
    )
    (window,) = find_cheapest_windows(
        prices, timedelta(minutes=20), now=T0, earliest_start=T0 + 2 * QUARTER
    )
    assert window.start == T0 + 4 * QUARTER
    assert window.end == T0 + 4 * QUARTER + timedelta(minutes=20)
    assert window.average_price == pytest.approx(1.0)
    (late,) = find_cheapest_windows(prices, 2 * QUARTER, now=T0, latest_end=T0 + 3 * QUARTER)
    assert late.start == T0 + QUARTER


@pytest.mark.parametrize(
    ("duration", "count", "code"),
    [
        (timedelta(0), 1, "duration_invalid"),
        (HOUR, 0, "count_invalid"),
        (5 * HOUR, 1, "window_too_short"),
    ],
)
def test_window_requests_that_cannot_be_answered_say_why(
    duration: timedelta, count: int, code: str
) -> None:
    with pytest.raises(PlanningError) as caught:
        find_cheapest_windows(hourly(1, 2, 3, 4), duration, now=T0, count=count)
    assert caught.value.issue.code == code


def test_a_gap_in_the_prices_leaves_no_window() -> None:
    gapped = PriceSeries((PriceSlot(T0, HOUR, 1.0), PriceSlot(T0 + 2 * HOUR, HOUR, 1.0)))
    with pytest.raises(PlanningError) as caught:
        find_cheapest_windows(gapped, 2 * HOUR, now=T0)
    assert caught.value.issue.code == "window_too_short"


def test_estimate_savings_compares_with_running_now() -> None:
    dryer = preset(
        "dryer", "d", "Dryer", daily_ready_by=None, earliest_start=T0, deadline=T0 + 4 * HOUR
    )
    estimate = estimate_savings(PlanRequest(prices=hourly(4, 3, 1, 2), now=T0, appliances=(dryer,)))
    assert (estimate.run_now_cost, estimate.optimised_cost) == (
        pytest.approx(12.0),
        pytest.approx(3.0),
    )
    assert estimate.savings == pytest.approx(9.0)
    assert estimate.savings_percent == pytest.approx(75.0)
    data = estimate.as_dict()
    assert data["savings_percent"] == 75.0
    assert data["schedule"]["plans"][0]["runs"][0]["start"] == (T0 + 2 * HOUR).isoformat()
    negative = estimate_savings(PlanRequest(prices=hourly(-4, -3), now=T0, appliances=(dryer,)))
    assert negative.savings_percent is None
    assert negative.as_dict()["savings_percent"] is None


def test_profile_cost_needs_every_price() -> None:
    prices = hourly(1, 2)
    assert profile_cost(
        prices, T0 + 30 * timedelta(minutes=1), (CyclePhase(HOUR, 2.0),)
    ) == pytest.approx(3.0)
    assert profile_cost(prices, T0 + HOUR, (CyclePhase(2 * HOUR, 1.0),)) is None


def test_realised_costs_use_the_prices_paid() -> None:
    prices = hourly(5, 4, 1, 1)
    dryer = preset("dryer", "d", "Dryer", duration=HOUR)
    ran = PlannedRun(start=T0 + 2 * HOUR, end=T0 + 3 * HOUR, power_kw=3.0, energy_kwh=3.0, cost=0.0)
    assert realised_costs(dryer, [ran], T0, prices) == (pytest.approx(3.0), pytest.approx(15.0))
    ev = preset("ev_charger", "e", "EV", power_kw=2.0)
    blocks = [
        PlannedRun(start=T0 + 2 * HOUR, end=T0 + 4 * HOUR, power_kw=2.0, energy_kwh=4.0, cost=0.0),
    ]
    assert realised_costs(ev, blocks, T0, prices) == (pytest.approx(4.0), pytest.approx(18.0))
    assert realised_costs(ev, blocks, T0 + 3 * HOUR, prices) is None
    late = [
        PlannedRun(start=T0 + 3 * HOUR, end=T0 + 5 * HOUR, power_kw=2.0, energy_kwh=4.0, cost=0.0)
    ]
    assert realised_costs(ev, late, T0, prices) is None
    half_past = T0 + 3 * HOUR + 30 * timedelta(minutes=1)
    cut_short = PlannedRun(
        start=half_past, end=half_past + HOUR, power_kw=3.0, energy_kwh=3.0, cost=0.0
    )
    assert realised_costs(dryer, [cut_short], T0, prices) is None
    assert realised_costs(dryer, [ran], T0 + 3 * HOUR + HOUR, prices) is None


def test_ledger_adds_each_occurrence_once() -> None:
    ledger = SavingsLedger().record(T0, paid=3.0, baseline=15.0)
    ledger = ledger.record(T0, paid=3.0, baseline=15.0)
    ledger = ledger.record(T0 + 24 * HOUR, paid=5.0, baseline=4.0)
    assert (ledger.total, ledger.runs, ledger.recorded_through) == (11.0, 2, T0 + 24 * HOUR)
    assert SavingsLedger.from_dict(ledger.as_dict()) == ledger
    assert SavingsLedger.from_dict({}) == SavingsLedger()


def test_each_window_says_how_much_of_it_is_priced_by_the_forecast() -> None:
    published = hourly(5, 5, 3, 1, 1)
    prices = PriceSeries(
        (*published.slots[:3], *(replace(s, origin="forecast") for s in published.slots[3:]))
    )
    (window,) = find_cheapest_windows(prices, 2 * HOUR, now=T0)
    assert (window.start, window.forecast_share, window.includes_forecast) == (
        T0 + 3 * HOUR,
        1.0,
        True,
    )
    (mixed,) = find_cheapest_windows(prices, 2 * HOUR, now=T0, latest_end=T0 + 4 * HOUR)
    assert (mixed.start, mixed.forecast_share) == (T0 + 2 * HOUR, 0.5)
    assert mixed.as_dict()["includes_forecast"] is True
    (market,) = find_cheapest_windows(prices, 2 * HOUR, now=T0, published_only=True)
    assert (market.start, market.forecast_share, market.includes_forecast) == (
        T0 + HOUR,
        0.0,
        False,
    )
    with pytest.raises(PlanningError) as caught:
        find_cheapest_windows(prices, 4 * HOUR, now=T0, published_only=True)
    assert caught.value.issue.code == "published_prices_too_short"
    assert caught.value.issue.placeholders["prices_until"] == (T0 + 3 * HOUR).isoformat()
