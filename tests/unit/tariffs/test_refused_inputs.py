"""A refusal names the inputs it is about, as paths into the plain form that was read."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from custom_components.price_optimizer.core.tariffs.capacity import capacity_rule_from_dict
from custom_components.price_optimizer.core.tariffs.issues import (
    InputPath,
    TariffError,
    inputs_within,
)
from custom_components.price_optimizer.core.tariffs.model import (
    Component,
    ExportPrice,
    Tariff,
    components_from_dicts,
    tariff_from_dict,
    validate_tariff,
)

from .test_tariff_model import peak_tariff


def refused(data: dict[str, Any]) -> tuple[str, tuple[InputPath, ...]]:
    with pytest.raises(TariffError) as err:
        tariff_from_dict(data)
    return err.value.issue.code, err.value.inputs


def refused_rule(data: dict[str, Any]) -> tuple[str, tuple[InputPath, ...]]:
    with pytest.raises(TariffError) as err:
        capacity_rule_from_dict(data)
    return err.value.issue.code, err.value.inputs


def test_a_refusal_inside_is_placed_under_the_enclosing_input() -> None:
    with pytest.raises(TariffError) as err, inputs_within("components", 2):
        raise TariffError("price_invalid", at=[("bands", 0, "price")], component="grid")
    assert err.value.inputs == (("components", 2, "bands", 0, "price"),)


def test_a_refusal_that_names_no_input_is_about_the_whole_enclosing_one() -> None:
    with pytest.raises(TariffError) as err, inputs_within("export"):
        raise TariffError("export_invalid", kind="net")
    assert err.value.inputs == (("export",),)


@pytest.mark.parametrize(
    ("change", "code", "inputs"),
    [
        ({"name": ""}, "name_missing", (("components", 0, "name"),)),
        ({"kind": "levy"}, "field_invalid", (("components", 0, "kind"),)),
        ({"valid_from": None}, "validity_missing", (("components", 0, "valid_from"),)),
        ({"valid_from": "2023-02-30"}, "validity_invalid", (("components", 0, "valid_from"),)),
        ({"valid_to": "2023-13-01"}, "validity_invalid", (("components", 0, "valid_to"),)),
        # An end before the start is corrected at the end.
        ({"valid_to": "2022-12-01"}, "validity_invalid", (("components", 0, "valid_to"),)),
        ({"base_price": float("nan")}, "price_invalid", (("components", 0, "base_price"),)),
    ],
)
def test_a_component_field_is_named(
    change: dict[str, Any], code: str, inputs: tuple[InputPath, ...]
) -> None:
    data = peak_tariff()
    data["components"][0].update(change)
    assert refused(data) == (code, inputs)


@pytest.mark.parametrize(
    ("band", "code", "field"),
    [
        ({"price": 1.0, "times": [["17:00", "25:00"]]}, "time_invalid", "times"),
        ({"price": 1.0, "times": [["17:00"]]}, "time_invalid", "times"),
        ({"price": 1.0, "times": [["20:00", "17:00"]]}, "time_range_empty", "times"),
        ({"price": 1.0, "days": ["friday"]}, "day_kind_invalid", "days"),
        ({"price": 1.0, "seasons": [{"from": "03-01"}]}, "season_invalid", "seasons"),
        (
            {"price": 1.0, "seasons": [{"from": "02-30", "to": "03-01"}]},
            "season_invalid",
            "seasons",
        ),
        (
            {"price": 1.0, "seasons": [{"from": "03-01", "to": "03-01"}]},
            "season_invalid",
            "seasons",
        ),
        ({"price": "1.0"}, "price_invalid", "price"),
        ({"price": float("inf")}, "price_invalid", "price"),
        ({"times": [["17:00", "18:00"]]}, "field_missing", "price"),
    ],
)
def test_a_band_field_is_named_with_the_band_and_its_component(
    band: dict[str, Any], code: str, field: str
) -> None:
    data = peak_tariff()
    data["components"][1]["bands"] = [{"price": 0.5, "times": [["06:00", "07:00"]]}, band]
    assert refused(data) == (code, (("components", 1, "bands", 1, field),))


def test_overlapping_bands_are_both_named() -> None:
    data = peak_tariff()
    data["components"][0]["bands"] += [
        {"price": 0.2, "times": [["00:00", "06:00"]]},
        {"price": 2.0, "times": [["19:00", "21:00"]]},
    ]
    assert refused(data) == (
        "bands_overlap",
        (("components", 0, "bands", 0), ("components", 0, "bands", 2)),
    )


def test_bands_that_leave_a_gap_name_the_bands_together() -> None:
    data = peak_tariff()
    grid = data["components"][0]
    del grid["base_price"]
    assert refused(data) == ("bands_leave_gap", (("components", 0, "bands"),))


def test_two_versions_valid_at_once_name_the_earlier_end_and_the_later_start() -> None:
    data = peak_tariff()
    # Listed before the version it overlaps, so the places do not follow the dates.
    data["components"].insert(
        0, {"name": "grid", "valid_from": "2023-03-01", "base_price": 0.5, "bands": []}
    )
    assert refused(data) == (
        "validity_overlap",
        (("components", 1, "valid_to"), ("components", 0, "valid_from")),
    )


@pytest.mark.parametrize(
    ("change", "code", "inputs"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone_invalid", (("time_zone",),)),
        ({"currency": None}, "field_missing", (("currency",),)),
        ({"vat_rate": 25}, "vat_rate_invalid", (("vat_rate",),)),
        ({"vat_rate": True}, "price_invalid", (("vat_rate",),)),
        ({"market_multiplier": float("inf")}, "price_invalid", (("market_multiplier",),)),
        ({"holiday_country": "XX"}, "holiday_country_invalid", (("holiday_country",),)),
        ({"export": {"kind": "net"}}, "export_invalid", (("export", "kind"),)),
        (
            {"export": {"kind": "spot", "offset": float("nan")}},
            "price_invalid",
            (("export", "offset"),),
        ),
    ],
)
def test_a_tariff_field_is_named(
    change: dict[str, Any], code: str, inputs: tuple[InputPath, ...]
) -> None:
    assert refused(peak_tariff(**change)) == (code, inputs)


def test_an_unknown_subdivision_names_it_beside_the_country() -> None:
    data = peak_tariff(holiday_subdivision="Atlantis")
    assert refused(data) == (
        "holiday_country_invalid",
        (("holiday_country",), ("holiday_subdivision",)),
    )


def test_an_export_price_built_in_code_names_each_unusable_figure() -> None:
    export = ExportPrice("spot", multiplier=float("nan"), offset=float("inf"))
    with pytest.raises(TariffError) as err:
        validate_tariff(Tariff(time_zone="Europe/Copenhagen", currency="DKK", export=export))
    assert err.value.inputs == (("export", "multiplier"), ("export", "offset"))


def test_a_component_built_in_code_is_named_by_its_place() -> None:
    good = Component(name="tax", kind="tax", valid_from=date(2023, 1, 1), base_price=0.01)
    bad = Component(name="grid", kind="grid", valid_from=date(2023, 1, 1), base_price=float("nan"))
    with pytest.raises(TariffError) as err:
        validate_tariff(
            Tariff(time_zone="Europe/Copenhagen", currency="DKK", components=(good, bad))
        )
    assert err.value.inputs == (("components", 1, "base_price"),)


def test_components_read_as_a_list_are_named_by_their_place() -> None:
    items = peak_tariff()["components"]
    items[1] = {**items[1], "valid_from": None}
    with pytest.raises(TariffError) as err:
        components_from_dicts(items)
    assert err.value.inputs == (("components", 1, "valid_from"),)


def steps_rule(*steps: tuple[float, float]) -> dict[str, Any]:
    return {
        "kind": "daily_peaks_step",
        "steps": [{"threshold_kw": kw, "monthly_fee": fee} for kw, fee in steps],
    }


@pytest.mark.parametrize(
    ("rule", "code", "inputs"),
    [
        (steps_rule((0, 100), (5, -1)), "capacity_step_negative", (("steps", 1, "monthly_fee"),)),
        (steps_rule((0, 100), (-5, 1)), "capacity_step_negative", (("steps", 1, "threshold_kw"),)),
        (
            steps_rule((0, 100), (0, float("nan"))),
            "field_invalid",
            (("steps", 1, "monthly_fee"),),
        ),
        (steps_rule((2, 100)), "capacity_steps_unordered", (("steps", 0, "threshold_kw"),)),
        (
            steps_rule((0, 100), (5, 150), (3, 200)),
            "capacity_steps_unordered",
            (("steps", 1, "threshold_kw"), ("steps", 2, "threshold_kw")),
        ),
        (steps_rule(), "capacity_steps_missing", (("steps",),)),
        (
            {**steps_rule((0, 100)), "steps": [[0, 100]]},
            "field_invalid",
            (("steps", 0),),
        ),
        (
            {**steps_rule((0, 100)), "peaks_counted": 0},
            "capacity_rule_invalid",
            (("peaks_counted",),),
        ),
        ({"kind": "yearly_peak"}, "capacity_rule_invalid", (("kind",),)),
        (
            {"kind": "monthly_peak", "fee_per_kw_month": -1.0},
            "capacity_rule_invalid",
            (("fee_per_kw_month",),),
        ),
        ({"kind": "monthly_peak"}, "field_missing", (("fee_per_kw_month",),)),
        (
            {"kind": "monthly_peak", "fee_per_kw_month": 4.0, "floor_kw": "2"},
            "field_invalid",
            (("floor_kw",),),
        ),
        (
            {"kind": "monthly_peak", "fee_per_kw_month": 4.0, "interval_minutes": 30},
            "capacity_rule_invalid",
            (("interval_minutes",),),
        ),
        (
            {"kind": "monthly_peak", "fee_per_kw_month": 4.0, "rolling_months": 0},
            "capacity_rule_invalid",
            (("rolling_months",),),
        ),
    ],
)
def test_a_capacity_rule_field_is_named(
    rule: dict[str, Any], code: str, inputs: tuple[InputPath, ...]
) -> None:
    assert refused_rule(rule) == (code, inputs)
