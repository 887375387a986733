"""The coordinator: fetch, keep and persist prices; refresh entities at slot boundaries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.helpers.storage import Store
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .const import DOMAIN, HISTORY_KEPT, LOGGER, PERSISTENT_PROBLEM, STORAGE_VERSION
from .core.prices import PriceSeries, local_day_bounds
from .core.quality import Finding, FindingCode, check_prices
from .core.sources.base import (
    ExogenousSeries,
    ExogenousSource,
    PriceSource,
    SourceAuthError,
    SourceDataError,
    SourceError,
)
from .core.sources.http import UPDATE_RETRY
from .core.tariffs.household import HouseholdTariff
from .core.tariffs.issues import TariffError
from .core.tariffs.model import SlotPrice, expired_components
from .household_prices import (
    TARIFF_EXPIRED,
    TARIFF_INVALID,
    DatahubCharges,
    async_refreshed_charges,
    async_update_tariff_repairs,
    grid_company_of,
    stored_charges,
    tariff_from_options,
)
from .source_factory import source_from_config


@dataclass(frozen=True, slots=True)
class PriceData:
    """What the entities and actions read: held prices and how they were obtained."""

    raw: PriceSeries
    # What the household pays: ``raw`` priced by its tariff, each slot's parts by start.
    prices: PriceSeries
    slot_prices: Mapping[datetime, SlotPrice]
    last_fetch: datetime | None
    last_success: datetime | None
    source_available: bool
    findings: tuple[Finding, ...] = field(default=())
    exogenous: tuple[ExogenousSeries, ...] = field(default=())


def build_source(hass: HomeAssistant, entry: ConfigEntry) -> PriceSource:
    """Return the price source the entry was configured with, patient as updates may be."""
    return source_from_config(hass, entry.data, retry=UPDATE_RETRY)


def price_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    """Return the Store that keeps an entry's prices across restarts."""
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}")


class PriceCoordinator(DataUpdateCoordinator[PriceData]):
    """Fetch prices when the market publishes them, keep the last good ones."""

    config_entry: ConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        config_entry: ConfigEntry,
        source: PriceSource,
    ) -> None:
        """Set up the coordinator for one config entry and its source."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=config_entry,
            name=f"{DOMAIN} {config_entry.title}",
            update_interval=None,
        )
        self.source = source
        self._options: dict[str, Any] = dict(config_entry.options)
        self._charges: DatahubCharges | None = None
        self._household: tuple[tuple[Any, ...], HouseholdTariff, TariffError | None] | None = None
        self._priced: (
            tuple[PriceSeries, HouseholdTariff, PriceSeries, dict[datetime, SlotPrice]] | None
        ) = None
        self._store = price_store(hass, config_entry.entry_id)
        self._raw = PriceSeries()
        self._exogenous: dict[str, ExogenousSeries] = {}
        self._last_fetch: datetime | None = None
        self._last_success: datetime | None = None
        self._source_available = True
        self._down_since: datetime | None = None
        self._last_error = ""
        self._problem_since: dict[FindingCode, datetime] = {}
        self.next_fetch: datetime | None = None
        self._unsub_fetch: CALLBACK_TYPE | None = None
        self._unsub_tick: CALLBACK_TYPE | None = None

    @property
    def household(self) -> HouseholdTariff:
        """The household's tariff as the options and the held Datahub charges make it."""
        fetched = () if self._charges is None else self._charges.components
        key = (repr(sorted(self._options.items())), self._raw.currency, fetched)
        if self._household is None or self._household[0] != key:
            household, refused = tariff_from_options(
                self._options,
                time_zone=str(dt_util.get_default_time_zone()),
                currency=self._raw.currency,
                source_kind=self.source.source_kind,
                fetched=fetched,
            )
            if refused is not None:
                LOGGER.warning(
                    "%s: tariff options refused, pricing with VAT, fee and multiplier only: %s",
                    self.config_entry.title,
                    refused,
                )
            self._household = (key, household, refused)
        return self._household[1]

    async def async_set_options(self, options: Mapping[str, Any]) -> None:
        """Price the held prices with new options in place, without asking the price source."""
        if dict(options) == self._options:
            return
        self._options = dict(options)
        await self._async_refresh_charges(dt_util.utcnow())
        # None before the first refresh succeeded.
        held: PriceData | None = self.data
        if held is None:
            return
        now = dt_util.utcnow()
        prices, parts = self._priced_prices()
        self._update_tariff_repairs(now)
        # Not async_set_updated_data: prices missing for now must stay an error.
        self.data = replace(held, prices=prices, slot_prices=parts)
        self.async_update_listeners()

    async def _async_refresh_charges(self, now: datetime) -> None:
        """Fetch the Datahub charges when due; the held ones stay on failure."""
        company = grid_company_of(self._options)
        charges = await async_refreshed_charges(
            self.hass, self.config_entry.title, self._charges, company, now
        )
        if charges is not self._charges:
            self._charges = charges
            await self._store.async_save(self._stored(self._last_success or now))

    def _priced_prices(self) -> tuple[PriceSeries, dict[datetime, SlotPrice]]:
        """The held prices in the household's totals; priced again only when either changed."""
        household = self.household
        held = self._priced
        if held is not None and held[0] is self._raw and held[1] == household:
            return held[2], held[3]
        prices, slot_prices = household.priced(self._raw)
        parts = {part.start: part for part in slot_prices}
        self._priced = (self._raw, household, prices, parts)
        return prices, parts

    def _update_tariff_repairs(self, now: datetime) -> None:
        household = self.household
        refused = None if self._household is None else self._household[2]
        today = dt_util.as_local(now).date()
        expired = (
            expired_components(household.tariff, today)
            if household.source == "energidataservice"
            else ()
        )
        async_update_tariff_repairs(
            self.hass,
            self.config_entry.entry_id,
            title=self.config_entry.title,
            refused=refused,
            expired=expired,
            today=today,
        )

    async def _async_setup(self) -> None:
        """Load the prices kept before the last restart."""
        stored = await self._store.async_load()
        if stored:
            self._restore(stored)
        await self._async_refresh_charges(dt_util.utcnow())

    def _restore(self, stored: dict[str, Any]) -> None:
        self._charges = stored_charges(stored.get("datahub"))
        self._raw = PriceSeries.from_dict(stored["raw"])
        self._exogenous = {
            series.kind: series
            for series in (ExogenousSeries.from_dict(item) for item in stored.get("exogenous", ()))
        }
        self._last_success = _parse_time(stored.get("last_success"))
        self._last_fetch = self._last_success

    async def _async_update_data(self) -> PriceData:
        """Fetch what the source has published and merge it with the held prices."""
        now = dt_util.utcnow()
        zone = dt_util.get_default_time_zone()
        today = dt_util.as_local(now).date()
        today_start = local_day_bounds(today, zone)[0]
        end = local_day_bounds(today + timedelta(days=2), zone)[0]
        # Published prices do not change: ask only for what is not held yet, but
        # always for all of today, so a hole in today's prices is filled again.
        held_until = self._raw.end or today_start - HISTORY_KEPT
        start = max(today_start - HISTORY_KEPT, min(held_until, today_start))
        self._last_fetch = now
        try:
            fetched = await self.source.async_fetch(start, end)
        except SourceAuthError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="auth_failed"
            ) from err
        except SourceError as err:
            self._note_source_down(err, now)
        else:
            self._note_source_up()
            self._last_success = now
            self._raw = self._raw.merged_with(fetched).trimmed_before(now - HISTORY_KEPT)
            if isinstance(self.source, ExogenousSource):
                await self._async_fetch_exogenous(self.source, start, end, now)
            await self._store.async_save(self._stored(now))
        await self._async_refresh_charges(now)
        self._schedule_fetch(self.source.publication.next_fetch(self._raw.end, now))
        self._schedule_tick(now)
        data = self._build_data(now)
        self._update_repairs(data.findings, now)
        if self._raw.slot_at(now) is None:
            raise UpdateFailed(translation_domain=DOMAIN, translation_key="no_current_price")
        return data

    async def _async_fetch_exogenous(
        self, source: ExogenousSource, start: datetime, end: datetime, now: datetime
    ) -> None:
        """Add the source's load, wind and solar forecasts; prices never wait on them."""
        try:
            fetched = await source.async_fetch_exogenous(start, end)
        except SourceError as err:
            LOGGER.debug("%s: forecasts not updated: %s", self.config_entry.title, err)
            return
        for series in fetched:
            held = self._exogenous.get(series.kind)
            merged = held.merged_with(series) if held else series
            self._exogenous[series.kind] = merged.trimmed_before(now - HISTORY_KEPT)

    def _stored(self, now: datetime) -> dict[str, Any]:
        return {
            "raw": self._raw.as_dict(),
            "exogenous": [series.as_dict() for series in self._exogenous.values()],
            "last_success": now.isoformat(),
            "datahub": None if self._charges is None else self._charges.as_dict(),
        }

    def _build_data(self, now: datetime) -> PriceData:
        prices, parts = self._priced_prices()
        self._update_tariff_repairs(now)
        return PriceData(
            raw=self._raw,
            prices=prices,
            slot_prices=parts,
            last_fetch=self._last_fetch,
            last_success=self._last_success,
            source_available=self._source_available,
            findings=check_prices(self._raw, self.source.publication.expected_until(now), now),
            exogenous=tuple(self._exogenous[kind] for kind in sorted(self._exogenous)),
        )

    def _note_source_down(self, err: SourceError, now: datetime) -> None:
        self._last_error = str(err)
        if self._source_available:
            problem = (
                "sent data that could not be read"
                if isinstance(err, SourceDataError)
                else "is unavailable"
            )
            LOGGER.warning(
                "%s %s, keeping the prices held until %s: %s",
                self.config_entry.title,
                problem,
                self._raw.end,
                err,
            )
            self._down_since = now
        self._source_available = False

    def _note_source_up(self) -> None:
        if not self._source_available:
            LOGGER.info("%s is available again", self.config_entry.title)
        self._source_available = True
        self._down_since = None

    def _update_repairs(self, findings: tuple[Finding, ...], now: datetime) -> None:
        """Raise a repair issue for a problem that lasted, and withdraw it once it is gone."""
        entry = self.config_entry
        if self._down_since is not None and now - self._down_since >= PERSISTENT_PROBLEM:
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                f"source_unavailable_{entry.entry_id}",
                is_fixable=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key="source_unavailable",
                translation_placeholders={
                    "title": entry.title,
                    "since": dt_util.as_local(self._down_since).isoformat(timespec="minutes"),
                    "error": self._last_error,
                },
            )
        elif self._down_since is None:
            ir.async_delete_issue(self.hass, DOMAIN, f"source_unavailable_{entry.entry_id}")

        current = {finding.code: finding for finding in findings}
        for code in current:
            self._problem_since.setdefault(code, now)
        for code in set(self._problem_since) - set(current):
            del self._problem_since[code]
        lasting = sorted(
            code for code, since in self._problem_since.items() if now - since >= PERSISTENT_PROBLEM
        )
        issue_id = f"data_quality_{entry.entry_id}"
        if not lasting:
            ir.async_delete_issue(self.hass, DOMAIN, issue_id)
            return
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="data_quality",
            translation_placeholders={
                "title": entry.title,
                "findings": ", ".join(
                    f"{code} ({current[code].count}, first at "
                    f"{dt_util.as_local(current[code].first_at).isoformat(timespec='minutes')})"
                    for code in lasting
                ),
            },
        )

    def _schedule_fetch(self, when: datetime) -> None:
        if self._unsub_fetch:
            self._unsub_fetch()
        self.next_fetch = when
        self._unsub_fetch = async_track_point_in_utc_time(self.hass, self._async_fetch_due, when)

    async def _async_fetch_due(self, _now: datetime) -> None:
        self._unsub_fetch = None
        await self.async_refresh()

    def _schedule_tick(self, now: datetime) -> None:
        """Wake the entities at the next slot boundary, without calling the source."""
        if self._unsub_tick:
            self._unsub_tick()
        upcoming = self._raw.next_slot(now)
        current = self._raw.slot_at(now)
        boundary = current.end if current else upcoming.start if upcoming else None
        if boundary is None:
            self._unsub_tick = None
            return
        self._unsub_tick = async_track_point_in_utc_time(self.hass, self._tick, boundary)

    @callback
    def _tick(self, now: datetime) -> None:
        self._unsub_tick = None
        self._schedule_tick(now)
        if self._raw.slot_at(now) is None:
            self.async_set_update_error(
                UpdateFailed(translation_domain=DOMAIN, translation_key="no_current_price")
            )
            return
        self.async_set_updated_data(self._build_data(now))

    async def async_shutdown(self) -> None:
        """Cancel the timers when the entry unloads."""
        await super().async_shutdown()
        for unsub in (self._unsub_fetch, self._unsub_tick):
            if unsub:
                unsub()
        self._unsub_fetch = self._unsub_tick = None


@callback
def async_clear_repairs(hass: HomeAssistant, entry_id: str) -> None:
    """Withdraw the repair issues of a removed entry."""
    for issue in ("source_unavailable", "data_quality", TARIFF_INVALID, TARIFF_EXPIRED):
        ir.async_delete_issue(hass, DOMAIN, f"{issue}_{entry_id}")


def _parse_time(value: str | None) -> datetime | None:
    return dt_util.parse_datetime(value) if value else None
