"""The automations the README shows are valid Home Assistant configuration."""

from __future__ import annotations

from pathlib import Path
import re
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import yaml

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_automations() -> list[dict[str, Any]]:
    """Return every automation in the README's Examples section."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("\n## Examples") : text.index("\n## Troubleshooting")]
    automations: list[dict[str, Any]] = []
    for block in re.findall(r"```yaml\n(.*?)```", section, re.DOTALL):
        automations.extend(yaml.safe_load(block)["automation"])
    return automations


async def test_readme_examples_load_as_automations(hass: HomeAssistant) -> None:
    automations = readme_automations()
    assert len(automations) >= 3
    assert await async_setup_component(hass, "automation", {"automation": automations})
    await hass.async_block_till_done()

    states = {state.attributes.get("friendly_name"): state for state in hass.states.async_all()}
    for automation in automations:
        state = states.get(automation["alias"])
        assert state is not None, automation["alias"]
        assert state.domain == "automation"
        assert state.state == "on", f"{automation['alias']}: {state.state} {state.attributes}"
    # Detach the time trigger before the test ends.
    await hass.services.async_call("automation", "turn_off", {"entity_id": "all"}, blocking=True)
