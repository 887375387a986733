"""Build a configured price source, on Home Assistant's shared HTTP session."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final
from zoneinfo import ZoneInfo

from homeassistant.const import CONF_API_KEY, CONF_LATITUDE, CONF_LONGITUDE
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util import dt as dt_util

from .const import (
    CONF_ACCESS_TOKEN,
    CONF_ACCOUNT_ID,
    CONF_AREA,
    CONF_CURRENCY,
    CONF_ENTITY_ID,
    CONF_ENTITY_KIND,
    CONF_HOME_ID,
    CONF_HOST,
    CONF_LOCATION_ID,
    CONF_PRODUCT_CODE,
    CONF_RATE_LABEL,
    CONF_REGION,
    CONF_RESOLUTION,
    CONF_SECTOR,
    CONF_SECURITY_TOKEN,
    CONF_SITE_ID,
    CONF_SOURCE,
    SOURCE_AMBER,
    SOURCE_AWATTAR,
    SOURCE_COMED,
    SOURCE_ELERING,
    SOURCE_ENERGIDATASERVICE,
    SOURCE_ENERGYZERO,
    SOURCE_ENTITY,
    SOURCE_ENTSOE,
    SOURCE_FLATPEAK,
    SOURCE_NORDPOOL,
    SOURCE_NREL,
    SOURCE_OCTOPUS,
    SOURCE_REPLAY,
    SOURCE_TIBBER,
    SOURCE_URDB,
)
from .core.sources.amber import AmberSource
from .core.sources.awattar import AwattarSource
from .core.sources.base import PriceSource
from .core.sources.comed import ComEdSource
from .core.sources.elering import EleringSource
from .core.sources.energidataservice import EnergiDataServiceSource
from .core.sources.energyzero import EnergyZeroSource
from .core.sources.entsoe import EntsoeSource
from .core.sources.flatpeak import FlatpeakSource
from .core.sources.http import HttpPolicy, RetryPolicy, SourceHttp
from .core.sources.nordpool import NordPoolSource
from .core.sources.octopus import OctopusSource
from .core.sources.replay import ReplaySource
from .core.sources.tariffs import NrelSource, UrdbSource
from .core.sources.tibber import TibberSource
from .entity_source import EntitySource

# How each provider is named in logs and entry titles.
SOURCE_NAMES: Final = {
    SOURCE_REPLAY: "Replay",
    SOURCE_ENTSOE: "ENTSO-E",
    SOURCE_NORDPOOL: "Nord Pool",
    SOURCE_ENERGIDATASERVICE: "Energi Data Service",
    SOURCE_AWATTAR: "aWATTar",
    SOURCE_ENERGYZERO: "EnergyZero",
    SOURCE_OCTOPUS: "Octopus",
    SOURCE_TIBBER: "Tibber",
    SOURCE_ELERING: "Elering",
    SOURCE_AMBER: "Amber",
    SOURCE_COMED: "ComEd",
    SOURCE_FLATPEAK: "Flatpeak",
    SOURCE_NREL: "NREL",
    SOURCE_URDB: "URDB",
    SOURCE_ENTITY: "Entity",
}

# Providers that publish limits or ask for restraint get a gentler policy.
POLICIES: Final[dict[str, HttpPolicy]] = {
    # A fetch is three requests (prices, load, wind and solar); spacing them keeps a
    # shared token well inside the platform's per-user limit.
    SOURCE_ENTSOE: HttpPolicy(min_interval=0.5),
    # Amber limits requests per key (it sends RateLimit-* headers); one a few
    # seconds apart keeps the five-minute refresh far inside any such limit.
    SOURCE_AMBER: HttpPolicy(min_interval=6.0),
    # NREL allows 1,000 requests an hour per key (30 for DEMO_KEY).
    SOURCE_NREL: HttpPolicy(min_interval=4.0),
}

type Factory = Callable[[HomeAssistant, SourceHttp, Mapping[str, Any]], PriceSource]


def _zone(hass: HomeAssistant) -> ZoneInfo:
    """Return Home Assistant's time zone, in which a tariff's hours are read."""
    return ZoneInfo(hass.config.time_zone)


FACTORIES: Final[dict[str, Factory]] = {
    SOURCE_ENTSOE: lambda hass, http, data: EntsoeSource(
        http, data[CONF_SECURITY_TOKEN], data[CONF_AREA]
    ),
    SOURCE_NORDPOOL: lambda hass, http, data: NordPoolSource(
        http, data[CONF_AREA], data[CONF_CURRENCY], int(data[CONF_RESOLUTION])
    ),
    SOURCE_ENERGIDATASERVICE: lambda hass, http, data: EnergiDataServiceSource(
        http, data[CONF_AREA], data[CONF_CURRENCY]
    ),
    SOURCE_AWATTAR: lambda hass, http, data: AwattarSource(http, data[CONF_AREA]),
    SOURCE_ENERGYZERO: lambda hass, http, data: EnergyZeroSource(http, int(data[CONF_RESOLUTION])),
    SOURCE_OCTOPUS: lambda hass, http, data: OctopusSource(
        http, data[CONF_PRODUCT_CODE], data[CONF_REGION]
    ),
    SOURCE_TIBBER: lambda hass, http, data: TibberSource(
        http, data[CONF_ACCESS_TOKEN], data[CONF_HOME_ID]
    ),
    SOURCE_ELERING: lambda hass, http, data: EleringSource(http, data[CONF_AREA]),
    SOURCE_AMBER: lambda hass, http, data: AmberSource(
        http, data[CONF_API_KEY], data[CONF_SITE_ID]
    ),
    SOURCE_COMED: lambda hass, http, data: ComEdSource(http),
    SOURCE_FLATPEAK: lambda hass, http, data: FlatpeakSource(
        http,
        host=data[CONF_HOST],
        account_id=data[CONF_ACCOUNT_ID],
        api_key=data[CONF_API_KEY],
        location_id=data[CONF_LOCATION_ID],
    ),
    SOURCE_NREL: lambda hass, http, data: NrelSource(
        http,
        data[CONF_API_KEY],
        latitude=float(data[CONF_LATITUDE]),
        longitude=float(data[CONF_LONGITUDE]),
        sector=data[CONF_SECTOR],
        zone=_zone(hass),
    ),
    SOURCE_URDB: lambda hass, http, data: UrdbSource(
        http, data[CONF_API_KEY], data[CONF_RATE_LABEL], _zone(hass)
    ),
}


def source_http(hass: HomeAssistant, kind: str, retry: RetryPolicy) -> SourceHttp:
    """Return the HTTP layer for one source on Home Assistant's shared session.

    ``retry`` is the caller's patience; the source's own policy keeps its rate limit.
    """
    policy = retry.applied_to(POLICIES.get(kind, HttpPolicy()))
    return SourceHttp(async_get_clientsession(hass), SOURCE_NAMES[kind], policy)


def source_from_config(
    hass: HomeAssistant, data: Mapping[str, Any], *, retry: RetryPolicy
) -> PriceSource:
    """Return the source described by a config entry's data (or a flow's input).

    ``retry`` says how long each fetch may take: a flow waits less than an update.
    """
    kind = data[CONF_SOURCE]
    if kind == SOURCE_ENTITY:
        return EntitySource(
            hass,
            data[CONF_ENTITY_ID],
            data[CONF_ENTITY_KIND],
            int(data.get(CONF_RESOLUTION, 60)),
        )
    if kind == SOURCE_REPLAY:
        return ReplaySource(
            area=data[CONF_AREA],
            resolution_minutes=int(data[CONF_RESOLUTION]),
            now=dt_util.utcnow,
        )
    return FACTORIES[kind](hass, source_http(hass, kind, retry), data)


async def async_list_places(
    hass: HomeAssistant, kind: str, credential: str, *, retry: RetryPolicy
) -> list[tuple[str, str]]:
    """Return ``(id, label)`` of the homes or sites an account's credential can see."""
    http = source_http(hass, kind, retry)
    if kind == SOURCE_TIBBER:
        return await TibberSource.async_homes(http, credential)
    return await AmberSource.async_sites(http, credential)
