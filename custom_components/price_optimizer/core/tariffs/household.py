"""The household's tariff as an entry configures it, and the total prices it yields.

VAT, supplier fee and multiplier (the entry's first options) are part of the tariff like any
other component: the fee is a supplier component, the multiplier scales the market price and VAT
applies to both, so an entry with only those options prices exactly as a bill does:
``(market x multiplier + fee) x (1 + VAT)``. The tariff option then adds grid components from a
shipped preset, from components typed in, or from Energi Data Service's Datahub.

A slot's total is affine in its market price, so a forecast band (lower, upper) is priced with the
same components through :meth:`HouseholdTariff.total_of` without pricing every bound again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Final, Literal, cast

from ..prices import PriceSeries, PriceSlot
from .capacity import CapacityRule, capacity_rule_from_dict
from .energidataservice import CURRENCY as DATAHUB_CURRENCY, TIME_ZONE as DATAHUB_TIME_ZONE
from .issues import TariffError
from .model import (
    Component,
    ExportPrice,
    SlotPrice,
    SourceKind,
    Tariff,
    component_from_dict,
    export_price_from_dict,
    slot_price,
    validate_tariff,
)
from .presets import PRESET_REGIONS, TariffPreset, preset

TariffSource = Literal["adjustment", "manual", "preset", "energidataservice"]
TARIFF_SOURCES: tuple[TariffSource, ...] = ("adjustment", "manual", "preset", "energidataservice")
SUPPLIER_FEE: Final = "supplier_fee"
# Where a component without its own start date begins: before any price a source can hold.
ALWAYS: Final = date(2000, 1, 1)


@dataclass(frozen=True, slots=True)
class CapacityPeriod:
    """A capacity rule and the local days it applies to (``valid_to`` exclusive, None open)."""

    rule: CapacityRule
    valid_from: date = ALWAYS
    valid_to: date | None = None

    def is_valid_on(self, day: date) -> bool:
        """Whether the rule is in force on local ``day``."""
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


@dataclass(frozen=True, slots=True)
class HouseholdTariff:
    """Everything that turns a source's price into what the household pays."""

    tariff: Tariff
    source_kind: SourceKind = "market"
    source: TariffSource = "adjustment"
    capacity: tuple[CapacityPeriod, ...] = ()
    export: ExportPrice | None = None

    def capacity_on(self, day: date) -> CapacityRule | None:
        """The capacity rule in force on local ``day``, if any."""
        return next((p.rule for p in self.capacity if p.is_valid_on(day)), None)

    def slot_price(self, slot: PriceSlot) -> SlotPrice:
        """The total of one slot and its parts."""
        return slot_price(self.tariff, slot.start, slot.duration, slot.price, self.source_kind)

    @property
    def market_slope(self) -> float:
        """How much the total moves per unit of market price."""
        if self.source_kind != "market":
            return 1.0
        vat = self.tariff.vat_rate if self.tariff.market_vat_applies else 0.0
        return self.tariff.market_multiplier * (1.0 + vat)

    def total_of(self, priced: SlotPrice, market_price: float) -> float:
        """The total of the slot ``priced`` had ``market_price`` been its market price."""
        return priced.total + (market_price - priced.market) * self.market_slope

    def export_prices(self, series: PriceSeries) -> PriceSeries | None:
        """What exporting earns per slot of the market ``series``; None without an export price."""
        export = self.export
        if export is None:
            return None
        slots = tuple(
            replace(slot, price=export.price(slot.price), lower=None, upper=None) for slot in series
        )
        return replace(series, slots=slots)

    def priced(self, series: PriceSeries) -> tuple[PriceSeries, tuple[SlotPrice, ...]]:
        """The series in total prices (bands included) and each slot's parts."""
        parts = tuple(self.slot_price(slot) for slot in series)
        slots = tuple(
            replace(
                slot,
                price=part.total,
                lower=None if slot.lower is None else self.total_of(part, slot.lower),
                upper=None if slot.upper is None else self.total_of(part, slot.upper),
            )
            for slot, part in zip(series, parts, strict=True)
        )
        return replace(series, slots=slots), parts


@dataclass(frozen=True, slots=True)
class Adjustment:
    """The entry's VAT (percent), supplier fee per kWh and market multiplier."""

    vat_percent: float = 0.0
    fee_per_kwh: float = 0.0
    multiplier: float = 1.0


def adjustment_tariff(
    adjustment: Adjustment, time_zone: str, currency: str, source_kind: SourceKind = "market"
) -> HouseholdTariff:
    """The tariff of VAT, fee and multiplier alone: the fallback when the rest cannot be used."""
    return HouseholdTariff(
        tariff=Tariff(
            time_zone=time_zone,
            currency=currency,
            vat_rate=adjustment.vat_percent / 100.0,
            market_multiplier=adjustment.multiplier,
            components=_fee(adjustment),
        ),
        source_kind=source_kind,
    )


def _fee(adjustment: Adjustment) -> tuple[Component, ...]:
    if adjustment.fee_per_kwh == 0:
        return ()
    return (
        Component(
            name=SUPPLIER_FEE,
            kind="supplier",
            valid_from=ALWAYS,
            base_price=adjustment.fee_per_kwh,
        ),
    )


def _mapping(value: object, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise TariffError("field_invalid", component="tariff", field=field, value=value)
    return cast("Mapping[str, Any]", value)


def _preset(options: Mapping[str, Any]) -> TariffPreset:
    chosen = _mapping(options.get("preset"), "preset")
    region = chosen.get("region")
    if region not in PRESET_REGIONS:
        raise TariffError("field_invalid", component="tariff", field="region", value=region)
    try:
        return preset(region, str(chosen.get("id")))
    except KeyError as err:
        raise TariffError(
            "field_invalid", component="tariff", field="preset", value=chosen.get("id")
        ) from err


def _same_currency(tariff_currency: str, source_currency: str) -> None:
    if tariff_currency != source_currency:
        raise TariffError(
            "field_invalid", component="tariff", field="currency", value=tariff_currency
        )


def household_tariff(
    adjustment: Adjustment,
    *,
    time_zone: str,
    currency: str,
    source_kind: SourceKind = "market",
    tariff_options: Mapping[str, Any] | None = None,
    capacity_options: Mapping[str, Any] | None = None,
    export_options: Mapping[str, Any] | None = None,
    fetched: Sequence[Component] = (),
) -> HouseholdTariff:
    """The household's tariff from the entry's options, or :class:`TariffError`.

    ``time_zone`` and ``currency`` are the home's and the price source's; a preset or Datahub
    tariff brings its own zone (its bands are local times there) and must be in the source's
    currency. ``fetched`` are the Datahub components held for an ``energidataservice`` tariff.
    """
    base = adjustment_tariff(adjustment, time_zone, currency, source_kind)
    components = list(base.tariff.components)
    capacity: list[CapacityPeriod] = []
    source: TariffSource = "adjustment"
    holiday_country: str | None = None
    if tariff_options:
        source_option = tariff_options.get("source")
        if source_option not in TARIFF_SOURCES[1:]:
            raise TariffError(
                "field_invalid", component="tariff", field="source", value=source_option
            )
        source = source_option
        holiday_country = tariff_options.get("holiday_country")
        if source == "manual":
            raw = tariff_options.get("components", ())
            if not isinstance(raw, Sequence) or isinstance(raw, str):
                raise TariffError(
                    "field_invalid", component="tariff", field="components", value=raw
                )
            components.extend(component_from_dict(_mapping(item, "components")) for item in raw)
        elif source == "preset":
            chosen = _preset(tariff_options)
            _same_currency(chosen.currency, currency)
            time_zone = chosen.time_zone
            holiday_country = holiday_country or chosen.holiday_country
            components.extend(p.energy for p in chosen.periods if p.energy is not None)
            capacity.extend(
                CapacityPeriod(p.capacity, p.valid_from, p.valid_to) for p in chosen.periods
            )
        else:
            _same_currency(DATAHUB_CURRENCY, currency)
            time_zone = DATAHUB_TIME_ZONE
            holiday_country = holiday_country or "DK"
            components.extend(fetched)
    if capacity_options and not capacity:
        capacity.append(CapacityPeriod(capacity_rule_from_dict(capacity_options)))
    tariff = replace(
        base.tariff,
        time_zone=time_zone,
        holiday_country=holiday_country,
        components=tuple(components),
    )
    validate_tariff(tariff)
    return HouseholdTariff(
        tariff=tariff,
        source_kind=source_kind,
        source=source,
        capacity=tuple(capacity),
        export=None if export_options is None else export_price_from_dict(export_options),
    )
