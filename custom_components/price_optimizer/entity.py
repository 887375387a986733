"""The base entities: one for the entry's service device, one for each appliance device."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import CONF_SOURCE, DOMAIN
from .coordinator import PriceCoordinator, PriceOptimizerConfigEntry
from .forecast_coordinator import ForecastCoordinator
from .lifecycle import ApplianceRecord
from .planner import PlanCoordinator


def entry_device(entry: PriceOptimizerConfigEntry) -> DeviceInfo:
    """Return the entry's service device: its prices, and the plan of all appliances."""
    return DeviceInfo(
        identifiers={(DOMAIN, entry.entry_id)},
        name=entry.title,
        entry_type=DeviceEntryType.SERVICE,
        manufacturer="Price Optimizer",
        model=entry.data[CONF_SOURCE],
    )


class PriceOptimizerEntity[CoordinatorT: PriceCoordinator | ForecastCoordinator](
    CoordinatorEntity[CoordinatorT]
):
    """An entity of one price entry, on the entry's service device."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: CoordinatorT, description: EntityDescription) -> None:
        """Bind the entity to its coordinator and description."""
        super().__init__(coordinator)
        entry = coordinator.config_entry
        self.entity_description = description
        self._attr_unique_id = f"{entry.entry_id}_{description.key}"
        self._attr_device_info = entry_device(entry)

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
            via_device=(DOMAIN, entry.entry_id),
        )

    @property
    def available(self) -> bool:
        """Return whether a plan exists: the first one is made after the setup."""
        return super().available and self.coordinator.data is not None

    @property
    def record(self) -> ApplianceRecord:
        """Return what the planner knows about the appliance now."""
        return self.coordinator.data.records[self.appliance_id]
