"""Data-quality checks on held prices: what a user should know is wrong."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Literal

from .models import PriceSeries

FindingCode = Literal["gap", "implausible_price", "implausible_jump", "stale"]

# SDAC's harmonised clearing-price limits are -500 and +4000 EUR/MWh; a value
# beyond them did not come from a day-ahead auction.
PLAUSIBLE_MIN_PER_KWH: Final = -0.5
PLAUSIBLE_MAX_PER_KWH: Final = 4.0
# A step between neighbouring slots larger than this is worth a second look.
PLAUSIBLE_STEP_PER_KWH: Final = 1.0


@dataclass(frozen=True, slots=True)
class Finding:
    """One kind of problem in the held prices and where it first shows."""

    code: FindingCode
    count: int
    first_at: datetime

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-safe form for diagnostics and attributes."""
        return {"code": self.code, "count": self.count, "first_at": self.first_at.isoformat()}


def check_prices(raw: PriceSeries, expected_until: datetime, now: datetime) -> tuple[Finding, ...]:
    """Return what looks wrong in raw market prices (per kWh) held at ``now``."""
    found: dict[FindingCode, list[datetime]] = {}
    previous = None
    for slot in raw:
        if previous is not None:
            if slot.start > previous.end:
                found.setdefault("gap", []).append(previous.end)
            elif abs(slot.price - previous.price) > PLAUSIBLE_STEP_PER_KWH:
                found.setdefault("implausible_jump", []).append(slot.start)
        if not PLAUSIBLE_MIN_PER_KWH <= slot.price <= PLAUSIBLE_MAX_PER_KWH:
            found.setdefault("implausible_price", []).append(slot.start)
        previous = slot
    held_until = raw.end
    if held_until is None or held_until < expected_until:
        found["stale"] = [held_until or now]
    return tuple(
        Finding(code=code, count=len(times), first_at=times[0]) for code, times in found.items()
    )
