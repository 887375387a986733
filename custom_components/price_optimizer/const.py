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

SOURCE_REPLAY: Final = "replay"

ATTR_CONFIG_ENTRY: Final = "config_entry"

STORAGE_VERSION: Final = 1
# A week and a day of history feeds the forecast's weekly lags.
HISTORY_KEPT: Final = timedelta(days=8)
