"""Why a tariff is refused, as a code and placeholders the UI can translate.

Like the optimizer's plan issues, a refusal never carries prose: ``code`` maps to a
translation key of the config flow's form errors and ``placeholders`` fill it in.
"""

from __future__ import annotations

from typing import Literal

from ..issues import Issue, placeholder_texts

TariffIssueCode = Literal[
    "field_missing",
    "field_invalid",
    "price_invalid",
    "vat_rate_invalid",
    "time_zone_invalid",
    "holiday_country_invalid",
    "time_invalid",
    "time_range_empty",
    "day_kind_invalid",
    "season_invalid",
    "bands_overlap",
    "bands_leave_gap",
    "validity_missing",
    "validity_invalid",
    "validity_overlap",
    "capacity_steps_missing",
    "capacity_step_negative",
    "capacity_steps_unordered",
    "capacity_rule_invalid",
    "export_invalid",
    "source_kind_invalid",
]

TARIFF_ISSUE_CODES: tuple[TariffIssueCode, ...] = TariffIssueCode.__args__  # type: ignore[attr-defined]


class TariffIssue(Issue[TariffIssueCode]):
    """Why a tariff is refused."""

    __slots__ = ()


class TariffError(ValueError):
    """A tariff definition that cannot be used; carries the translatable issue."""

    def __init__(self, code: TariffIssueCode, **placeholders: object) -> None:
        """Keep the issue for the caller; the message is for logs only."""
        issue = TariffIssue(code=code, placeholders=placeholder_texts(placeholders))
        super().__init__(f"{issue.code}: {dict(issue.placeholders)}")
        self.issue = issue
