"""What hassfest and the HACS action would check, since neither can run here."""

from __future__ import annotations

import ast
import hashlib
import json
from pathlib import Path
import re
import struct
from typing import Any

import pytest
import yaml

from tests.translations import TRANSLATIONS

ROOT = Path(__file__).resolve().parent.parent
INTEGRATION = ROOT / "custom_components" / "price_optimizer"
MANIFEST = json.loads((INTEGRATION / "manifest.json").read_text())
ICONS = json.loads((INTEGRATION / "icons.json").read_text())
SERVICES = yaml.safe_load((INTEGRATION / "services.yaml").read_text())
PLATFORMS = ("sensor", "binary_sensor", "switch", "calendar")
QUALITY_RULES = {
    "action-setup",
    "appropriate-polling",
    "brands",
    "common-modules",
    "config-flow-test-coverage",
    "config-flow",
    "dependency-transparency",
    "docs-actions",
    "docs-high-level-description",
    "docs-installation-instructions",
    "docs-removal-instructions",
    "entity-event-setup",
    "entity-unique-id",
    "has-entity-name",
    "runtime-data",
    "test-before-configure",
    "test-before-setup",
    "unique-config-entry",
    "action-exceptions",
    "config-entry-unloading",
    "docs-configuration-parameters",
    "docs-installation-parameters",
    "entity-unavailable",
    "integration-owner",
    "log-when-unavailable",
    "parallel-updates",
    "reauthentication-flow",
    "test-coverage",
    "devices",
    "diagnostics",
    "discovery-update-info",
    "discovery",
    "docs-data-update",
    "docs-examples",
    "docs-known-limitations",
    "docs-supported-devices",
    "docs-supported-functions",
    "docs-troubleshooting",
    "docs-use-cases",
    "dynamic-devices",
    "entity-category",
    "entity-device-class",
    "entity-disabled-by-default",
    "entity-translations",
    "exception-translations",
    "icon-translations",
    "reconfiguration-flow",
    "repair-issues",
    "stale-devices",
    "async-dependency",
    "inject-websession",
    "strict-typing",
}


def source_files() -> list[Path]:
    return sorted(INTEGRATION.rglob("*.py"))


def keyword_strings(name: str) -> set[str]:
    """Return every string literal passed as keyword ``name`` in the integration's code."""
    found: set[str] = set()
    for path in source_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.keyword)
                and node.arg == name
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                found.add(node.value.value)
    return found


def descriptions_by_platform() -> dict[str, set[str]]:
    """Return the translation keys of entity descriptions, per platform.

    A platform's descriptions are in its module (``sensor.py``) and in the modules of one
    group of its entities that it adds (``capacity_sensors.py``).
    """
    keys: dict[str, set[str]] = {}
    for platform in PLATFORMS:
        path = INTEGRATION / f"{platform}.py"
        if not path.exists():
            continue
        keys[platform] = set()
        for module in (path, *INTEGRATION.glob(f"*_{platform}s.py")):
            keys[platform] |= {
                node.value.value
                for node in ast.walk(ast.parse(module.read_text()))
                if isinstance(node, ast.keyword)
                and node.arg == "translation_key"
                and isinstance(node.value, ast.Constant)
            }
    return keys


def test_manifest_has_domain_and_name_first_then_sorted_keys() -> None:
    keys = list(MANIFEST)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    for required in (
        "codeowners",
        "config_flow",
        "documentation",
        "integration_type",
        "iot_class",
        "issue_tracker",
        "loggers",
        "requirements",
        "version",
    ):
        assert required in MANIFEST, required
    assert MANIFEST["domain"] == INTEGRATION.name
    assert MANIFEST["config_flow"] is True
    assert re.fullmatch(r"\d+\.\d+\.\d+", MANIFEST["version"])


def test_manifest_requires_nothing_home_assistant_os_cannot_install() -> None:
    names = {
        re.split(r"[<>=\[ ]", requirement)[0].lower() for requirement in MANIFEST["requirements"]
    }
    assert not names & {"onnxruntime", "onnx", "lightgbm", "torch", "pandas", "scikit-learn"}


def _tested_version(name: str) -> str:
    """Return a Home Assistant version scripts/lib.sh tests or runs (HA_OLDEST, HA_RELEASE...)."""
    found = re.search(rf'^{name}="([^"]+)"$', (ROOT / "scripts" / "lib.sh").read_text(), re.M)
    assert found is not None, name
    return found.group(1)


def test_hacs_manifest() -> None:
    hacs = json.loads((ROOT / "hacs.json").read_text())
    assert hacs["name"] == MANIFEST["name"]
    # The oldest version HACS lets users install on is the oldest one the tests run on.
    assert hacs["homeassistant"] == _tested_version("HA_OLDEST")
    allowed = {
        "name",
        "content_in_root",
        "zip_release",
        "filename",
        "hide_default_branch",
        "country",
        "homeassistant",
        "hacs",
        "persistent_directory",
        "render_readme",
    }
    assert set(hacs) <= allowed


@pytest.mark.parametrize(("name", "size"), [("icon.png", 256), ("icon@2x.png", 512)])
def test_brand_icons_are_square_pngs(name: str, size: int) -> None:
    data = (INTEGRATION / "brand" / name).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (size, size)


def test_every_entity_translation_key_is_translated_and_has_an_icon() -> None:
    for platform, keys in descriptions_by_platform().items():
        translated = set(TRANSLATIONS["entity"].get(platform, {}))
        assert keys <= translated, f"{platform}: {keys - translated} not in en.json"
        assert keys <= set(ICONS["entity"].get(platform, {})), f"{platform}: missing icons"
        assert translated <= keys, f"{platform}: {translated - keys} translated but unused"


def test_every_exception_translation_key_exists() -> None:
    used = keyword_strings("translation_key") - {
        key for keys in descriptions_by_platform().values() for key in keys
    }
    selectors = set(TRANSLATIONS["selector"])
    exceptions = set(TRANSLATIONS["exceptions"])
    issues = set(TRANSLATIONS.get("issues", {}))
    missing = {key for key in used if key not in exceptions | selectors | issues}
    assert not missing


def test_every_config_step_and_abort_is_translated() -> None:
    steps = keyword_strings("step_id")
    subentry_steps = {
        step for flow in TRANSLATIONS["config_subentries"].values() for step in flow["step"]
    }
    config_steps = set(TRANSLATIONS["config"]["step"]) | set(TRANSLATIONS["options"]["step"])
    assert steps <= config_steps | subentry_steps
    for step in TRANSLATIONS["config"]["step"].values():
        for field in step.get("data", {}):
            assert field in step.get("data_description", {}), f"{field} has no data_description"
    for step in TRANSLATIONS["options"]["step"].values():
        # A menu step has options to pick, not fields.
        assert set(step.get("data", {})) == set(step.get("data_description", {}))
        assert ("menu_options" in step) != ("data" in step)
        for part in step.get("sections", {}).values():
            assert set(part["data"]) == set(part["data_description"])
    for flow in TRANSLATIONS["config_subentries"].values():
        assert {"entry_type", "initiate_flow", "step", "error", "abort"} <= set(flow)
        for step in flow["step"].values():
            assert set(step["data"]) == set(step["data_description"])


def test_every_action_and_field_is_translated_and_has_an_icon() -> None:
    assert set(SERVICES) == set(TRANSLATIONS["services"])
    assert set(SERVICES) == set(ICONS["services"])
    for name, service in SERVICES.items():
        fields = set((service or {}).get("fields", {}))
        assert fields == set(TRANSLATIONS["services"][name].get("fields", {})), name


def test_quality_scale_lists_every_rule_with_an_honest_status() -> None:
    rules: dict[str, Any] = yaml.safe_load((INTEGRATION / "quality_scale.yaml").read_text())[
        "rules"
    ]
    assert set(rules) == QUALITY_RULES
    for name, rule in rules.items():
        status = rule if isinstance(rule, str) else rule["status"]
        assert status in {"done", "todo", "exempt"}, name
        if status == "exempt":
            assert rule["comment"], f"{name} is exempt without a reason"


def test_the_model_folder_ships_only_what_the_integration_loads() -> None:
    models = INTEGRATION / "core/forecast/models"
    metadata = json.loads((models / "metadata.json").read_text(encoding="utf-8"))
    shipped = {path.name for path in models.iterdir()} - {"metadata.json"}
    assert shipped == set(metadata["artifacts"])
    reference = ROOT / "training/reference_models"
    for name, item in metadata["reference_artifacts"].items():
        assert name not in shipped
        assert hashlib.sha256((reference / name).read_bytes()).hexdigest() == item["sha256"]
