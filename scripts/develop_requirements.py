"""Print the Python requirements of the integrations a configuration loads.

Home Assistant installs an integration's requirements when it first loads it; resolving them
here lets scripts/develop install everything up front, under the same constraints as the rest
of its venv, so the instance then starts offline. Without that, an offline instance cannot load
what its frontend waits for (the oldest supported release stays on "Loading data"), and an
online one installs packages our constraints would refuse.
"""

from __future__ import annotations

import json
from pathlib import Path
import sys

from homeassistant import bootstrap
from homeassistant.auth.mfa_modules import totp
from homeassistant.helpers import service
import yaml

COMPONENTS = Path(bootstrap.__file__).parent / "components"
# The repository's own integrations (custom_components/ beside scripts/).
CUSTOM_COMPONENTS = Path(__file__).resolve().parents[1] / "custom_components"
# What onboarding sets up for a new user (scripts/provision.py onboards as one).
ONBOARDED = {"google_translate", "met", "radio_browser", "shopping_list", "tts"}


def _ignore_tags(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


def requirements(domains: set[str], custom: Path) -> set[str]:
    """Return the requirements of ``domains`` and everything they depend on."""
    seen: set[str] = set()
    found: set[str] = set()
    pending = list(domains)
    while pending:
        domain = pending.pop()
        if domain in seen:
            continue
        seen.add(domain)
        manifest_path = custom / domain / "manifest.json"
        if not manifest_path.exists():
            manifest_path = COMPONENTS / domain / "manifest.json"
        if not manifest_path.exists():
            continue
        manifest = json.loads(manifest_path.read_text())
        found.update(manifest.get("requirements", []))
        pending.extend(manifest.get("dependencies", []))
        pending.extend(manifest.get("after_dependencies", []))
    return found


def service_description_imports() -> set[str]:
    """Return the integrations Home Assistant imports to describe the services of any entity.

    The first request for service descriptions (the frontend makes it on load) imports these
    base components, which install their requirements then.
    """
    base_components = getattr(service, "_base_components", None)
    code = getattr(getattr(base_components, "__wrapped__", base_components), "__code__", None)
    names = set(code.co_names) if code is not None else set()
    return {name for name in names if (COMPONENTS / name / "manifest.json").exists()}


def main() -> None:
    """Print one requirement a line for the configuration directory in argv[1]."""
    config_dir = Path(sys.argv[1])
    yaml.SafeLoader.add_multi_constructor("!", _ignore_tags)
    configured = yaml.safe_load((config_dir / "configuration.yaml").read_text()) or {}
    domains = (
        {key.split(" ")[0] for key in configured}
        | bootstrap.CORE_INTEGRATIONS
        | bootstrap.DEFAULT_INTEGRATIONS
        | bootstrap.LOGGING_AND_HTTP_DEPS_INTEGRATIONS
        | {"price_optimizer", "onboarding", "auth", "websocket_api", "lovelace"}
        | ONBOARDED
        | service_description_imports()
    )
    # Hardware discovery needs devices a development machine does not have.
    domains -= {"bluetooth", "usb", "hassio", "cloud", "sentry"}
    found = requirements(domains, CUSTOM_COMPONENTS) | set(totp.REQUIREMENTS)
    print("\n".join(sorted(found)))


if __name__ == "__main__":
    main()
