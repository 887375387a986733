"""The total price of a slot: bands in local time, validity dates, holidays, VAT, source kinds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from custom_components.price_optimizer.core.tariffs.issues import TariffError
from custom_components.price_optimizer.core.tariffs.model import (
    ExportPrice,
    Tariff,
    applicable_components,
    component_prices,
    slot_price,
    slot_prices,
    tariff_from_dict,
    tariff_to_dict,
    validate_tariff,
)

CPH = ZoneInfo("Europe/Copenhagen")
HOUR = timedelta(hours=1)


def peak_tariff(**extra: Any) -> dict[str, Any]:
    """A Danish-style tariff: off-peak 0.40, 17:00-20:00 1.00, valid in Q1 2023 only."""
    return {
        "time_zone": "Europe/Copenhagen",
        "currency": "DKK",
        "vat_rate": 0.25,
        "holiday_country": "DK",
        "components": [
            {
                "name": "grid",
                "kind": "grid",
                "valid_from": "2023-01-01",
                "valid_to": "2023-04-01",
                "base_price": 0.40,
                "bands": [{"price": 1.00, "times": [["17:00", "20:00"]]}],
            },
            {"name": "tax", "kind": "tax", "valid_from": "2023-01-01", "base_price": 0.01},
        ],
        **extra,
    }


def local_hours(day: date) -> list[datetime]:
    """The UTC starts of every hour of a local day, however long it is."""
    start = datetime(day.year, day.month, day.day, tzinfo=CPH).astimezone(UTC)
    end = (datetime(day.year, day.month, day.day, tzinfo=CPH) + timedelta(days=1)).astimezone(UTC)
    hours = []
    while start < end:
        hours.append(start)
        start += HOUR
    return hours


def test_total_is_market_times_multiplier_plus_components_then_vat() -> None:
    tariff = tariff_from_dict(peak_tariff(market_multiplier=1.1))
    start = datetime(2023, 2, 1, 17, tzinfo=CPH).astimezone(UTC)
    price = slot_price(tariff, start, HOUR, 0.5)
    assert price.components == {"grid": 1.00, "tax": 0.01}
    assert price.market_part == pytest.approx(0.55)
    assert price.vat == pytest.approx(0.25 * (0.55 + 1.01))
    assert price.total == pytest.approx(1.25 * (0.55 + 1.01))


def test_peak_band_follows_local_time_on_the_23_hour_day() -> None:
    tariff = tariff_from_dict(peak_tariff())
    # 2023-03-26: Denmark skips 02:00-03:00; the peak is still 17:00-20:00 local.
    hours = local_hours(date(2023, 3, 26))
    assert len(hours) == 23
    grid = [component_prices(tariff, h, HOUR)["grid"] for h in hours]
    peak_hours = [h.astimezone(CPH).hour for h, g in zip(hours, grid, strict=True) if g == 1.0]
    assert peak_hours == [17, 18, 19]
    assert sum(grid) == pytest.approx(20 * 0.40 + 3 * 1.00)


def test_repeated_hour_of_the_25_hour_day_is_priced_twice_by_its_wall_clock() -> None:
    tariff = tariff_from_dict(
        peak_tariff(
            components=[
                {
                    "name": "grid",
                    "valid_from": "2022-01-01",
                    "base_price": 0.40,
                    "bands": [{"price": 2.00, "times": [["02:00", "03:00"]]}],
                }
            ]
        )
    )
    hours = local_hours(date(2022, 10, 30))
    assert len(hours) == 25
    grid = [component_prices(tariff, h, HOUR)["grid"] for h in hours]
    assert grid.count(2.00) == 2
    assert sum(grid) == pytest.approx(23 * 0.40 + 2 * 2.00)


def test_slot_straddling_a_band_edge_is_priced_by_its_share_of_minutes() -> None:
    tariff = tariff_from_dict(peak_tariff())
    start = datetime(2023, 2, 1, 16, 30, tzinfo=CPH).astimezone(UTC)
    assert component_prices(tariff, start, HOUR)["grid"] == pytest.approx(0.5 * 0.40 + 0.5 * 1.00)
    quarter = timedelta(minutes=15)
    assert component_prices(tariff, start + 2 * quarter, quarter)["grid"] == 1.00


def test_components_change_on_their_validity_dates_at_local_midnight() -> None:
    tariff = tariff_from_dict(peak_tariff())
    last_valid = datetime(2023, 3, 31, 23, tzinfo=CPH).astimezone(UTC)
    assert "grid" in component_prices(tariff, last_valid, HOUR)
    first_invalid = last_valid + HOUR
    assert first_invalid.astimezone(CPH).date() == date(2023, 4, 1)
    assert component_prices(tariff, first_invalid, HOUR) == {"tax": 0.01}
    # A slot across the change date is priced per minute on each side of midnight.
    straddling = last_valid + timedelta(minutes=30)
    assert component_prices(tariff, straddling, HOUR)["grid"] == pytest.approx(0.20)


def test_holiday_band_applies_on_public_holidays_and_workday_band_does_not() -> None:
    data = peak_tariff(
        holiday_country="NO",
        time_zone="Europe/Oslo",
        components=[
            {
                "name": "energy",
                "valid_from": "2024-01-01",
                "base_price": 0.10,
                "bands": [
                    {"price": 0.30, "times": [["06:00", "22:00"]], "days": ["workday"]},
                    {"price": 0.05, "days": ["holiday"]},
                ],
            }
        ],
    )
    tariff = tariff_from_dict(data)
    oslo = ZoneInfo("Europe/Oslo")

    def energy(day: date) -> float:
        start = datetime(day.year, day.month, day.day, 12, tzinfo=oslo)
        return component_prices(tariff, start, HOUR)["energy"]

    assert energy(date(2024, 5, 16)) == 0.30  # Thursday
    assert energy(date(2024, 5, 17)) == 0.05  # Constitution Day, a Friday
    assert energy(date(2024, 5, 18)) == 0.10  # Saturday


def test_seasonal_band_wraps_the_new_year() -> None:
    data = peak_tariff(
        components=[
            {
                "name": "winter",
                "valid_from": "2020-01-01",
                "base_price": 0.1,
                "bands": [{"price": 0.9, "seasons": [{"from": "10-01", "to": "04-01"}]}],
            }
        ]
    )
    tariff = tariff_from_dict(data)
    noon = lambda day: datetime(2023, *day, 12, tzinfo=CPH)  # noqa: E731
    assert component_prices(tariff, noon((1, 15)), HOUR)["winter"] == 0.9
    assert component_prices(tariff, noon((3, 31)), HOUR)["winter"] == 0.9
    assert component_prices(tariff, noon((4, 1)), HOUR)["winter"] == 0.1
    assert component_prices(tariff, noon((10, 1)), HOUR)["winter"] == 0.9


@pytest.mark.parametrize(
    ("source_kind", "expected"),
    [("market", ("grid", "tax")), ("retail_energy", ("grid",)), ("all_in", ())],
)
def test_components_are_applied_exactly_once_per_source_kind(
    source_kind: str, expected: tuple[str, ...]
) -> None:
    tariff = tariff_from_dict(peak_tariff(market_multiplier=2.0))
    names = tuple(c.name for c in applicable_components(tariff, source_kind))  # type: ignore[arg-type]
    assert names == expected
    start = datetime(2023, 2, 1, 12, tzinfo=CPH)
    price = slot_price(tariff, start, HOUR, 1.0, source_kind)  # type: ignore[arg-type]
    assert tuple(price.components) == expected
    if source_kind == "market":
        assert price.total == pytest.approx(1.25 * (2.0 + 0.41))
    elif source_kind == "retail_energy":
        # The supplier's total already holds its VAT and taxes: only the grid part is added.
        assert price.total == pytest.approx(1.0 + 1.25 * 0.40)
    else:
        assert price.total == 1.0


def test_unknown_source_kind_is_refused() -> None:
    tariff = tariff_from_dict(peak_tariff())
    with pytest.raises(TariffError) as err:
        applicable_components(tariff, "retail")  # type: ignore[arg-type]
    assert err.value.issue.code == "source_kind_invalid"


def test_component_without_vat_is_left_out_of_the_vat_base() -> None:
    data = peak_tariff()
    data["components"][1]["vat_applies"] = False
    tariff = tariff_from_dict(data)
    price = slot_price(tariff, datetime(2023, 2, 1, 12, tzinfo=CPH), HOUR, 0.0)
    assert price.vat == pytest.approx(0.25 * 0.40)


def test_export_price_is_signed_spot_formula_or_fixed_rate() -> None:
    assert ExportPrice("spot", multiplier=0.9, offset=-0.05).price(-0.2) == pytest.approx(-0.23)
    assert ExportPrice("fixed", fixed_rate=0.08).price(3.0) == 0.08


def test_tariff_round_trips_through_plain_dicts() -> None:
    data = peak_tariff(export={"kind": "spot", "multiplier": 1.0, "offset": -0.02})
    data["components"][0]["bands"][0]["days"] = ["workday", "holiday"]
    data["components"][0]["bands"][0]["seasons"] = [{"from": "11-01", "to": "03-01"}]
    tariff = tariff_from_dict(data)
    assert tariff_from_dict(tariff_to_dict(tariff)) == tariff
    assert isinstance(tariff, Tariff)


def issue_of(data: dict[str, Any]) -> tuple[str, dict[str, str]]:
    with pytest.raises(TariffError) as err:
        tariff_from_dict(data)
    return err.value.issue.code, dict(err.value.issue.placeholders)


def test_overlapping_bands_name_the_day_and_the_shared_time() -> None:
    data = peak_tariff()
    data["components"][0]["bands"].append({"price": 2.0, "times": [["19:00", "21:00"]]})
    assert issue_of(data) == (
        "bands_overlap",
        {
            "component": "grid",
            "day": "01-01",
            "day_kind": "workday",
            "start": "19:00",
            "end": "20:00",
        },
    )


def test_bands_on_different_days_do_not_overlap() -> None:
    data = peak_tariff()
    bands = data["components"][0]["bands"]
    bands[0]["days"] = ["workday"]
    bands.append({"price": 2.0, "times": [["17:00", "20:00"]], "days": ["weekend", "holiday"]})
    tariff_from_dict(data)


def test_bands_without_base_price_must_cover_every_day() -> None:
    data = peak_tariff()
    grid = data["components"][0]
    del grid["base_price"]
    grid["bands"] = [
        {"price": 0.4, "times": [["00:00", "17:00"], ["20:00", "24:00"]]},
        {"price": 1.0, "times": [["17:00", "20:00"]], "days": ["workday"]},
    ]
    assert issue_of(data) == (
        "bands_leave_gap",
        {"component": "grid", "day": "01-01", "day_kind": "weekend", "time": "17:00"},
    )
    grid["bands"].append(
        {"price": 0.8, "times": [["17:00", "20:00"]], "days": ["weekend", "holiday"]}
    )
    tariff_from_dict(data)


def test_component_without_validity_is_refused() -> None:
    data = peak_tariff()
    del data["components"][0]["valid_from"]
    assert issue_of(data) == ("validity_missing", {"component": "grid"})
    with pytest.raises(TariffError) as err:
        tariff_from_dict(data)
    assert err.value.issue.as_dict() == {
        "code": "validity_missing",
        "placeholders": {"component": "grid"},
    }


def test_validity_that_ends_before_it_starts_is_refused() -> None:
    data = peak_tariff()
    data["components"][0]["valid_to"] = "2022-12-01"
    code, placeholders = issue_of(data)
    assert code == "validity_invalid"
    assert placeholders["valid_to"] == "2022-12-01"


def test_two_versions_of_one_component_must_not_overlap_in_time() -> None:
    data = peak_tariff()
    data["components"].append({"name": "grid", "valid_from": "2023-03-01", "base_price": 0.5})
    assert issue_of(data) == ("validity_overlap", {"component": "grid", "valid_from": "2023-03-01"})
    data["components"][-1]["valid_from"] = "2023-04-01"
    tariff_from_dict(data)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone_invalid"),
        ({"vat_rate": 25}, "vat_rate_invalid"),
        ({"holiday_country": "XX"}, "holiday_country_invalid"),
        ({"export": {"kind": "net"}}, "export_invalid"),
    ],
)
def test_bad_tariff_fields_have_precise_codes(change: dict[str, Any], code: str) -> None:
    assert issue_of(peak_tariff(**change))[0] == code


@pytest.mark.parametrize(
    ("band", "code"),
    [
        ({"price": 1.0, "times": [["17:00", "25:00"]]}, "time_invalid"),
        ({"price": 1.0, "times": [["20:00", "17:00"]]}, "time_range_empty"),
        ({"price": 1.0, "days": ["friday"]}, "day_kind_invalid"),
        ({"price": 1.0, "seasons": [{"from": "02-30", "to": "03-01"}]}, "season_invalid"),
        ({"price": "1.0"}, "price_invalid"),
        ({"times": [["17:00", "18:00"]]}, "field_missing"),
    ],
)
def test_bad_bands_have_precise_codes(band: dict[str, Any], code: str) -> None:
    data = peak_tariff()
    data["components"][0]["bands"] = [band]
    assert issue_of(data)[0] == code


def test_summer_season_within_one_year() -> None:
    data = peak_tariff(
        components=[
            {
                "name": "summer",
                "valid_from": "2020-01-01",
                "base_price": 0.1,
                "bands": [{"price": 0.2, "seasons": [{"from": "06-01", "to": "09-01"}]}],
            }
        ]
    )
    tariff = tariff_from_dict(data)
    assert component_prices(tariff, datetime(2023, 8, 31, 23, 30, tzinfo=CPH), HOUR) == {
        "summer": pytest.approx(0.15)
    }


def test_slot_prices_prices_a_series_and_answers_in_plain_values() -> None:
    tariff = tariff_from_dict(peak_tariff())
    starts = [datetime(2023, 2, 1, 16, tzinfo=CPH) + n * HOUR for n in range(2)]
    prices = slot_prices(tariff, starts, HOUR, [0.1, 0.2])
    assert [p.components["grid"] for p in prices] == [0.40, 1.00]
    answer = prices[1].as_dict()
    assert answer["start"] == "2023-02-01T17:00:00+01:00"
    assert answer["total"] == pytest.approx(1.25 * 1.21)
    assert answer["components"] == {"grid": 1.0, "tax": 0.01}
    with pytest.raises(ValueError, match="one market price"):
        slot_prices(tariff, starts, HOUR, [0.1])
    with pytest.raises(ValueError, match="timezone-aware"):
        component_prices(tariff, datetime(2023, 2, 1, 16), HOUR)  # noqa: DTZ001


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"market_multiplier": float("inf")}, "price_invalid"),
        ({"vat_rate": True}, "price_invalid"),
        ({"export": {"kind": "spot", "offset": float("nan")}}, "price_invalid"),
        ({"currency": None}, "field_missing"),
    ],
)
def test_more_bad_tariff_fields(change: dict[str, Any], code: str) -> None:
    assert issue_of(peak_tariff(**change))[0] == code


def test_export_price_built_in_code_is_validated_too() -> None:
    tariff = Tariff(
        time_zone="Europe/Copenhagen",
        currency="DKK",
        export=ExportPrice("spot", multiplier=float("nan")),
    )
    with pytest.raises(TariffError) as err:
        validate_tariff(tariff)
    assert err.value.issue.code == "export_invalid"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"name": ""}, "name_missing"),
        ({"kind": "levy"}, "field_invalid"),
        ({"valid_from": "2023-02-30"}, "validity_invalid"),
        ({"base_price": float("nan")}, "price_invalid"),
    ],
)
def test_bad_component_fields_have_precise_codes(change: dict[str, Any], code: str) -> None:
    data = peak_tariff()
    data["components"][0].update(change)
    assert issue_of(data)[0] == code


@pytest.mark.parametrize(
    ("band", "code"),
    [
        ({"price": 1.0, "times": [["17:00"]]}, "time_invalid"),
        ({"price": 1.0, "times": [["7:00", "18:00"]]}, "time_invalid"),
        ({"price": 1.0, "seasons": [{"from": "03-01"}]}, "season_invalid"),
        ({"price": 1.0, "seasons": [{"from": "03-01", "to": "03-01"}]}, "season_invalid"),
        ({"price": float("inf")}, "price_invalid"),
    ],
)
def test_more_bad_bands(band: dict[str, Any], code: str) -> None:
    data = peak_tariff()
    data["components"][0]["bands"] = [band]
    assert issue_of(data)[0] == code
