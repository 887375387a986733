"""Which training market's blend weights serve a bidding zone."""

from __future__ import annotations

import re
from typing import Final

# Bidding zones the shipped models were validated on keep their own blend weights.
_VALIDATED_MARKETS: Final = {
    "BE": "deepforkit-BE",
    "DELU": "deepforkit-DE_LU",
    "DK1": "deepforkit-DK_1",
    "FI": "deepforkit-FI",
    "FR": "deepforkit-FR",
    "NL": "deepforkit-NL",
    "SE3": "deepforkit-SE_3",
    **{f"NO{zone}": f"nor-epf-NO_{zone}" for zone in range(1, 6)},
}


def validated_market(area: str | None) -> str | None:
    """Return the training market whose blend fits ``area`` (any spelling), if there is one."""
    return _VALIDATED_MARKETS.get(re.sub(r"[^A-Z0-9]", "", (area or "").upper()))
