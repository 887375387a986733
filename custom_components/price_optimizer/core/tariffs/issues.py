"""Why a tariff is refused, as a code and placeholders the UI can translate.

Like the optimizer's plan issues, a refusal never carries prose: ``code`` maps to a
translation key of the config flow's form errors and ``placeholders`` fill it in. A refusal also
names the inputs it is about, as paths into the plain form that was read, so that a form can put
the error on the field to correct.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Literal

from ..issues import Issue, placeholder_texts

TariffIssueCode = Literal[
    "name_missing",
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

# A plain alias, not a PEP 695 one: training imports the core on Python 3.11.
InputPath = tuple[str | int, ...]
"""Where a refused value sits in a plain form: its keys and list positions, outermost first."""


class TariffIssue(Issue[TariffIssueCode]):
    """Why a tariff is refused."""

    __slots__ = ()


class TariffError(ValueError):
    """A tariff definition that cannot be used; carries the translatable issue."""

    def __init__(
        self, code: TariffIssueCode, *, at: Iterable[InputPath] = (), **placeholders: object
    ) -> None:
        """Keep the issue and the inputs ``at`` it is about; the message is for logs only.

        Paths are relative to what the raising function reads; none means the refusal is about
        that input as a whole.
        """
        issue = TariffIssue(code=code, placeholders=placeholder_texts(placeholders))
        super().__init__(f"{issue.code}: {dict(issue.placeholders)}")
        self.issue = issue
        self.inputs: tuple[InputPath, ...] = tuple(at)


@contextmanager
def inputs_within(*prefix: str | int) -> Iterator[None]:
    """Make the inputs of a refusal raised inside relative to the form ``prefix`` sits in.

    A refusal that names no input of its own is about the whole input at ``prefix``.
    """
    try:
        yield
    except TariffError as err:
        err.inputs = tuple((*prefix, *path) for path in err.inputs) or (prefix,)
        raise
