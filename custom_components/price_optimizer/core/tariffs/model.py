"""The household's total price of a slot, from the market price and per-kWh tariff components.

total = market price x multiplier + sum of the components that apply, then VAT on the parts
VAT applies to. Components are data (frozen dataclasses that round-trip through plain dicts),
so a user can edit them and entities can show them.

Time bands are evaluated in local wall-clock time of the tariff's IANA zone. A slot (UTC start,
duration) is cut at every local band edge and local midnight and priced by the share of minutes
in each band: a 60-minute slot half in a 1.00 band and half in a 0.50 band costs 0.75. That keeps
an hourly tariff exact on 15-minute slots and a 15-minute tariff fair on hourly slots. The pieces
are also cut at every UTC quarter hour, where every zone in the tz database changes its offset,
so one piece never spans a clock change: 23- and 25-hour days come out exact, the repeated hour
of a 25-hour day is priced twice by its wall-clock band.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import pairwise
import math
from typing import Any, Literal, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from .issues import InputPath, TariffError, inputs_within

DayKind = Literal["workday", "weekend", "holiday"]
DAY_KINDS: tuple[DayKind, ...] = ("workday", "weekend", "holiday")
ComponentKind = Literal["grid", "tax", "supplier"]
COMPONENT_KINDS: tuple[ComponentKind, ...] = ("grid", "tax", "supplier")
SourceKind = Literal["market", "retail_energy", "all_in"]
"""What a price source delivers.

* ``market``: the bare market price (Nord Pool, ENTSO-E, Energi Data Service spot ...): the
  multiplier, every component and VAT apply.
* ``retail_energy``: the supplier's total for the energy, with its taxes and VAT (Tibber
  ``total``): only grid components are added, each with VAT where it applies.
* ``all_in``: the whole unit rate the household pays (Octopus unit rates): nothing is added.
"""
SOURCE_KINDS: tuple[SourceKind, ...] = ("market", "retail_energy", "all_in")

MINUTES_PER_DAY = 1440
_QUARTER = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class TimeRange:
    """Local minutes ``[start_minute, end_minute)`` of a day; 0 <= start < end <= 1440."""

    start_minute: int
    end_minute: int


@dataclass(frozen=True, slots=True)
class Season:
    """A recurring part of the year, ``[start, end)`` as (month, day); may wrap past New Year."""

    start: tuple[int, int]
    end: tuple[int, int]

    def contains(self, day: date) -> bool:
        """Whether ``day`` falls in this season."""
        key = (day.month, day.day)
        if self.start < self.end:
            return self.start <= key < self.end
        return key >= self.start or key < self.end


@dataclass(frozen=True, slots=True)
class Band:
    """One price of a component for the given days, seasons and local times.

    Empty ``days`` means every kind of day, empty ``seasons`` the whole year and empty ``times``
    the whole day.
    """

    price: float
    times: tuple[TimeRange, ...] = ()
    days: frozenset[DayKind] = frozenset()
    seasons: tuple[Season, ...] = ()

    def matches_day(self, day: date, kind: DayKind) -> bool:
        """Whether this band applies on ``day`` (of ``kind``) at some time."""
        if self.days and kind not in self.days:
            return False
        return not self.seasons or any(season.contains(day) for season in self.seasons)

    def time_ranges(self) -> tuple[TimeRange, ...]:
        """The band's local time ranges, the whole day when none are given."""
        return self.times or (TimeRange(0, MINUTES_PER_DAY),)


@dataclass(frozen=True, slots=True)
class Component:
    """A per-kWh part of the price (grid tariff, tax, levy, margin) for one validity period.

    Where no band matches, ``base_price`` applies; without a base price the bands must cover
    every minute of every day. ``valid_to`` is exclusive and ``None`` means open-ended; both are
    local dates of the tariff's zone.
    """

    name: str
    kind: ComponentKind
    valid_from: date
    valid_to: date | None = None
    base_price: float | None = None
    bands: tuple[Band, ...] = ()
    vat_applies: bool = True

    def is_valid_on(self, day: date) -> bool:
        """Whether the component is charged on local ``day``."""
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)

    def price_at(self, day: date, kind: DayKind, minute: int) -> float:
        """The price at local ``minute`` of ``day``."""
        for band in self.bands:
            if band.matches_day(day, kind) and any(
                r.start_minute <= minute < r.end_minute for r in band.time_ranges()
            ):
                return band.price
        return self.base_price if self.base_price is not None else 0.0

    def edges(self) -> tuple[int, ...]:
        """Local minutes of the day at which this component's price may change."""
        found = {MINUTES_PER_DAY}
        for band in self.bands:
            for r in band.time_ranges():
                found.update((r.start_minute, r.end_minute))
        return tuple(sorted(found - {0}))


@dataclass(frozen=True, slots=True)
class ExportPrice:
    """What exported energy earns, signed (a negative value costs the household).

    ``spot``: market price x multiplier + offset; ``fixed``: ``fixed_rate`` per kWh.
    """

    kind: Literal["spot", "fixed"]
    multiplier: float = 1.0
    offset: float = 0.0
    fixed_rate: float = 0.0

    def price(self, market_price: float) -> float:
        """The export price per kWh for a slot with ``market_price``."""
        if self.kind == "fixed":
            return self.fixed_rate
        return market_price * self.multiplier + self.offset


@dataclass(frozen=True, slots=True)
class Tariff:
    """Everything that turns a source's price into the household's total price."""

    time_zone: str
    currency: str
    vat_rate: float = 0.0
    market_multiplier: float = 1.0
    market_vat_applies: bool = True
    holiday_country: str | None = None
    holiday_subdivision: str | None = None
    components: tuple[Component, ...] = ()
    export: ExportPrice | None = None


@dataclass(frozen=True, slots=True)
class SlotPrice:
    """One slot's total and the parts it is made of, all per kWh."""

    start: datetime
    market: float
    market_part: float
    components: Mapping[str, float] = field(default_factory=dict)
    vat: float = 0.0
    total: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """A JSON-safe form for action answers and attributes."""
        return {
            "start": self.start.isoformat(),
            "market": self.market,
            "market_part": self.market_part,
            "components": dict(self.components),
            "vat": self.vat,
            "total": self.total,
        }


def applicable_components(tariff: Tariff, source_kind: SourceKind) -> tuple[Component, ...]:
    """The components to add to a price from a source of ``source_kind``, each exactly once."""
    if source_kind == "market":
        return tariff.components
    if source_kind == "retail_energy":
        return tuple(c for c in tariff.components if c.kind == "grid")
    if source_kind == "all_in":
        return ()
    raise TariffError("source_kind_invalid", source_kind=source_kind)


@lru_cache(maxsize=64)
def _holiday_calendar(country: str, subdivision: str | None) -> holidays.HolidayBase:
    return holidays.country_holidays(country, subdiv=subdivision)


def day_kind(tariff: Tariff, day: date) -> DayKind:
    """A public holiday, else a weekend day, else a workday."""
    if tariff.holiday_country is not None:
        calendar = _holiday_calendar(tariff.holiday_country, tariff.holiday_subdivision)
        if day in calendar:
            return "holiday"
    return "weekend" if day.weekday() >= 5 else "workday"


def _next_quarter(moment: datetime) -> datetime:
    floored = moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)
    return floored + _QUARTER


def component_prices(
    tariff: Tariff,
    start: datetime,
    duration: timedelta,
    components: Sequence[Component] | None = None,
) -> dict[str, float]:
    """Each component's minute-weighted price over the slot; components not valid are left out.

    Components sharing a name (versions of one tariff) are summed under that name.
    """
    if start.tzinfo is None:
        raise ValueError("slot start must be timezone-aware")
    chosen = tariff.components if components is None else components
    zone = ZoneInfo(tariff.time_zone)
    edges = sorted({edge for c in chosen for edge in c.edges()} | {MINUTES_PER_DAY})
    end = start.astimezone(UTC) + duration
    moment = start.astimezone(UTC)
    total_minutes = duration.total_seconds() / 60
    weighted: dict[str, float] = {}
    while moment < end:
        local = moment.astimezone(zone)
        minute = local.hour * 60 + local.minute
        next_edge = next(edge for edge in edges if edge > minute)
        piece_end = min(end, _next_quarter(moment), moment + timedelta(minutes=next_edge - minute))
        share = (piece_end - moment).total_seconds() / 60 / total_minutes
        day = local.date()
        kind = day_kind(tariff, day)
        for component in chosen:
            if component.is_valid_on(day):
                price = component.price_at(day, kind, minute)
                weighted[component.name] = weighted.get(component.name, 0.0) + price * share
        moment = piece_end
    return weighted


def slot_price(
    tariff: Tariff,
    start: datetime,
    duration: timedelta,
    market_price: float,
    source_kind: SourceKind = "market",
) -> SlotPrice:
    """The household's total price of one slot and its parts."""
    chosen = applicable_components(tariff, source_kind)
    parts = component_prices(tariff, start, duration, chosen)
    taxed = {c.name for c in chosen if c.vat_applies}
    market_part = (
        market_price * tariff.market_multiplier if source_kind == "market" else market_price
    )
    vat_base = sum(price for name, price in parts.items() if name in taxed)
    if source_kind == "market" and tariff.market_vat_applies:
        vat_base += market_part
    vat = vat_base * tariff.vat_rate
    return SlotPrice(
        start=start,
        market=market_price,
        market_part=market_part,
        components=parts,
        vat=vat,
        total=market_part + sum(parts.values()) + vat,
    )


def slot_prices(
    tariff: Tariff,
    starts: Sequence[datetime],
    duration: timedelta,
    market_prices: Sequence[float],
    source_kind: SourceKind = "market",
) -> list[SlotPrice]:
    """:func:`slot_price` for every slot of a series."""
    if len(starts) != len(market_prices):
        raise ValueError("one market price per slot start is needed")
    return [
        slot_price(tariff, start, duration, price, source_kind)
        for start, price in zip(starts, market_prices, strict=True)
    ]


# --- validation -------------------------------------------------------------------------------


def _ranges_overlap(a: Iterable[TimeRange], b: Iterable[TimeRange]) -> TimeRange | None:
    for x in a:
        for y in b:
            if x.start_minute < y.end_minute and y.start_minute < x.end_minute:
                return TimeRange(
                    max(x.start_minute, y.start_minute), min(x.end_minute, y.end_minute)
                )
    return None


# A leap year, so that 29 February is checked too.
_YEAR_DAYS = tuple(date(2024, 1, 1) + timedelta(days=n) for n in range(366))


def _first_shared_day(a: Band, b: Band) -> tuple[date, DayKind] | None:
    kinds = [k for k in DAY_KINDS if (not a.days or k in a.days) and (not b.days or k in b.days)]
    for kind in kinds:
        for day in _YEAR_DAYS:
            if a.matches_day(day, kind) and b.matches_day(day, kind):
                return day, kind
    return None


def format_minute(minute: int) -> str:
    """``HH:MM``, with 24:00 for the end of the day."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def validate_component(component: Component) -> None:
    """Raise :class:`TariffError` for a component that cannot be priced unambiguously."""
    name = component.name
    if component.valid_to is not None and component.valid_to <= component.valid_from:
        raise TariffError(
            "validity_invalid",
            at=[("valid_to",)],
            component=name,
            valid_from=component.valid_from.isoformat(),
            valid_to=component.valid_to.isoformat(),
        )
    prices: list[tuple[InputPath, float]] = [
        (("bands", index, "price"), band.price) for index, band in enumerate(component.bands)
    ]
    if component.base_price is not None:
        prices.append((("base_price",), component.base_price))
    for path, price in prices:
        if not math.isfinite(price):
            raise TariffError("price_invalid", at=[path], component=name, price=price)
    for index, band in enumerate(component.bands):
        for r in band.time_ranges():
            if not 0 <= r.start_minute < r.end_minute <= MINUTES_PER_DAY:
                raise TariffError(
                    "time_range_empty",
                    at=[("bands", index, "times")],
                    component=name,
                    start=format_minute(r.start_minute),
                    end=format_minute(r.end_minute),
                )
    for index, band in enumerate(component.bands):
        for later, other in enumerate(component.bands[index + 1 :], index + 1):
            shared = _ranges_overlap(band.time_ranges(), other.time_ranges())
            if shared is None:
                continue
            same_day = _first_shared_day(band, other)
            if same_day is not None:
                raise TariffError(
                    "bands_overlap",
                    at=[("bands", index), ("bands", later)],
                    component=name,
                    day=same_day[0].strftime("%m-%d"),
                    day_kind=same_day[1],
                    start=format_minute(shared.start_minute),
                    end=format_minute(shared.end_minute),
                )
    if component.base_price is None:
        _check_coverage(component)


def _check_coverage(component: Component) -> None:
    for kind in DAY_KINDS:
        for day in _YEAR_DAYS:
            ranges = sorted(
                (r.start_minute, r.end_minute)
                for band in component.bands
                if band.matches_day(day, kind)
                for r in band.time_ranges()
            )
            covered = 0
            for start, end in ranges:
                if start > covered:
                    break
                covered = max(covered, end)
            if covered < MINUTES_PER_DAY:
                # The bands leave the gap together: no one band is to blame.
                raise TariffError(
                    "bands_leave_gap",
                    at=[("bands",)],
                    component=component.name,
                    day=day.strftime("%m-%d"),
                    day_kind=kind,
                    time=format_minute(covered),
                )


def validate_tariff(tariff: Tariff) -> None:
    """Raise :class:`TariffError` for the first thing wrong with ``tariff``."""
    try:
        ZoneInfo(tariff.time_zone)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise TariffError(
            "time_zone_invalid", at=[("time_zone",)], time_zone=tariff.time_zone
        ) from err
    if not (math.isfinite(tariff.vat_rate) and 0 <= tariff.vat_rate < 1):
        raise TariffError("vat_rate_invalid", at=[("vat_rate",)], vat_rate=tariff.vat_rate)
    if not math.isfinite(tariff.market_multiplier):
        raise TariffError(
            "price_invalid",
            at=[("market_multiplier",)],
            component="market",
            price=tariff.market_multiplier,
        )
    if tariff.holiday_country is not None:
        try:
            holidays.country_holidays(tariff.holiday_country, subdiv=tariff.holiday_subdivision)
        except NotImplementedError as err:
            calendar: list[InputPath] = [("holiday_country",)]
            if tariff.holiday_subdivision is not None:
                calendar.append(("holiday_subdivision",))
            raise TariffError(
                "holiday_country_invalid",
                at=calendar,
                country=tariff.holiday_country,
                subdivision=tariff.holiday_subdivision or "",
            ) from err
    for index, component in enumerate(tariff.components):
        with inputs_within("components", index):
            validate_component(component)
    by_name: dict[str, list[tuple[int, Component]]] = {}
    for index, component in enumerate(tariff.components):
        by_name.setdefault(component.name, []).append((index, component))
    for name, versions in by_name.items():
        versions.sort(key=lambda version: version[1].valid_from)
        for (earlier_index, earlier), (later_index, later) in pairwise(versions):
            if earlier.valid_to is None or earlier.valid_to > later.valid_from:
                # Either the earlier version ends sooner or the later one starts later.
                raise TariffError(
                    "validity_overlap",
                    at=[
                        ("components", earlier_index, "valid_to"),
                        ("components", later_index, "valid_from"),
                    ],
                    component=name,
                    valid_from=later.valid_from.isoformat(),
                )
    if tariff.export is not None:
        _check_export(tariff.export)


def _check_export(export: ExportPrice) -> None:
    if export.kind not in ("spot", "fixed"):
        raise TariffError("export_invalid", at=[("export", "kind")], kind=export.kind)
    values = {
        "multiplier": export.multiplier,
        "offset": export.offset,
        "fixed_rate": export.fixed_rate,
    }
    unusable = [("export", key) for key, value in values.items() if not math.isfinite(value)]
    if unusable:
        raise TariffError("export_invalid", at=unusable, kind=export.kind)


# --- plain dicts ------------------------------------------------------------------------------


def _parse_minute(text: object, component: str) -> int:
    if isinstance(text, str) and len(text) == 5 and text[2] == ":":
        hours, minutes = text[:2], text[3:]
        if hours.isdigit() and minutes.isdigit():
            value = int(hours) * 60 + int(minutes)
            if int(minutes) < 60 and value <= MINUTES_PER_DAY:
                return value
    raise TariffError("time_invalid", at=[("times",)], component=component, time=text)


def _parse_month_day(text: object, component: str) -> tuple[int, int]:
    if isinstance(text, str) and len(text) == 5 and text[2] == "-":
        try:
            parsed = date(2024, int(text[:2]), int(text[3:]))
        except ValueError:
            pass
        else:
            return parsed.month, parsed.day
    raise TariffError("season_invalid", at=[("seasons",)], component=component, value=text)


def _parse_date(value: object, component: str, key: str) -> date:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise TariffError("validity_invalid", at=[(key,)], component=component, **{key: value})


def _number(data: Mapping[str, Any], key: str, component: str, default: float | None) -> float:
    value = data.get(key, default)
    if value is None:
        raise TariffError("field_missing", at=[(key,)], component=component, field=key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise TariffError("price_invalid", at=[(key,)], component=component, price=value)
    return float(value)


def band_from_dict(data: Mapping[str, Any], component: str) -> Band:
    """A band from ``{"price", "times": [["HH:MM", "HH:MM"]], "days": [...], "seasons": [...]}``."""
    times: list[TimeRange] = []
    for pair in data.get("times", ()):
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise TariffError("time_invalid", at=[("times",)], component=component, time=pair)
        times.append(
            TimeRange(_parse_minute(pair[0], component), _parse_minute(pair[1], component))
        )
    days = data.get("days", ())
    for kind in days:
        if kind not in DAY_KINDS:
            raise TariffError(
                "day_kind_invalid", at=[("days",)], component=component, day_kind=kind
            )
    seasons = []
    for season in data.get("seasons", ()):
        if not isinstance(season, Mapping) or "from" not in season or "to" not in season:
            raise TariffError(
                "season_invalid", at=[("seasons",)], component=component, value=season
            )
        start = _parse_month_day(season["from"], component)
        end = _parse_month_day(season["to"], component)
        if start == end:
            raise TariffError(
                "season_invalid", at=[("seasons",)], component=component, value=season["from"]
            )
        seasons.append(Season(start, end))
    return Band(
        price=_number(data, "price", component, None),
        times=tuple(times),
        days=frozenset(cast("Iterable[DayKind]", days)),
        seasons=tuple(seasons),
    )


def band_to_dict(band: Band) -> dict[str, Any]:
    """The plain form :func:`band_from_dict` reads."""
    out: dict[str, Any] = {"price": band.price}
    if band.times:
        out["times"] = [
            [format_minute(r.start_minute), format_minute(r.end_minute)] for r in band.times
        ]
    if band.days:
        out["days"] = [kind for kind in DAY_KINDS if kind in band.days]
    if band.seasons:
        out["seasons"] = [
            {"from": f"{s.start[0]:02d}-{s.start[1]:02d}", "to": f"{s.end[0]:02d}-{s.end[1]:02d}"}
            for s in band.seasons
        ]
    return out


def component_from_dict(data: Mapping[str, Any]) -> Component:
    """A validated component from its plain form."""
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise TariffError("name_missing", at=[("name",)])
    kind = data.get("kind", "grid")
    if kind not in COMPONENT_KINDS:
        raise TariffError("field_invalid", at=[("kind",)], component=name, field="kind", value=kind)
    if data.get("valid_from") is None:
        raise TariffError("validity_missing", at=[("valid_from",)], component=name)
    valid_from = _parse_date(data["valid_from"], name, "valid_from")
    valid_to = data.get("valid_to")
    base = data.get("base_price")
    bands = []
    for index, band in enumerate(data.get("bands", ())):
        with inputs_within("bands", index):
            bands.append(band_from_dict(band, name))
    component = Component(
        name=name,
        kind=kind,
        valid_from=valid_from,
        valid_to=None if valid_to is None else _parse_date(valid_to, name, "valid_to"),
        base_price=None if base is None else _number(data, "base_price", name, None),
        bands=tuple(bands),
        vat_applies=bool(data.get("vat_applies", True)),
    )
    validate_component(component)
    return component


def components_from_dicts(items: Iterable[Mapping[str, Any]]) -> tuple[Component, ...]:
    """Validated components from their plain forms, a refusal naming the list position."""
    components = []
    for index, item in enumerate(items):
        with inputs_within("components", index):
            components.append(component_from_dict(item))
    return tuple(components)


def component_to_dict(component: Component) -> dict[str, Any]:
    """The plain form :func:`component_from_dict` reads."""
    return {
        "name": component.name,
        "kind": component.kind,
        "valid_from": component.valid_from.isoformat(),
        "valid_to": None if component.valid_to is None else component.valid_to.isoformat(),
        "base_price": component.base_price,
        "bands": [band_to_dict(band) for band in component.bands],
        "vat_applies": component.vat_applies,
    }


def export_price_from_dict(data: object) -> ExportPrice:
    """A validated export price from its plain (stored) form."""
    if not isinstance(data, Mapping) or data.get("kind") not in ("spot", "fixed"):
        raise TariffError("export_invalid", at=[("kind",)], kind=str(data))
    return ExportPrice(
        kind=data["kind"],
        multiplier=_number(data, "multiplier", "export", 1.0),
        offset=_number(data, "offset", "export", 0.0),
        fixed_rate=_number(data, "fixed_rate", "export", 0.0),
    )


def tariff_from_dict(data: Mapping[str, Any]) -> Tariff:
    """A validated tariff from its plain (stored) form."""
    for key in ("time_zone", "currency"):
        if not isinstance(data.get(key), str):
            raise TariffError("field_missing", at=[(key,)], component="tariff", field=key)
    export = data.get("export")
    with inputs_within("export"):
        export_price = None if export is None else export_price_from_dict(export)
    tariff = Tariff(
        time_zone=data["time_zone"],
        currency=data["currency"],
        vat_rate=_number(data, "vat_rate", "vat", 0.0),
        market_multiplier=_number(data, "market_multiplier", "market", 1.0),
        market_vat_applies=bool(data.get("market_vat_applies", True)),
        holiday_country=data.get("holiday_country"),
        holiday_subdivision=data.get("holiday_subdivision"),
        components=components_from_dicts(data.get("components", ())),
        export=export_price,
    )
    validate_tariff(tariff)
    return tariff


def tariff_to_dict(tariff: Tariff) -> dict[str, Any]:
    """The plain form :func:`tariff_from_dict` reads (storage and entity attributes)."""
    out: dict[str, Any] = {
        "time_zone": tariff.time_zone,
        "currency": tariff.currency,
        "vat_rate": tariff.vat_rate,
        "market_multiplier": tariff.market_multiplier,
        "market_vat_applies": tariff.market_vat_applies,
        "holiday_country": tariff.holiday_country,
        "holiday_subdivision": tariff.holiday_subdivision,
        "components": [component_to_dict(c) for c in tariff.components],
        "export": None,
    }
    if tariff.export is not None:
        out["export"] = {
            "kind": tariff.export.kind,
            "multiplier": tariff.export.multiplier,
            "offset": tariff.export.offset,
            "fixed_rate": tariff.export.fixed_rate,
        }
    return out


def expired_components(tariff: Tariff, day: date) -> tuple[Component, ...]:
    """The last version of each component that has ended by local ``day`` with no newer one.

    A fetched tariff in this list needs a newer version (the glue raises a repair issue).
    """
    latest: dict[str, Component] = {}
    for component in tariff.components:
        known = latest.get(component.name)
        if known is None or component.valid_from > known.valid_from:
            latest[component.name] = component
    return tuple(c for c in latest.values() if c.valid_to is not None and c.valid_to <= day)
