"""Danish tariffs and taxes from Energi Data Service's ``DatahubPricelist`` dataset.

One record is one charge (owner GLN + charge type code) for one validity period. ``Price1`` ..
``Price24`` are DKK/kWh excl. VAT for the local hours 00-01 .. 23-24 (Danish time); a charge with
only ``Price1`` (``ResolutionDuration`` ``P1D``) costs the same all day. ``ValidFrom`` and
``ValidTo`` are local midnights, ``ValidTo`` exclusive or null for open-ended.

Because the model prices by local wall-clock hour, the 23-hour day simply has no 02-03 hour and
the 25-hour day charges ``Price3`` for both of its 02-03 hours, as Datahub bills them.

A reply is parsed whole or not at all: anything malformed raises :class:`PricelistParseError`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise
import json
import math
from typing import Any

from .model import Band, Component, ComponentKind, TimeRange, validate_component

TIME_ZONE = "Europe/Copenhagen"
CURRENCY = "DKK"
ENERGINET_GLN = "5790000432752"
HOURS = 24


class PricelistParseError(ValueError):
    """A reply that is not a DatahubPricelist answer we can trust; ``reason`` is a fixed code."""

    def __init__(self, reason: str, record: int | None = None, detail: object = None) -> None:
        """Keep a machine-readable reason, the record's index and what was wrong."""
        where = "" if record is None else f" (record {record})"
        super().__init__(f"{reason}{where}: {detail!r}")
        self.reason = reason
        self.record = record
        self.detail = detail


@dataclass(frozen=True, slots=True)
class DatahubCharge:
    """One record: a charge's hourly prices for one validity period."""

    gln: str | None
    owner: str | None
    code: str
    note: str | None
    valid_from: date
    valid_to: date | None
    hourly_prices: tuple[float, ...]
    vat_applies: bool

    @property
    def kind(self) -> ComponentKind:
        """Electricity tax (elafgift, full or reduced) is a tax; every other charge is grid."""
        if self.code.startswith("EA-") or (self.note and "elafgift" in self.note.lower()):
            return "tax"
        return "grid"

    @property
    def name(self) -> str:
        """The component name: the charge code, with the owner's GLN where it is known."""
        return self.code if self.gln is None else f"{self.code} ({self.gln})"

    def is_valid_on(self, day: date) -> bool:
        """Whether the charge applies on local ``day``."""
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


@dataclass(frozen=True, slots=True)
class PricelistReply:
    """A parsed reply: the request's filter and every charge it holds."""

    filters: Mapping[str, tuple[str, ...]]
    charges: tuple[DatahubCharge, ...]


@dataclass(frozen=True, slots=True)
class GridCompany:
    """A charge owner to pick in the config flow."""

    gln: str
    name: str | None
    charge_codes: tuple[str, ...]


def _filters(raw: object) -> dict[str, tuple[str, ...]]:
    if raw is None or raw == "":
        return {}
    try:
        parsed = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError as err:
        raise PricelistParseError("filters_invalid", detail=raw) from err
    if not isinstance(parsed, Mapping):
        raise PricelistParseError("filters_invalid", detail=raw)
    out: dict[str, tuple[str, ...]] = {}
    for key, given in parsed.items():
        values = [given] if isinstance(given, str) else given
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise PricelistParseError("filters_invalid", detail=raw)
        out[str(key)] = tuple(values)
    return out


def _local_date(value: object, index: int, field: str) -> date:
    if not isinstance(value, str):
        raise PricelistParseError("date_invalid", index, {field: value})
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as err:
        raise PricelistParseError("date_invalid", index, {field: value}) from err
    # Datahub tariffs change at local midnight; anything else would be a different dataset.
    if moment.tzinfo is not None or moment.time() != datetime.min.time():
        raise PricelistParseError("date_invalid", index, {field: value})
    return moment.date()


def _price(value: object, index: int, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PricelistParseError("price_invalid", index, {field: value})
    return float(value)


def _text(value: object, index: int, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise PricelistParseError("field_invalid", index, {field: value})
    return value


def _only(filters: Mapping[str, tuple[str, ...]], key: str) -> str | None:
    values = filters.get(key, ())
    return values[0] if len(values) == 1 else None


def _charge(record: object, index: int, filters: Mapping[str, tuple[str, ...]]) -> DatahubCharge:
    if not isinstance(record, Mapping):
        raise PricelistParseError("record_invalid", index, record)
    code = record.get("ChargeTypeCode")
    if not isinstance(code, str) or not code:
        raise PricelistParseError("charge_code_missing", index, code)
    valid_from = _local_date(record.get("ValidFrom"), index, "ValidFrom")
    raw_to = record.get("ValidTo")
    valid_to = None if raw_to is None else _local_date(raw_to, index, "ValidTo")
    if valid_to is not None and valid_to <= valid_from:
        raise PricelistParseError("validity_invalid", index, (valid_from, valid_to))
    raw_prices = [record.get(f"Price{hour}") for hour in range(1, HOURS + 1)]
    if raw_prices[0] is None:
        raise PricelistParseError("price_missing", index, "Price1")
    if all(value is None for value in raw_prices[1:]):
        prices = (_price(raw_prices[0], index, "Price1"),) * HOURS
    elif any(value is None for value in raw_prices):
        missing = next(h for h, value in enumerate(raw_prices, 1) if value is None)
        raise PricelistParseError("price_missing", index, f"Price{missing}")
    else:
        prices = tuple(_price(v, index, f"Price{h}") for h, v in enumerate(raw_prices, 1))
    resolution = record.get("ResolutionDuration")
    if resolution == "P1D" and len(set(prices)) > 1:
        raise PricelistParseError("resolution_mismatch", index, resolution)
    vat_class = record.get("VATClass")
    if vat_class not in (None, "D01", "D02"):
        raise PricelistParseError("field_invalid", index, {"VATClass": vat_class})
    gln = _text(record.get("GLN_Number"), index, "GLN_Number") or _only(filters, "GLN_Number")
    return DatahubCharge(
        gln=gln,
        owner=_text(record.get("ChargeOwner"), index, "ChargeOwner"),
        code=code,
        note=_text(record.get("Note"), index, "Note") or _only(filters, "Note"),
        valid_from=valid_from,
        valid_to=valid_to,
        hourly_prices=prices,
        # D01 is "no VAT"; every Datahub tariff and tax seen carries VAT (D02).
        vat_applies=vat_class != "D01",
    )


def parse_pricelist(payload: str | bytes | Mapping[str, Any]) -> PricelistReply:
    """Parse a whole DatahubPricelist reply, or raise :class:`PricelistParseError`."""
    if isinstance(payload, str | bytes):
        try:
            payload = json.loads(payload)
        except ValueError as err:
            raise PricelistParseError("not_json") from err
    if not isinstance(payload, Mapping):
        raise PricelistParseError("not_an_object", detail=type(payload).__name__)
    dataset = payload.get("dataset")
    if dataset not in (None, "DatahubPricelist"):
        raise PricelistParseError("wrong_dataset", detail=dataset)
    records = payload.get("records")
    if not isinstance(records, list):
        raise PricelistParseError("records_missing")
    filters = _filters(payload.get("filters"))
    charges = tuple(_charge(record, index, filters) for index, record in enumerate(records))
    seen: dict[tuple[str | None, str], list[DatahubCharge]] = {}
    for charge in charges:
        seen.setdefault((charge.gln, charge.code), []).append(charge)
    for versions in seen.values():
        versions.sort(key=lambda c: c.valid_from)
        for earlier, later in pairwise(versions):
            if earlier.valid_to is None or earlier.valid_to > later.valid_from:
                raise PricelistParseError(
                    "validity_overlap", charges.index(later), later.valid_from.isoformat()
                )
    return PricelistReply(filters=filters, charges=charges)


def charge_component(charge: DatahubCharge) -> Component:
    """The tariff component of one charge, its equal neighbouring hours merged into one band."""
    prices = charge.hourly_prices
    bands: list[Band] = []
    if len(set(prices)) > 1:
        start = 0
        for hour in range(1, HOURS + 1):
            if hour == HOURS or prices[hour] != prices[start]:
                bands.append(Band(price=prices[start], times=(TimeRange(start * 60, hour * 60),)))
                start = hour
    component = Component(
        name=charge.name,
        kind=charge.kind,
        valid_from=charge.valid_from,
        valid_to=charge.valid_to,
        base_price=prices[0] if not bands else None,
        bands=tuple(bands),
        vat_applies=charge.vat_applies,
    )
    validate_component(component)
    return component


def reply_components(reply: PricelistReply) -> tuple[Component, ...]:
    """Every charge of a reply as components, oldest version first per charge."""
    ordered = sorted(reply.charges, key=lambda c: (c.name, c.valid_from))
    return tuple(charge_component(charge) for charge in ordered)


def current_charges(charges: Sequence[DatahubCharge], day: date) -> tuple[DatahubCharge, ...]:
    """The charges in force on local ``day``."""
    return tuple(charge for charge in charges if charge.is_valid_on(day))


def grid_companies(reply: PricelistReply) -> tuple[GridCompany, ...]:
    """The charge owners of a reply with their charge codes, by GLN."""
    owners: dict[str, tuple[str | None, set[str]]] = {}
    for charge in reply.charges:
        if charge.gln is None:
            continue
        name, codes = owners.get(charge.gln, (None, set()))
        codes.add(charge.code)
        owners[charge.gln] = (name or charge.owner, codes)
    return tuple(
        GridCompany(gln=gln, name=name, charge_codes=tuple(sorted(codes)))
        for gln, (name, codes) in sorted(owners.items())
    )
