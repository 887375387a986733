"""Put this repository's integration ahead of the test plugin's own testing_config."""

from __future__ import annotations

import os
from pathlib import Path
import sys

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Imported before the test plugin's own testing_config/custom_components can shadow ours.
import custom_components.price_optimizer  # noqa: E402,F401

# End-to-end tests start real processes and a browser; scripts/test runs them on their own.
collect_ignore = [] if os.environ.get("PRICE_OPTIMIZER_E2E") else ["e2e"]
