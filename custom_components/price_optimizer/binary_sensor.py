"""Binary sensors: whether tomorrow's prices are out, and whether an appliance should run now."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from homeassistant.components.binary_sensor import BinarySensorEntity, BinarySensorEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .coordinator import PriceCoordinator, PriceData
from .core.prices import local_day_bounds_of
from .data import PriceOptimizerConfigEntry
from .entity import ApplianceEntity, PriceOptimizerEntity, async_add_appliance_entities

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class PriceBinarySensorDescription(BinarySensorEntityDescription):
    """A binary sensor whose state comes from the held prices at a local time."""

    is_on_fn: Callable[[PriceData, datetime], bool]


def _tomorrow_available(data: PriceData, now: datetime) -> bool:
    tomorrow_end = local_day_bounds_of(now, 1)[1]
    held_until = data.prices.end
    return held_until is not None and held_until >= tomorrow_end


BINARY_SENSORS: tuple[PriceBinarySensorDescription, ...] = (
    PriceBinarySensorDescription(
        key="tomorrow_available",
        translation_key="tomorrow_available",
        is_on_fn=_tomorrow_available,
    ),
)


RUN_NOW = BinarySensorEntityDescription(key="run_now", translation_key="run_now")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: PriceOptimizerConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the binary sensors of one entry, and "run now" of each appliance."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(
        PriceBinarySensor(coordinator, description) for description in BINARY_SENSORS
    )
    async_add_appliance_entities(
        entry,
        async_add_entities,
        lambda planner, appliance_id: [RunNowBinarySensor(planner, appliance_id, RUN_NOW)],
    )


class PriceBinarySensor(PriceOptimizerEntity[PriceCoordinator], BinarySensorEntity):
    """A binary sensor computed from the held prices."""

    entity_description: PriceBinarySensorDescription

    @property
    def is_on(self) -> bool:
        """Return the state at the current local time."""
        return self.entity_description.is_on_fn(self.coordinator.data, dt_util.now())


class RunNowBinarySensor(ApplianceEntity, BinarySensorEntity):
    """On while a run of the appliance is under way."""

    @property
    def is_on(self) -> bool:
        """Return whether the appliance runs now (a running block includes its committed slot)."""
        current = self.record.current
        return current is not None and current.start <= dt_util.utcnow() < current.end
