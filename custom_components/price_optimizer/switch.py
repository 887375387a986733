"""Per appliance: whether the plan switches it automatically."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import PriceOptimizerConfigEntry
from .entity import ApplianceEntity, async_add_appliance_entities

PARALLEL_UPDATES = 0

AUTOMATIC_CONTROL = SwitchEntityDescription(
    key="automatic_control",
    translation_key="automatic_control",
    entity_category=EntityCategory.CONFIG,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: PriceOptimizerConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the automatic-control switch of each appliance."""
    async_add_appliance_entities(
        entry,
        async_add_entities,
        lambda planner, appliance_id: [
            AutomaticControlSwitch(planner, appliance_id, AUTOMATIC_CONTROL)
        ],
    )


class AutomaticControlSwitch(ApplianceEntity, SwitchEntity):
    """On: the appliance is switched by the plan. Kept with the appliance's record."""

    @property
    def available(self) -> bool:
        """Return True: the choice stands even while no plan can be made."""
        return True

    @property
    def is_on(self) -> bool:
        """Return whether the appliance follows the plan automatically."""
        return self.coordinator.automatic_control(self.appliance_id)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Let the plan switch the appliance."""
        await self.coordinator.async_set_automatic_control(self.appliance_id, True)
        self.async_write_ha_state()

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Leave the appliance to the household."""
        await self.coordinator.async_set_automatic_control(self.appliance_id, False)
        self.async_write_ha_state()
