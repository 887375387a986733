"""Build a configured price source, on Home Assistant's shared HTTP session."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util import dt as dt_util

from .const import (
    CONF_AREA,
    CONF_CURRENCY,
    CONF_RESOLUTION,
    CONF_SECURITY_TOKEN,
    CONF_SOURCE,
    SOURCE_AWATTAR,
    SOURCE_ELERING,
    SOURCE_ENERGIDATASERVICE,
    SOURCE_ENERGYZERO,
    SOURCE_ENTSOE,
    SOURCE_NORDPOOL,
    SOURCE_REPLAY,
)
from .sources.awattar import AwattarSource
from .sources.base import PriceSource
from .sources.elering import EleringSource
from .sources.energidataservice import EnergiDataServiceSource
from .sources.energyzero import EnergyZeroSource
from .sources.entsoe import EntsoeSource
from .sources.http import HttpPolicy, SourceHttp
from .sources.nordpool import NordPoolSource
from .sources.replay import ReplaySource

# How each provider is named in logs and entry titles.
SOURCE_NAMES: Final = {
    SOURCE_REPLAY: "Replay",
    SOURCE_ENTSOE: "ENTSO-E",
    SOURCE_NORDPOOL: "Nord Pool",
    SOURCE_ENERGIDATASERVICE: "Energi Data Service",
    SOURCE_AWATTAR: "aWATTar",
    SOURCE_ENERGYZERO: "EnergyZero",
    SOURCE_ELERING: "Elering",
}

# Providers that publish limits or ask for restraint get a gentler policy.
POLICIES: Final[dict[str, HttpPolicy]] = {
    # A fetch is three requests (prices, load, wind and solar); spacing them keeps a
    # shared token well inside the platform's per-user limit.
    SOURCE_ENTSOE: HttpPolicy(min_interval=0.5),
}

type Factory = Callable[[SourceHttp, Mapping[str, Any]], PriceSource]

FACTORIES: Final[dict[str, Factory]] = {
    SOURCE_ENTSOE: lambda http, data: EntsoeSource(
        http, data[CONF_SECURITY_TOKEN], data[CONF_AREA]
    ),
    SOURCE_NORDPOOL: lambda http, data: NordPoolSource(
        http, data[CONF_AREA], data[CONF_CURRENCY], int(data[CONF_RESOLUTION])
    ),
    SOURCE_ENERGIDATASERVICE: lambda http, data: EnergiDataServiceSource(
        http, data[CONF_AREA], data[CONF_CURRENCY]
    ),
    SOURCE_AWATTAR: lambda http, data: AwattarSource(http, data[CONF_AREA]),
    SOURCE_ENERGYZERO: lambda http, data: EnergyZeroSource(http, int(data[CONF_RESOLUTION])),
    SOURCE_ELERING: lambda http, data: EleringSource(http, data[CONF_AREA]),
}


def source_from_config(hass: HomeAssistant, data: Mapping[str, Any]) -> PriceSource:
    """Return the source described by a config entry's data (or a flow's input)."""
    kind = data[CONF_SOURCE]
    if kind == SOURCE_REPLAY:
        return ReplaySource(
            area=data[CONF_AREA],
            resolution_minutes=int(data[CONF_RESOLUTION]),
            now=dt_util.utcnow,
        )
    http = SourceHttp(async_get_clientsession(hass), SOURCE_NAMES[kind], POLICIES.get(kind))
    return FACTORIES[kind](http, data)
