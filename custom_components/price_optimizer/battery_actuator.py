"""Set the battery's inverter to the planned mode, through an entity of the inverter's integration.

The battery subentry may name a ``select``/``input_select`` (an option per mode) or a
``number``/``input_number`` (a value per mode, e.g. a power setpoint). At each plan and at each
of the battery's slot boundaries the rules of :mod:`.core.battery_control` say whether the
entity must be set; this module calls its service and listens to its state. What was sent and
whether a person took over persist in a Store: after a restart the present slot's command is
sent again (once), and a mode someone else chose is left alone until the plan moves on. A
service call that fails is tried again a few seconds later, like a plug's command; when the
attempts are spent a repair issue says so until a command goes through.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import CALLBACK_TYPE, Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import (
    async_call_later,
    async_track_point_in_utc_time,
    async_track_state_change_event,
)
from homeassistant.util import dt as dt_util
import voluptuous as vol

from .const import LOGGER
from .core.battery_control import (
    ATTEMPTS,
    RETRY_AFTER,
    BatteryControl,
    ControlJournal,
    command_due,
    observe,
)
from .core.convert import iso
from .repair_issues import async_clear_battery_control_failed, async_raise_battery_control_failed
from .storage import battery_control_store

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

    from .core.optimizer import BatteryMode
    from .plan_coordinator import PlanCoordinator


class BatteryActuator:
    """Carry out the plan's battery modes on the entity the battery subentry names."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry, planner: PlanCoordinator) -> None:
        """Prepare; :meth:`async_start` loads what was sent before and begins to act."""
        self.hass = hass
        self._entry = entry
        self._planner = planner
        self._store = battery_control_store(hass, entry.entry_id)
        self._control: BatteryControl | None = None
        self._journal = ControlJournal()
        self._unsubs: list[CALLBACK_TYPE] = []
        self._unsub_boundary: CALLBACK_TYPE | None = None
        self._unsub_retry: CALLBACK_TYPE | None = None
        self._listeners: list[CALLBACK_TYPE] = []
        self._shown: tuple[bool, bool] | None = None
        self._stopped = True
        # Stopped for good (the entry unloads), not only to follow new settings.
        self._closed = False
        # Counts restarts, so a command begun before one does not carry on after it.
        self._generation = 0

    @property
    def control(self) -> BatteryControl | None:
        """Return the entity and values the inverter is set through, None without control."""
        return self._control

    @property
    def automatic(self) -> bool:
        """Return whether the plan sets the inverter (the household may switch it off)."""
        return self._journal.automatic

    @property
    def overridden(self) -> bool:
        """Return whether someone else's choice holds off the planned mode of this period."""
        # Held too while no mode is planned (a plan without the battery for a moment).
        return self._control is not None and self._journal.holds_override

    async def async_start(self) -> None:
        """Resume from the Store, watch the entity and the plan, and act on the present at once."""
        stored = await self._store.async_load() or {}
        if self._closed:
            return
        settings = self._planner.battery
        self._control = None if settings is None else settings.control
        journal = ControlJournal.from_dict(stored.get("journal", {})).resumed()
        if self._control is None or stored.get("entity_id") != self._control.entity_id:
            # What was sent to another entity says nothing about this one; the choice stays.
            journal = ControlJournal(automatic=journal.automatic)
        self._journal = journal
        if journal.failures < ATTEMPTS:
            # Another entity, or none: what failed before is no longer anyone's problem.
            async_clear_battery_control_failed(self.hass, self._entry)
        self._stopped = False
        if self._control is not None:
            self._unsubs.append(
                async_track_state_change_event(
                    self.hass, self._control.entity_id, self._async_state_changed
                )
            )
            self._unsubs.append(self._planner.async_add_listener(self._act))
        self._act()

    async def async_stop(self) -> None:
        """Stop listening and write what was sent."""
        self._closed = True
        await self._async_halt()

    async def async_follow_settings(self) -> None:
        """Take in a battery whose control changed (or went), as after a restart."""
        settings = self._planner.battery
        if self._closed or (None if settings is None else settings.control) == self._control:
            return
        await self._async_halt()
        await self.async_start()

    async def _async_halt(self) -> None:
        self._stopped = True
        self._generation += 1
        for unsub in self._unsubs:
            unsub()
        self._unsubs.clear()
        self._set_boundary_timer(None)
        self._cancel_retry()
        if self._control is not None:
            await self._async_save()

    @callback
    def async_add_listener(self, listener: CALLBACK_TYPE) -> Callable[[], None]:
        """Call ``listener`` whenever the override or the automatic choice changes."""
        self._listeners.append(listener)

        @callback
        def remove() -> None:
            self._listeners.remove(listener)

        return remove

    async def async_set_automatic(self, enabled: bool) -> None:
        """Let the plan set the inverter again (a person's override ends), or stop setting it."""
        self._journal = replace(self._journal, automatic=enabled, overridden_mode=None)
        await self._async_save()
        self._act()
        self._announce()

    # --- the plan -------------------------------------------------------------------------------

    def _planned_mode(self) -> BatteryMode | None:
        slot = self._planner.battery_slot_at(dt_util.utcnow())
        return None if slot is None else slot.mode

    @callback
    def _act(self) -> None:
        """Send what the entity needs for the present slot and wait for the next boundary."""
        control = self._control
        if self._stopped or control is None:
            return
        now = dt_util.utcnow()
        mode = self._planned_mode()
        before = self._journal
        journal, value = command_due(control, before, mode, self._entity_state(control))
        if value is not None and value == before.sent_value and self._unsub_retry is not None:
            # A plan made while the retry waits must not spend its attempts at once.
            value = None
        if value is not None and mode is not None:
            # From this moment it counts as sent: a plan made meanwhile must not send it twice.
            journal = journal.sending(value, mode, iso(now))
            self._cancel_retry()
        if before.failures and not journal.failures:
            async_clear_battery_control_failed(self.hass, self._entry)
        self._journal = journal
        if value is not None:
            self._entry.async_create_task(
                self.hass, self._async_send(control, value, self._generation), "battery command"
            )
        elif journal != before:
            self._entry.async_create_task(self.hass, self._async_save(), "battery control save")
        self._set_boundary_timer(self._planner.battery_boundary_after(now))
        self._announce()

    @callback
    def _set_boundary_timer(self, when: datetime | None) -> None:
        if self._unsub_boundary is not None:
            self._unsub_boundary()
            self._unsub_boundary = None
        if when is None or self._stopped:
            return

        @callback
        def _boundary(_now: datetime) -> None:
            self._unsub_boundary = None
            self._act()

        self._unsub_boundary = async_track_point_in_utc_time(self.hass, _boundary, when)

    async def _async_send(
        self, control: BatteryControl, value: str | float, generation: int
    ) -> None:
        await self._async_save()
        if generation != self._generation:
            return  # restarted meanwhile: the restart sends what is due then
        domain = control.entity_id.split(".", 1)[0]
        if control.kind == "select":
            service, data = "select_option", {"option": value}
        else:
            service, data = "set_value", {"value": value}
        LOGGER.debug("Setting %s to %s for the planned battery mode", control.entity_id, value)
        try:
            await self.hass.services.async_call(
                domain, service, {"entity_id": control.entity_id, **data}, blocking=True
            )
        except (HomeAssistantError, vol.Invalid) as err:
            LOGGER.warning("Could not set %s to %s: %s", control.entity_id, value, err)
            if generation == self._generation:
                await self._async_failed(control, value, str(err))
            return
        delivered = self._journal.delivered(value)
        if generation == self._generation and delivered != self._journal:
            self._journal = delivered
            async_clear_battery_control_failed(self.hass, self._entry)
            await self._async_save()

    async def _async_failed(self, control: BatteryControl, value: str | float, error: str) -> None:
        """Send ``value`` again after a while, or say the attempts are spent."""
        self._journal, failure = self._journal.failed(value)
        if failure is None:
            return  # another value was sent meanwhile
        await self._async_save()
        if failure == "retry":
            self._cancel_retry()

            @callback
            def _retry(_now: datetime) -> None:
                self._unsub_retry = None
                self._act()

            self._unsub_retry = async_call_later(self.hass, RETRY_AFTER, _retry)
            return
        LOGGER.error(
            "%s could not be set to %s in %s attempts; the next plan or slot tries again",
            control.entity_id,
            value,
            self._journal.failures,
        )
        settings = self._planner.battery
        async_raise_battery_control_failed(
            self.hass,
            self._entry,
            battery=control.entity_id if settings is None else settings.name,
            entity=control.entity_id,
            value=str(value),
            attempts=self._journal.failures,
            error=error,
        )

    @callback
    def _cancel_retry(self) -> None:
        if self._unsub_retry is not None:
            self._unsub_retry()
            self._unsub_retry = None

    # --- what the entity reports ----------------------------------------------------------------

    def _entity_state(self, control: BatteryControl) -> str | None:
        state = self.hass.states.get(control.entity_id)
        if state is None or state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
            return None
        return state.state

    @callback
    def _async_state_changed(self, event: Event[EventStateChangedData]) -> None:
        control = self._control
        new_state = event.data["new_state"]
        old_state = event.data["old_state"]
        if self._stopped or control is None or new_state is None:
            return
        if new_state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
            return
        if old_state is None or old_state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
            # The entity appeared (its integration started, the inverter came back): it may
            # have forgotten the mode, so it is set as planned rather than taken as a choice.
            self._act()
            return
        if old_state.state == new_state.state:
            return
        mode = self._planned_mode()
        self._journal, seen = observe(control, self._journal, mode, new_state.state)
        if seen == "override":
            LOGGER.info(
                "%s was set to %s by someone else; the plan leaves the battery alone while it "
                "plans %s",
                control.entity_id,
                new_state.state,
                mode,
            )
        self._entry.async_create_task(self.hass, self._async_save(), "battery control save")
        if seen == "confirmed":
            # The plan may have moved on while the command was on its way.
            self._act()
        self._announce()

    # --- listeners and storage ------------------------------------------------------------------

    @callback
    def _announce(self) -> None:
        shown = (self.overridden, self.automatic)
        if shown == self._shown:
            return
        self._shown = shown
        for listener in list(self._listeners):
            listener()

    def diagnostics(self) -> dict[str, Any]:
        """Return the entity the inverter is set through and what was sent to it."""
        return {
            "control": None if self._control is None else self._control.as_dict(),
            "journal": self._journal.as_dict(),
        }

    async def _async_save(self) -> None:
        await self._store.async_save(self._stored())

    def _stored(self) -> dict[str, Any]:
        return {
            "entity_id": None if self._control is None else self._control.entity_id,
            "journal": self._journal.as_dict(),
        }
