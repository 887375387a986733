"""The planner: one schedule for the entry's appliances, re-planned as prices and time move.

It takes the price plan from a :class:`PriceFeed` given at setup (market prices
today; market and forecast slots once the forecast exists) and re-plans

* when the feed reports new prices, which it also does at every slot boundary;
* when an appliance subentry is added, edited or removed, or the options change
  (in place: :meth:`PlanCoordinator.async_take_configuration`);
* when a run starts or a block ends, at that moment (a point-in-time listener);
* when the actuator reports what a switched plug did.

With a battery subentry, every plan starts from the state of charge its sensor reports and
plans the battery with the appliances over the whole horizon. A sensor that is gone, not
reporting or not a number leaves that plan without the battery, and the plan says why
(``battery_issue``); one that stays so becomes a repair issue (:mod:`.battery_soc_watch`). The
planner also re-plans when the sensor moves away from the plan by more than
:data:`SOC_DRIFT_SHARE` of the capacity.

Every plan reads the household's solar forecast (:mod:`.solar_forecast`) and records which
one it used, or why none, with the expected PV power on its price slots. The optimizer plans
on it when it is usable, with the export price of the household's tariff; a forecast that is
missing or stale leaves the plan to the grid, and the plan says why.

An appliance with a control target starts by the plan only while its
automatic control is on; such a run (``started_by`` "automatic") is switched
by the actuator and ends when the actuator reports the plug off. A person
switching the plug by hand starts or ends the occurrence's run instead.

The optimizer runs in the executor. Each appliance's :class:`ApplianceRecord`
(the state machine of :mod:`.core.appliance_state`), the savings ledger and the last
schedule persist in a Store, so a restart keeps a running cycle where it is
and never plans a finished occurrence again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from homeassistant.core import CALLBACK_TYPE, Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers.event import (
    async_track_point_in_utc_time,
    async_track_state_change_event,
)
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .battery_soc_watch import BatterySocWatch
from .const import (
    CONF_CONTROL,
    CONF_HOUSEHOLD_LIMIT_KW,
    CONF_SOLAR_FORECAST,
    DOMAIN,
    LOGGER,
    SUBENTRY_APPLIANCE,
)
from .core.appliance_state import (
    ApplianceRecord,
    StartedBy,
    adopt,
    follow,
    next_change,
    plan_state,
    promise,
    start_run,
    stop_run,
)
from .core.optimizer import (
    Appliance,
    ApplianceError,
    AppliancePlan,
    Battery,
    EnergySlot,
    PlanRequest,
    Schedule,
    SolverUnavailableError,
    plan,
    planning_start,
)
from .core.plug_target import ControlTarget, target_from_dict
from .core.prices import PriceSeries
from .core.solar import SolarForPlan, SolarSlot
from .core.tariffs.base_load import BaseLoad
from .core.tariffs.capacity import CAPACITY_MARGIN_KW, CapacityTerms
from .home_battery import BatterySettings, battery_of, measured_soc
from .solar_forecast import SolarForecastReader
from .storage import plan_store

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

# Seconds a plan that changed no appliance's record waits before it is written.
PLAN_SAVE_DELAY: Final = 600
# A measured state of charge this share of the capacity away from the plan's is re-planned from.
SOC_DRIFT_SHARE: Final = 0.05


@dataclass(frozen=True, slots=True)
class PriceFeed:
    """Where the planner reads the price plan, and how it hears that the plan changed."""

    current: Callable[[], PriceSeries | None]
    subscribe: Callable[[CALLBACK_TYPE], CALLBACK_TYPE]
    # What exporting earns per slot (None without an export price: export earns nothing).
    export: Callable[[], PriceSeries | None] = lambda: None


@dataclass(frozen=True, slots=True)
class PlanData:
    """What the appliance entities, the calendar and the actions read."""

    schedule: Schedule
    appliances: Mapping[str, Appliance]
    records: Mapping[str, ApplianceRecord]
    prices: PriceSeries
    # The solar forecast read for this plan (None when none is configured), and the mean PV
    # power it expects on each price slot from the plan's start; empty when it is not used.
    solar: SolarForPlan | None = None
    solar_slots: tuple[SolarSlot, ...] = ()
    # The battery as the plan took it (its measured state of charge), None when it was left
    # out; ``battery_issue`` says why a configured battery was left out.
    battery: Battery | None = None
    battery_issue: str | None = None
    # A plan made mid-slot starts at the next boundary; the battery goes on with the slot
    # under way as the plan before had it (also the plan stored before a restart).
    battery_slot_under_way: EnergySlot | None = None

    def battery_slot(self, when: datetime) -> EnergySlot | None:
        """Return what the battery does at ``when``: the plan's slot, or the one under way."""
        energy = self.schedule.energy
        if self.battery is None or energy is None:
            return None
        slot = energy.slot_at(when)
        under_way = self.battery_slot_under_way
        if slot is None and under_way is not None and under_way.start <= when < under_way.end:
            return under_way
        return slot

    def plans(self, appliance_id: str) -> tuple[AppliancePlan, ...]:
        """Return the appliance's plans, the nearest occurrence first."""
        return self.schedule.for_appliance(appliance_id)

    def upcoming(self, appliance_id: str) -> AppliancePlan | None:
        """Return the nearest occurrence that has runs."""
        return next((p for p in self.plans(appliance_id) if p.runs), None)

    def promised(self, appliance_id: str) -> tuple[float | None, float | None]:
        """Return the expected cost and savings of the occurrence under way, or else the next."""
        record = self.records[appliance_id]
        if record.due is not None:
            return record.expected_cost, record.expected_savings
        upcoming = self.upcoming(appliance_id)
        if upcoming is None:
            return None, None
        return promise(record, self.appliances[appliance_id], upcoming, self.prices)


def appliances_of(entry: ConfigEntry) -> dict[str, Appliance]:
    """Return the entry's appliances, keyed by subentry id (which is their appliance id)."""
    found: dict[str, Appliance] = {}
    for subentry_id, subentry in entry.subentries.items():
        if subentry.subentry_type != SUBENTRY_APPLIANCE:
            continue
        try:
            found[subentry_id] = appliance_from_subentry(subentry_id, subentry.title, subentry.data)
        except (KeyError, TypeError, ValueError) as err:
            # Written by hand or by a future version: the other appliances still run.
            LOGGER.error("Appliance %s cannot be read and is left out: %s", subentry.title, err)
    return found


def targets_of(entry: ConfigEntry) -> dict[str, ControlTarget]:
    """Return where each switched appliance is switched, keyed by subentry id."""
    found: dict[str, ControlTarget] = {}
    for subentry_id, subentry in entry.subentries.items():
        if subentry.subentry_type != SUBENTRY_APPLIANCE:
            continue
        try:
            target = target_from_dict(subentry.data.get(CONF_CONTROL))
        except (KeyError, TypeError, ValueError) as err:
            LOGGER.error(
                "Appliance %s is not switched: its target cannot be read: %s", subentry.title, err
            )
            continue
        if target is not None:
            found[subentry_id] = target
    return found


def appliance_from_subentry(subentry_id: str, title: str, data: Mapping[str, Any]) -> Appliance:
    """Return the appliance a subentry stores; its id and title name it."""
    return Appliance.from_dict({**data, "appliance_id": subentry_id, "name": title})


def household_limit(options: Mapping[str, Any]) -> float | None:
    """Return the household power limit in kW, None when not set."""
    value = options.get(CONF_HOUSEHOLD_LIMIT_KW)
    return None if value is None else float(value)


class PlanCoordinator(DataUpdateCoordinator[PlanData]):
    """Plan the entry's appliances and move their state machines along the plan."""

    config_entry: ConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        config_entry: ConfigEntry,
        feed: PriceFeed,
        household_load: Callable[[], tuple[BaseLoad | None, CapacityTerms | None]],
    ) -> None:
        """Set up the planner of one entry; :meth:`async_load` must run before the first plan."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=config_entry,
            name=f"{DOMAIN} {config_entry.title} plan",
            update_interval=None,
        )
        self._feed = feed
        # The base load the plan adds to the household limit, and the capacity charge's month.
        self._household_load = household_load
        self.appliances = appliances_of(config_entry)
        self.targets = {
            key: target
            for key, target in targets_of(config_entry).items()
            if key in self.appliances
        }
        self.household_limit_kw = household_limit(config_entry.options)
        self.solar = SolarForecastReader(hass, config_entry)
        self._solar_option = config_entry.options.get(CONF_SOLAR_FORECAST)
        self._solar_plan: SolarForPlan | None = None
        self._solar_slots: tuple[SolarSlot, ...] = ()
        self.battery: BatterySettings | None = battery_of(config_entry)
        self._planned_battery: Battery | None = None
        self._battery_issue: str | None = None
        # The last plan's request: what an estimate plans its appliances beside.
        self._household_request: PlanRequest | None = None
        self._battery_slot_under_way: EnergySlot | None = None
        self._unsub_soc: CALLBACK_TYPE | None = None
        # A sensor that stays unusable becomes a repair issue; the plans only say why.
        self._soc_watch = BatterySocWatch(hass, config_entry)
        self._store = plan_store(hass, config_entry.entry_id)
        self._records: dict[str, ApplianceRecord] = {}
        self._saved_records: dict[str, ApplianceRecord] = {}
        self._schedule = Schedule(
            created_at=dt_util.utcnow(),
            currency=(feed.current() or PriceSeries()).currency,
            household_limit_kw=self.household_limit_kw,
            plans=(),
        )
        # A schedule from before a restart may settle what ended, never start what it planned.
        self._schedule_is_fresh = False
        self._lock = asyncio.Lock()
        self._queued = False
        self._unsub_change: CALLBACK_TYPE | None = None
        self._unsub_feed: CALLBACK_TYPE | None = None
        self._appliance_listeners: list[CALLBACK_TYPE] = []

    async def async_load(self) -> None:
        """Run the setup Home Assistant runs before a first refresh, without that refresh.

        The first plan takes seconds and is made after the entry's setup; the actuator
        needs the records before, so the entry loads them here.
        """
        await self._async_setup()

    async def _async_setup(self) -> None:
        """Restore records and schedule, settle blocks that ended while stopped, follow the feed."""
        now = dt_util.utcnow()
        stored = await self._store.async_load() or {}
        records = stored.get("records", {})
        if stored.get("schedule"):
            self._schedule = Schedule.from_dict(stored["schedule"])
        if stored.get("battery_slot_under_way"):
            self._battery_slot_under_way = EnergySlot.from_dict(stored["battery_slot_under_way"])
        prices = self._feed.current() or PriceSeries()
        for appliance_id, appliance in self.appliances.items():
            record = (
                ApplianceRecord.from_dict(records[appliance_id])
                if appliance_id in records
                # Its first plan could not start it before the next boundary: nor can the baseline.
                else ApplianceRecord(tracked_since=planning_start(prices, now))
            )
            if record.started_by == "automatic" and appliance_id not in self.targets:
                # Its plug was taken out of the plan's hands mid-run: it ends as planned.
                record = replace(record, started_by="plan")
            self._records[appliance_id] = follow(
                record,
                appliance,
                self._schedule.for_appliance(appliance_id),
                now,
                prices,
                starts=False,
            )
        self._unsub_feed = self._feed.subscribe(self._async_prices_changed)
        self._follow_soc_sensor()

    async def async_take_configuration(self) -> bool:
        """Take in the entry's appliances, their targets and the household limit as they are now.

        An appliance kept keeps its record (a running cycle stays where it is); a new one
        starts idle, a removed one is forgotten. Nothing is announced yet: the actuator
        follows new targets first, then :meth:`async_announce_configuration` tells the
        entities and plans again. Return whether anything changed.
        """
        appliances = appliances_of(self.config_entry)
        targets = {
            key: target
            for key, target in targets_of(self.config_entry).items()
            if key in appliances
        }
        limit = household_limit(self.config_entry.options)
        solar = self.config_entry.options.get(CONF_SOLAR_FORECAST)
        battery = battery_of(self.config_entry)
        async with self._lock:
            if (appliances, targets, limit, solar, battery) == (
                self.appliances,
                self.targets,
                self.household_limit_kw,
                self._solar_option,
                self.battery,
            ):
                return False
            now = dt_util.utcnow()
            prices = self.price_plan()
            records: dict[str, ApplianceRecord] = {}
            for appliance_id in appliances:
                record = self._records.get(appliance_id) or ApplianceRecord(
                    tracked_since=planning_start(prices, now)
                )
                if record.started_by == "automatic" and appliance_id not in targets:
                    # Its plug was taken out of the plan's hands mid-run: it ends as planned.
                    record = replace(record, started_by="plan")
                records[appliance_id] = record
            self._records = records
            self.appliances = appliances
            self.targets = targets
            self.household_limit_kw = limit
            self._solar_option = solar
            self.battery = battery
            self._follow_soc_sensor()
            await self._async_save()
        return True

    @callback
    def async_announce_configuration(self) -> None:
        """Let the platforms add entities for new appliances, show the change, and plan again."""
        if self.data is not None:
            # Not async_set_updated_data: a plan that could not be made stays an error.
            self.data = self._data()
            self.async_update_listeners()
        for listener in list(self._appliance_listeners):
            listener()
        self.async_request_plan()

    @callback
    def async_add_appliance_listener(self, listener: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call ``listener`` whenever the set of appliances changed."""
        self._appliance_listeners.append(listener)

        @callback
        def remove() -> None:
            self._appliance_listeners.remove(listener)

        return remove

    @callback
    def _async_prices_changed(self) -> None:
        self.async_request_plan()

    @callback
    def async_request_plan(self) -> None:
        """Re-plan soon; requests made before the plan starts are answered by it."""
        if self._queued:
            return
        self._queued = True
        self.config_entry.async_create_task(self.hass, self.async_refresh(), "price_optimizer plan")

    async def _async_update_data(self) -> PlanData:
        """Follow the plan in effect up to now, plan again from the next boundary, follow it."""
        self._queued = False
        async with self._lock:
            now = dt_util.utcnow()
            prices = self._feed.current()
            if not prices:
                raise UpdateFailed(translation_domain=DOMAIN, translation_key="no_prices_to_plan")
            start = planning_start(prices, now)
            before = dict(self._records)
            states = {}
            for appliance_id, appliance in self.appliances.items():
                record = follow(
                    self._records[appliance_id],
                    appliance,
                    self._schedule.for_appliance(appliance_id),
                    now,
                    prices,
                    self._schedule_is_fresh and self._plan_starts(appliance_id),
                    self._starter(appliance_id),
                )
                self._records[appliance_id] = record
                states[appliance_id] = plan_state(record, appliance, start)
            if self._records != before:
                # A run starts now: its plug must not wait for the plan that follows. The
                # data stays the last plan's until the new one is made.
                self.async_update_listeners()
            base_load, capacity = self._household_load()
            solar = await self.solar.async_for_plan(now)
            battery = self._battery_for_plan()
            request = PlanRequest(
                prices=prices,
                now=now,
                appliances=tuple(self.appliances.values()),
                states=states,
                household_limit_kw=self.household_limit_kw,
                zone=dt_util.get_default_time_zone(),
                base_load=base_load,
                capacity=capacity,
                capacity_margin_kw=CAPACITY_MARGIN_KW,
                solar=solar if solar is not None and solar.used else None,
                export_prices=self._feed.export(),
                battery=battery,
            )
            self._household_request = request
            try:
                schedule = await self.hass.async_add_executor_job(plan, request)
            except SolverUnavailableError as err:
                raise UpdateFailed(
                    translation_domain=DOMAIN, translation_key="solver_unavailable"
                ) from err
            under_way = self.battery_slot_at(now)
            self._battery_slot_under_way = under_way if battery is not None else None
            self._schedule = schedule
            self._schedule_is_fresh = True
            self._planned_battery = battery
            self._solar_plan = solar
            self._solar_slots = (
                ()
                if solar is None
                else solar.on_slots((s.start, s.duration) for s in prices if s.end > start)
            )
            for appliance_id, appliance in self.appliances.items():
                plans = schedule.for_appliance(appliance_id)
                record = adopt(self._records[appliance_id], appliance, plans, start, prices)
                self._records[appliance_id] = follow(
                    record,
                    appliance,
                    plans,
                    now,
                    prices,
                    self._plan_starts(appliance_id),
                    self._starter(appliance_id),
                )
            if self._records != self._saved_records:
                await self._async_save()
            else:
                # Only the plan changed, which the next start makes again: spare the disk.
                self._store.async_delay_save(self._stored, PLAN_SAVE_DELAY)
            self._schedule_next_change(now)
            return self._data()

    def battery_slot_at(self, when: datetime) -> EnergySlot | None:
        """Return the battery's slot at ``when`` in the plan in effect, or the one under way.

        Before the first plan after a restart, the plan in effect is the one stored.
        """
        energy = self._schedule.energy
        slot = None if energy is None else energy.slot_at(when)
        if slot is None:
            slot = self._battery_slot_under_way
        if slot is None or slot.mode is None or not slot.start <= when < slot.end:
            return None
        return slot

    def household_request(self, appliances: tuple[Appliance, ...], now: datetime) -> PlanRequest:
        """Return a request for ``appliances`` alone in the household the last plan saw.

        Its base load, capacity charge, solar, export price and battery are the last plan's,
        so an estimate counts them as the plan does; the prices are the current price plan.
        """
        household = self._household_request or PlanRequest(
            prices=PriceSeries(),
            now=now,
            appliances=(),
            household_limit_kw=self.household_limit_kw,
            zone=dt_util.get_default_time_zone(),
        )
        return replace(
            household, prices=self.price_plan(), now=now, appliances=appliances, states={}
        )

    def battery_boundary_after(self, when: datetime) -> datetime | None:
        """Return when the battery's slot after ``when`` begins, None past the plan's end."""
        slot = self.battery_slot_at(when)
        if slot is not None:
            return slot.end
        energy = self._schedule.energy
        return None if energy is None else energy.boundary_after(when)

    def _battery_for_plan(self) -> Battery | None:
        """Return the battery at its measured state of charge, None when it cannot be planned."""
        settings = self.battery
        if settings is None:
            self._battery_issue = None
            return None
        soc, issue = measured_soc(self.hass, settings.soc_sensor)
        battery = None if soc is None else settings.battery(soc)
        if battery is not None:
            try:
                battery.validate()
            except ApplianceError as err:
                issue, battery = err.issue.code, None
        if issue is not None and issue != self._battery_issue:
            LOGGER.warning(
                "%s plans without the battery %s: %s (%s)",
                self.config_entry.title,
                settings.name,
                issue,
                settings.soc_sensor,
            )
        self._battery_issue = issue
        return battery

    @callback
    def _follow_soc_sensor(self) -> None:
        """Listen to the battery's state-of-charge sensor, or stop when there is no battery."""
        if self._unsub_soc:
            self._unsub_soc()
            self._unsub_soc = None
        self._soc_watch.async_follow(self.battery)
        if self.battery is not None:
            self._unsub_soc = async_track_state_change_event(
                self.hass, self.battery.soc_sensor, self._async_soc_changed
            )

    @callback
    def _async_soc_changed(self, event: Event[EventStateChangedData]) -> None:
        """Re-plan when the battery drifted from the plan, or can be planned again."""
        settings = self.battery
        if settings is None or self.data is None:
            return
        soc, _issue = measured_soc(self.hass, settings.soc_sensor)
        if soc is None:
            # The plan made with the last good reading stands until the next one.
            return
        planned = self._planned_battery
        energy = self._schedule.energy
        if planned is None or energy is None:
            # The last plan left the battery out: it can be planned now.
            self.async_request_plan()
            return
        expected = energy.stored_at(dt_util.utcnow(), planned.stored_kwh)
        if abs(soc * settings.capacity_kwh - expected) > SOC_DRIFT_SHARE * settings.capacity_kwh:
            LOGGER.debug(
                "%s re-plans: the battery holds %.2f kWh, the plan expected %.2f kWh",
                self.config_entry.title,
                soc * settings.capacity_kwh,
                expected,
            )
            self.async_request_plan()

    async def async_set_automatic_control(self, appliance_id: str, enabled: bool) -> None:
        """Let the actuator switch the appliance by the plan, or leave it to the household."""
        async with self._lock:
            record = self._records[appliance_id]
            self._records[appliance_id] = replace(record, automatic_control=enabled)
            await self._async_save()
        if self.data is not None:
            self.async_set_updated_data(self._data())

    async def async_report_stop(self, appliance_id: str, at: datetime, by_hand: bool) -> None:
        """Record that the plug went off at ``at``; by hand (or failed) it ends the occurrence."""
        await self._async_report(appliance_id, at, by_hand=by_hand, turned_on=False)

    async def async_report_start_by_hand(self, appliance_id: str, at: datetime) -> None:
        """Record that a person switched the plug on at ``at``: the occurrence's run, theirs."""
        await self._async_report(appliance_id, at, by_hand=True, turned_on=True)

    async def _async_report(
        self, appliance_id: str, at: datetime, *, by_hand: bool, turned_on: bool
    ) -> None:
        async with self._lock:
            record = self._records[appliance_id]
            appliance = self.appliances[appliance_id]
            plans = self._schedule.for_appliance(appliance_id)
            prices = self.price_plan()
            if turned_on:
                changed = start_run(record, appliance, plans, at, prices)
            else:
                changed = stop_run(record, appliance, plans, at, prices, by_hand)
            if changed == record:
                return
            self._records[appliance_id] = changed
            await self._async_save()
        if self.data is not None:
            self.async_set_updated_data(self._data())
        # What ran by hand is committed: plan the rest (or the next occurrence) around it.
        self.async_request_plan()

    def record(self, appliance_id: str) -> ApplianceRecord:
        """Return what the planner knows of the appliance now."""
        return self._records[appliance_id]

    def _plan_starts(self, appliance_id: str) -> bool:
        """Return whether the plan may start the appliance: always, unless a person switches it."""
        return appliance_id not in self.targets or self._records[appliance_id].automatic_control

    def _starter(self, appliance_id: str) -> StartedBy:
        return "automatic" if appliance_id in self.targets else "plan"

    def price_plan(self) -> PriceSeries:
        """Return the prices plans are made with (empty when none are held)."""
        return self._feed.current() or PriceSeries()

    def automatic_control(self, appliance_id: str) -> bool:
        """Return whether the appliance follows the plan automatically."""
        return self._records[appliance_id].automatic_control

    def _data(self) -> PlanData:
        return PlanData(
            schedule=self._schedule,
            appliances=dict(self.appliances),
            records=dict(self._records),
            prices=self.price_plan(),
            solar=self._solar_plan,
            solar_slots=self._solar_slots,
            battery=self._planned_battery,
            battery_issue=self._battery_issue,
            battery_slot_under_way=self._battery_slot_under_way,
        )

    async def _async_save(self) -> None:
        await self._store.async_save(self._stored())
        self._saved_records = dict(self._records)

    def _stored(self) -> dict[str, Any]:
        stored: dict[str, Any] = {
            "records": {key: record.as_dict() for key, record in self._records.items()},
            "schedule": self._schedule.as_dict(),
        }
        if self._battery_slot_under_way is not None:
            # Optional, so files without a battery keep the released shape; read with get().
            stored["battery_slot_under_way"] = self._battery_slot_under_way.as_dict()
        return stored

    def _schedule_next_change(self, now: datetime) -> None:
        if self._unsub_change:
            self._unsub_change()
            self._unsub_change = None
        when = next_change(self._records, self._schedule.plans, now)
        if when is not None:
            self._unsub_change = async_track_point_in_utc_time(
                self.hass, self._async_change_due, when
            )

    @callback
    def _async_change_due(self, _now: datetime) -> None:
        self._unsub_change = None
        self.async_request_plan()

    async def async_shutdown(self) -> None:
        """Stop listening to the feed and the clock, and write what is still waiting to be."""
        await super().async_shutdown()
        for unsub in (self._unsub_change, self._unsub_feed, self._unsub_soc):
            if unsub:
                unsub()
        self._unsub_change = self._unsub_feed = self._unsub_soc = None
        self._soc_watch.async_stop()
        # A plan change waits minutes to be written; an unload must not leave it behind.
        await self._async_save()
