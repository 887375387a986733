"""The entry points Home Assistant calls: set up, update, unload and remove an entry."""

from __future__ import annotations

from functools import partial
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.typing import ConfigType

from .const import DOMAIN
from .data import PriceOptimizerConfigEntry, async_build_runtime
from .forecast_coordinator import ForecastCoordinator
from .plan_card import async_register_plan_card
from .plan_coordinator import PlanCoordinator
from .repair_issues import async_clear_entry_issues
from .services import async_register_actions
from .storage import async_remove_stores

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.CALENDAR,
    Platform.SENSOR,
    Platform.SWITCH,
]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions and the plan card once, whatever the number of entries."""
    async_register_actions(hass)
    await async_register_plan_card(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: PriceOptimizerConfigEntry) -> bool:
    """Start fetching prices for one source and area, and planning its appliances."""
    configured = _configuration(entry)
    # Registered first, so it runs last: what stops on unload may still withdraw its own.
    entry.async_on_unload(partial(async_clear_entry_issues, hass, entry))
    runtime = entry.runtime_data = await async_build_runtime(hass, entry)
    _async_remove_stale_devices(hass, entry)
    await runtime.actuator.async_start()
    entry.async_on_unload(runtime.actuator.async_stop)
    await runtime.battery_actuator.async_start()
    entry.async_on_unload(runtime.battery_actuator.async_stop)
    updated = partial(_async_entry_updated, source=dict(entry.data))
    entry.async_on_unload(entry.add_update_listener(updated))
    if _configuration(entry) != configured:
        # Changed while this setup ran (an appliance added during a reload): nobody listened yet.
        await updated(hass, entry)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    # Loading the models, forecasting and planning take seconds on a small machine: the
    # setup does not wait for them (a flow's request must not hold it up), the entities
    # they feed become available when they are done.
    entry.async_create_background_task(
        hass,
        _async_forecast_and_plan(runtime.forecast, runtime.planner),
        f"{DOMAIN} first forecast and plan",
    )
    return True


async def _async_forecast_and_plan(forecast: ForecastCoordinator, planner: PlanCoordinator) -> None:
    """Load the forecast models, forecast, then plan on market prices and the forecast."""
    # A forecast that cannot run reports why in its entities; the plan is made all the same.
    await forecast.async_start()
    planner.async_request_plan()


async def async_unload_entry(hass: HomeAssistant, entry: PriceOptimizerConfigEntry) -> bool:
    """Unload the entry's platforms."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: PriceOptimizerConfigEntry) -> None:
    """Delete the prices, plans and repair issues kept for a removed entry."""
    await async_remove_stores(hass, entry.entry_id)
    async_clear_entry_issues(hass, entry)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: PriceOptimizerConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Let a person delete an appliance device whose subentry is gone, and nothing else."""
    return not _known_device(entry, device)


async def _async_entry_updated(
    hass: HomeAssistant, entry: PriceOptimizerConfigEntry, *, source: dict[str, Any]
) -> None:
    """Apply new options or appliances in place: no entity goes unavailable meanwhile.

    A new price source (reconfigure, reauthentication) is the one change that reloads: the
    entry's data is no longer the ``source`` it was set up from.
    """
    if dict(entry.data) != source:
        hass.config_entries.async_schedule_reload(entry.entry_id)
        return
    runtime = entry.runtime_data
    async with runtime.update_lock:
        if entry.runtime_data is not runtime:
            return  # reloaded meanwhile, from the entry as it is now
        await runtime.coordinator.async_set_options(entry.options)
        planner = runtime.planner
        targets = dict(planner.targets)
        if not await planner.async_take_configuration():
            return
        if planner.targets != targets:
            await runtime.actuator.async_follow_targets()
        await runtime.battery_actuator.async_follow_settings()
        _async_name_subentry_devices(hass, entry, planner)
        _async_remove_stale_devices(hass, entry)
        planner.async_announce_configuration()


def _configuration(entry: PriceOptimizerConfigEntry) -> tuple[Any, ...]:
    """Return what a setup is built from: the options and every subentry."""
    return (
        dict(entry.options),
        {
            subentry_id: (subentry.subentry_type, subentry.title, dict(subentry.data))
            for subentry_id, subentry in entry.subentries.items()
        },
    )


def _async_name_subentry_devices(
    hass: HomeAssistant, entry: PriceOptimizerConfigEntry, planner: PlanCoordinator
) -> None:
    """Name each appliance's and the battery's device as its subentry, after an edit."""
    registry = dr.async_get(hass)
    battery = planner.battery
    for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
        for domain, key in device.identifiers:
            if domain != DOMAIN:
                continue
            if key in planner.appliances:
                registry.async_update_device(
                    device.id,
                    name=entry.subentries[key].title,
                    model_id=planner.appliances[key].kind,
                )
            elif battery is not None and key == battery.subentry_id:
                registry.async_update_device(device.id, name=entry.subentries[key].title)


def _async_remove_stale_devices(hass: HomeAssistant, entry: PriceOptimizerConfigEntry) -> None:
    """Remove appliance devices left behind by a subentry that no longer exists."""
    registry = dr.async_get(hass)
    for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
        if not _known_device(entry, device):
            registry.async_remove_device(device.id)


def _known_device(entry: PriceOptimizerConfigEntry, device: dr.DeviceEntry) -> bool:
    known = {entry.entry_id, *entry.subentries}
    return any(domain == DOMAIN and key in known for domain, key in device.identifiers)
