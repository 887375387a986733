"""The README names what a person needs to know about installing and the develop instance."""

from __future__ import annotations

import json
from pathlib import Path
import re

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
MANIFEST = json.loads(
    (ROOT / "custom_components" / "price_optimizer" / "manifest.json").read_text()
)


def test_the_readme_names_every_requirement_of_the_manifest() -> None:
    names = [re.split(r"[<>=!~\[;]", requirement)[0] for requirement in MANIFEST["requirements"]]
    assert [name for name in names if f"`{name}`" not in README] == []


def test_the_readme_names_every_setting_scripts_develop_reads() -> None:
    # scripts/develop and what it sources.
    develop = "".join(
        (ROOT / "scripts" / name).read_text(encoding="utf-8") for name in ("develop", "lib.sh")
    )
    settings = set(re.findall(r"\$\{(PRICE_OPTIMIZER_[A-Z_]+):-", develop))
    assert settings == {
        "PRICE_OPTIMIZER_PORT",
        "PRICE_OPTIMIZER_DEVELOP_DIR",
        "PRICE_OPTIMIZER_DEVELOP_HA",
    }
    assert [name for name in sorted(settings) if f"`{name}`" not in README] == []
