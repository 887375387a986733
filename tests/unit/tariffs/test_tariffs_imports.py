"""The tariff package stays free of Home Assistant and of the rest of the integration."""

from __future__ import annotations

import ast
from pathlib import Path
import sys

import pytest

PACKAGE = Path(__file__).resolve().parents[3] / "custom_components/price_optimizer/core/tariffs"
ALLOWED_THIRD_PARTY = {"numpy", "holidays"}
MODULES = sorted(PACKAGE.glob("*.py"))
# The module that fetches tariffs uses the sources' HTTP layer; the one that prices a series
# reads the price model. Nothing else reaches outside the package.
NETWORK_CLIENT = "energidataservice_client.py"
OUTSIDE_IMPORTS = {NETWORK_CLIENT: {"sources.base", "sources.http"}, "household.py": {"prices"}}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_imports_only_the_standard_library_numpy_holidays_and_itself(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:
                assert (PACKAGE / f"{(node.module or '').split('.')[0]}.py").exists(), node.module
                continue
            if node.level == 2 and path.name in OUTSIDE_IMPORTS:
                assert node.module in OUTSIDE_IMPORTS[path.name], node.module
                continue
            assert node.level == 0, f"{path.name} reaches outside core/tariffs: {node.module}"
            names = [node.module or ""]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            assert top in sys.stdlib_module_names or top in ALLOWED_THIRD_PARTY, (path.name, name)


def test_there_are_modules_to_check() -> None:
    assert {p.name for p in MODULES} >= {
        "model.py",
        "capacity.py",
        "energidataservice.py",
        NETWORK_CLIENT,
    }
