"""The base entity every platform of a price entry shares."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import CONF_SOURCE, DOMAIN
from .coordinator import PriceCoordinator
from .forecast_coordinator import ForecastCoordinator


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
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, entry.entry_id)},
            name=entry.title,
            entry_type=DeviceEntryType.SERVICE,
            manufacturer="Price Optimizer",
            model=entry.data[CONF_SOURCE],
        )
