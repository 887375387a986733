"""Price forecast beyond the published prices (numpy at runtime)."""

from __future__ import annotations

from pathlib import Path
from typing import Final

MODELS_DIR: Final = Path(__file__).with_name("models")
"""The shipped model artifacts, read by the integration and written by training."""
