"""Recorded and constructed provider payloads under tests/fixtures, with their provenance."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def payload(source: str, name: str) -> str:
    """Return the text of ``tests/fixtures/<source>/<name>`` exactly as stored."""
    return (FIXTURES / source / name).read_text(encoding="utf-8")


def json_payload(source: str, name: str) -> Any:
    """Return a JSON fixture, parsed."""
    return json.loads(payload(source, name))
