"""Why an appliance cannot be planned, as a code and placeholders the UI can translate.

The optimizer never shows a solver status to a person. Every refusal names
what the user asked for and what stands in the way, so the Home Assistant side
can map ``code`` to a translation key and raise ``ServiceValidationError`` with
the placeholders filled in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from ..issues import Issue, placeholder_texts

IssueCode = Literal[
    # An appliance definition that cannot be right, whatever the prices.
    "power_not_positive",
    "power_range_invalid",
    "demand_missing",
    "duration_not_positive",
    "demand_ambiguous",
    "energy_range_invalid",
    "phases_invalid",
    "window_invalid",
    "recurrence_ambiguous",
    "times_invalid",
    "max_starts_invalid",
    "flexible_energy_needs_interruptible",
    "price_cap_invalid",
    "battery_invalid",
    # A definition that is fine but cannot be met with this request.
    "deadline_passed",
    "awaiting_prices",
    "window_too_short",
    "power_above_limit",
    "energy_cannot_fit",
    "energy_cannot_fit_whole_slots",
    "starts_insufficient",
    "household_limit_conflict",
    "surplus_needs_solar",
    "surplus_insufficient",
    "price_cap_not_met",
    # Requests of the cheapest-window search.
    "duration_invalid",
    "count_invalid",
    "window_ended",
    "window_end_before_start",
    "published_prices_too_short",
]

ISSUE_CODES: tuple[IssueCode, ...] = IssueCode.__args__  # type: ignore[attr-defined]


class PlanIssue(Issue[IssueCode]):
    """Why an appliance cannot be planned; restored from the Store by :meth:`from_dict`."""

    __slots__ = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlanIssue:
        """Rebuild an issue from :meth:`as_dict` output."""
        code = data["code"]
        if code not in ISSUE_CODES:
            raise ValueError(f"unknown issue code {code!r}")
        return cls(code=code, placeholders=dict(data.get("placeholders", {})))


class PlanningError(ValueError):
    """A request that cannot be answered; carries the translatable issue."""

    def __init__(self, issue: PlanIssue) -> None:
        """Keep ``issue`` for the caller; the message is for logs only."""
        super().__init__(f"{issue.code}: {dict(issue.placeholders)}")
        self.issue = issue


class ApplianceError(PlanningError):
    """An appliance definition that can never be planned."""


def issue(code: IssueCode, **placeholders: object) -> PlanIssue:
    """Build an issue, formatting every placeholder as text."""
    return PlanIssue(code, placeholder_texts(placeholders))
