"""Raise a repair issue when the battery's state-of-charge sensor stays unusable.

The plan reads the sensor at every plan and goes on without the battery while it gives no
number (its ``battery_issue`` says why). A sensor that is late while Home Assistant starts is
ordinary; one that stays gone, unavailable, unknown or not a number for
:data:`SOC_SENSOR_PROBLEM` without a break becomes a repair issue naming it and the reason.
The issue goes when the sensor reports a number again, when the battery is given another
sensor or removed, and with the entry when it unloads.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from homeassistant.core import CALLBACK_TYPE, Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers.event import (
    async_track_point_in_utc_time,
    async_track_state_change_event,
)
from homeassistant.util import dt as dt_util

from .const import SOC_SENSOR_PROBLEM
from .core.issues import LastingProblem
from .home_battery import measured_soc
from .repair_issues import async_clear_battery_soc_sensor, async_raise_battery_soc_sensor

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

    from .home_battery import BatterySettings


class BatterySocWatch:
    """Watch the state-of-charge sensor of the entry's battery for a problem that lasts."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Watch nothing until :meth:`async_follow` is given a battery."""
        self.hass = hass
        self._entry = entry
        self._battery: BatterySettings | None = None
        self._problem = LastingProblem(SOC_SENSOR_PROBLEM)
        self._unsub_state: CALLBACK_TYPE | None = None
        self._unsub_due: CALLBACK_TYPE | None = None

    @callback
    def async_follow(self, battery: BatterySettings | None) -> None:
        """Watch ``battery``'s sensor; another sensor, or no battery, withdraws the issue."""
        watched = self._watched(self._battery)
        self._battery = battery
        if self._watched(battery) == watched and self._unsub_state is not None:
            self._check()  # the same sensor: its problem goes on, under the new name
            return
        self.async_stop()
        if battery is None:
            return
        self._unsub_state = async_track_state_change_event(
            self.hass, battery.soc_sensor, self._async_state_changed
        )
        self._check()

    @callback
    def async_stop(self) -> None:
        """Stop watching and withdraw the issue: nothing stands behind it any more."""
        for unsub in (self._unsub_state, self._unsub_due):
            if unsub is not None:
                unsub()
        self._unsub_state = self._unsub_due = None
        self._problem.gone()
        async_clear_battery_soc_sensor(self.hass, self._entry)

    @staticmethod
    def _watched(battery: BatterySettings | None) -> tuple[str, str] | None:
        return None if battery is None else (battery.subentry_id, battery.soc_sensor)

    @callback
    def _async_state_changed(self, _event: Event[EventStateChangedData]) -> None:
        self._check()

    @callback
    def _check(self) -> None:
        """Raise the issue once the sensor's problem has lasted, withdraw it once it is gone."""
        battery = self._battery
        if battery is None:
            return
        if self._unsub_due is not None:
            self._unsub_due()
            self._unsub_due = None
        _soc, reason = measured_soc(self.hass, battery.soc_sensor)
        if reason is None:
            self._problem.gone()
            async_clear_battery_soc_sensor(self.hass, self._entry)
            return
        since = self._problem.seen(dt_util.utcnow())
        if since is not None:
            # Raised again on each change, so the issue names the present reason.
            async_raise_battery_soc_sensor(
                self.hass,
                self._entry,
                battery=battery.name,
                sensor=battery.soc_sensor,
                reason=reason,
                since=since,
            )
            return
        due = self._problem.due
        if due is not None:
            self._unsub_due = async_track_point_in_utc_time(self.hass, self._due, due)

    @callback
    def _due(self, _now: datetime) -> None:
        self._unsub_due = None
        self._check()
