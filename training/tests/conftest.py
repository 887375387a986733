"""Put the repository root on the path, so the tests import ``training`` and the engine."""

from __future__ import annotations

from pathlib import Path
import sys

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
