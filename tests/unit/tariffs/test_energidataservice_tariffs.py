"""The DatahubPricelist parser on every real reply, and its refusals of malformed ones."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from custom_components.price_optimizer.core.tariffs.energidataservice import (
    PricelistParseError,
    current_charges,
    grid_companies,
    parse_pricelist,
    reply_components,
)
from custom_components.price_optimizer.core.tariffs.model import (
    Tariff,
    component_prices,
    expired_components,
    slot_price,
    tariff_from_dict,
    tariff_to_dict,
    validate_tariff,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures/energidataservice_tariffs"
REPLIES = sorted(FIXTURES.glob("*.json"))
CPH = ZoneInfo("Europe/Copenhagen")
HOUR = timedelta(hours=1)
N1 = "5790001089030"


def load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text())


def tariff_of(*names: str) -> Tariff:
    components = tuple(c for name in names for c in reply_components(parse_pricelist(load(name))))
    tariff = Tariff(
        time_zone="Europe/Copenhagen",
        currency="DKK",
        vat_rate=0.25,
        holiday_country="DK",
        components=components,
    )
    validate_tariff(tariff)
    return tariff


def hourly(tariff: Tariff, day: date) -> list[dict[str, float]]:
    start = datetime(day.year, day.month, day.day, tzinfo=CPH).astimezone(UTC)
    end = (datetime(day.year, day.month, day.day, tzinfo=CPH) + timedelta(days=1)).astimezone(UTC)
    out = []
    while start < end:
        out.append(component_prices(tariff, start, HOUR))
        start += HOUR
    return out


def test_all_nine_real_replies_are_here() -> None:
    assert len(REPLIES) == 9


@pytest.mark.parametrize("path", REPLIES, ids=lambda p: p.stem)
def test_every_real_reply_parses_whole_into_valid_components(path: Path) -> None:
    raw = json.loads(path.read_text())
    reply = parse_pricelist(path.read_bytes())
    assert len(reply.charges) == len(raw["records"]) == raw["total"]
    components = reply_components(reply)
    validate_tariff(Tariff(time_zone="Europe/Copenhagen", currency="DKK", components=components))
    for record, charge in zip(raw["records"], reply.charges, strict=True):
        assert charge.code == record["ChargeTypeCode"]
        assert charge.hourly_prices[0] == record["Price1"]
        assert charge.hourly_prices[23] == (record["Price24"] or record["Price1"])


def test_n1_winter_tariff_charges_the_evening_peak_in_local_time() -> None:
    tariff = tariff_of("NetTariffs.json")
    day = hourly(tariff, date(2023, 2, 1))
    grid = [hour["CD (5790001089030)"] for hour in day]
    assert grid == [0.432225] * 17 + [1.05619] * 3 + [0.432225] * 4


def test_n1_tariff_on_the_23_hour_day_skips_the_missing_hour_only() -> None:
    tariff = tariff_of("NetTariffs.json")
    grid = [hour["CD (5790001089030)"] for hour in hourly(tariff, date(2023, 3, 26))]
    assert len(grid) == 23
    assert grid.count(1.05619) == 3
    assert sum(grid) == pytest.approx(20 * 0.432225 + 3 * 1.05619)
    # The tariff ends with March: 1 April has no CD charge in this reply.
    assert hourly(tariff, date(2023, 4, 1))[0] == {}


def test_three_band_2024_tariff_on_the_25_hour_day() -> None:
    tariff = tariff_of("GridTariffs.json")
    grid = [hour["CD (5790001089030)"] for hour in hourly(tariff, date(2024, 10, 27))]
    assert len(grid) == 25
    # 00-06 night (with the repeated 02-03 hour), 06-17 day, 17-21 peak, 21-24 day.
    assert grid == [0.110116] * 7 + [0.330349] * 11 + [0.991048] * 4 + [0.330349] * 3


def test_discount_charge_cancels_the_tariff_where_it_is_a_full_rebate() -> None:
    tariff = tariff_of("DatahubPricelistN1.json")
    december = hourly(tariff, date(2022, 12, 15))
    for hour in december:
        assert hour["CD (5790001089030)"] + hour["CD R (5790001089030)"] == pytest.approx(0)
    november_peak = hourly(tariff, date(2022, 11, 15))[18]
    assert november_peak["CD (5790001089030)"] == 1.015888
    assert november_peak["CD R (5790001089030)"] == -0.042484


def test_electricity_tax_changes_on_1_july_2023_and_1_january_2024() -> None:
    tariff = tariff_of("ElectricityTaxes.json")
    name = f"EA-001 ({'5790000432752'})"
    assert {h[name] for h in hourly(tariff, date(2023, 6, 30))} == {0.008}
    assert {h[name] for h in hourly(tariff, date(2023, 7, 1))} == {0.697}
    assert {h[name] for h in hourly(tariff, date(2024, 1, 1))} == {0.761}
    assert all(c.kind == "tax" for c in tariff.components)


def test_full_danish_price_of_an_evening_hour_in_february_2023() -> None:
    tariff = tariff_of(
        "NetTariffs.json",
        "SystemTariffs.json",
        "TransmissionGridTariffs.json",
        "DatahubPricelistElectricityTax.json",
    )
    start = datetime(2023, 2, 1, 18, tzinfo=CPH)
    price = slot_price(tariff, start, HOUR, 1.20)
    assert sum(price.components.values()) == pytest.approx(1.05619 + 0.054 + 0.058 + 0.008)
    assert price.total == pytest.approx(1.25 * (1.20 + 1.05619 + 0.054 + 0.058 + 0.008))


def test_reduced_tax_and_energinet_flags() -> None:
    reply = parse_pricelist(load("ReducedElectricityTaxes.json"))
    (charge,) = reply.charges
    assert (charge.code, charge.kind, charge.vat_applies) == ("EA-002", "tax", True)
    assert charge.valid_from == date(2021, 2, 1)
    assert charge.valid_to is None
    assert charge.note == "Reduceret elafgift"
    system = parse_pricelist(load("SystemTariffs.json")).charges[0]
    assert (system.code, system.kind, system.hourly_prices) == ("41000", "grid", (0.054,) * 24)


def test_current_charges_pick_the_version_in_force() -> None:
    reply = parse_pricelist(load("TransmissionGridTariffs.json"))
    on_day = lambda day: [  # noqa: E731
        (c.valid_from, c.hourly_prices[0]) for c in current_charges(reply.charges, day)
    ]
    assert on_day(date(2023, 9, 29)) == [(date(2023, 1, 1), 0.058)]
    assert on_day(date(2023, 9, 30)) == [(date(2023, 9, 30), 0.058)]
    assert on_day(date(2024, 12, 31)) == [(date(2024, 1, 1), 0.074)]
    assert on_day(date(2026, 12, 1)) == [(date(2026, 1, 1), 0.043)]


def test_grid_companies_list_gln_name_and_charge_codes() -> None:
    (n1,) = grid_companies(parse_pricelist(load("DatahubPricelistN1.json")))
    assert (n1.gln, n1.name, n1.charge_codes) == (N1, None, ("CD", "CD R"))
    (nord,) = grid_companies(parse_pricelist(load("DatahubPricelistNordEnergi.json")))
    assert (nord.gln, nord.charge_codes) == ("5790000610877", ("TA031U200",))
    (energinet,) = grid_companies(parse_pricelist(load("DatahubPricelistElectricityTax.json")))
    assert energinet.name == "Energinet Systemansvar A/S (SYO)"
    assert energinet.charge_codes == ("EA-001",)


def broken(change: Any) -> dict[str, Any]:
    reply = copy.deepcopy(load("GridTariffs.json"))
    change(reply)
    return reply


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda r: r.pop("records"), "records_missing"),
        (lambda r: r.update(dataset="Elspotprices"), "wrong_dataset"),
        (lambda r: r.update(filters="{not json"), "filters_invalid"),
        (lambda r: r["records"][3].update(Price7=None), "price_missing"),
        (lambda r: r["records"][3].update(Price1=None), "price_missing"),
        (lambda r: r["records"][3].update(Price7="0.2"), "price_invalid"),
        (lambda r: r["records"][3].update(ValidFrom="2023-13-01T00:00:00"), "date_invalid"),
        (lambda r: r["records"][3].update(ValidFrom="2023-05-01T01:00:00"), "date_invalid"),
        (lambda r: r["records"][3].update(ValidTo="2023-05-01T00:00:00"), "validity_invalid"),
        (lambda r: r["records"][3].update(ValidTo=None), "validity_overlap"),
        (lambda r: r["records"][3].pop("ChargeTypeCode"), "charge_code_missing"),
        (lambda r: r["records"].append(7), "record_invalid"),
    ],
)
def test_malformed_replies_raise_and_never_half_parse(change: Any, reason: str) -> None:
    with pytest.raises(PricelistParseError) as err:
        parse_pricelist(broken(change))
    assert err.value.reason == reason


def test_non_json_reply_raises() -> None:
    with pytest.raises(PricelistParseError) as err:
        parse_pricelist(b"<html>502</html>")
    assert err.value.reason == "not_json"


@pytest.mark.parametrize("path", REPLIES, ids=lambda p: p.stem)
def test_every_real_reply_round_trips_through_stored_dicts(path: Path) -> None:
    components = reply_components(parse_pricelist(path.read_text()))
    tariff = Tariff(time_zone="Europe/Copenhagen", currency="DKK", components=components)
    assert tariff_from_dict(tariff_to_dict(tariff)) == tariff


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda r: r.update(filters="[1]"), "filters_invalid"),
        (lambda r: r.update(filters='{"GLN_Number": [1]}'), "filters_invalid"),
        (lambda r: r["records"][3].update(ValidFrom=20230501), "date_invalid"),
        (lambda r: r["records"][3].update(Note=7), "field_invalid"),
        (lambda r: r["records"][3].update(VATClass="D09"), "field_invalid"),
        (lambda r: r["records"][0].update(ResolutionDuration="P1D"), "resolution_mismatch"),
    ],
)
def test_more_malformed_replies(change: Any, reason: str) -> None:
    with pytest.raises(PricelistParseError) as err:
        parse_pricelist(broken(change))
    assert err.value.reason == reason


def test_reply_that_is_not_an_object_raises() -> None:
    with pytest.raises(PricelistParseError) as err:
        parse_pricelist("[]")
    assert err.value.reason == "not_an_object"


def test_reply_without_filters_and_a_charge_without_vat() -> None:
    reply = load("SystemTariffs.json")
    del reply["filters"]
    reply["records"][0]["VATClass"] = "D01"
    (charge,) = parse_pricelist(reply).charges
    assert (charge.gln, charge.vat_applies, charge.name) == (None, False, "41000")
    assert grid_companies(parse_pricelist(reply)) == ()


def test_a_tariff_that_has_ended_without_a_newer_version_is_reported_expired() -> None:
    tariff = tariff_of("NetTariffs.json", "SystemTariffs.json")
    assert expired_components(tariff, date(2023, 3, 31)) == ()
    (expired,) = expired_components(tariff, date(2023, 4, 1))
    assert (expired.name, expired.valid_to) == ("CD (5790001089030)", date(2023, 4, 1))
    # The newer reply holds the following versions: nothing has expired.
    assert expired_components(tariff_of("GridTariffs.json"), date(2026, 12, 1)) == ()
