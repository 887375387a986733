"""The optimizer's reasons as people read them: local times, and translated action errors."""

from __future__ import annotations

from typing import Final

from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .core.optimizer import PlanIssue

# Placeholders that hold a moment; the optimizer writes them in UTC.
MOMENTS: Final = frozenset(
    {"deadline", "window_start", "earliest_start", "prices_until", "latest_end", "now"}
)


def localised_placeholders(issue: PlanIssue) -> dict[str, str]:
    """Return the issue's placeholders with every moment in local time, to the minute."""
    shown = dict(issue.placeholders)
    for key in MOMENTS & set(shown):
        moment = dt_util.parse_datetime(shown[key])
        if moment is not None:
            shown[key] = dt_util.as_local(moment).strftime("%Y-%m-%d %H:%M")
    return shown


def issue_error(issue: PlanIssue, translation_key: str | None = None) -> ServiceValidationError:
    """Return the translated validation error that explains ``issue`` (under its code's key)."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=translation_key or issue.code,
        translation_placeholders=localised_placeholders(issue),
    )
