"""The household's tariff of a config entry: read from its options, Datahub charges kept fresh.

Bad stored options never stop the entry: the tariff falls back to VAT, fee and multiplier and a
repair issue names what was refused. A Datahub tariff is fetched on setup and once a day; the
last good components are kept in the prices Store, so a restart or an outage keeps pricing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, NamedTuple

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .const import (
    CONF_CAPACITY,
    CONF_EXPORT_PRICE,
    CONF_FEE_PER_KWH,
    CONF_MULTIPLIER,
    CONF_TARIFF,
    CONF_VAT_PERCENT,
    LOGGER,
)
from .core.sources.base import SourceError
from .core.sources.http import UPDATE_RETRY, HttpPolicy, SourceHttp
from .core.tariffs.energidataservice_client import DATAHUB_URL, async_fetch_household_components
from .core.tariffs.household import Adjustment, HouseholdTariff, adjustment_tariff, household_tariff
from .core.tariffs.issues import TariffError
from .core.tariffs.model import Component, SourceKind, component_from_dict, component_to_dict

DATAHUB_REFRESH: Final = timedelta(days=1)
DATAHUB_POLICY: Final = HttpPolicy()


def adjustment_from_options(options: Mapping[str, Any]) -> Adjustment:
    """The entry's VAT, fee and multiplier."""
    return Adjustment(
        vat_percent=float(options.get(CONF_VAT_PERCENT, 0.0)),
        fee_per_kwh=float(options.get(CONF_FEE_PER_KWH, 0.0)),
        multiplier=float(options.get(CONF_MULTIPLIER, 1.0)),
    )


def tariff_from_options(
    options: Mapping[str, Any],
    *,
    time_zone: str,
    currency: str,
    source_kind: SourceKind,
    fetched: tuple[Component, ...] = (),
) -> tuple[HouseholdTariff, TariffError | None]:
    """The household's tariff, or the VAT, fee and multiplier alone and why the rest failed."""
    adjustment = adjustment_from_options(options)
    try:
        return household_tariff(
            adjustment,
            time_zone=time_zone,
            currency=currency,
            source_kind=source_kind,
            tariff_options=options.get(CONF_TARIFF),
            capacity_options=options.get(CONF_CAPACITY),
            export_options=options.get(CONF_EXPORT_PRICE),
            fetched=fetched,
        ), None
    except TariffError as err:
        return adjustment_tariff(adjustment, time_zone, currency, source_kind), err


class GridCompanyChoice(NamedTuple):
    """The Datahub grid company a household is billed by, and which electricity tax it pays."""

    gln: str
    charge_codes: tuple[str, ...]
    reduced_tax: bool = False


def grid_company_of(options: Mapping[str, Any]) -> GridCompanyChoice | None:
    """The Datahub grid company an ``energidataservice`` tariff names."""
    tariff = options.get(CONF_TARIFF)
    if not isinstance(tariff, Mapping) or tariff.get("source") != "energidataservice":
        return None
    company = tariff.get("grid_company")
    if not isinstance(company, Mapping) or not isinstance(company.get("gln"), str):
        return None
    codes = company.get("charge_codes") or ()
    if isinstance(codes, str) or not all(isinstance(code, str) for code in codes):
        return None
    return GridCompanyChoice(
        company["gln"], tuple(codes), bool(company.get("reduced_electricity_tax", False))
    )


@dataclass(frozen=True, slots=True)
class DatahubCharges:
    """The components last fetched for one grid company, and when."""

    gln: str
    charge_codes: tuple[str, ...]
    components: tuple[Component, ...]
    fetched_at: datetime
    reduced_tax: bool = False

    def serves(self, company: GridCompanyChoice) -> bool:
        """Whether these are the charges of ``company``."""
        return GridCompanyChoice(self.gln, self.charge_codes, self.reduced_tax) == company

    def as_dict(self) -> dict[str, Any]:
        """The Store's form."""
        return {
            "gln": self.gln,
            "charge_codes": list(self.charge_codes),
            "reduced_tax": self.reduced_tax,
            "components": [component_to_dict(c) for c in self.components],
            "fetched_at": self.fetched_at.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DatahubCharges:
        """Rebuild what :meth:`as_dict` stored."""
        return cls(
            gln=str(data["gln"]),
            charge_codes=tuple(data["charge_codes"]),
            components=tuple(component_from_dict(c) for c in data["components"]),
            fetched_at=datetime.fromisoformat(data["fetched_at"]),
            reduced_tax=bool(data.get("reduced_tax", False)),
        )


def stored_charges(data: object) -> DatahubCharges | None:
    """The charges a Store holds; None (fetch again) when they cannot be read."""
    if not isinstance(data, Mapping):
        return None
    try:
        return DatahubCharges.from_dict(data)
    except (KeyError, TypeError, ValueError) as err:
        LOGGER.warning("Stored Datahub tariff ignored, it is fetched again: %s", err)
        return None


def charges_due(
    held: DatahubCharges | None, company: GridCompanyChoice | None, now: datetime
) -> bool:
    """Whether the grid company's charges should be asked for now."""
    if company is None:
        return False
    return held is None or not held.serves(company) or now - held.fetched_at >= DATAHUB_REFRESH


async def async_fetch_charges(
    hass: HomeAssistant, company: GridCompanyChoice, now: datetime
) -> DatahubCharges:
    """Ask Energi Data Service for the grid company's and Energinet's charges."""
    http = SourceHttp(
        async_get_clientsession(hass),
        "Energi Data Service tariffs",
        UPDATE_RETRY.applied_to(DATAHUB_POLICY),
    )
    gln, codes, reduced_tax = company
    components = await async_fetch_household_components(
        http, gln, codes, DATAHUB_URL, reduced_tax=reduced_tax
    )
    return DatahubCharges(gln, codes, components, now, reduced_tax)


async def async_refreshed_charges(
    hass: HomeAssistant,
    title: str,
    held: DatahubCharges | None,
    company: GridCompanyChoice | None,
    now: datetime,
) -> DatahubCharges | None:
    """The charges to price with: fetched when due, else (or on failure) the held ones."""
    if company is None or not charges_due(held, company, now):
        return held
    try:
        return await async_fetch_charges(hass, company, now)
    except (SourceError, ValueError) as err:
        LOGGER.warning("%s: Datahub tariff not updated, keeping the last one: %s", title, err)
        return held if held is not None and held.serves(company) else None
