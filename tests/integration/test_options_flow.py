"""The options menu, part by part, as a user clicks through it; each part keeps the others."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.price_optimizer.const import (
    CONF_BASE_LOAD_SENSOR,
    CONF_CAPACITY,
    CONF_EXPORT_PRICE,
    CONF_TARIFF,
    CONF_VAT_PERCENT,
    DOMAIN,
)
from custom_components.price_optimizer.core.tariffs.presets import load_presets

from .appliances import suggested_values
from .options import open_options_step

PRICES = {CONF_VAT_PERCENT: 25.0, "fee_per_kwh": 0.1, "multiplier": 1.0}
NIGHT_AND_DAY = {
    "name": "Grid fee",
    "kind": "grid",
    "valid_from": "2026-01-01",
    "vat_applies": True,
    "band_1": {"price": 0.30, "start": "06:00:00", "end": "22:00:00"},
    "band_2": {"price": 0.10, "start": "22:00:00", "end": "00:00:00"},
    "band_3": {"price": 0.10, "start": "00:00:00", "end": "06:00:00"},
}
STORED_GRID_FEE = {
    "name": "Grid fee",
    "kind": "grid",
    "valid_from": "2026-01-01",
    "valid_to": None,
    "base_price": 0.2,
    "bands": [],
    "vat_applies": True,
}
STORED_TAX = {**STORED_GRID_FEE, "name": "Energy tax", "kind": "tax", "base_price": 0.05}


@pytest.fixture
def stored() -> dict[str, Any]:
    """What the entry's options hold before the flow starts."""
    return dict(PRICES)


@pytest.fixture
def entry(berlin: HomeAssistant, stored: dict[str, Any]) -> MockConfigEntry:
    """A replay entry whose options hold ``stored``; not set up, as an options flow needs none."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Replay DE-LU",
        unique_id="replay_DE-LU",
        data={"source": "replay", "area": "DE-LU", "resolution": "60"},
        options=stored,
    )
    entry.add_to_hass(berlin)
    return entry


async def configure(hass: HomeAssistant, result: FlowResult, data: dict[str, Any]) -> FlowResult:
    return await hass.config_entries.options.async_configure(result["flow_id"], data)


async def choose(hass: HomeAssistant, result: FlowResult, step: str) -> FlowResult:
    assert result["type"] is FlowResultType.MENU
    assert step in result["menu_options"]
    return await configure(hass, result, {"next_step_id": step})


async def test_the_menu_offers_every_part(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == [
        "prices",
        "grid_tariff",
        "capacity",
        "export_price",
        "base_load",
        "solar_forecast",
    ]


@pytest.mark.parametrize("stored", [{**PRICES, CONF_EXPORT_PRICE: {"kind": "fixed"}}])
async def test_prices_keep_the_other_parts(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    result = await open_options_step(hass, entry, "prices")
    assert suggested_values(result) == PRICES
    result = await configure(hass, result, {**PRICES, CONF_VAT_PERCENT: 21.0})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {**PRICES, CONF_VAT_PERCENT: 21.0, CONF_EXPORT_PRICE: {"kind": "fixed"}}


@pytest.mark.parametrize(
    "stored", [{**PRICES, CONF_TARIFF: {"source": "manual", "components": [STORED_GRID_FEE]}}]
)
async def test_no_grid_tariff_removes_only_the_tariff(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    result = await open_options_step(hass, entry, "grid_tariff")
    assert result["step_id"] == "grid_tariff"
    assert _default(result, "tariff_source") == "manual"
    result = await configure(hass, result, {"tariff_source": "none"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == PRICES


def _default(result: FlowResult, key: str) -> Any:
    marker = next(marker for marker in result["data_schema"].schema if marker == key)
    return marker.default()


def _option_labels(result: FlowResult, key: str) -> dict[str, str]:
    field = next(value for marker, value in result["data_schema"].schema.items() if marker == key)
    return {option["value"]: option["label"] for option in field.config["options"]}


async def test_a_preset_is_chosen_by_region_and_shows_its_source_and_date(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    result = await open_options_step(hass, entry, "grid_tariff")
    result = await configure(hass, result, {"tariff_source": "preset"})
    assert result["step_id"] == "preset_region"
    result = await configure(hass, result, {"region": "flanders"})
    assert result["step_id"] == "preset"
    labels = _option_labels(result, "preset")
    presets = load_presets("flanders")
    assert list(labels) == [item.id for item in presets]
    first = presets[0]
    assert labels[first.id] == f"{first.name} · {first.credit}, {first.updated.isoformat()}"

    result = await configure(hass, result, {"preset": presets[2].id})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {
        **PRICES,
        CONF_TARIFF: {
            "source": "preset",
            "preset": {"region": "flanders", "id": presets[2].id},
            "holiday_country": "BE",
        },
    }

    # Opened again, the stored region and preset are what the form proposes.
    result = await open_options_step(hass, entry, "grid_tariff")
    assert _default(result, "tariff_source") == "preset"
    result = await configure(hass, result, {"tariff_source": "preset"})
    assert _default(result, "region") == "flanders"
    result = await configure(hass, result, {"region": "flanders"})
    assert _default(result, "preset") == presets[2].id


async def open_manual(hass: HomeAssistant, entry: MockConfigEntry) -> FlowResult:
    result = await open_options_step(hass, entry, "grid_tariff")
    result = await configure(hass, result, {"tariff_source": "manual"})
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "manual"
    return result


async def test_a_tariff_is_typed_in_component_by_component(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    result = await open_manual(hass, entry)
    # With nothing typed in yet there is nothing to remove or to save.
    assert result["menu_options"] == ["component"]
    assert result["description_placeholders"] == {"components": "-"}

    result = await choose(hass, result, "component")
    assert result["step_id"] == "component"
    result = await configure(hass, result, NIGHT_AND_DAY)
    assert result["menu_options"] == [
        "component",
        "edit_component",
        "remove_component",
        "manual_done",
    ]
    assert result["description_placeholders"] == {"components": "- Grid fee (2026-01-01 to …)"}

    result = await choose(hass, result, "component")
    result = await configure(
        hass,
        result,
        {
            "name": "Energy tax",
            "kind": "tax",
            "base_price": 0.05,
            "valid_from": "2026-01-01",
            "valid_to": "2027-01-01",
            "vat_applies": False,
            "band_1": {
                "price": 0.02,
                "days": ["weekend", "holiday"],
                "season_from": "10-01",
                "season_to": "04-01",
            },
        },
    )
    result = await choose(hass, result, "manual_done")
    assert result["step_id"] == "manual_done"
    assert entry.options == PRICES  # nothing is stored before Done
    result = await configure(hass, result, {"holiday_country": "DE"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {
        **PRICES,
        CONF_TARIFF: {
            "source": "manual",
            "components": [
                {
                    "name": "Grid fee",
                    "kind": "grid",
                    "valid_from": "2026-01-01",
                    "valid_to": None,
                    "base_price": None,
                    "bands": [
                        {"price": 0.30, "times": [["06:00", "22:00"]]},
                        {"price": 0.10, "times": [["22:00", "24:00"]]},
                        {"price": 0.10, "times": [["00:00", "06:00"]]},
                    ],
                    "vat_applies": True,
                },
                {
                    "name": "Energy tax",
                    "kind": "tax",
                    "valid_from": "2026-01-01",
                    "valid_to": "2027-01-01",
                    "base_price": 0.05,
                    "bands": [
                        {
                            "price": 0.02,
                            "days": ["weekend", "holiday"],
                            "seasons": [{"from": "10-01", "to": "04-01"}],
                        }
                    ],
                    "vat_applies": False,
                },
            ],
            "holiday_country": "DE",
        },
    }


MANUAL = {**PRICES, CONF_TARIFF: {"source": "manual", "components": [STORED_GRID_FEE, STORED_TAX]}}


# Home Assistant keys form errors by the schema's top-level keys, and its frontend shows an
# error keyed by a section above that section: a band's error goes on the band's section.
@pytest.mark.parametrize(
    ("component", "errors", "placeholders"),
    [
        (
            {
                "band_1": {"price": 0.3, "start": "06:00:00", "end": "22:00:00"},
                "band_2": {"price": 0.1, "start": "21:00:00", "end": "06:00:00"},
            },
            {"band_2": "time_range_empty"},
            {"component": "Peak", "start": "21:00", "end": "06:00"},
        ),
        (
            # Both bands of an overlap are marked: either may be the one to correct.
            {
                "band_1": {"price": 0.3, "start": "06:00:00", "end": "22:00:00"},
                "band_2": {"price": 0.1, "start": "21:00:00", "end": "00:00:00"},
            },
            {"band_1": "bands_overlap", "band_2": "bands_overlap"},
            {
                "component": "Peak",
                "day": "01-01",
                "day_kind": "workday",
                "start": "21:00",
                "end": "22:00",
            },
        ),
        (
            # Sections left empty do not shift the band an error is shown on.
            {
                "base_price": 0.1,
                "band_2": {"price": 0.3, "start": "06:00:00", "end": "22:00:00"},
                "band_5": {"price": 0.5, "start": "17:00:00", "end": "20:00:00"},
            },
            {"band_2": "bands_overlap", "band_5": "bands_overlap"},
            {
                "component": "Peak",
                "day": "01-01",
                "day_kind": "workday",
                "start": "17:00",
                "end": "20:00",
            },
        ),
        (
            # No base price: the night is left without a price, by no one band.
            {"band_1": {"price": 0.3, "start": "06:00:00", "end": "22:00:00"}},
            {"base": "bands_leave_gap"},
            {"component": "Peak", "day": "01-01", "day_kind": "workday", "time": "00:00"},
        ),
        (
            {"base_price": 0.1, "valid_from": None},
            {"valid_from": "validity_missing"},
            {"component": "Peak"},
        ),
        (
            {"base_price": 0.1, "valid_to": "2025-12-01"},
            {"valid_to": "validity_invalid"},
            {"component": "Peak", "valid_from": "2026-01-01", "valid_to": "2025-12-01"},
        ),
        (
            {"base_price": 0.1, "band_1": {"price": 0.2, "season_from": "10-01"}},
            {"band_1": "season_invalid"},
            {"component": "Peak", "value": "None"},
        ),
        (
            {
                "base_price": 0.1,
                "band_3": {"price": 0.2, "season_from": "13-01", "season_to": "04-01"},
            },
            {"band_3": "season_invalid"},
            {"component": "Peak", "value": "13-01"},
        ),
        (
            {"base_price": 0.1, "band_1": {"days": ["weekend"]}},
            {"band_1": "field_missing"},
            {"component": "Peak", "field": "price"},
        ),
        (
            {"name": "  ", "base_price": 0.1},
            {"name": "name_missing"},
            {},
        ),
        (
            # A second version of a stored component must not be valid at the same time: the
            # later one typed in starts too early.
            {"name": "Grid fee", "base_price": 0.25, "valid_from": "2026-06-01"},
            {"valid_from": "validity_overlap"},
            {"component": "Grid fee", "valid_from": "2026-06-01"},
        ),
        (
            # The earlier one typed in ends too late (here: never).
            {"name": "Grid fee", "base_price": 0.25, "valid_from": "2025-06-01"},
            {"valid_to": "validity_overlap"},
            {"component": "Grid fee", "valid_from": "2026-01-01"},
        ),
    ],
)
@pytest.mark.parametrize("stored", [MANUAL])
async def test_each_refusal_of_a_component_is_a_translated_error_on_its_field(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    component: dict[str, Any],
    errors: dict[str, str],
    placeholders: dict[str, str],
) -> None:
    result = await open_manual(hass, entry)
    result = await choose(hass, result, "component")
    data = {"name": "Peak", "kind": "grid", "valid_from": "2026-01-01", **component}
    result = await configure(hass, result, {k: v for k, v in data.items() if v is not None})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "component"
    assert result["errors"] == errors
    assert result["description_placeholders"] == placeholders
    # The input stays in the form to be corrected, and nothing stored is touched.
    assert suggested_values(result)["name"] == data["name"]
    assert entry.options == MANUAL

    # Corrected, the component joins those already there.
    fixed = {"name": "Peak", "kind": "grid", "valid_from": "2026-01-01", "base_price": 0.1}
    result = await configure(hass, result, fixed)
    assert result["description_placeholders"] == {
        "components": "- Grid fee (2026-01-01 to …)\n- Energy tax (2026-01-01 to …)\n"
        "- Peak (2026-01-01 to …)"
    }


@pytest.mark.parametrize("stored", [MANUAL])
async def test_components_are_listed_and_removed(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    result = await open_manual(hass, entry)
    result = await choose(hass, result, "remove_component")
    assert result["step_id"] == "remove_component"
    assert _option_labels(result, "remove") == {
        "0": "Grid fee (2026-01-01 to …)",
        "1": "Energy tax (2026-01-01 to …)",
    }
    result = await configure(hass, result, {"remove": ["0"]})
    assert result["description_placeholders"] == {"components": "- Energy tax (2026-01-01 to …)"}
    result = await choose(hass, result, "manual_done")
    result = await configure(hass, result, {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options[CONF_TARIFF] == {
        "source": "manual",
        "components": [STORED_TAX],
        "holiday_country": None,
    }


@pytest.mark.parametrize("stored", [MANUAL])
async def test_a_component_is_changed_in_place_and_the_others_kept(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    result = await open_manual(hass, entry)
    result = await choose(hass, result, "edit_component")
    assert result["step_id"] == "edit_component"
    assert _option_labels(result, "edit") == {
        "0": "Grid fee (2026-01-01 to …)",
        "1": "Energy tax (2026-01-01 to …)",
    }
    result = await configure(hass, result, {"edit": "1"})
    # The form opens with what the component holds.
    assert result["step_id"] == "component"
    assert suggested_values(result) == {
        "name": "Energy tax",
        "kind": "tax",
        "valid_from": "2026-01-01",
        "vat_applies": True,
        "base_price": 0.05,
    }
    # Checked against the others only: its own stored version does not overlap it.
    result = await configure(
        hass, result, {**suggested_values(result), "base_price": 0.06, "valid_to": "2027-01-01"}
    )
    assert result["description_placeholders"] == {
        "components": "- Grid fee (2026-01-01 to …)\n- Energy tax (2026-01-01 to 2027-01-01)"
    }
    result = await choose(hass, result, "manual_done")
    result = await configure(hass, result, {})
    assert entry.options[CONF_TARIFF]["components"] == [
        STORED_GRID_FEE,
        {**STORED_TAX, "base_price": 0.06, "valid_to": "2027-01-01"},
    ]


# A Danish grid tariff: night, day and peak, each in a winter and a summer season.
SIX_BANDS = {
    "name": "Grid tariff",
    "kind": "grid",
    "valid_from": "2026-01-01",
    "vat_applies": True,
    **{
        f"band_{number}": {
            "price": price,
            "start": start,
            "end": end,
            "season_from": season_from,
            "season_to": season_to,
        }
        for number, (price, start, end, season_from, season_to) in enumerate(
            [
                (0.15, "00:00:00", "06:00:00", "10-01", "04-01"),
                (0.45, "06:00:00", "17:00:00", "10-01", "04-01"),
                (1.35, "17:00:00", "00:00:00", "10-01", "04-01"),
                (0.15, "00:00:00", "06:00:00", "04-01", "10-01"),
                (0.23, "06:00:00", "17:00:00", "04-01", "10-01"),
                (0.59, "17:00:00", "00:00:00", "04-01", "10-01"),
            ],
            start=1,
        )
    },
}


async def test_a_seasonal_tariff_of_six_bands_is_stored_and_opens_again_as_typed(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    result = await open_manual(hass, entry)
    result = await choose(hass, result, "component")
    result = await configure(hass, result, SIX_BANDS)
    assert result["type"] is FlowResultType.MENU
    result = await choose(hass, result, "manual_done")
    result = await configure(hass, result, {"holiday_country": "DK"})
    bands = entry.options[CONF_TARIFF]["components"][0]["bands"]
    assert len(bands) == 6
    assert bands[2] == {
        "price": 1.35,
        "times": [["17:00", "24:00"]],
        "seasons": [{"from": "10-01", "to": "04-01"}],
    }

    result = await open_manual(hass, entry)
    result = await choose(hass, result, "edit_component")
    result = await configure(hass, result, {"edit": "0"})
    assert suggested_values(result) == SIX_BANDS


# Two versions of one charge valid at once: stored before they were checked together.
OVERLAPPING = {
    **PRICES,
    CONF_TARIFF: {
        "source": "manual",
        "components": [STORED_GRID_FEE, {**STORED_GRID_FEE, "valid_from": "2026-03-01"}],
        "holiday_country": "NO",
    },
}


@pytest.mark.parametrize("stored", [OVERLAPPING])
async def test_saving_checks_the_whole_tariff(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    # The two versions are not on this form, so the error is the form's.
    result = await open_manual(hass, entry)
    result = await choose(hass, result, "manual_done")
    assert suggested_values(result) == {"holiday_country": "NO"}
    result = await configure(hass, result, {"holiday_country": "NO"})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "validity_overlap"}
    assert result["description_placeholders"] == {
        "component": "Grid fee",
        "valid_from": "2026-03-01",
    }
    assert entry.options == OVERLAPPING


DAILY_PEAKS = {
    "kind": "daily_peaks_step",
    "peaks_counted": 3,
    "threshold_included": True,
    "steps": [
        {"threshold_kw": 0.0, "monthly_fee": 124.0},
        {"threshold_kw": 2.0, "monthly_fee": 200.0},
        {"threshold_kw": 5.0, "monthly_fee": 332.0},
    ],
}


async def test_a_daily_peaks_step_rule_is_stored_and_shown_again(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    result = await open_options_step(hass, entry, "capacity")
    assert _default(result, "capacity_kind") == "none"
    result = await configure(hass, result, {"capacity_kind": "daily_peaks_step"})
    assert result["step_id"] == "capacity_daily_peaks"
    result = await configure(
        hass,
        result,
        {"steps": DAILY_PEAKS["steps"], "peaks_counted": 3.0, "threshold_included": True},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {**PRICES, CONF_CAPACITY: DAILY_PEAKS}

    result = await open_options_step(hass, entry, "capacity")
    assert _default(result, "capacity_kind") == "daily_peaks_step"
    result = await configure(hass, result, {"capacity_kind": "daily_peaks_step"})
    assert suggested_values(result)["steps"] == DAILY_PEAKS["steps"]


@pytest.mark.parametrize(
    ("steps", "code", "placeholders"),
    [
        (
            [{"threshold_kw": 0, "monthly_fee": 100}, {"threshold_kw": 2, "monthly_fee": -5}],
            "capacity_step_negative",
            {"step": "2", "field": "monthly_fee", "value": "-5"},
        ),
        (
            [{"threshold_kw": 0, "monthly_fee": 100}, {"threshold_kw": -2, "monthly_fee": 5}],
            "capacity_step_negative",
            {"step": "2", "field": "threshold_kw", "value": "-2"},
        ),
        (
            [{"threshold_kw": 0, "monthly_fee": 100}, {"threshold_kw": 0, "monthly_fee": 150}],
            "capacity_steps_unordered",
            {"step": "2", "threshold_kw": "0"},
        ),
        ([], "capacity_steps_missing", {}),
    ],
)
@pytest.mark.parametrize("stored", [{**PRICES, CONF_CAPACITY: DAILY_PEAKS}])
async def test_bad_steps_are_refused_with_a_translated_error_on_the_steps(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    steps: list[dict[str, float]],
    code: str,
    placeholders: dict[str, str],
) -> None:
    result = await open_options_step(hass, entry, "capacity")
    result = await configure(hass, result, {"capacity_kind": "daily_peaks_step"})
    result = await configure(
        hass, result, {"steps": steps, "peaks_counted": 3, "threshold_included": True}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"steps": code}
    assert result["description_placeholders"] == placeholders
    assert suggested_values(result)["steps"] == steps
    assert entry.options == {**PRICES, CONF_CAPACITY: DAILY_PEAKS}


async def test_a_monthly_peak_rule_is_stored_and_shown_again(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    result = await open_options_step(hass, entry, "capacity")
    result = await configure(hass, result, {"capacity_kind": "monthly_peak"})
    assert result["step_id"] == "capacity_monthly_peak"
    form = {
        "fee_per_kw_month": 4.37,
        "floor_kw": 2.5,
        "interval_minutes": "15",
        "rolling_months": 12.0,
    }
    result = await configure(hass, result, form)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options[CONF_CAPACITY] == {
        "kind": "monthly_peak",
        "fee_per_kw_month": 4.37,
        "floor_kw": 2.5,
        "interval_minutes": 15,
        "rolling_months": 12,
    }
    result = await open_options_step(hass, entry, "capacity")
    result = await configure(hass, result, {"capacity_kind": "monthly_peak"})
    assert suggested_values(result) == {**form, "rolling_months": 12}


@pytest.mark.parametrize(
    ("change", "field"),
    [({"fee_per_kw_month": -1.0}, "fee_per_kw_month"), ({"floor_kw": -0.5}, "floor_kw")],
)
@pytest.mark.parametrize("stored", [{**PRICES, CONF_CAPACITY: DAILY_PEAKS}])
async def test_a_negative_monthly_peak_figure_is_refused_on_its_field(
    hass: HomeAssistant, entry: MockConfigEntry, change: dict[str, float], field: str
) -> None:
    result = await open_options_step(hass, entry, "capacity")
    result = await configure(hass, result, {"capacity_kind": "monthly_peak"})
    form = {"fee_per_kw_month": 4.0, "floor_kw": 2.5, "interval_minutes": "60", "rolling_months": 1}
    result = await configure(hass, result, {**form, **change})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {field: "capacity_rule_invalid"}
    assert result["description_placeholders"] == {"field": field, "value": f"{change[field]:g}"}
    # The daily-peaks rule stored before stays until a monthly-peak rule is accepted.
    assert entry.options[CONF_CAPACITY] == DAILY_PEAKS


@pytest.mark.parametrize("stored", [{**PRICES, CONF_CAPACITY: DAILY_PEAKS}])
async def test_no_capacity_charge_removes_only_the_rule(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    result = await open_options_step(hass, entry, "capacity")
    result = await configure(hass, result, {"capacity_kind": "none"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == PRICES


async def test_export_prices_spot_fixed_and_none(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    result = await open_options_step(hass, entry, "export_price")
    result = await configure(hass, result, {"export_kind": "spot"})
    assert result["step_id"] == "export_spot"
    result = await configure(hass, result, {"multiplier": 0.9, "offset": -0.02})
    assert entry.options == {
        **PRICES,
        CONF_EXPORT_PRICE: {"kind": "spot", "multiplier": 0.9, "offset": -0.02, "fixed_rate": 0.0},
    }
    result = await open_options_step(hass, entry, "export_price")
    assert _default(result, "export_kind") == "spot"
    result = await configure(hass, result, {"export_kind": "spot"})
    assert suggested_values(result)["offset"] == -0.02

    result = await open_options_step(hass, entry, "export_price")
    result = await configure(hass, result, {"export_kind": "fixed"})
    assert result["step_id"] == "export_fixed"
    assert suggested_values(result) == {}
    result = await configure(hass, result, {"fixed_rate": -0.01})
    assert entry.options[CONF_EXPORT_PRICE] == {
        "kind": "fixed",
        "multiplier": 1.0,
        "offset": 0.0,
        "fixed_rate": -0.01,
    }

    result = await open_options_step(hass, entry, "export_price")
    result = await configure(hass, result, {"export_kind": "none"})
    assert entry.options == PRICES


STORED_EXPORT = {"kind": "spot", "multiplier": 0.9, "offset": -0.02, "fixed_rate": 0.0}


@pytest.mark.parametrize(
    ("kind", "form", "errors"),
    [
        ("fixed", {"fixed_rate": float("nan")}, {"fixed_rate": "export_invalid"}),
        ("spot", {"multiplier": 1.0, "offset": float("nan")}, {"offset": "export_invalid"}),
        (
            "spot",
            {"multiplier": float("nan"), "offset": float("nan")},
            {"multiplier": "export_invalid", "offset": "export_invalid"},
        ),
    ],
)
@pytest.mark.parametrize("stored", [{**PRICES, CONF_EXPORT_PRICE: STORED_EXPORT}])
async def test_an_export_rate_that_is_not_a_number_is_refused_on_its_field(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    kind: str,
    form: dict[str, float],
    errors: dict[str, str],
) -> None:
    result = await open_options_step(hass, entry, "export_price")
    result = await configure(hass, result, {"export_kind": kind})
    result = await configure(hass, result, form)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    assert result["description_placeholders"] == {"kind": kind}
    assert entry.options == {**PRICES, CONF_EXPORT_PRICE: STORED_EXPORT}


@pytest.mark.parametrize(
    "attributes",
    [
        {"unit_of_measurement": "W", "device_class": "power"},
        {"unit_of_measurement": "kW", "device_class": "power"},
        {"unit_of_measurement": "kWh", "state_class": "total_increasing"},
    ],
)
async def test_a_base_load_sensor_is_stored_and_cleared(
    hass: HomeAssistant, entry: MockConfigEntry, attributes: dict[str, str]
) -> None:
    hass.states.async_set("sensor.house", "1.2", attributes)
    result = await open_options_step(hass, entry, "base_load")
    assert result["step_id"] == "base_load"
    result = await configure(hass, result, {CONF_BASE_LOAD_SENSOR: "sensor.house"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {**PRICES, CONF_BASE_LOAD_SENSOR: "sensor.house"}

    result = await open_options_step(hass, entry, "base_load")
    assert suggested_values(result)[CONF_BASE_LOAD_SENSOR] == "sensor.house"
    result = await configure(hass, result, {})
    assert entry.options == PRICES


@pytest.mark.parametrize(
    ("attributes", "error"),
    [
        (None, "entity_not_found"),
        ({"unit_of_measurement": "kWh", "state_class": "measurement"}, "base_load_unsupported"),
        ({"unit_of_measurement": "°C"}, "base_load_unsupported"),
    ],
)
async def test_a_sensor_the_base_load_cannot_use_is_refused(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    attributes: dict[str, str] | None,
    error: str,
) -> None:
    if attributes is not None:
        hass.states.async_set("sensor.house", "1.2", attributes)
    result = await open_options_step(hass, entry, "base_load")
    result = await configure(hass, result, {CONF_BASE_LOAD_SENSOR: "sensor.house"})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_BASE_LOAD_SENSOR: error}
    assert suggested_values(result) == {CONF_BASE_LOAD_SENSOR: "sensor.house"}
    assert entry.options == PRICES


async def test_a_tariff_typed_in_prices_the_running_entry(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    market = loaded_entry.runtime_data.coordinator.data.raw.slot_at(dt_util.utcnow())
    assert market is not None
    result = await open_manual(hass, loaded_entry)
    result = await choose(hass, result, "component")
    result = await configure(
        hass,
        result,
        {
            "name": "Grid fee",
            "kind": "grid",
            "base_price": 0.05,
            "valid_from": "2026-01-01",
            "vat_applies": True,
            # 14:07 Berlin, the frozen time, falls in this band.
            "band_1": {"price": 0.12, "start": "14:00:00", "end": "15:00:00"},
        },
    )
    result = await choose(hass, result, "manual_done")
    result = await configure(hass, result, {"holiday_country": "DE"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    state = hass.states.get("sensor.replay_de_lu_current_price")
    assert state is not None
    assert float(state.state) == pytest.approx(market.price + 0.12, abs=1e-5)


async def test_a_preset_in_another_currency_than_the_prices_is_refused(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    result = await open_options_step(hass, loaded_entry, "grid_tariff")
    result = await configure(hass, result, {"tariff_source": "preset"})
    result = await configure(hass, result, {"region": "norway"})
    result = await configure(hass, result, {"preset": "no_elvia"})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "currency_mismatch"}
    assert result["description_placeholders"] == {"tariff_currency": "NOK", "currency": "EUR"}
    assert CONF_TARIFF not in loaded_entry.options

    # Flanders' presets are in euro, as the replayed prices are.
    result = await open_options_step(hass, loaded_entry, "grid_tariff")
    result = await configure(hass, result, {"tariff_source": "preset"})
    result = await configure(hass, result, {"region": "flanders"})
    result = await configure(hass, result, {"preset": "be_vl_antwerpen"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert loaded_entry.options[CONF_TARIFF]["preset"] == {
        "region": "flanders",
        "id": "be_vl_antwerpen",
    }
