"""Constants shared by the integration's Home Assistant glue."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Final

DOMAIN: Final = "price_optimizer"
LOGGER = logging.getLogger(__package__)

CONF_SOURCE: Final = "source"
CONF_AREA: Final = "area"
CONF_RESOLUTION: Final = "resolution"
CONF_VAT_PERCENT: Final = "vat_percent"
CONF_FEE_PER_KWH: Final = "fee_per_kwh"
CONF_MULTIPLIER: Final = "multiplier"
CONF_HOUSEHOLD_LIMIT_KW: Final = "household_limit_kw"
# The household's tariff beyond VAT, fee and multiplier (core/tariffs/). In the entry's options:
# CONF_TARIFF: {"source": "manual" | "preset" | "energidataservice", "components": [component dicts]
#   (manual), "preset": {"region", "id"} (preset), "grid_company": {"gln", "name", "charge_codes",
#   "reduced_electricity_tax"} (energidataservice), "holiday_country": ISO code or None};
#   CONF_CAPACITY: a capacity rule dict (a preset brings its own); CONF_EXPORT_PRICE: an export
#   price dict; CONF_BASE_LOAD_SENSOR: the entity id of a house power or energy sensor;
#   CONF_SOLAR_FORECAST: {"kind": "energy_platform", "config_entries": [entry ids]} or
#   {"kind": "sensor", "entities": [entity ids]} (see solar_forecast.py).
CONF_TARIFF: Final = "tariff"
CONF_CAPACITY: Final = "capacity"
CONF_EXPORT_PRICE: Final = "export_price"
CONF_BASE_LOAD_SENSOR: Final = "base_load_sensor"
CONF_SOLAR_FORECAST: Final = "solar_forecast"

# Config subentries: one per appliance, and at most one home battery.
SUBENTRY_APPLIANCE: Final = "appliance"
SUBENTRY_BATTERY: Final = "battery"
# Where an appliance subentry keeps its control target (see core/plug_target.py).
CONF_CONTROL: Final = "control"

SOURCE_REPLAY: Final = "replay"

ATTR_CONFIG_ENTRY: Final = "config_entry"
# The current-price sensor records the market price beside its total: the forecast learns on it.
ATTR_MARKET_PRICE: Final = "market_price"

# A week and a day of history feeds the forecast's weekly lags.
HISTORY_KEPT: Final = timedelta(days=8)

# Live sources; each has a config-flow step of the same name.
SOURCE_ENTSOE: Final = "entsoe"
SOURCE_NORDPOOL: Final = "nordpool"
SOURCE_ENERGIDATASERVICE: Final = "energidataservice"
SOURCE_AWATTAR: Final = "awattar"
SOURCE_ENERGYZERO: Final = "energyzero"
SOURCE_OCTOPUS: Final = "octopus"
SOURCE_TIBBER: Final = "tibber"
SOURCE_ELERING: Final = "elering"
SOURCE_AMBER: Final = "amber"
SOURCE_COMED: Final = "comed"
SOURCE_FLATPEAK: Final = "flatpeak"
SOURCE_NREL: Final = "nrel"
SOURCE_URDB: Final = "urdb"
SOURCE_ENTITY: Final = "entity"

# Names of config keys, not secrets.
CONF_SECURITY_TOKEN: Final = "security_token"  # noqa: S105
CONF_ACCESS_TOKEN: Final = "access_token"  # noqa: S105
CONF_CURRENCY: Final = "currency"
CONF_PRODUCT_CODE: Final = "product_code"
CONF_REGION: Final = "region"
CONF_HOME_ID: Final = "home_id"
CONF_SITE_ID: Final = "site_id"
CONF_ACCOUNT_ID: Final = "account_id"
CONF_LOCATION_ID: Final = "location_id"
CONF_HOST: Final = "host"
CONF_RATE_LABEL: Final = "rate_label"
CONF_SECTOR: Final = "sector"
CONF_ENTITY_ID: Final = "entity_id"
CONF_ENTITY_KIND: Final = "entity_kind"

# A problem that lasts this long becomes a repair issue; shorter ones are only findings.
PERSISTENT_PROBLEM: Final = timedelta(hours=3)
# The battery's state of charge is read at every plan: a sensor that gives none for this long
# (not only while its integration starts) leaves every plan without the battery.
SOC_SENSOR_PROBLEM: Final = timedelta(minutes=30)
