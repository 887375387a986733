"""Import the integration's pure modules without running its Home Assistant package.

``custom_components/price_optimizer/__init__.py`` imports Home Assistant, which the training
environment does not have. Empty parent packages registered first let Python import the
numpy-only modules below them directly.
"""

from __future__ import annotations

from pathlib import Path
import sys
import types

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = ROOT / "custom_components" / "price_optimizer"
MODELS_DIR = PACKAGE_DIR / "forecast" / "models"


def _register(name: str, path: Path) -> None:
    if name in sys.modules:
        return
    module = types.ModuleType(name)
    module.__path__ = [str(path)]
    sys.modules[name] = module


def ensure_registered() -> None:
    """Register the parent packages (idempotent; importing this module already does)."""
    _register("custom_components", ROOT / "custom_components")
    _register("custom_components.price_optimizer", PACKAGE_DIR)


ensure_registered()
