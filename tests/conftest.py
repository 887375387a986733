"""Put this repository's integration ahead of the test plugin's own testing_config."""

from __future__ import annotations

from pathlib import Path
import sys

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Imported before the test plugin's own testing_config/custom_components can shadow ours.
import custom_components.price_optimizer  # noqa: E402,F401
