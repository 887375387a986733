"""ENTSO-E Transparency Platform: day-ahead prices and the forecasts that drive them.

Prices are documentType A44 (Energy Prices [12.1.D]); the day-ahead total load
forecast is A65 with processType A01, and the day-ahead wind and solar
forecasts are A69. All come as IEC 62325 XML in UTC, for whole local days.
Traps handled here:

* curve type A03 omits a position whose price repeats the previous one;
* one request may return several TimeSeries: one per day, and in DE-LU two
  classification sequences for the same day. The lowest sequence position is
  the SDAC coupling price and wins, deterministically, wherever both exist;
* since the SDAC switch (delivery day 2025-10-01) zones publish PT15M, others
  (CH) still PT60M; a series may mix them across days;
* "no data yet" is an Acknowledgement_MarketDocument with reason 999, not an
  error.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from ..prices import PriceSeries, PriceSlot, per_kwh
from ..tariffs.model import SourceKind
from .base import ExogenousPoint, ExogenousSeries, Publication, SourceDataError, SourceRequestError
from .http import SourceHttp
from .normalise import forward_filled, number, parse_time, resolution, series_from_slots, within
from .xmldoc import child_text, children, local_name, parse_document, required_text

API_URL: Final = "https://web-api.tp.entsoe.eu/api"
NO_DATA_REASON: Final = "999"
# SDAC results come out at about 12:55 CET; ENTSO-E republishes them minutes later.
PUBLICATION_CET: Final = time(13, 5)
CET: Final = ZoneInfo("Europe/Brussels")

PSR_KINDS: Final = {
    "B16": "solar_forecast",
    "B18": "wind_offshore_forecast",
    "B19": "wind_onshore_forecast",
}
UNITS: Final = {"MAW": "MW"}


@dataclass(frozen=True, slots=True)
class BiddingZone:
    """An ENTSO-E bidding zone: its EIC code and the time zone of its delivery day."""

    eic: str
    zone: ZoneInfo


def _zones(zone: str, *codes: tuple[str, str]) -> dict[str, BiddingZone]:
    return {area: BiddingZone(eic, ZoneInfo(zone)) for area, eic in codes}


# Day-ahead bidding zones of the ENTSO-E area list (the Transparency Platform's
# "BZN" codes) that publish Energy Prices [12.1.D].
AREAS: Final[dict[str, BiddingZone]] = {
    **_zones("Europe/Vienna", ("AT", "10YAT-APG------L")),
    **_zones("Europe/Brussels", ("BE", "10YBE----------2")),
    **_zones("Europe/Sofia", ("BG", "10YCA-BULGARIA-R")),
    **_zones("Europe/Zurich", ("CH", "10YCH-SWISSGRIDZ")),
    **_zones("Europe/Prague", ("CZ", "10YCZ-CEPS-----N")),
    **_zones("Europe/Berlin", ("DE-LU", "10Y1001A1001A82H")),
    **_zones("Europe/Copenhagen", ("DK1", "10YDK-1--------W"), ("DK2", "10YDK-2--------M")),
    **_zones("Europe/Tallinn", ("EE", "10Y1001A1001A39I")),
    **_zones("Europe/Madrid", ("ES", "10YES-REE------0")),
    **_zones("Europe/Helsinki", ("FI", "10YFI-1--------U")),
    **_zones("Europe/Paris", ("FR", "10YFR-RTE------C")),
    **_zones("Europe/Athens", ("GR", "10YGR-HTSO-----Y")),
    **_zones("Europe/Zagreb", ("HR", "10YHR-HEP------M")),
    **_zones("Europe/Budapest", ("HU", "10YHU-MAVIR----U")),
    **_zones("Europe/Dublin", ("IE-SEM", "10Y1001A1001A59C")),
    **_zones(
        "Europe/Rome",
        ("IT-CALA", "10Y1001C--00096J"),
        ("IT-CNOR", "10Y1001A1001A70O"),
        ("IT-CSUD", "10Y1001A1001A71M"),
        ("IT-NORD", "10Y1001A1001A73I"),
        ("IT-SARD", "10Y1001A1001A74G"),
        ("IT-SICI", "10Y1001A1001A75E"),
        ("IT-SUD", "10Y1001A1001A788"),
    ),
    **_zones("Europe/Vilnius", ("LT", "10YLT-1001A0008Q")),
    **_zones("Europe/Riga", ("LV", "10YLV-1001A00074")),
    **_zones("Europe/Podgorica", ("ME", "10YCS-CG-TSO---S")),
    **_zones("Europe/Skopje", ("MK", "10YMK-MEPSO----8")),
    **_zones("Europe/Amsterdam", ("NL", "10YNL----------L")),
    **_zones(
        "Europe/Oslo",
        ("NO1", "10YNO-1--------2"),
        ("NO2", "10YNO-2--------T"),
        ("NO3", "10YNO-3--------J"),
        ("NO4", "10YNO-4--------9"),
        ("NO5", "10Y1001A1001A48H"),
    ),
    **_zones("Europe/Warsaw", ("PL", "10YPL-AREA-----S")),
    **_zones("Europe/Lisbon", ("PT", "10YPT-REN------W")),
    **_zones("Europe/Bucharest", ("RO", "10YRO-TEL------P")),
    **_zones("Europe/Belgrade", ("RS", "10YCS-SERBIATSOV")),
    **_zones(
        "Europe/Stockholm",
        ("SE1", "10Y1001A1001A44P"),
        ("SE2", "10Y1001A1001A45N"),
        ("SE3", "10Y1001A1001A46L"),
        ("SE4", "10Y1001A1001A47J"),
    ),
    **_zones("Europe/Ljubljana", ("SI", "10YSI-ELES-----O")),
    **_zones("Europe/Bratislava", ("SK", "10YSK-SEPS-----K")),
}


@dataclass(frozen=True, slots=True)
class _Period:
    start: datetime
    step: timedelta
    values: list[float | None]


def cet_time_in(zone: ZoneInfo, cet: time) -> time:
    """Return a Central European time of day in ``zone`` (EU zones share DST dates)."""
    reference = datetime.combine(date(2024, 1, 15), cet, CET)
    return reference.astimezone(zone).time()


def parse_prices(text: str) -> PriceSeries:
    """Return the prices per kWh of an A44 reply; an acknowledgement of no data is empty."""
    root = parse_document(text)
    if _is_no_data(root):
        return PriceSeries()
    if local_name(root) != "Publication_MarketDocument":
        raise SourceDataError(f"expected a price document, got {local_name(root)}")
    by_sequence: dict[int, list[PriceSlot]] = {}
    currencies: set[str] = set()
    for series in children(root, "TimeSeries"):
        currencies.add(required_text(series, "currency_Unit.name"))
        unit = required_text(series, "price_Measure_Unit.name")
        if unit != "MWH":
            raise SourceDataError(f"unexpected price unit {unit}")
        sequence = int(
            child_text(series, "classificationSequence_AttributeInstanceComponent.position") or 1
        )
        for period in _periods(series, "price.amount"):
            by_sequence.setdefault(sequence, []).extend(
                PriceSlot(period.start + i * period.step, period.step, per_kwh(value))
                for i, value in enumerate(period.values)
                if value is not None
            )
    if len(currencies) > 1:
        raise SourceDataError(f"mixed currencies {sorted(currencies)}")
    currency = currencies.pop() if currencies else "EUR"
    return series_from_slots(_lowest_sequence_first(by_sequence), currency)


def _lowest_sequence_first(by_sequence: dict[int, list[PriceSlot]]) -> list[PriceSlot]:
    """Return the lowest sequence's slots, completed by higher ones only where it has none."""
    chosen: list[PriceSlot] = []
    covered = PriceSeries()
    for sequence in sorted(by_sequence):
        slots = [s for s in by_sequence[sequence] if not covered.overlaps(s.start, s.end)]
        chosen.extend(slots)
        covered = series_from_slots(chosen, "EUR")
    return chosen


def parse_forecasts(text: str) -> tuple[ExogenousSeries, ...]:
    """Return the series of an A65 (load) or A69 (wind and solar) forecast document."""
    root = parse_document(text)
    if _is_no_data(root):
        return ()
    if local_name(root) != "GL_MarketDocument":
        raise SourceDataError(f"expected a generation/load document, got {local_name(root)}")
    document_type = required_text(root, "type")
    points: dict[tuple[str, str], list[ExogenousPoint]] = {}
    for series in children(root, "TimeSeries"):
        if document_type == "A65":
            kind = "load_forecast"
        else:
            psr = child_text(series, "MktPSRType/psrType")
            if psr not in PSR_KINDS:
                continue
            kind = PSR_KINDS[psr]
        unit_code = required_text(series, "quantity_Measure_Unit.name")
        unit = UNITS.get(unit_code, unit_code)
        for period in _periods(series, "quantity"):
            points.setdefault((kind, unit), []).extend(
                ExogenousPoint(period.start + i * period.step, period.step, value)
                for i, value in enumerate(period.values)
                if value is not None
            )
    return tuple(
        ExogenousSeries.from_points(kind, unit, found)
        for (kind, unit), found in sorted(points.items())
    )


def _periods(series: ET.Element, value_name: str) -> Iterable[_Period]:
    curve = child_text(series, "curveType") or "A01"
    for period in children(series, "Period"):
        start = parse_time(required_text(period, "timeInterval/start"))
        end = parse_time(required_text(period, "timeInterval/end"))
        step = resolution(required_text(period, "resolution"))
        count, remainder = divmod(end - start, step)
        if remainder or count <= 0:
            raise SourceDataError(f"period {start}..{end} is not a whole number of {step}")
        positions = {
            int(required_text(point, "position")): number(required_text(point, value_name))
            for point in children(period, "Point")
        }
        values: list[float | None]
        if curve == "A03":
            values = list(forward_filled(positions, count))
        else:
            if any(position < 1 or position > count for position in positions):
                raise SourceDataError(f"a position lies outside 1..{count}")
            values = [positions.get(position) for position in range(1, count + 1)]
        yield _Period(start, step, values)


def _is_no_data(root: ET.Element) -> bool:
    """Return True for the acknowledgement that says there is nothing (yet) for the request."""
    if local_name(root) != "Acknowledgement_MarketDocument":
        return False
    code = child_text(root, "Reason/code")
    if code == NO_DATA_REASON:
        return True
    reason = child_text(root, "Reason/text") or "no reason given"
    raise SourceRequestError(f"ENTSO-E refused the request ({code}): {reason}")


def _period_param(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y%m%d%H00")


class EntsoeSource:
    """Day-ahead prices and forecasts of one bidding zone from the Transparency Platform."""

    source_kind: SourceKind = "market"

    def __init__(self, http: SourceHttp, token: str, area: str, url: str | None = None) -> None:
        """Read ``area``'s data with the API ``token``."""
        self._http = http
        self._token = token
        self._zone = AREAS[area]
        self._url = url or API_URL
        self.publication = Publication(
            zone=self._zone.zone, at=cet_time_in(self._zone.zone, PUBLICATION_CET)
        )

    async def async_fetch(self, start: datetime, end: datetime) -> PriceSeries:
        """Return the day-ahead prices per kWh for ``[start, end)``."""
        text = await self._get(
            {
                "documentType": "A44",
                "in_Domain": self._zone.eic,
                "out_Domain": self._zone.eic,
                "periodStart": _period_param(start),
                "periodEnd": _period_param(end),
            }
        )
        return within(parse_prices(text), start, end)

    async def async_fetch_exogenous(
        self, start: datetime, end: datetime
    ) -> tuple[ExogenousSeries, ...]:
        """Return the day-ahead load, wind and solar forecasts for ``[start, end)``."""
        window = {"periodStart": _period_param(start), "periodEnd": _period_param(end)}
        load = await self._get(
            {
                "documentType": "A65",
                "processType": "A01",
                "outBiddingZone_Domain": self._zone.eic,
                **window,
            }
        )
        renewables = await self._get(
            {"documentType": "A69", "processType": "A01", "in_Domain": self._zone.eic, **window}
        )
        return (*parse_forecasts(load), *parse_forecasts(renewables))

    async def _get(self, params: dict[str, str]) -> str:
        reply = await self._http.request(
            "GET",
            self._url,
            params={**params, "securityToken": self._token},
            # ENTSO-E explains a refused or empty query in an acknowledgement
            # document sent with status 400; it is read, not treated as an outage.
            accept=(400,),
        )
        if reply.status == 400 and "Acknowledgement_MarketDocument" not in reply.text:
            raise SourceRequestError(f"ENTSO-E refused the request: {reply.text[:200]}")
        return reply.text
