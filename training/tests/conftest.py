"""Register the integration's pure packages before any test imports them."""

from __future__ import annotations

from pathlib import Path
import sys

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import training.integration  # noqa: F401
