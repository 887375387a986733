"""Switch the plugs of an entry's appliances by the plan, and announce what happens.

The planner decides (its record says which run is on); the rules of
:mod:`.core.plug_rules` say which command that needs; this module sends it through a
switch entity's service or an MQTT publish, waits for the plug to confirm
(its entity state or its MQTT state topic), retries a bounded number of times
and fires the events automations listen to. It acts when the planner's data
changes and at each planned stop (point-in-time listeners; nothing polls).
What was sent persists in a Store, so a restart neither repeats a start nor
misses a stop. A state the plug reports that nobody asked for is a person's
hand: the planner takes it as the occurrence's run, and nothing fights it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from homeassistant.components import mqtt
from homeassistant.const import SERVICE_TURN_OFF, SERVICE_TURN_ON, STATE_OFF, STATE_ON
from homeassistant.core import CALLBACK_TYPE, Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import (
    async_call_later,
    async_track_point_in_utc_time,
    async_track_state_change_event,
)
from homeassistant.util import dt as dt_util

from .const import DOMAIN, LOGGER
from .core.convert import iso
from .core.plug_rules import (
    CONFIRM_TIMEOUT,
    MAX_ATTEMPTS,
    Command,
    FailReason,
    PlugJournal,
    StopReason,
    command_due,
    observe,
    stop_moment,
)
from .core.plug_target import ControlTarget, MqttTarget, SwitchTarget
from .repair_issues import (
    async_clear_control_failed,
    async_clear_mqtt_not_set_up,
    async_raise_control_failed,
    async_raise_mqtt_not_set_up,
)
from .storage import control_store

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

    from .plan_coordinator import PlanCoordinator, PlanData

EVENT_APPLIANCE_STARTED: Final = f"{DOMAIN}_appliance_started"
EVENT_APPLIANCE_STOPPED: Final = f"{DOMAIN}_appliance_stopped"
EVENT_PLAN_CHANGED: Final = f"{DOMAIN}_plan_changed"
EVENT_APPLIANCE_FAILED: Final = f"{DOMAIN}_appliance_failed"
# Publishes that must arrive: a lost command is a plug left in the wrong state.
MQTT_QOS: Final = 1


class Actuator:
    """Carry out one entry's plan on its plugs."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry, planner: PlanCoordinator) -> None:
        """Prepare; :meth:`async_start` loads what was sent before and begins to act."""
        self.hass = hass
        self._entry = entry
        self._planner = planner
        self._targets: Mapping[str, ControlTarget] = planner.targets
        self._store = control_store(hass, entry.entry_id)
        self._journals: dict[str, PlugJournal] = {}
        self._announced: dict[str, list[str | None]] = {}
        self._stop_timers: dict[str, CALLBACK_TYPE] = {}
        self._confirm_timers: dict[str, CALLBACK_TYPE] = {}
        self._unsubs: list[CALLBACK_TYPE] = []
        # None while Home Assistant's MQTT client is still being waited for.
        self._mqtt_ready: bool | None = None
        self._stopped = False
        # Stopped for good (the entry unloads), not only to follow new targets.
        self._closed = False
        # Counts restarts, so work begun before one does not carry on after it.
        self._generation = 0

    async def async_start(self) -> None:
        """Resume from the Store, watch the plugs and the plan, and act on the present at once."""
        stored = await self._store.async_load() or {}
        if self._closed:
            return
        journals = stored.get("journals", {})
        self._announced = dict(stored.get("announced", {}))
        for appliance_id, target in self._targets.items():
            journal = (
                PlugJournal.from_dict(journals[appliance_id])
                if appliance_id in journals
                else PlugJournal()
            )
            self._journals[appliance_id] = journal.resumed()
            if isinstance(target, SwitchTarget):
                self._watch_switch(appliance_id, target)
        if any(isinstance(target, MqttTarget) for target in self._targets.values()):
            self._entry.async_create_background_task(
                self.hass, self._async_start_mqtt(self._generation), "price_optimizer mqtt"
            )
        self._unsubs.append(self._planner.async_add_listener(self._async_plan_updated))
        self._async_plan_updated()

    async def async_stop(self) -> None:
        """Stop listening and write what was sent."""
        self._closed = True
        await self._async_halt()

    async def async_follow_targets(self) -> None:
        """Switch the plugs the planner's appliances have now, as after a restart.

        What was sent is written and read again, so a start already sent is not sent
        twice and a stop is not missed; plugs of removed appliances are left alone.
        """
        if self._closed:
            return
        await self._async_halt()
        # An unload meanwhile is seen by async_start, after its only wait.
        self._stopped = False
        self._targets = self._planner.targets
        self._journals = {}
        self._mqtt_ready = None
        await self.async_start()

    async def _async_halt(self) -> None:
        self._stopped = True
        self._generation += 1
        for unsub in [
            *self._unsubs,
            *self._stop_timers.values(),
            *self._confirm_timers.values(),
        ]:
            unsub()
        self._unsubs.clear()
        self._stop_timers.clear()
        self._confirm_timers.clear()
        await self._async_save()

    # --- the plan ---------------------------------------------------------------------------

    @callback
    def _async_plan_updated(self) -> None:
        if self._stopped:
            return
        self._announce_plan_changes()
        for appliance_id in self._targets:
            self._act(appliance_id)

    @callback
    def _act(self, appliance_id: str) -> None:
        """Send what the plug needs now and set the timer of its next stop."""
        if appliance_id not in self._planner.appliances:
            return
        now = dt_util.utcnow()
        journal = self._journals[appliance_id]
        record = self._planner.record(appliance_id)
        command = command_due(journal, record, now)
        if command is not None and not self._can_send(appliance_id):
            if self._mqtt_ready is False:
                # MQTT is not there to carry it: say so rather than pretend the plug followed.
                self._journals[appliance_id] = replace(journal, last_started_run=command.run_start)
                self._entry.async_create_task(
                    self.hass,
                    self._async_failed(appliance_id, command, "mqtt_unavailable"),
                    "price_optimizer command",
                )
            command = None
        if command is not None:
            if command.turn_on:
                # From this moment the start counts as sent: a restart must not send it again.
                journal = replace(
                    journal,
                    switched_run=command.run_start,
                    started_at=now,
                    last_started_run=command.run_start,
                )
            self._journals[appliance_id] = replace(journal, pending=command)
            self._entry.async_create_task(
                self.hass, self._async_attempt(appliance_id), "price_optimizer command"
            )
        self._set_stop_timer(appliance_id, stop_moment(self._journals[appliance_id], record))

    def _can_send(self, appliance_id: str) -> bool:
        return isinstance(self._targets[appliance_id], SwitchTarget) or self._mqtt_ready is True

    @callback
    def _set_stop_timer(self, appliance_id: str, when: datetime | None) -> None:
        if unsub := self._stop_timers.pop(appliance_id, None):
            unsub()
        if when is None or when <= dt_util.utcnow():
            return

        @callback
        def _stop_due(_now: datetime) -> None:
            self._stop_timers.pop(appliance_id, None)
            self._act(appliance_id)

        self._stop_timers[appliance_id] = async_track_point_in_utc_time(self.hass, _stop_due, when)

    @callback
    def _announce_plan_changes(self) -> None:
        """Fire ``plan_changed`` for each appliance whose next planned window moved."""
        # None until a first plan was made (the prices may not be there yet).
        data: PlanData | None = self._planner.data
        if data is None:
            return
        changed = False
        for appliance_id, appliance in self._planner.appliances.items():
            upcoming = data.upcoming(appliance_id)
            start = None if upcoming is None or upcoming.start is None else upcoming.start
            end = None if upcoming is None or upcoming.end is None else upcoming.end
            window = [iso(start), iso(end)]
            previous = self._announced.get(appliance_id, [None, None])
            if window == previous:
                continue
            self._announced[appliance_id] = window
            changed = True
            self.hass.bus.async_fire(
                EVENT_PLAN_CHANGED,
                {
                    **self._identity(appliance_id, appliance.name),
                    "start": window[0],
                    "end": window[1],
                    "previous_start": previous[0],
                    "previous_end": previous[1],
                    "cost": None if upcoming is None else upcoming.planned_cost,
                },
            )
        if changed:
            self._store.async_delay_save(self._stored, 1)

    # --- commands -----------------------------------------------------------------------------

    async def _async_attempt(self, appliance_id: str) -> None:
        """Send the waiting command once more, then wait for the plug's answer."""
        journal = self._journals[appliance_id]
        command = journal.pending
        if command is None or self._stopped:
            return
        generation = self._generation
        command = replace(command, attempts=command.attempts + 1)
        self._journals[appliance_id] = replace(journal, pending=command)
        await self._async_save()
        if generation != self._generation:
            return
        target = self._targets[appliance_id]
        LOGGER.debug(
            "%s: switching %s through %s (attempt %s)",
            self._name(appliance_id),
            "on" if command.turn_on else "off",
            target.describe(),
            command.attempts,
        )
        failure: FailReason | None = None
        try:
            await self._async_send(target, command.turn_on)
        except HomeAssistantError as err:
            LOGGER.warning("%s: command failed: %s", self._name(appliance_id), err)
            failure = "mqtt_unavailable" if isinstance(target, MqttTarget) else "command_failed"
        if generation != self._generation:
            return  # restarted meanwhile: the restart took over the command
        if self._journals[appliance_id].pending != command:
            return  # answered while the command was on its way
        if failure is None and not target.confirms:
            await self._async_confirmed(appliance_id)
            return
        if (
            failure is None
            and isinstance(target, SwitchTarget)
            and self._switch_state(target) is command.turn_on
        ):
            await self._async_confirmed(appliance_id)
            return
        self._wait_for_answer(appliance_id, failure or "not_confirmed")

    async def _async_send(self, target: ControlTarget, turn_on: bool) -> None:
        if isinstance(target, SwitchTarget):
            await self.hass.services.async_call(
                target.entity_id.split(".", 1)[0],
                SERVICE_TURN_ON if turn_on else SERVICE_TURN_OFF,
                {"entity_id": target.entity_id},
                blocking=True,
            )
            return
        await mqtt.async_publish(
            self.hass, target.command_topic, target.payload(turn_on), qos=MQTT_QOS, retain=False
        )

    @callback
    def _wait_for_answer(self, appliance_id: str, reason: FailReason) -> None:
        if unsub := self._confirm_timers.pop(appliance_id, None):
            unsub()

        async def _async_no_answer(_now: datetime) -> None:
            self._confirm_timers.pop(appliance_id, None)
            command = self._journals[appliance_id].pending
            if command is None:
                return
            if command.attempts < MAX_ATTEMPTS:
                await self._async_attempt(appliance_id)
            else:
                await self._async_failed(appliance_id, command, reason)

        self._confirm_timers[appliance_id] = async_call_later(
            self.hass, CONFIRM_TIMEOUT, _async_no_answer
        )

    async def _async_confirmed(self, appliance_id: str) -> None:
        """The plug did what the waiting (or failed) command asked."""
        if unsub := self._confirm_timers.pop(appliance_id, None):
            unsub()
        journal = self._journals[appliance_id]
        command = journal.pending or journal.failed
        if command is None:
            return
        now = dt_util.utcnow()
        async_clear_control_failed(self.hass, appliance_id)
        if command.turn_on:
            self._journals[appliance_id] = replace(journal, pending=None, failed=None, plug_on=True)
            await self._async_save()
            self._fire_started(appliance_id)
        else:
            self._journals[appliance_id] = replace(
                journal,
                pending=None,
                failed=None,
                plug_on=False,
                switched_run=None,
                started_at=None,
            )
            await self._async_save()
            self._fire_stopped(appliance_id, journal, now, command.reason or "planned_end")
            await self._planner.async_report_stop(appliance_id, now, by_hand=False)
        self._act(appliance_id)

    async def _async_failed(self, appliance_id: str, command: Command, reason: FailReason) -> None:
        """The plug never confirmed: say so, and stop trying until something changes."""
        journal = self._journals[appliance_id]
        target = self._targets[appliance_id]
        name = self._name(appliance_id)
        switched = "on" if command.turn_on else "off"
        LOGGER.error(
            "%s: the plug did not confirm being switched %s after %s attempts (%s)",
            name,
            switched,
            command.attempts,
            reason,
        )
        async_raise_control_failed(
            self.hass,
            appliance_id,
            appliance=name,
            command=switched,
            target=target.describe(),
            attempts=command.attempts,
            reason=reason,
        )
        self.hass.bus.async_fire(
            EVENT_APPLIANCE_FAILED,
            {
                **self._identity(appliance_id, name),
                "command": switched,
                "attempts": command.attempts,
                "reason": reason,
            },
        )
        if command.turn_on:
            # It did not start: the occurrence is over, and the plan does not try again.
            self._journals[appliance_id] = replace(
                journal, pending=None, failed=command, switched_run=None, started_at=None
            )
            await self._async_save()
            await self._planner.async_report_stop(appliance_id, dt_util.utcnow(), by_hand=True)
        else:
            # The plug may still be on: the run stays open until the plug reports off.
            self._journals[appliance_id] = replace(journal, pending=None, failed=command)
            await self._async_save()

    # --- what the plug reports ----------------------------------------------------------------

    def _watch_switch(self, appliance_id: str, target: SwitchTarget) -> None:
        journal = self._journals[appliance_id]
        if journal.plug_on is None:
            self._journals[appliance_id] = replace(journal, plug_on=self._switch_state(target))

        @callback
        def _state_changed(event: Event[EventStateChangedData]) -> None:
            new_state = event.data["new_state"]
            if new_state is None or new_state.state not in (STATE_ON, STATE_OFF):
                return
            self._entry.async_create_task(
                self.hass,
                self._async_reported(appliance_id, new_state.state == STATE_ON),
                "price_optimizer plug state",
            )

        self._unsubs.append(
            async_track_state_change_event(self.hass, target.entity_id, _state_changed)
        )

    def _switch_state(self, target: SwitchTarget) -> bool | None:
        state = self.hass.states.get(target.entity_id)
        if state is None or state.state not in (STATE_ON, STATE_OFF):
            return None
        return state.state == STATE_ON

    async def _async_start_mqtt(self, generation: int) -> None:
        """Wait for Home Assistant's MQTT client, then listen to the plugs' state topics."""
        ready = await mqtt.async_wait_for_mqtt_client(self.hass)
        if generation != self._generation:
            return
        for appliance_id, target in self._targets.items():
            if not isinstance(target, MqttTarget):
                continue
            if not ready:
                LOGGER.error(
                    "%s is switched over MQTT, but the MQTT integration is not set up",
                    self._name(appliance_id),
                )
                async_raise_mqtt_not_set_up(self.hass, appliance_id, self._name(appliance_id))
                continue
            async_clear_mqtt_not_set_up(self.hass, appliance_id)
            if target.state_topic is not None:
                unsubscribe = await mqtt.async_subscribe(
                    self.hass,
                    target.state_topic,
                    self._state_message_handler(appliance_id, target),
                    qos=MQTT_QOS,
                )
                if generation != self._generation:
                    unsubscribe()
                    return
                self._unsubs.append(unsubscribe)
        self._mqtt_ready = ready
        if ready:
            self._unsubs.append(
                mqtt.async_subscribe_connection_status(self.hass, self._async_mqtt_connection)
            )
        for appliance_id in self._targets:
            self._act(appliance_id)

    @callback
    def _async_mqtt_connection(self, connected: bool) -> None:
        """With the broker back, send again the stops it could not carry."""
        if not connected:
            return
        for appliance_id, target in self._targets.items():
            journal = self._journals[appliance_id]
            if isinstance(target, MqttTarget) and journal.failed and not journal.failed.turn_on:
                LOGGER.info("%s: the broker is back; switching off again", self._name(appliance_id))
                self._journals[appliance_id] = replace(journal, failed=None)
                self._act(appliance_id)

    def _state_message_handler(
        self, appliance_id: str, target: MqttTarget
    ) -> Any:  # the callback type differs between Home Assistant versions
        @callback
        def _message(message: mqtt.ReceiveMessage) -> None:
            plug_on = target.read_state(message.payload)
            if plug_on is None:
                return
            self._entry.async_create_task(
                self.hass, self._async_reported(appliance_id, plug_on), "price_optimizer plug state"
            )

        return _message

    async def _async_reported(self, appliance_id: str, plug_on: bool) -> None:
        """Take in a state the plug reported."""
        if self._stopped or appliance_id not in self._journals:
            return
        journal = self._journals[appliance_id]
        seen = observe(journal, plug_on)
        if seen == "confirmed":
            await self._async_confirmed(appliance_id)
            return
        now = dt_util.utcnow()
        self._journals[appliance_id] = replace(journal, plug_on=plug_on)
        if seen == "same":
            if journal.plug_on != plug_on:
                await self._async_save()
            return
        LOGGER.info(
            "%s was switched %s by hand; the plan leaves this run to the household",
            self._name(appliance_id),
            "on" if plug_on else "off",
        )
        if seen == "by_hand_on":
            await self._async_save()
            await self._planner.async_report_start_by_hand(appliance_id, now)
            return
        if journal.switched_run is not None:
            self._journals[appliance_id] = replace(
                self._journals[appliance_id], switched_run=None, started_at=None, failed=None
            )
            self._fire_stopped(appliance_id, journal, now, "override")
        await self._async_save()
        await self._planner.async_report_stop(appliance_id, now, by_hand=True)

    # --- events and storage -------------------------------------------------------------------

    def _fire_started(self, appliance_id: str) -> None:
        record = self._planner.record(appliance_id)
        journal = self._journals[appliance_id]
        current = record.current
        start = current.start if current is not None else journal.started_at
        self.hass.bus.async_fire(
            EVENT_APPLIANCE_STARTED,
            {
                **self._identity(appliance_id, self._name(appliance_id)),
                "start": iso(start),
                "end": None if current is None else current.end.isoformat(),
                "target": self._targets[appliance_id].describe(),
            },
        )

    def _fire_stopped(
        self, appliance_id: str, journal: PlugJournal, stopped: datetime, reason: StopReason
    ) -> None:
        self.hass.bus.async_fire(
            EVENT_APPLIANCE_STOPPED,
            {
                **self._identity(appliance_id, self._name(appliance_id)),
                "started": iso(journal.started_at),
                "stopped": stopped.isoformat(),
                "reason": reason,
            },
        )

    def _identity(self, appliance_id: str, name: str) -> dict[str, str]:
        return {"entry_id": self._entry.entry_id, "subentry_id": appliance_id, "appliance": name}

    def _name(self, appliance_id: str) -> str:
        appliance = self._planner.appliances.get(appliance_id)
        return appliance_id if appliance is None else appliance.name

    def diagnostics(self) -> dict[str, Any]:
        """Return each plug's target and what was sent to it and heard from it."""
        return {
            "mqtt_ready": self._mqtt_ready,
            "plugs": {
                appliance_id: {
                    "target": target.describe(),
                    "journal": self._journals.get(appliance_id, PlugJournal()).as_dict(),
                }
                for appliance_id, target in self._targets.items()
            },
        }

    async def _async_save(self) -> None:
        await self._store.async_save(self._stored())

    def _stored(self) -> dict[str, Any]:
        return {
            "journals": {key: journal.as_dict() for key, journal in self._journals.items()},
            "announced": self._announced,
        }
