"""Add appliances as a person does, through the subentry flow, and find their entities."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER
from homeassistant.core import HomeAssistant, State
from homeassistant.data_entry_flow import FlowResult, FlowResultType, section
from homeassistant.helpers import device_registry as dr, entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
import voluptuous as vol

from custom_components.price_optimizer.const import DOMAIN, SUBENTRY_APPLIANCE


def suggested_values(result: FlowResult) -> dict[str, Any]:
    """Return what a form shows filled in, a section's fields under the section's key."""
    return _suggested(result["data_schema"])


def _suggested(schema: vol.Schema) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, field in schema.schema.items():
        if isinstance(field, section):
            if inner := _suggested(field.schema):
                values[str(key)] = inner
        elif key.description and "suggested_value" in key.description:
            values[str(key)] = key.description["suggested_value"]
    return values


def with_changes(values: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Return the form's values with ``changes``; None clears a field."""
    merged = {**values, **changes}
    return {key: value for key, value in merged.items() if value is not None}


async def start_appliance_flow(
    hass: HomeAssistant, entry: MockConfigEntry, kind: str, operation: str | None = None
) -> FlowResult:
    """Pick a preset (and for another appliance how it runs); return the filled appliance form."""
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_APPLIANCE), context={"source": SOURCE_USER}
    )
    assert result["step_id"] == "user"
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {"kind": kind})
    result = await _choose_operation(hass, result, operation)
    assert result["step_id"] == "appliance"
    return result


async def _choose_operation(
    hass: HomeAssistant, result: FlowResult, operation: str | None
) -> FlowResult:
    """Answer the operation step if the flow asks it: ``operation``, else what it suggests."""
    if result.get("step_id") != "operation":
        assert operation is None, "only another appliance is asked how it runs"
        return result
    chosen = operation or suggested_values(result)["operation"]
    return await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"operation": chosen}
    )


async def _switch_through(
    hass: HomeAssistant, result: FlowResult, control: dict[str, Any] | None
) -> FlowResult:
    """Answer the switching steps: the target, then that target's fields changed by ``control``."""
    assert result["step_id"] == "control", result.get("errors")
    control = dict(control or {})
    target = control.pop("target", suggested_values(result)["target"])
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"target": target}
    )
    if result.get("step_id") in ("control_switch", "control_mqtt"):
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], with_changes(suggested_values(result), control)
        )
    return result


async def add_appliance(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    kind: str,
    control: dict[str, Any] | None = None,
    **changes: Any,
) -> str:
    """Add an appliance from its preset changed by ``changes``; return its subentry id.

    ``control`` is what is entered in the switching steps (none when not given);
    an ``operation`` change answers the step that asks another appliance how it runs.
    """
    before = set(entry.subentries)
    form = await start_appliance_flow(hass, entry, kind, changes.pop("operation", None))
    result = await hass.config_entries.subentries.async_configure(
        form["flow_id"], with_changes(suggested_values(form), changes)
    )
    result = await _switch_through(hass, result, control or {"target": "none"})
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
    # A setup's forecast and plan follow it in the background.
    await hass.async_block_till_done(wait_background_tasks=True)
    (subentry_id,) = set(entry.subentries) - before
    return subentry_id


async def reconfigure_appliance(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    subentry_id: str,
    control: dict[str, Any] | None = None,
    **changes: Any,
) -> FlowResult:
    """Change an appliance through its reconfigure flow; ``control`` changes its switching."""
    form = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_APPLIANCE),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": subentry_id},
    )
    form = await _choose_operation(hass, form, changes.pop("operation", None))
    result = await hass.config_entries.subentries.async_configure(
        form["flow_id"], with_changes(suggested_values(form), changes)
    )
    if result.get("step_id") == "control":
        result = await _switch_through(hass, result, control)
    await hass.async_block_till_done(wait_background_tasks=True)
    return result


def entity_id(hass: HomeAssistant, platform: str, subentry_id: str, key: str) -> str:
    """Return the entity id of an appliance's entity."""
    found = er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"{subentry_id}_{key}")
    assert found is not None, f"{platform} {key} of {subentry_id}"
    return found


def device_of(hass: HomeAssistant, entry: MockConfigEntry, key: str) -> dr.DeviceEntry | None:
    """Return the entry's device identified by ``key`` (the entry id or an appliance id), if any.

    ``DeviceRegistry.async_get_device`` raises outside an integration since 2026.10: device
    identifiers are unique per config entry only, so the lookup goes through the entry.
    """
    return next(
        (
            device
            for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
            if (DOMAIN, key) in device.identifiers
        ),
        None,
    )


def state_of(hass: HomeAssistant, platform: str, subentry_id: str, key: str) -> State:
    """Return the state of an appliance's entity."""
    state = hass.states.get(entity_id(hass, platform, subentry_id, key))
    assert state is not None
    return state


async def move_to(hass: HomeAssistant, freezer: FrozenDateTimeFactory, when: datetime) -> None:
    """Let time pass to ``when`` and every timer due by then fire."""
    freezer.move_to(when)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
