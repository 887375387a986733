"""A reason as a code and placeholders the UI can translate, never prose.

The optimizer's plan issues and the tariff model's refusals share this shape: ``code`` is a
translation key and ``placeholders`` fill it in, so the Home Assistant side raises
``ServiceValidationError`` or shows a form error with nothing left to word.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
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
