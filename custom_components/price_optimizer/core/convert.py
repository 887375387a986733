"""How times and numbers are written to a Store or an answer, and read back."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any, overload

DECIMALS = 6
"""Figures kept in a Store or a plan: finer than anything shown, coarse enough to compare."""

# Costs are sums of price x energy, whose last bits depend on the order a CPU's vector unit adds
# in; such a figure often lies exactly halfway between two rounded values (0.4113375), and would
# round up on one machine and down on another. Settled first at this many decimals, far coarser
# than that noise, it rounds the same everywhere.
SETTLE_DECIMALS = 9


@overload
def iso(value: datetime | time) -> str: ...
@overload
def iso(value: datetime | time | None) -> str | None: ...
def iso(value: datetime | time | None) -> str | None:
    """Return a time in ISO 8601, or None for none."""
    return None if value is None else value.isoformat()


def from_iso(value: str | None) -> datetime | None:
    """Return the datetime an ISO 8601 text names, or None for none."""
    return None if value is None else datetime.fromisoformat(value)


def optional_float(value: Any) -> float | None:
    """Return a stored number as a float, or None for none."""
    return None if value is None else float(value)


def rounded(value: float | None) -> float | None:
    """Return a figure rounded to ``DECIMALS``, or None for none."""
    return None if value is None else rounded_to(value, DECIMALS)


def rounded_to(value: float, decimals: int) -> float:
    """Return ``value`` rounded to ``decimals``, alike on every CPU (see SETTLE_DECIMALS)."""
    return round(round(value, SETTLE_DECIMALS), decimals)
