"""The household's solar forecast, read at plan time from the source its options name.

Either config entries of an integration with an energy platform (Forecast.Solar, Solcast,
Open-Meteo Solar Forecast), read the way the Energy dashboard's ``energy/solar_forecast``
websocket command reads them and added up as it adds them; or sensors whose attribute holds
the forecast (one per day, joined). :mod:`.core.solar` reads the data and judges it.

What cannot be used (a source gone or not loaded, no forecast, a malformed or stale one)
leaves the plan without solar: the reading says why, and a forecast that was good before is
never handed on as the current one. A problem that lasts becomes a repair issue.

An energy platform's answer carries no time: its content is taken to have changed when it
first differs from the one before, as far back as this run of Home Assistant saw it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
import hashlib
import json
from typing import TYPE_CHECKING, Any, Final

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant

from .const import CONF_SOLAR_FORECAST, LOGGER, PERSISTENT_PROBLEM
from .core.convert import iso
from .core.issues import LastingProblem
from .core.solar import (
    LONGEST_NIGHT,
    SolarForecast,
    SolarForecastError,
    SolarForPlan,
    SolarIssue,
    SolarSource,
    SourceKind,
    forecast_from_attributes,
    forecast_from_energy_platform,
    freshness_issue,
    solar_issue,
)
from .repair_issues import async_clear_solar_forecast, async_raise_solar_forecast

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

ENERGY_PLATFORM: Final = "energy_platform"
SENSOR: Final = "sensor"
CONF_KIND: Final = "kind"
CONF_CONFIG_ENTRIES: Final = "config_entries"
CONF_ENTITIES: Final = "entities"
# Another integration's answer is awaited inside the plan: it must not hold the plan up.
READ_TIMEOUT: Final = 10


def solar_source_of(options: Mapping[str, Any]) -> tuple[SourceKind, tuple[str, ...]] | None:
    """Return the kind of source and its ids the options name, None when there is none."""
    stored = options.get(CONF_SOLAR_FORECAST)
    if not isinstance(stored, Mapping):
        return None
    if stored.get(CONF_KIND) == ENERGY_PLATFORM:
        ids = tuple(stored.get(CONF_CONFIG_ENTRIES) or ())
        return (ENERGY_PLATFORM, ids) if ids else None
    if stored.get(CONF_KIND) == SENSOR:
        ids = tuple(stored.get(CONF_ENTITIES) or ())
        return (SENSOR, ids) if ids else None
    return None


async def async_solar_forecast_entries(hass: HomeAssistant) -> dict[str, str]:
    """Return the config entries whose integration has a solar-forecast energy platform.

    Keyed by entry id, each labelled with its title and domain, as the Energy dashboard's
    "solar production forecast" choice offers them.
    """
    platforms = await _async_energy_platforms(hass)
    return {
        entry.entry_id: f"{entry.title} ({entry.domain})"
        for domain in sorted(platforms)
        for entry in hass.config_entries.async_entries(domain)
    }


async def _async_energy_platforms(hass: HomeAssistant) -> Mapping[str, Any]:
    # Imported when first needed: the energy websocket module brings the recorder's models.
    from homeassistant.components.energy.websocket_api import async_get_energy_platforms  # noqa: PLC0415

    return await async_get_energy_platforms(hass)


@dataclass(frozen=True, slots=True)
class _Seen:
    fingerprint: str
    since: datetime


class _UnusableError(Exception):
    """A source that gives no forecast; carries why, and what is known of it."""

    def __init__(self, issue: SolarIssue, names: list[str], details: list[str]) -> None:
        super().__init__(issue.code)
        self.issue = issue
        self.names = names
        self.details = details


class SolarForecastReader:
    """Read the entry's solar forecast for each plan, and say when it cannot be used."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Read for ``entry``; its options are read again at every plan."""
        self.hass = hass
        self.entry = entry
        self.last: SolarForPlan | None = None
        self._seen: dict[str, _Seen] = {}
        self._problem = LastingProblem(PERSISTENT_PROBLEM)
        self._last_good_at: datetime | None = None

    async def async_for_plan(self, now: datetime) -> SolarForPlan | None:
        """Return the forecast to plan with now and where it came from; None when not set.

        The one function the planner calls: the reading answers the mean PV power of any
        slot (:meth:`SolarForPlan.expected_kw`, :meth:`SolarForPlan.on_slots`), and names
        its source, when it was read and why it is not used, if it is not.
        """
        configured = solar_source_of(self.entry.options)
        if configured is None:
            self._problem.gone()
            self._seen.clear()
            async_clear_solar_forecast(self.hass, self.entry)
            self.last = None
            return None
        kind, ids = configured
        reading = await self._async_read(kind, ids, now)
        self._report(reading, now)
        self.last = reading
        return reading

    async def _async_read(
        self, kind: SourceKind, ids: tuple[str, ...], now: datetime
    ) -> SolarForPlan:
        names: list[str] = []
        details: list[str] = []
        try:
            if kind == ENERGY_PLATFORM:
                forecasts, changed_at = await self._async_read_entries(ids, now, names, details)
            else:
                forecasts, changed_at = self._read_sensors(ids, names, details)
        except _UnusableError as unusable:
            source = SolarSource(kind, ids, tuple(unusable.names), tuple(unusable.details))
            return SolarForPlan(source, now, issue=unusable.issue)
        source = SolarSource(kind, ids, tuple(names), tuple(details))
        # Only an energy platform's forecast may leave out the night before its first period.
        night = LONGEST_NIGHT if kind == ENERGY_PLATFORM else timedelta(0)
        for forecast in forecasts:
            stale = freshness_issue(forecast, now, changed_at=changed_at, leading_night=night)
            if stale is not None:
                return SolarForPlan(source, now, changed_at, issue=stale)
        if kind == ENERGY_PLATFORM:
            forecasts = [forecast.read_at(now) for forecast in forecasts]
        return SolarForPlan(source, now, changed_at, tuple(forecasts))

    async def _async_read_entries(
        self, ids: tuple[str, ...], now: datetime, names: list[str], details: list[str]
    ) -> tuple[list[SolarForecast], datetime | None]:
        platforms = await _async_energy_platforms(self.hass)
        forecasts = []
        changed: list[datetime] = []
        for entry_id in ids:
            entry = self.hass.config_entries.async_get_entry(entry_id)
            if entry is None:
                names.append(entry_id)
                details.append("")
                raise _UnusableError(solar_issue("source_missing", source=entry_id), names, details)
            names.append(entry.title)
            details.append(entry.domain)
            if entry.state is not ConfigEntryState.LOADED or entry.domain not in platforms:
                raise _UnusableError(
                    solar_issue("source_not_loaded", source=entry.title, state=entry.state.value),
                    names,
                    details,
                )
            try:
                async with asyncio.timeout(READ_TIMEOUT):
                    answer = await platforms[entry.domain](self.hass, entry_id)
            except Exception as err:  # noqa: BLE001 - another integration's code
                LOGGER.warning("%s gave no solar forecast: %r", entry.title, err)
                answer = None
            if answer is None:
                raise _UnusableError(solar_issue("no_forecast", source=entry.title), names, details)
            try:
                forecasts.append(forecast_from_energy_platform(answer))
            except SolarForecastError as err:
                raise _UnusableError(_of(err.issue, entry.title), names, details) from err
            changed.append(self._changed_since(entry_id, answer, now))
        return forecasts, min(changed, default=None)

    def _changed_since(self, key: str, answer: object, now: datetime) -> datetime:
        """Return since when the platform has given this same answer."""
        fingerprint = hashlib.sha256(
            json.dumps(answer, sort_keys=True, default=str).encode()
        ).hexdigest()
        seen = self._seen.get(key)
        if seen is None or seen.fingerprint != fingerprint:
            seen = self._seen[key] = _Seen(fingerprint, now)
        return seen.since

    def _read_sensors(
        self, ids: tuple[str, ...], names: list[str], details: list[str]
    ) -> tuple[list[SolarForecast], datetime | None]:
        joined: SolarForecast | None = None
        changed: list[datetime] = []
        for entity_id in ids:
            state = self.hass.states.get(entity_id)
            if state is None:
                names.append(entity_id)
                details.append("")
                raise _UnusableError(
                    solar_issue("source_missing", source=entity_id), names, details
                )
            names.append(state.name)
            try:
                attribute, forecast = forecast_from_attributes(state.attributes)
            except SolarForecastError as err:
                details.append("")
                if err.issue.code == "no_forecast" and state.state in (
                    STATE_UNAVAILABLE,
                    STATE_UNKNOWN,
                ):
                    issue = solar_issue("source_unavailable", source=entity_id)
                    raise _UnusableError(issue, names, details) from err
                raise _UnusableError(_of(err.issue, entity_id), names, details) from err
            details.append(attribute)
            # The attributes' last change: last_updated moves with them, not with a rewrite.
            changed.append(state.last_updated)
            try:
                joined = forecast if joined is None else joined.joined(forecast)
            except SolarForecastError as err:
                raise _UnusableError(_of(err.issue, entity_id), names, details) from err
        return ([] if joined is None else [joined]), min(changed, default=None)

    def _report(self, reading: SolarForPlan, now: datetime) -> None:
        """Raise the repair issue once a problem has lasted; withdraw it once it is gone."""
        if reading.issue is None:
            self._problem.gone()
            self._last_good_at = now
            async_clear_solar_forecast(self.hass, self.entry)
            return
        LOGGER.debug("%s plans without solar: %s", self.entry.title, reading.issue)
        if (since := self._problem.seen(now)) is not None:
            async_raise_solar_forecast(
                self.hass, self.entry, reading.source.label, reading.issue, since
            )

    def diagnostics(self) -> dict[str, Any]:
        """What was read for the last plan, and since when a problem lasts."""
        return {
            "configured": self.entry.options.get(CONF_SOLAR_FORECAST),
            "last_reading": None if self.last is None else self.last.as_dict(),
            "last_good_at": iso(self._last_good_at),
            "problem_since": iso(self._problem.since),
        }


def _of(issue: SolarIssue, source: str) -> SolarIssue:
    """Name the source in an issue the core raised without knowing it."""
    return type(issue)(issue.code, {"source": source, **issue.placeholders})
