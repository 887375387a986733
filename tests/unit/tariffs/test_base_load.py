"""The expected base load from a house power or energy sensor's history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.price_optimizer.core.tariffs.base_load import (
    BaseLoadProfile,
    energy_from_meter,
    energy_from_power,
    learn_base_load,
)
from tests.household_meter import HOUSEHOLD, consumption_readings

HOUR = timedelta(hours=1)
QUARTER = timedelta(minutes=15)
T0 = datetime(2024, 1, 1, tzinfo=UTC)  # a Monday
PREFIX = "DE_KN_residential4_"


def test_power_samples_are_held_until_the_next_sample() -> None:
    samples = [(T0, 2.0), (T0 + timedelta(minutes=10), 0.5), (T0 + timedelta(minutes=40), 1.0)]
    energy = energy_from_power(samples, T0 + HOUR, QUARTER)
    assert energy[T0] == pytest.approx(2.0 * 10 / 60 + 0.5 * 5 / 60)
    assert energy[T0 + QUARTER] == pytest.approx(0.5 * 15 / 60)
    assert energy[T0 + 2 * QUARTER] == pytest.approx(0.5 * 10 / 60 + 1.0 * 5 / 60)
    assert energy[T0 + 3 * QUARTER] == pytest.approx(1.0 * 15 / 60)
    assert sum(energy.values()) == pytest.approx(2 / 6 + 0.5 / 2 + 1 / 3)


def test_meter_readings_are_spread_evenly_and_a_reset_is_skipped() -> None:
    samples = [(T0, 100.0), (T0 + 2 * HOUR, 102.0), (T0 + 3 * HOUR, 0.5), (T0 + 4 * HOUR, 1.5)]
    energy = energy_from_meter(samples, HOUR)
    assert energy == {T0: 1.0, T0 + HOUR: 1.0, T0 + 3 * HOUR: 1.0}


def test_profile_learns_the_mean_per_weekday_and_local_hour() -> None:
    zone = "Europe/Berlin"
    energy = {}
    for week in range(3):
        for hour in range(24 * 7):
            start = T0 + (week * 24 * 7 + hour) * HOUR
            local = start.astimezone(ZoneInfo(zone))
            energy[start] = 2.0 + week if local.hour == 18 and local.weekday() == 0 else 0.3
    profile = learn_base_load(energy, HOUR, zone)
    monday_18 = datetime(2024, 3, 4, 18, tzinfo=ZoneInfo(zone))
    assert profile.power_at(monday_18) == pytest.approx(3.0)
    assert profile.power_at(monday_18 + timedelta(days=1)) == pytest.approx(0.3)
    assert profile.expected_kwh([monday_18], QUARTER) == [pytest.approx(0.75)]


def test_a_cautious_profile_learns_a_quantile_plus_a_margin() -> None:
    # Four Mondays at 18:00 drawing 1, 2, 3 and 7 kW; every other hour 0.5 kW.
    energy = {}
    for week, monday_kw in enumerate((1.0, 2.0, 3.0, 7.0)):
        for hour in range(24 * 7):
            start = T0 + (week * 24 * 7 + hour) * HOUR
            energy[start] = monday_kw if hour == 18 else 0.5
    monday_18 = T0 + 18 * HOUR
    assert learn_base_load(energy, HOUR, "UTC").power_at(monday_18) == pytest.approx(3.25)
    # p80 of four samples lies 0.4 of the way from the third to the fourth.
    p80 = learn_base_load(energy, HOUR, "UTC", quantile=0.8)
    assert p80.power_at(monday_18) == pytest.approx(3.0 + 0.4 * (7.0 - 3.0))
    assert p80.power_at(monday_18 + HOUR) == pytest.approx(0.5)
    assert learn_base_load(energy, HOUR, "UTC", quantile=1.0).power_at(monday_18) == 7.0
    cautious = learn_base_load(energy, HOUR, "UTC", quantile=0.0, margin_kw=0.75)
    assert cautious.power_at(monday_18) == pytest.approx(1.75)
    assert cautious.power_at(monday_18 + HOUR) == pytest.approx(1.25)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"quantile": 1.5}, "quantile"),
        ({"quantile": -0.1}, "quantile"),
        ({"margin_kw": -1.0}, "margin"),
    ],
)
def test_a_cautious_profile_refuses_a_quantile_outside_0_1_or_a_negative_margin(
    options: dict[str, float], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        learn_base_load({T0: 1.0}, HOUR, "UTC", **options)


def test_profile_falls_back_to_the_same_slot_on_other_days_then_zero() -> None:
    profile = BaseLoadProfile(time_zone="UTC", slot_minutes=60, kw={(0, 3): 1.0, (2, 3): 2.0})
    assert profile.power_at(T0 + timedelta(days=1, hours=3)) == 1.5
    assert profile.power_at(T0 + timedelta(hours=4)) == 0.0
    assert BaseLoadProfile().expected_kwh([T0, T0 + HOUR], HOUR) == [0.0, 0.0]


def test_slot_length_must_divide_the_day() -> None:
    with pytest.raises(ValueError, match="divide the day"):
        learn_base_load({}, HOUR, "UTC", slot_minutes=7)


@pytest.mark.skipif(not HOUSEHOLD.exists(), reason="the household data is not here")
def test_real_household_meter_learns_a_plausible_profile() -> None:
    # Household consumption = grid import + PV - export, from cumulative kWh counters.
    energy = energy_from_meter(consumption_readings("", "2016-03-01"), HOUR)
    profile = learn_base_load(energy, HOUR, "Europe/Berlin")
    assert len(profile.kw) == 7 * 24
    assert all(kw >= 0 for kw in profile.kw.values())
    mean = sum(profile.kw.values()) / len(profile.kw)
    assert mean == pytest.approx(sum(energy.values()) / len(energy), rel=0.05)
