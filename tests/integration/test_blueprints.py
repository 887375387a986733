"""The shipped blueprints load in Home Assistant and do what they say."""

from __future__ import annotations

from pathlib import Path
import shutil

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from .conftest import AFTERNOON
from .test_sensor import TODAY

BLUEPRINTS = Path(__file__).resolve().parents[2] / "blueprints"
PRICE = "sensor.replay_de_lu_current_price"


@pytest.fixture
def config_dir_with_blueprints(hass: HomeAssistant, tmp_path: Path) -> Path:
    shutil.copytree(BLUEPRINTS, tmp_path / "blueprints")
    hass.config.config_dir = str(tmp_path)
    return tmp_path


async def test_switch_while_cheap_follows_the_price(
    hass: HomeAssistant,
    berlin: HomeAssistant,
    config_dir_with_blueprints: Path,
    mock_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    freezer.move_to(AFTERNOON)
    price_now = TODAY[AFTERNOON.hour]
    assert await async_setup_component(hass, "input_boolean", {"input_boolean": {"plug": {}}})
    assert await async_setup_component(
        hass,
        "switch",
        {
            "switch": {
                "platform": "template",
                "switches": {
                    "plug": {
                        "value_template": "{{ is_state('input_boolean.plug', 'on') }}",
                        "turn_on": {
                            "action": "input_boolean.turn_on",
                            "target": {"entity_id": "input_boolean.plug"},
                        },
                        "turn_off": {
                            "action": "input_boolean.turn_off",
                            "target": {"entity_id": "input_boolean.plug"},
                        },
                    }
                },
            }
        },
    )
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "use_blueprint": {
                    "path": "price_optimizer/switch_while_cheap.yaml",
                    "input": {
                        "price_sensor": PRICE,
                        "threshold": price_now,
                        "target_switch": "switch.plug",
                    },
                }
            }
        },
    )
    assert hass.states.get("input_boolean.plug").state == "off"
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done()
    assert float(hass.states.get(PRICE).state) == pytest.approx(price_now)
    # The switch's turn_on/turn_off drive this boolean: it shows what the blueprint called.
    assert hass.states.get("input_boolean.plug").state == "on"

    # Walk the slots until the price rises above the threshold: the plug goes off.
    for _ in range(10):
        freezer.tick(3600)
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
        if float(hass.states.get(PRICE).state) > price_now:
            break
    assert float(hass.states.get(PRICE).state) > price_now
    assert hass.states.get("input_boolean.plug").state == "off"
