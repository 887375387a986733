"""Print the Python requirements of the integrations a configuration loads.

Home Assistant installs an integration's requirements when it first loads it; resolving them
here lets scripts/develop install everything up front, so the instance then starts offline.
"""

from __future__ import annotations

import json
from pathlib import Path
import sys

from homeassistant import bootstrap
import yaml

COMPONENTS = Path(bootstrap.__file__).parent / "components"


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
    )
    # Hardware discovery needs devices a development machine does not have.
    domains -= {"bluetooth", "usb", "hassio", "cloud", "sentry"}
    print("\n".join(sorted(requirements(domains, config_dir / "custom_components"))))


if __name__ == "__main__":
    main()
