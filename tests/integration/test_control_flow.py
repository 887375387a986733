"""The switching step of an appliance: where the plan switches it, checked before it is saved."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .appliances import (
    add_appliance,
    entity_id,
    reconfigure_appliance,
    start_appliance_flow,
    suggested_values,
)

pytestmark = pytest.mark.usefixtures("market_prices_only")


async def control_form(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    form = await start_appliance_flow(hass, entry, "dishwasher")
    result = await hass.config_entries.subentries.async_configure(
        form["flow_id"], suggested_values(form)
    )
    assert result["step_id"] == "control"
    return dict(result)


async def test_a_switch_entity_is_stored_as_the_target(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    subentry_id = await add_appliance(
        hass,
        loaded_entry,
        "dishwasher",
        control={"target": "switch", "switch_entity": "switch.dishwasher_plug"},
    )
    assert loaded_entry.subentries[subentry_id].data["control"] == {
        "kind": "switch",
        "entity_id": "switch.dishwasher_plug",
    }


async def test_a_tasmota_plug_gets_its_firmwares_topics(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    subentry_id = await add_appliance(
        hass,
        loaded_entry,
        "dishwasher",
        control={"target": "mqtt", "mqtt_preset": "tasmota", "mqtt_device": "tasmota_4F2A"},
    )
    control = loaded_entry.subentries[subentry_id].data["control"]
    assert control["command_topic"] == "cmnd/tasmota_4F2A/POWER"
    assert control["state_topic"] == "stat/tasmota_4F2A/POWER"
    assert (control["payload_on"], control["payload_off"]) == ("ON", "OFF")

    # Editing the appliance shows the preset and device, not topics to retype.
    form = await hass.config_entries.subentries.async_init(
        (loaded_entry.entry_id, "appliance"),
        context={"source": "reconfigure", "subentry_id": subentry_id},
    )
    result = await hass.config_entries.subentries.async_configure(
        form["flow_id"], suggested_values(form)
    )
    assert suggested_values(result) == {"target": "mqtt"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"target": "mqtt"}
    )
    assert result["step_id"] == "control_mqtt"
    assert suggested_values(result) == {"mqtt_preset": "tasmota", "mqtt_device": "tasmota_4F2A"}


async def test_a_generic_plug_with_a_state_topic_reads_its_own_payloads(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    subentry_id = await add_appliance(
        hass,
        loaded_entry,
        "dishwasher",
        control={
            "target": "mqtt",
            "mqtt_preset": "generic",
            "command_topic": "home/dishwasher/set",
            "payload_on": "1",
            "payload_off": "0",
            "state_topic": "home/dishwasher/state",
        },
    )
    control = loaded_entry.subentries[subentry_id].data["control"]
    assert control["command_topic"] == "home/dishwasher/set"
    assert (control["state_on"], control["state_off"]) == ("1", "0")
    assert control["state_key"] is None


@pytest.mark.parametrize(
    ("target", "entered", "errors", "corrected"),
    [
        ("switch", {}, {"switch_entity": "switch_missing"}, {"switch_entity": "switch.plug"}),
        (
            "mqtt",
            {"mqtt_preset": "shelly"},
            {"mqtt_device": "device_missing"},
            {"mqtt_preset": "shelly", "mqtt_device": "shellyplug-s"},
        ),
        (
            "mqtt",
            {"mqtt_preset": "generic"},
            {"mqtt_device": "device_missing"},
            {"mqtt_preset": "generic", "command_topic": "home/plug/set"},
        ),
        (
            "mqtt",
            {"mqtt_preset": "tasmota", "mqtt_device": "plug/+"},
            {"command_topic": "topic_wildcard", "state_topic": "topic_wildcard"},
            {"mqtt_preset": "tasmota", "mqtt_device": "plug"},
        ),
        (
            "mqtt",
            {"mqtt_preset": "generic", "command_topic": "home//plug"},
            {"command_topic": "topic_empty_level"},
            {"mqtt_preset": "generic", "command_topic": "home/plug"},
        ),
        (
            "mqtt",
            {"mqtt_preset": "zigbee2mqtt", "mqtt_device": "Plug", "state_topic": "zigbee2mqtt/#"},
            {"state_topic": "topic_wildcard"},
            {"mqtt_preset": "zigbee2mqtt", "mqtt_device": "Plug"},
        ),
    ],
)
async def test_a_target_that_cannot_be_switched_is_refused_on_its_field(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    target: str,
    entered: dict[str, Any],
    errors: dict[str, str],
    corrected: dict[str, Any],
) -> None:
    form = await control_form(hass, loaded_entry)
    result = await hass.config_entries.subentries.async_configure(
        form["flow_id"], {"target": target}
    )
    assert result["step_id"] == f"control_{target}"
    result = await hass.config_entries.subentries.async_configure(form["flow_id"], entered)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    assert not loaded_entry.subentries
    # Corrected, it is saved.
    result = await hass.config_entries.subentries.async_configure(form["flow_id"], corrected)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()


@pytest.mark.parametrize(
    ("target", "fields"),
    [
        ("switch", ["switch_entity"]),
        (
            "mqtt",
            [
                "mqtt_preset",
                "mqtt_device",
                "command_topic",
                "payload_on",
                "payload_off",
                "state_topic",
            ],
        ),
    ],
)
async def test_the_target_is_asked_first_then_only_its_fields(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, target: str, fields: list[str]
) -> None:
    form = await control_form(hass, loaded_entry)
    assert [str(key) for key in form["data_schema"].schema] == ["target"]
    result = await hass.config_entries.subentries.async_configure(
        form["flow_id"], {"target": target}
    )
    assert [str(key) for key in result["data_schema"].schema] == fields


async def test_no_target_saves_right_away(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    form = await control_form(hass, loaded_entry)
    result = await hass.config_entries.subentries.async_configure(
        form["flow_id"], {"target": "none"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    (subentry,) = loaded_entry.subentries.values()
    assert subentry.data["control"] is None


async def test_the_switch_picker_leaves_out_our_own_automatic_control_switches(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    dishwasher = await add_appliance(hass, loaded_entry, "dishwasher")
    own = entity_id(hass, "switch", dishwasher, "automatic_control")
    form = await control_form(hass, loaded_entry)
    result = await hass.config_entries.subentries.async_configure(
        form["flow_id"], {"target": "switch"}
    )
    (key,) = result["data_schema"].schema
    config = result["data_schema"].schema[key].config
    assert config["exclude_entities"] == [own]
    assert config["domain"] == ["switch", "input_boolean"]
    # Picked anyway (through the API), it is not a switch the selector accepts.
    with pytest.raises(InvalidData):
        await hass.config_entries.subentries.async_configure(
            result["flow_id"], {"switch_entity": own}
        )


async def test_reconfigure_keeps_the_target_unless_it_is_changed(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    subentry_id = await add_appliance(
        hass,
        loaded_entry,
        "dishwasher",
        control={"target": "switch", "switch_entity": "switch.dishwasher_plug"},
    )
    await reconfigure_appliance(hass, loaded_entry, subentry_id, power_kw=2.0)
    data = loaded_entry.subentries[subentry_id].data
    assert data["control"]["entity_id"] == "switch.dishwasher_plug"
    await reconfigure_appliance(hass, loaded_entry, subentry_id, control={"target": "none"})
    assert loaded_entry.subentries[subentry_id].data["control"] is None
