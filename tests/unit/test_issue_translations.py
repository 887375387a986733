"""Every reason the optimizer gives has a translated message whose placeholders it fills."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
import math
import string
from typing import get_args

import pytest

from custom_components.price_optimizer.appliance_flow import ERROR_FIELDS
from custom_components.price_optimizer.core.optimizer import (
    ISSUE_CODES,
    ApplianceError,
    ApplianceState,
    PlanIssue,
    PlanningError,
    PlanRequest,
    find_cheapest_windows,
    plan,
    preset,
)
from custom_components.price_optimizer.core.optimizer.battery import Battery
from custom_components.price_optimizer.core.plug_target import TopicProblem
from custom_components.price_optimizer.core.prices import PriceSeries, PriceSlot
from tests.translations import TRANSLATIONS

T0 = datetime(2026, 3, 2, tzinfo=UTC)
HOUR = timedelta(hours=1)
PRICES = PriceSeries(tuple(PriceSlot(T0 + i * HOUR, HOUR, p) for i, p in enumerate([1, 2, 3, 4])))
END = T0 + 4 * HOUR


def one_off(kind: str, name: str, end: datetime = END, **changes: object):  # type: ignore[no-untyped-def]
    return preset(
        kind,  # type: ignore[arg-type]
        name,
        name,
        **{"daily_ready_by": None, "earliest_start": T0, "deadline": end, **changes},
    )


class NoSun:
    """A solar forecast of a dull day: known, and nothing."""

    def expected_kw(self, starts: Sequence[datetime], duration: timedelta) -> list[float | None]:
        return [0.0 for _ in starts]


def raised_issues() -> list[PlanIssue]:
    """Make the optimizer give every reason it has, the way a user would run into it."""
    found: list[PlanIssue] = []
    dryer = one_off("dryer", "Dryer")
    heater = one_off("water_heater", "Heater")
    for broken in (
        replace(dryer, power_kw=0),
        replace(dryer, min_power_kw=1.0),
        replace(dryer, duration=None),
        replace(heater, duration=-HOUR, energy_kwh=None),
        replace(dryer, energy_kwh=3.0),
        replace(heater, max_energy_kwh=2.0),
        replace(heater, phases=dryer.profile),
        replace(dryer, deadline=T0 - HOUR),
        replace(dryer, daily_ready_by=time(7)),
        replace(dryer, min_on_time=-HOUR),
        replace(heater, max_starts_per_day=0),
        replace(dryer, max_energy_kwh=5.0),
        replace(dryer, duration=-HOUR),
        replace(dryer, price_cap=math.nan),
        Battery("Battery", capacity_kwh=0.0, soc=0.5, max_charge_kw=3.0, max_discharge_kw=3.0),
    ):
        with pytest.raises(ApplianceError) as caught:
            broken.validate()
        found.append(caught.value.issue)
    pump = one_off("pool_pump", "Pump", duration=3 * HOUR, min_on_time=HOUR)
    running_dryer = one_off("dryer", "Running dryer", duration=2 * HOUR)
    gapped = PriceSeries(tuple(s for s in PRICES.slots if s.start != T0 + 2 * HOUR))
    requests = [
        PlanRequest(
            prices=PRICES,
            now=T0,
            household_limit_kw=5.0,
            appliances=(
                one_off("dishwasher", "Long", T0 + 2 * HOUR, duration=3 * HOUR),
                one_off("ev_charger", "Strong"),
                one_off("water_heater", "Much", energy_kwh=20.0, max_energy_kwh=None),
                one_off("ev_charger", "Car", duration=None, energy_kwh=50.0, power_kw=4.5),
                one_off("dryer", "Late", T0 - HOUR, earliest_start=T0 - 2 * HOUR),
                one_off("dryer", "Beyond", END + HOUR),
            ),
        ),
        PlanRequest(
            prices=PRICES,
            now=T0,
            household_limit_kw=3.5,
            appliances=(pump, running_dryer),
            states={"Running dryer": ApplianceState(running_since=T0)},
        ),
        PlanRequest(
            prices=PRICES,
            now=T0,
            appliances=(
                one_off("dishwasher", "Capped", price_cap=0.5),
                one_off("dryer", "Sunny", surplus_only=True),
            ),
        ),
        PlanRequest(
            prices=PRICES,
            now=T0,
            appliances=(one_off("dryer", "Cloudy", surplus_only=True),),
            solar=NoSun(),
        ),
        PlanRequest(
            prices=gapped,
            now=T0,
            appliances=(one_off("pool_pump", "Gapped", duration=3 * HOUR, max_starts_per_day=1),),
        ),
    ]
    for request in requests:
        found.extend(p.issue for p in plan(request).plans if p.issue is not None)
    for duration, count in ((timedelta(0), 1), (HOUR, 0), (9 * HOUR, 1)):
        with pytest.raises(PlanningError) as window:
            find_cheapest_windows(PRICES, duration, now=T0, count=count)
        found.append(window.value.issue)
    for bounds in (
        {"latest_end": T0},
        {"earliest_start": T0 + 2 * HOUR, "latest_end": T0 + HOUR},
        {"published_only": True},
    ):
        forecast = PriceSeries(
            (*PRICES.slots[:1], *(replace(s, origin="forecast") for s in PRICES.slots[1:]))
        )
        with pytest.raises(PlanningError) as window:
            find_cheapest_windows(forecast, 2 * HOUR, now=T0, **bounds)  # type: ignore[arg-type]
        found.append(window.value.issue)
    return found


def placeholders(message: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


def test_every_reason_is_raised_and_its_message_has_what_it_needs() -> None:
    issues = raised_issues()
    assert {issue.code for issue in issues} == set(ISSUE_CODES)
    for issue in issues:
        message = TRANSLATIONS["exceptions"][issue.code]["message"]
        assert placeholders(message) <= set(issue.placeholders), issue
        message.format(**issue.placeholders)


def test_a_window_search_that_fits_nothing_has_its_own_message() -> None:
    (issue,) = [
        found
        for found in raised_issues()
        if found.code == "window_too_short" and found.placeholders["appliance"] == "-"
    ]
    message = TRANSLATIONS["exceptions"]["no_window_fits"]["message"]
    assert placeholders(message) <= set(issue.placeholders)
    assert "appliance" not in placeholders(message)


def test_every_reason_has_a_status_attribute_translation() -> None:
    reasons = TRANSLATIONS["entity"]["sensor"]["status"]["state_attributes"]["reason"]["state"]
    assert set(reasons) == set(ISSUE_CODES)


def test_every_form_error_is_translated() -> None:
    errors = TRANSLATIONS["config_subentries"]["appliance"]["error"]
    control = {"switch_missing", "device_missing", *get_args(TopicProblem)}
    form = {"phases_format", "datetime_format", "name_missing", "unknown"}
    assert set(ERROR_FIELDS) | form | control == set(errors)
