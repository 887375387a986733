"""Per appliance, and for a battery with an inverter entity: whether the plan sets it."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .battery_actuator import BatteryActuator
from .data import PriceOptimizerConfigEntry
from .entity import (
    ApplianceEntity,
    BatteryEntity,
    async_add_appliance_entities,
    async_add_battery_entities,
)
from .plan_coordinator import PlanCoordinator

PARALLEL_UPDATES = 0

AUTOMATIC_CONTROL = SwitchEntityDescription(
    key="automatic_control",
    translation_key="automatic_control",
    entity_category=EntityCategory.CONFIG,
)
AUTOMATIC_BATTERY_CONTROL = SwitchEntityDescription(
    key="automatic_battery_control",
    translation_key="automatic_battery_control",
    entity_category=EntityCategory.CONFIG,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: PriceOptimizerConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the automatic-control switch of each appliance and of the battery."""
    async_add_appliance_entities(
        entry,
        async_add_entities,
        lambda planner, appliance_id: [
            AutomaticControlSwitch(planner, appliance_id, AUTOMATIC_CONTROL)
        ],
    )
    actuator = entry.runtime_data.battery_actuator
    async_add_battery_entities(
        entry,
        async_add_entities,
        lambda planner, battery_id: [AutomaticBatteryControlSwitch(planner, battery_id, actuator)],
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


class AutomaticBatteryControlSwitch(BatteryEntity, SwitchEntity):
    """On: the plan sets the inverter entity; off: it is left to the household.

    Unavailable while the battery names no inverter entity. Turning it on ends an override.
    """

    def __init__(
        self, planner: PlanCoordinator, battery_id: str, actuator: BatteryActuator
    ) -> None:
        """Bind the switch to the battery and to the actuator that keeps the choice."""
        super().__init__(planner, battery_id, AUTOMATIC_BATTERY_CONTROL)
        self._actuator = actuator

    async def async_added_to_hass(self) -> None:
        """Follow the actuator: the choice is kept with what it sent."""
        await super().async_added_to_hass()
        self.async_on_remove(self._actuator.async_add_listener(self.async_write_ha_state))

    @property
    def available(self) -> bool:
        """Return whether the battery has an inverter entity to set (a plan is not needed)."""
        return self._is_current and self._actuator.control is not None

    @property
    def is_on(self) -> bool:
        """Return whether the plan sets the inverter."""
        return self._actuator.automatic

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Let the plan set the inverter again."""
        await self._actuator.async_set_automatic(True)
        self.async_write_ha_state()

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Leave the inverter to the household."""
        await self._actuator.async_set_automatic(False)
        self.async_write_ha_state()
