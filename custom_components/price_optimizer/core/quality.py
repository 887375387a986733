"""Data-quality checks on held prices: what a user should know is wrong."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Literal

from .prices import PriceSeries

FindingCode = Literal["gap", "implausible_price", "implausible_jump", "stale"]

# SDAC's harmonised clearing-price limits are -500 and +4000 EUR/MWh; a value
# beyond them did not come from a day-ahead auction.
PLAUSIBLE_MIN_PER_KWH: Final = -0.5
PLAUSIBLE_MAX_PER_KWH: Final = 4.0
# A step between neighbouring slots larger than this is worth a second look.
PLAUSIBLE_STEP_PER_KWH: Final = 1.0


@dataclass(frozen=True, slots=True)
class PriceLimits:
    """What a market's raw price per kWh can plausibly be, in its own currency."""

    minimum: float
    maximum: float
    step: float


# Units of each currency per euro, rounded: the limits only need the right
# order of magnitude, not today's exchange rate.
_PER_EURO: Final = {
    "EUR": 1.0,
    "SEK": 11.0,
    "NOK": 11.5,
    "DKK": 7.46,
    "PLN": 4.3,
    "BGN": 1.96,
    "RON": 5.0,
    "CHF": 0.95,
    "GBP": 0.85,
    "USD": 1.1,
}
# The Australian NEM's market price cap is 17,500 AUD/MWh and its floor
# -1,000 AUD/MWh; retail adders come on top.
_MARKET_LIMITS: Final = {"AUD": PriceLimits(minimum=-1.1, maximum=20.0, step=10.0)}


def limits_for(currency: str) -> PriceLimits:
    """Return the plausible raw prices per kWh for a market quoting in ``currency``."""
    if currency in _MARKET_LIMITS:
        return _MARKET_LIMITS[currency]
    factor = _PER_EURO.get(currency, 1.0)
    return PriceLimits(
        minimum=PLAUSIBLE_MIN_PER_KWH * factor,
        maximum=PLAUSIBLE_MAX_PER_KWH * factor,
        step=PLAUSIBLE_STEP_PER_KWH * factor,
    )


@dataclass(frozen=True, slots=True)
class Finding:
    """One kind of problem in the held prices and where it first shows."""

    code: FindingCode
    count: int
    first_at: datetime

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-safe form for diagnostics and attributes."""
        return {"code": self.code, "count": self.count, "first_at": self.first_at.isoformat()}


def check_prices(
    raw: PriceSeries, expected_until: datetime, now: datetime, limits: PriceLimits | None = None
) -> tuple[Finding, ...]:
    """Return what looks wrong in raw market prices (per kWh) held at ``now``."""
    limits = limits or limits_for(raw.currency)
    found: dict[FindingCode, list[datetime]] = {}
    previous = None
    for slot in raw:
        if previous is not None:
            if slot.start > previous.end:
                found.setdefault("gap", []).append(previous.end)
            elif abs(slot.price - previous.price) > limits.step:
                found.setdefault("implausible_jump", []).append(slot.start)
        if not limits.minimum <= slot.price <= limits.maximum:
            found.setdefault("implausible_price", []).append(slot.start)
        previous = slot
    held_until = raw.end
    if held_until is None or held_until < expected_until:
        found["stale"] = [held_until or now]
    return tuple(
        Finding(code=code, count=len(times), first_at=times[0]) for code, times in found.items()
    )
