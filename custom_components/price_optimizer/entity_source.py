"""Another Home Assistant entity as the price source, for users who already run one.

This is the one source that needs Home Assistant itself: it reads a state and
its attributes, asks the recorder for a plain sensor's history, or calls the
core Nord Pool integration's price action. The parsing lives in
``entity_formats`` and stays free of Home Assistant.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo

from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT, STATE_UNAVAILABLE
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util

from .core.prices import PriceSeries
from .core.sources.base import (
    Cadence,
    Publication,
    RollingPublication,
    SourceDataError,
    SourceError,
)
from .core.sources.entity_formats import (
    KIND_CORE_NORDPOOL,
    KIND_CUSTOM_NORDPOOL,
    KIND_ENTSOE,
    parse_core_nordpool,
    parse_custom_nordpool,
    parse_entsoe_attributes,
    series_from_history,
    unit_of,
)
from .core.sources.entsoe import cet_time_in
from .core.sources.nordpool import CET, delivery_days
from .core.sources.normalise import within
from .core.tariffs.model import SourceKind
from .recorder_history import async_recorded_changes

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant, State

NORDPOOL_DOMAIN: Final = "nordpool"
NORDPOOL_ACTION: Final = "get_prices_for_date"


class EntitySource:
    """Prices held by another entity: its attributes, its history, or its integration's action."""

    source_kind: SourceKind = "market"

    def __init__(
        self, hass: HomeAssistant, entity_id: str, kind: str, resolution_minutes: int
    ) -> None:
        """Read ``entity_id`` as the ``kind`` the config flow detected."""
        self._hass = hass
        self._entity_id = entity_id
        self._kind = kind
        self._length = timedelta(minutes=resolution_minutes)
        zone = ZoneInfo(hass.config.time_zone)
        self.publication: Cadence
        if kind == KIND_CORE_NORDPOOL:
            # An action call reaches Nord Pool: only around its publication.
            self.publication = Publication(zone=zone, at=cet_time_in(zone, time(13, 0)))
        else:
            # Reading local state costs nothing; follow the other integration closely.
            self.publication = RollingPublication(
                every=timedelta(minutes=5), delay=timedelta(seconds=10)
            )

    def _state(self) -> State:
        state = self._hass.states.get(self._entity_id)
        if state is None or state.state in {STATE_UNAVAILABLE}:
            raise SourceError(f"{self._entity_id} is unavailable")
        return state

    async def async_fetch(self, start: datetime, end: datetime) -> PriceSeries:
        """Return the prices the entity holds for ``[start, end)``."""
        if self._kind == KIND_CORE_NORDPOOL:
            return within(await self._async_core_nordpool(start, end), start, end)
        state = self._state()
        if self._kind == KIND_CUSTOM_NORDPOOL:
            series = parse_custom_nordpool(state.attributes)
        elif self._kind == KIND_ENTSOE:
            currency, _ = unit_of(state.attributes.get(ATTR_UNIT_OF_MEASUREMENT))
            series = parse_entsoe_attributes(state.attributes, currency)
        else:
            series = await self._async_history(state, start)
        return within(series, start, end)

    async def _async_history(self, state: State, start: datetime) -> PriceSeries:
        currency, divisor = unit_of(state.attributes.get(ATTR_UNIT_OF_MEASUREMENT))
        recorded = await async_recorded_changes(self._hass, self._entity_id, start - self._length)
        changes = recorded or [(state.last_changed, state.state)]
        return series_from_history(changes, self._length, dt_util.utcnow(), currency, divisor)

    async def _async_core_nordpool(self, start: datetime, end: datetime) -> PriceSeries:
        registry = er.async_get(self._hass)
        registered = registry.async_get(self._entity_id)
        entry_id = registered.config_entry_id if registered else None
        entry = self._hass.config_entries.async_get_entry(entry_id) if entry_id else None
        if entry is None:
            raise SourceError(f"{self._entity_id} has no Nord Pool entry")
        areas: list[str] = list(entry.data.get("areas", []))
        currency: str = entry.data.get("currency", "EUR")
        unique = registered.unique_id if registered else ""
        area = next((a for a in areas if unique.startswith(f"{a}-")), areas[0] if areas else "")
        series = PriceSeries(currency=currency)
        today = dt_util.utcnow().astimezone(CET).date()
        for day in delivery_days(start, end):
            if day > today + timedelta(days=1):
                break
            try:
                response = await self._hass.services.async_call(
                    NORDPOOL_DOMAIN,
                    NORDPOOL_ACTION,
                    {"config_entry": entry.entry_id, "date": day.isoformat(), "areas": [area]},
                    blocking=True,
                    return_response=True,
                )
            except HomeAssistantError as err:
                raise SourceError(f"the Nord Pool action failed for {day}: {err}") from err
            if not isinstance(response, dict):
                raise SourceDataError("the Nord Pool action returned no data")
            if response.get(area):
                series = series.merged_with(parse_core_nordpool(response, area, currency))
        return series
