"""The base entities: for the entry's service device, each appliance device and the battery.

The device registry shows a device's model as given, so the model is the
translated name of the price source or the appliance kind (in Home
Assistant's language, English where a translation is missing), set once the
entity's device exists; ``model_id`` keeps the key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from homeassistant.core import callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.translation import async_get_translations
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import CONF_SOURCE, DOMAIN
from .coordinator import PriceCoordinator
from .core.appliance_state import ApplianceRecord
from .data import PriceOptimizerConfigEntry
from .forecast_coordinator import ForecastCoordinator
from .household_load import HouseholdLoadCoordinator
from .plan_coordinator import PlanCoordinator
from .source_factory import SOURCE_NAMES


def entry_device(entry: PriceOptimizerConfigEntry) -> DeviceInfo:
    """Return the entry's service device: its prices, and the plan of all appliances."""
    return DeviceInfo(
        identifiers={(DOMAIN, entry.entry_id)},
        name=entry.title,
        entry_type=DeviceEntryType.SERVICE,
        manufacturer="Price Optimizer",
        model_id=entry.data[CONF_SOURCE],
    )


@callback
def async_add_appliance_entities(
    entry: PriceOptimizerConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    entities: Callable[[PlanCoordinator, str], Iterable[Entity]],
) -> None:
    """Add an appliance's entities on its subentry now, and for each appliance added later.

    A removed appliance's entities go with its subentry: Home Assistant takes them,
    and its device, out of the registries.
    """
    planner = entry.runtime_data.planner
    added: set[str] = set()

    @callback
    def add_new() -> None:
        added.intersection_update(planner.appliances)
        for appliance_id in planner.appliances:
            if appliance_id not in added:
                added.add(appliance_id)
                async_add_entities(entities(planner, appliance_id), config_subentry_id=appliance_id)

    add_new()
    entry.async_on_unload(planner.async_add_appliance_listener(add_new))


@callback
def async_add_battery_entities(
    entry: PriceOptimizerConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    entities: Callable[[PlanCoordinator, str], Iterable[Entity]],
) -> None:
    """Add the battery's entities on its subentry now, or once a battery is added later."""
    planner = entry.runtime_data.planner
    added: set[str] = set()

    @callback
    def add_new() -> None:
        battery = planner.battery
        added.intersection_update({battery.subentry_id} if battery else set())
        if battery is not None and battery.subentry_id not in added:
            added.add(battery.subentry_id)
            async_add_entities(
                entities(planner, battery.subentry_id), config_subentry_id=battery.subentry_id
            )

    add_new()
    entry.async_on_unload(planner.async_add_appliance_listener(add_new))


async def async_name_model(entity: Entity, category: str, key: str, fallback: str) -> None:
    """Set the model of the entity's device to the translation ``key`` of ``category``."""
    registry_entry = entity.registry_entry
    if registry_entry is None or registry_entry.device_id is None:
        return
    hass = entity.hass
    names = await async_get_translations(hass, hass.config.language, category, {DOMAIN})
    model = names.get(f"component.{DOMAIN}.{category}.{key}", fallback)
    devices = dr.async_get(hass)
    device = devices.async_get(registry_entry.device_id)
    if device is not None and device.model != model:
        devices.async_update_device(device.id, model=model)


async def async_name_source_model(entity: Entity, entry: PriceOptimizerConfigEntry) -> None:
    """Name the entry's service device after its price source (the source step's title)."""
    source = entry.data[CONF_SOURCE]
    await async_name_model(entity, "config", f"step.{source}.title", SOURCE_NAMES[source])


class PriceOptimizerEntity[
    CoordinatorT: PriceCoordinator | ForecastCoordinator | HouseholdLoadCoordinator
](CoordinatorEntity[CoordinatorT]):
    """An entity of one price entry, on the entry's service device."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: CoordinatorT, description: EntityDescription) -> None:
        """Bind the entity to its coordinator and description."""
        super().__init__(coordinator)
        entry = coordinator.config_entry
        self.entity_description = description
        self._attr_unique_id = f"{entry.entry_id}_{description.key}"
        self._attr_device_info = entry_device(entry)

    async def async_added_to_hass(self) -> None:
        """Name the device's model once the device exists."""
        await super().async_added_to_hass()
        await async_name_source_model(self, self.coordinator.config_entry)

    @property
    def available(self) -> bool:
        """Return whether the coordinator has data (the forecast comes after the setup)."""
        return super().available and self.coordinator.data is not None


class ApplianceEntity(CoordinatorEntity[PlanCoordinator]):
    """An entity of one appliance, on the device of its subentry."""

    _attr_has_entity_name = True

    def __init__(
        self, planner: PlanCoordinator, appliance_id: str, description: EntityDescription
    ) -> None:
        """Bind the entity to the planner, its appliance and description."""
        super().__init__(planner)
        entry = planner.config_entry
        self.appliance_id = appliance_id
        self.entity_description = description
        self._attr_unique_id = f"{appliance_id}_{description.key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, appliance_id)},
            name=entry.subentries[appliance_id].title,
            manufacturer="Price Optimizer",
            model_id=planner.appliances[appliance_id].kind,
        )

    async def async_added_to_hass(self) -> None:
        """Link the appliance's device to the entry's service device and name its model."""
        await super().async_added_to_hass()
        self._async_link_to_entry_device()
        kind = self.coordinator.appliances[self.appliance_id].kind
        await async_name_model(self, "selector", f"kind.options.{kind}", kind)

    @callback
    def _async_link_to_entry_device(self) -> None:
        async_link_to_entry_device(self, self.coordinator.config_entry.entry_id)

    @callback
    def _handle_coordinator_update(self) -> None:
        # An appliance just removed has nothing to show; its entity is being removed.
        if self.appliance_id in self.coordinator.appliances:
            super()._handle_coordinator_update()

    @property
    def available(self) -> bool:
        """Return whether a plan exists: the first one is made after the setup."""
        return super().available and self.coordinator.data is not None

    @property
    def record(self) -> ApplianceRecord:
        """Return what the planner knows about the appliance now."""
        return self.coordinator.data.records[self.appliance_id]


@callback
def async_link_to_entry_device(entity: Entity, entry_id: str) -> None:
    """Show the entity's device as connected through the entry's service device."""
    # DeviceInfo's via_device is deprecated and via_device_id is not in every supported
    # version, so the link is made in the registry, where both versions take a device id.
    if entity.device_entry is None:
        return
    registry = dr.async_get(entity.hass)
    hub = next(
        (
            device
            for device in dr.async_entries_for_config_entry(registry, entry_id)
            if (DOMAIN, entry_id) in device.identifiers
        ),
        None,
    )
    if hub is not None:
        # A no-op when the link is already there.
        registry.async_update_device(entity.device_entry.id, via_device_id=hub.id)


class BatteryEntity(CoordinatorEntity[PlanCoordinator]):
    """An entity of the household's battery, on the device of its subentry."""

    _attr_has_entity_name = True

    def __init__(
        self, planner: PlanCoordinator, battery_id: str, description: EntityDescription
    ) -> None:
        """Bind the entity to the planner, the battery's subentry and the description."""
        super().__init__(planner)
        self.battery_id = battery_id
        self.entity_description = description
        self._attr_unique_id = f"{battery_id}_{description.key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, battery_id)},
            name=planner.config_entry.subentries[battery_id].title,
            manufacturer="Price Optimizer",
            model_id="battery",
        )

    async def async_added_to_hass(self) -> None:
        """Link the battery's device to the entry's service device."""
        await super().async_added_to_hass()
        async_link_to_entry_device(self, self.coordinator.config_entry.entry_id)

    @callback
    def _handle_coordinator_update(self) -> None:
        # A battery just removed has nothing to show; its entity is being removed.
        if self._is_current:
            super()._handle_coordinator_update()

    @property
    def _is_current(self) -> bool:
        battery = self.coordinator.battery
        return battery is not None and battery.subentry_id == self.battery_id

    @property
    def available(self) -> bool:
        """Return whether a plan exists: the first one is made after the setup."""
        return super().available and self.coordinator.data is not None and self._is_current
