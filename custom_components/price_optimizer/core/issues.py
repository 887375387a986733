"""A reason as a code and placeholders the UI can translate, never prose.

The optimizer's plan issues and the tariff model's refusals share this shape: ``code`` is a
translation key and ``placeholders`` fill it in, so the Home Assistant side raises
``ServiceValidationError`` or shows a form error with nothing left to word.

A problem that becomes a repair issue only once it has lasted keeps its start in a
:class:`LastingProblem`: a passing outage (a sensor that is late at startup, a source's
hiccup) raises nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

CodeT = TypeVar("CodeT", bound=str)


@dataclass(frozen=True, slots=True)
class Issue(Generic[CodeT]):
    """A translatable reason: ``code`` is the translation key, ``placeholders`` its values."""

    code: CodeT
    placeholders: Mapping[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-safe form."""
        return {"code": self.code, "placeholders": dict(self.placeholders)}


def placeholder_texts(placeholders: Mapping[str, object]) -> dict[str, str]:
    """Every placeholder as the text a translation shows (floats without binary noise)."""
    return {key: _text(value) for key, value in placeholders.items()}


def _text(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@dataclass(slots=True)
class LastingProblem:
    """Since when a problem has lasted without a break, and when it has lasted long enough."""

    lasts: timedelta
    since: datetime | None = None

    def seen(self, now: datetime) -> datetime | None:
        """Note the problem at ``now``; return its start once it has lasted ``lasts``."""
        if self.since is None:
            self.since = now
        return self.since if now - self.since >= self.lasts else None

    def gone(self) -> None:
        """Note that the problem is over: the next one starts its own clock."""
        self.since = None

    @property
    def due(self) -> datetime | None:
        """Return when the problem will have lasted long enough, None while there is none."""
        return None if self.since is None else self.since + self.lasts
