"""Capacity charges: the month's charge, and the marginal cost the optimizer plans with."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.price_optimizer.core.tariffs.capacity import (
    CapacityStep,
    DailyPeaksStepRule,
    MonthlyPeakRule,
    capacity_rule_from_dict,
    capacity_rule_to_dict,
    with_vat,
)
from custom_components.price_optimizer.core.tariffs.issues import TariffError

# Elvia 2024-10 household steps, NOK per month excl. VAT (TARIFF_FACTS.md).
ELVIA = DailyPeaksStepRule(
    steps=tuple(
        CapacityStep(t, f)
        for t, f in [(0, 112), (2, 184), (5, 300), (10, 420), (15, 540), (20, 656), (25, 1248)]
    )
)


def brute_step_charge(rule: DailyPeaksStepRule, kwh: list[float], days: list[int]) -> float:
    """The rule's fee from first principles: per-day maxima, top N mean, last step reached."""
    peaks = [max(k for k, d in zip(kwh, days, strict=True) if d == day) for day in set(days)]
    top = sorted(peaks)[::-1][: rule.peaks_counted]
    mean = sum(top) / len(top) if top else 0.0
    fee = rule.steps[0].monthly_fee
    for step in rule.steps:
        if mean >= step.threshold_kw if rule.threshold_included else mean > step.threshold_kw:
            fee = step.monthly_fee
    return fee


def test_step_fee_uses_the_mean_of_three_highest_peaks_on_different_days() -> None:
    # Day 1 has two high hours; only its highest counts.
    kwh = [6.0, 5.9, 1.0, 4.0, 1.0, 4.9, 0.5]
    days = [1, 1, 1, 2, 2, 3, 4]
    assert ELVIA.billed_kw(list(ELVIA.state(kwh, days).daily_peaks_kw.values())) == pytest.approx(
        (6.0 + 4.0 + 4.9) / 3
    )
    assert ELVIA.charge(kwh, days) == 184


def test_threshold_included_puts_exactly_five_kw_in_the_five_to_ten_step() -> None:
    assert ELVIA.fee_for(5.0) == 300
    exclusive = DailyPeaksStepRule(steps=ELVIA.steps, threshold_included=False)
    assert exclusive.fee_for(5.0) == 184


def test_month_with_fewer_days_than_peaks_counted_uses_the_days_it_has() -> None:
    assert ELVIA.charge([3.0], [date(2024, 10, 1)]) == 184
    assert ELVIA.charge([], []) == 112


@settings(max_examples=300)
@given(
    data=st.data(),
    thresholds=st.lists(st.floats(0.5, 12), min_size=1, max_size=4, unique=True),
    fees=st.lists(st.floats(0, 500), min_size=5, max_size=5),
    counted=st.integers(1, 4),
    included=st.booleans(),
)
def test_step_marginal_cost_equals_brute_force(
    data: st.DataObject,
    thresholds: list[float],
    fees: list[float],
    counted: int,
    included: bool,
) -> None:
    steps = (0.0, *sorted(thresholds))
    rule = DailyPeaksStepRule(
        steps=tuple(CapacityStep(t, f) for t, f in zip(steps, fees, strict=False)),
        peaks_counted=counted,
        threshold_included=included,
    )
    energy = st.floats(0, 8, allow_nan=False)
    past_days = data.draw(st.lists(st.integers(0, 5), max_size=12).map(sorted))
    past = data.draw(st.lists(energy, min_size=len(past_days), max_size=len(past_days)))
    # Future hours start on the last measured day (today) or later.
    first = past_days[-1] if past_days else 0
    future_days = data.draw(st.lists(st.integers(first, first + 3), max_size=12).map(sorted))
    n = len(future_days)
    base = data.draw(st.lists(energy, min_size=n, max_size=n))
    added = data.draw(st.lists(st.floats(0, 11, allow_nan=False), min_size=n, max_size=n))
    state = rule.state(past, past_days)
    marginal = rule.marginal_cost(state, future_days, base, added)
    with_load = [b + a for b, a in zip(base, added, strict=True)]
    expected = brute_step_charge(
        rule, past + with_load, past_days + future_days
    ) - brute_step_charge(rule, past + base, past_days + future_days)
    assert marginal == pytest.approx(expected)
    assert rule.charge(past + with_load, past_days + future_days) == pytest.approx(
        brute_step_charge(rule, past + with_load, past_days + future_days)
    )


@settings(max_examples=300)
@given(
    data=st.data(),
    fee=st.floats(0, 10),
    floor=st.floats(0, 5),
    interval=st.sampled_from([15, 60]),
    rolling=st.integers(1, 12),
)
def test_peak_marginal_cost_equals_brute_force(
    data: st.DataObject, fee: float, floor: float, interval: int, rolling: int
) -> None:
    rule = MonthlyPeakRule(
        fee_per_kw_month=fee, floor_kw=floor, interval_minutes=interval, rolling_months=rolling
    )
    energy = st.floats(0, 4, allow_nan=False)
    past = data.draw(st.lists(energy, max_size=10))
    n = data.draw(st.integers(0, 10))
    base = data.draw(st.lists(energy, min_size=n, max_size=n))
    added = data.draw(st.lists(energy, min_size=n, max_size=n))
    earlier = data.draw(st.lists(st.floats(0, 20), max_size=13))
    per_hour = 60 / interval

    def brute(kwh: list[float]) -> float:
        peak = max(kwh, default=0.0) * per_hour
        months = [*(earlier[-(rolling - 1) :] if rolling > 1 else []), peak]
        return fee * sum(max(p, floor) for p in months) / len(months)

    with_load = [b + a for b, a in zip(base, added, strict=True)]
    marginal = rule.marginal_cost(rule.peak_kw(past), base, added, earlier)
    assert marginal == pytest.approx(brute(past + with_load) - brute(past + base), abs=1e-9)
    assert rule.charge(past + with_load, earlier) == pytest.approx(brute(past + with_load))


def test_flemish_peak_charge_has_a_floor_and_uses_quarter_hour_power() -> None:
    antwerpen = MonthlyPeakRule(fee_per_kw_month=49.40 / 12, floor_kw=2.5, interval_minutes=15)
    assert antwerpen.charge([0.25, 0.5]) == pytest.approx(49.40 / 12 * 2.5)
    # 1.5 kWh in a quarter hour is a 6 kW peak.
    assert antwerpen.charge([0.25, 1.5]) == pytest.approx(49.40 / 12 * 6.0)
    rolling = MonthlyPeakRule(fee_per_kw_month=1.0, floor_kw=2.5, rolling_months=12)
    assert rolling.charge_for_peak(6.0, [1.0] * 11) == pytest.approx((6.0 + 11 * 2.5) / 12)


def plan_cost(step_fee: float, saving_per_kwh: float) -> tuple[int, float]:
    """The cheapest start of a 3 kW, 3-hour water heater, by brute force over the day's hours.

    The night (00-05) is cheaper by ``saving_per_kwh`` but carries 3 kWh of base load per hour,
    so heating then lifts the day's peak to 6 kW and the month over the 5 kW step.
    """
    rule = DailyPeaksStepRule(steps=(CapacityStep(0, 200), CapacityStep(5, 200 + step_fee)))
    state = rule.state([4.6, 4.4, 4.2], [1, 2, 3])
    base = [3.0] * 6 + [1.0] * 18
    prices = [1.0 - saving_per_kwh] * 6 + [1.0] * 18
    days = [4] * 24
    best: tuple[float, int] | None = None
    for start in range(22):
        added = [3.0 if start <= h < start + 3 else 0.0 for h in range(24)]
        energy_cost = sum(a * p for a, p in zip(added, prices, strict=True))
        cost = energy_cost + rule.marginal_cost(state, days, base, added)
        if best is None or cost < best[0]:
            best = (cost, start)
    assert best is not None
    return best[1], best[0]


def test_plan_avoids_a_step_when_crossing_costs_more_than_the_night_saves() -> None:
    start, cost = plan_cost(step_fee=116.0, saving_per_kwh=0.6)
    assert start >= 6
    assert cost == pytest.approx(9.0)


def test_plan_crosses_a_step_when_the_night_saves_more_than_it_costs() -> None:
    start, cost = plan_cost(step_fee=4.0, saving_per_kwh=0.6)
    assert start <= 3
    assert cost == pytest.approx(9 * 0.4 + 4.0)


def test_vat_raises_every_fee_and_keeps_the_thresholds() -> None:
    with_tax = with_vat(ELVIA, 0.25)
    assert isinstance(with_tax, DailyPeaksStepRule)
    assert [s.threshold_kw for s in with_tax.steps] == [s.threshold_kw for s in ELVIA.steps]
    # Elvia's 15-20 kW step, 540 NOK excl. VAT, is 675 NOK on the bill.
    assert with_tax.charge([16.0, 15.5, 15.0], [1, 2, 3]) == pytest.approx(675.0)
    flemish = with_vat(MonthlyPeakRule(fee_per_kw_month=4.0, floor_kw=2.5), 0.21)
    assert flemish.charge([0.25]) == pytest.approx(4.0 * 1.21 * 2.5)


def test_headroom_is_the_rise_left_before_the_next_step() -> None:
    state = ELVIA.state([4.6, 4.4, 4.2], [1, 2, 3])
    assert ELVIA.headroom_kw(state, [4], [1.0]) == pytest.approx(5 - 4.4)


def test_capacity_rules_round_trip_through_plain_dicts() -> None:
    peak = MonthlyPeakRule(
        fee_per_kw_month=4.0, floor_kw=2.5, interval_minutes=15, rolling_months=12
    )
    for rule in (ELVIA, peak):
        assert capacity_rule_from_dict(capacity_rule_to_dict(rule)) == rule


def issue_of(data: dict[str, Any]) -> tuple[str, dict[str, str]]:
    with pytest.raises(TariffError) as err:
        capacity_rule_from_dict(data)
    return err.value.issue.code, dict(err.value.issue.placeholders)


def steps_rule(*steps: tuple[Any, Any]) -> dict[str, Any]:
    return {
        "kind": "daily_peaks_step",
        "steps": [{"threshold_kw": t, "monthly_fee": f} for t, f in steps],
    }


def test_negative_capacity_step_names_the_step_and_field() -> None:
    assert issue_of(steps_rule((0, 100), (5, -1))) == (
        "capacity_step_negative",
        {"step": "2", "field": "monthly_fee", "value": "-1"},
    )
    assert issue_of(steps_rule((0, 100), (-5, 1)))[0] == "capacity_step_negative"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (steps_rule((0, 100), (5, 200), (5, 300)), "capacity_steps_unordered"),
        (steps_rule((2, 100)), "capacity_steps_unordered"),
        (steps_rule(), "capacity_steps_missing"),
        ({**steps_rule((0, 1)), "peaks_counted": 0}, "capacity_rule_invalid"),
        ({"kind": "monthly_peak"}, "field_missing"),
        ({"kind": "monthly_peak", "fee_per_kw_month": -1}, "capacity_rule_invalid"),
        (
            {"kind": "monthly_peak", "fee_per_kw_month": 1, "interval_minutes": 30},
            "capacity_rule_invalid",
        ),
        (
            {"kind": "monthly_peak", "fee_per_kw_month": 1, "rolling_months": 13},
            "capacity_rule_invalid",
        ),
        ({"kind": "yearly"}, "capacity_rule_invalid"),
        (steps_rule((0, "100")), "field_invalid"),
    ],
)
def test_bad_capacity_rules_have_precise_codes(data: dict[str, Any], code: str) -> None:
    assert issue_of(data)[0] == code


def test_load_profiles_of_different_lengths_are_refused() -> None:
    state = ELVIA.state([1.0], [1])
    with pytest.raises(ValueError, match="same length"):
        ELVIA.marginal_cost(state, [2, 2], [1.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="one day label"):
        ELVIA.state([1.0, 2.0], [1])
    with pytest.raises(ValueError, match="same length"):
        MonthlyPeakRule(fee_per_kw_month=1.0).marginal_cost(0.0, [1.0], [])


def test_headroom_is_unbounded_in_the_top_step() -> None:
    assert ELVIA.headroom_kw(ELVIA.state([30.0], [1]), [], []) == float("inf")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"kind": "monthly_peak", "fee_per_kw_month": "4"}, "field_invalid"),
        ({"kind": "daily_peaks_step", "steps": [7]}, "field_invalid"),
    ],
)
def test_more_bad_capacity_rules(data: dict[str, Any], code: str) -> None:
    assert issue_of(data)[0] == code
