"""The integration's shape: an engine free of Home Assistant, and glue without import cycles."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
import subprocess
import sys

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "custom_components.price_optimizer"
PACKAGE_DIR = ROOT / "custom_components" / "price_optimizer"
CORE = f"{PACKAGE}.core"
CORE_DIR = PACKAGE_DIR / "core"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules(folder: Path) -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(folder.rglob("*.py"))}


def _imports(name: str, path: Path) -> Iterator[tuple[int, str]]:
    """Yield (line, absolute module) for every import in a module, under TYPE_CHECKING too."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            yield node.lineno, module
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}"


def test_core_imports_nothing_of_home_assistant_nor_outside_core() -> None:
    modules = _modules(CORE_DIR)
    assert f"{CORE}.prices" in modules
    offending = [
        f"{path.relative_to(ROOT)}:{line} imports {imported}"
        for name, path in modules.items()
        for line, imported in _imports(name, path)
        if imported.split(".")[0] == "homeassistant"
        or (imported.startswith(f"{PACKAGE}.") and not imported.startswith(f"{CORE}."))
        or imported == PACKAGE
    ]
    assert offending == []


def test_core_uses_no_syntax_newer_than_python_3_11() -> None:
    # Training runs on Python 3.11: no PEP 695 type aliases or type parameters in core.
    offending = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in _modules(CORE_DIR).values()
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if type(node).__name__ == "TypeAlias" or getattr(node, "type_params", None)
    ]
    assert offending == []


REFUSE_HOME_ASSISTANT = """
import importlib, importlib.abc, pkgutil, sys

class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "homeassistant" or name.startswith("homeassistant."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Refuse())
import custom_components.price_optimizer.core as core
names = [info.name for info in pkgutil.walk_packages(core.__path__, core.__name__ + ".")]
for name in names:
    importlib.import_module(name)
assert not any(m.split(".")[0] == "homeassistant" for m in sys.modules)
print(len(names))
"""


def test_core_imports_with_home_assistant_unimportable() -> None:
    result = subprocess.run(
        [sys.executable, "-c", REFUSE_HOME_ASSISTANT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    expected = [name for name in _modules(CORE_DIR) if name != CORE]
    assert int(result.stdout) == len(expected)


def test_integration_import_graph_has_no_cycle() -> None:
    modules = _modules(PACKAGE_DIR)
    graph = {
        name: {imported for _, imported in _imports(name, path) if imported in modules} - {name}
        for name, path in modules.items()
    }
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for imported in sorted(graph[name]):
            if state.get(imported) == 1:
                cycles.append([*path[path.index(imported) :], imported])
            elif imported not in state:
                visit(imported, [*path, imported])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []
