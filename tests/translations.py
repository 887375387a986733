"""The integration's English strings, as the tests compare messages and forms with them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TRANSLATIONS_FILE = (
    Path(__file__).resolve().parent.parent
    / "custom_components/price_optimizer/translations/en.json"
)
TRANSLATIONS: dict[str, Any] = json.loads(TRANSLATIONS_FILE.read_text(encoding="utf-8"))
