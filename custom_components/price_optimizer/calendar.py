"""One calendar for the entry: the runs of every appliance, planned, running and just finished."""

from __future__ import annotations

from datetime import datetime

from homeassistant.components.calendar import (
    CalendarEntity,
    CalendarEntityDescription,
    CalendarEvent,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity
from homeassistant.util import dt as dt_util

from .core.optimizer import PlannedRun
from .data import PriceOptimizerConfigEntry
from .entity import entry_device
from .plan_coordinator import PlanCoordinator, PlanData

PARALLEL_UPDATES = 0

APPLIANCE_PLAN = CalendarEntityDescription(key="appliance_plan", translation_key="appliance_plan")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: PriceOptimizerConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the plan calendar on the entry's device."""
    async_add_entities([AppliancePlanCalendar(entry.runtime_data.planner)])


def plan_events(data: PlanData, currency: str) -> list[CalendarEvent]:
    """Return one event per block: what ran of the occurrence in progress, then the plan."""
    events: list[CalendarEvent] = []
    for appliance_id, appliance in data.appliances.items():
        record = data.records[appliance_id]
        ran = [*record.finished, *([record.current] if record.current else [])]
        # The plan repeats a running block from the boundary it was planned at.
        committed_until = ran[-1].end if ran else None
        planned = [
            run
            for plan in data.plans(appliance_id)
            for run in plan.runs
            if committed_until is None or run.start >= committed_until
        ]
        events.extend(
            _event(appliance_id, appliance.name, run, currency) for run in (*ran, *planned)
        )
    return sorted(events, key=lambda event: (event.start, event.summary))


def _event(appliance_id: str, name: str, run: PlannedRun, currency: str) -> CalendarEvent:
    return CalendarEvent(
        start=dt_util.as_local(run.start),
        end=dt_util.as_local(run.end),
        summary=name,
        description=f"{run.power_kw:g} kW, {run.energy_kwh:.2f} kWh, {run.cost:.2f} {currency}",
        uid=f"{appliance_id}_{run.start.isoformat()}",
    )


class AppliancePlanCalendar(CoordinatorEntity[PlanCoordinator], CalendarEntity):
    """The appliances' runs as calendar events."""

    _attr_has_entity_name = True

    def __init__(self, planner: PlanCoordinator) -> None:
        """Bind the calendar to the planner, on the entry's device."""
        super().__init__(planner)
        entry = planner.config_entry
        self.entity_description = APPLIANCE_PLAN
        self._attr_unique_id = f"{entry.entry_id}_{APPLIANCE_PLAN.key}"
        self._attr_device_info = entry_device(entry)

    @property
    def event(self) -> CalendarEvent | None:
        """Return the run under way, or else the next one."""
        now = dt_util.utcnow()
        return next((event for event in self._events() if event.end > now), None)

    async def async_get_events(
        self, hass: HomeAssistant, start_date: datetime, end_date: datetime
    ) -> list[CalendarEvent]:
        """Return the runs that overlap the requested range."""
        return [
            event for event in self._events() if event.end > start_date and event.start < end_date
        ]

    def _events(self) -> list[CalendarEvent]:
        data = self.coordinator.data
        # The calendar asks for its next event even before a first plan exists.
        return [] if data is None else plan_events(data, data.schedule.currency)
