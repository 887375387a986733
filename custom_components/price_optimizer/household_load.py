"""The household's base load and this month's peaks, learnt from a house sensor's statistics.

When the options name a house power or energy sensor, its recorder long-term statistics
(hourly ``sum`` of an energy sensor, ``mean`` of a power sensor, converted to kWh or kW by the
recorder) teach the expected base load per weekday and local hour, once a day from the last
eight weeks, and give the month's capacity peaks, every hour. A 15-minute capacity rule also
reads the recorder's 5-minute statistics where it still keeps them. What was learnt is kept
in a Store, so a restart plans with it before the recorder is read again.

A missing sensor, one without statistics, or no recorder leaves the base load at zero, with a
finding in the diagnostics; a sensor that measures neither energy nor power raises a repair
issue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, Final, Literal

from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.const import ATTR_DEVICE_CLASS, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.recorder import get_instance
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_conversion import EnergyConverter, PowerConverter

from .const import CONF_BASE_LOAD_SENSOR, CONF_CAPACITY, CONF_TARIFF, DOMAIN, LOGGER
from .core.convert import from_iso, iso
from .core.tariffs.base_load import BaseLoadProfile, learn_base_load
from .core.tariffs.capacity import CapacityRule, CapacityTerms, MonthlyPeakRule, with_vat
from .core.tariffs.load_statistics import LoadKind, StatisticsRow, energy_from_statistics
from .core.tariffs.month_peaks import MonthPeaks, interval_energy, month_key, month_peaks
from .repair_issues import async_clear_base_load_sensor_class, async_raise_base_load_sensor_class
from .storage import household_store

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

LEARNING_WINDOW: Final = timedelta(weeks=8)
PROFILE_REFRESH: Final = timedelta(days=1)
PEAKS_REFRESH: Final = timedelta(hours=1)
HOUR: Final = timedelta(hours=1)
FIVE_MINUTES: Final = timedelta(minutes=5)
# The recorder keeps 5-minute statistics as long as its states (10 days unless configured).
SHORT_TERM_KEPT: Final = timedelta(days=10)
CONVERTERS: Final = {"energy": EnergyConverter, "power": PowerConverter}
# Everything converted to what the core counts in.
UNITS: Final = {EnergyConverter.UNIT_CLASS: "kWh", PowerConverter.UNIT_CLASS: "kW"}

HouseholdFinding = Literal[
    "not_configured",
    "no_recorder",
    "sensor_missing",
    "sensor_unavailable",
    "wrong_device_class",
    "unit_unsupported",
    "no_statistics",
    "capacity_invalid",
]


@dataclass(frozen=True, slots=True)
class HouseholdLoadData:
    """What the house sensor has taught, and why it taught nothing where it did not."""

    sensor: str | None = None
    kind: LoadKind | None = None
    profile: BaseLoadProfile | None = None
    learnt_at: datetime | None = None
    peaks: MonthPeaks | None = None
    peaks_at: datetime | None = None
    findings: tuple[HouseholdFinding, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The stored form, read back by :meth:`from_dict`."""
        return {
            "sensor": self.sensor,
            "kind": self.kind,
            "profile": None if self.profile is None else _profile_as_dict(self.profile),
            "learnt_at": iso(self.learnt_at),
            "peaks": None if self.peaks is None else self.peaks.as_dict(),
            "peaks_at": iso(self.peaks_at),
            "findings": list(self.findings),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HouseholdLoadData:
        """Read what :meth:`as_dict` stored."""
        profile = data.get("profile")
        peaks = data.get("peaks")
        kind = data.get("kind")
        return cls(
            sensor=data.get("sensor"),
            kind=kind if kind in CONVERTERS else None,
            profile=None if profile is None else _profile_from_dict(profile),
            learnt_at=from_iso(data.get("learnt_at")),
            peaks=None if peaks is None else MonthPeaks.from_dict(peaks),
            peaks_at=from_iso(data.get("peaks_at")),
            findings=tuple(data.get("findings", ())),
        )


def _profile_as_dict(profile: BaseLoadProfile) -> dict[str, Any]:
    return {
        "time_zone": profile.time_zone,
        "slot_minutes": profile.slot_minutes,
        "kw": [[weekday, slot, kw] for (weekday, slot), kw in profile.kw.items()],
    }


def _profile_from_dict(data: dict[str, Any]) -> BaseLoadProfile:
    return BaseLoadProfile(
        time_zone=data["time_zone"],
        slot_minutes=data["slot_minutes"],
        kw={(int(weekday), int(slot)): float(kw) for weekday, slot, kw in data["kw"]},
    )


class HouseholdLoadCoordinator(DataUpdateCoordinator[HouseholdLoadData]):
    """Learn the base load daily and the month's peaks hourly from the house sensor."""

    config_entry: ConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        config_entry: ConfigEntry,
        capacity_rule: Callable[[], CapacityRule | None],
    ) -> None:
        """Read the sensor the entry's options name; refreshed by its own hourly timer.

        ``capacity_rule`` gives the capacity charge in force now: the household's tariff knows
        it, whether typed in or brought by a preset for its validity period.
        """
        super().__init__(
            hass,
            LOGGER,
            config_entry=config_entry,
            name=f"{DOMAIN} {config_entry.title} household load",
            update_interval=None,
        )
        self._store = household_store(hass, config_entry.entry_id)
        self._capacity_rule = capacity_rule
        self._options = self._watched_options()

    @property
    def capacity_rule(self) -> CapacityRule | None:
        """The capacity charge in force, or None without one (or with one that was refused)."""
        return self._capacity_rule()

    async def async_start(self) -> None:
        """Take back what was learnt before a restart, then read the recorder in the background.

        The timer runs whether or not entities listen: the planner reads the result too.
        """
        stored = await self._store.async_load()
        if stored:
            self.data = HouseholdLoadData.from_dict(stored)
        entry = self.config_entry
        entry.async_on_unload(async_track_time_interval(self.hass, self._async_tick, PEAKS_REFRESH))
        entry.async_on_unload(entry.add_update_listener(self._async_options_updated))
        entry.async_create_background_task(
            self.hass, self.async_refresh(), f"{DOMAIN} household load"
        )

    async def _async_tick(self, _now: datetime) -> None:
        await self.async_refresh()

    async def _async_options_updated(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        options = self._watched_options()
        if options != self._options:
            self._options = options
            await self.async_refresh()

    def _watched_options(self) -> tuple[Any, ...]:
        options = self.config_entry.options
        return (
            options.get(CONF_BASE_LOAD_SENSOR),
            options.get(CONF_CAPACITY),
            repr(options.get(CONF_TARIFF)),
        )

    @callback
    def month_peaks_now(self) -> MonthPeaks | None:
        """The month's peaks, rolled over to the current local month if it changed since."""
        # None until the Store or the first read has answered.
        data: HouseholdLoadData | None = self.data
        if data is None or data.peaks is None:
            return None
        return data.peaks.rolled_to(month_key(dt_util.utcnow(), self.hass.config.time_zone))

    @callback
    def load_for_plan(self, vat_rate: float) -> tuple[BaseLoadProfile | None, CapacityTerms | None]:
        """The base-load profile and the capacity charge's month so far, for a plan made now.

        A profile of None means no base load is known (plan with zero); terms of None mean
        no capacity charge is configured, or no peaks are known yet. The charge's fees are
        raised by ``vat_rate``: plans weigh them against prices that include VAT.
        """
        data: HouseholdLoadData | None = self.data
        profile = None if data is None else data.profile
        rule = self.capacity_rule
        peaks = self.month_peaks_now()
        if rule is None or peaks is None:
            return profile, None
        return profile, peaks.terms(with_vat(rule, vat_rate), self.hass.config.time_zone)

    def diagnostics(self) -> dict[str, Any]:
        """What the sensor taught, without the profile's numbers."""
        data = self.data or HouseholdLoadData()
        return {
            "sensor": data.sensor,
            "kind": data.kind,
            "findings": list(data.findings),
            "learnt_at": iso(data.learnt_at),
            "profile_slots": 0 if data.profile is None else len(data.profile.kw),
            "peaks_at": iso(data.peaks_at),
            "peaks": None if data.peaks is None else data.peaks.as_dict(),
        }

    async def _async_update_data(self) -> HouseholdLoadData:
        data = await self._async_learn()
        if data.sensor is not None:
            await self._store.async_save(data.as_dict())
        return data

    async def _async_learn(self) -> HouseholdLoadData:
        sensor: str | None = self.config_entry.options.get(CONF_BASE_LOAD_SENSOR)
        if not sensor:
            return HouseholdLoadData(findings=("not_configured",))
        kind, findings = self._sensor_kind(sensor)
        if kind is None:
            return HouseholdLoadData(sensor=sensor, findings=findings)
        if "recorder" not in self.hass.config.components:
            return HouseholdLoadData(sensor=sensor, kind=kind, findings=(*findings, "no_recorder"))
        unit = await self._async_statistic_unit(sensor)
        if unit is None:
            return HouseholdLoadData(
                sensor=sensor, kind=kind, findings=(*findings, "no_statistics")
            )
        if unit not in CONVERTERS[kind].VALID_UNITS:
            LOGGER.warning("%s: %s has statistics in %s, not %s", self.name, sensor, unit, kind)
            return HouseholdLoadData(
                sensor=sensor, kind=kind, findings=(*findings, "unit_unsupported")
            )
        return await self._async_learn_from_statistics(sensor, kind, findings)

    async def _async_learn_from_statistics(
        self, sensor: str, kind: LoadKind, findings: tuple[HouseholdFinding, ...]
    ) -> HouseholdLoadData:
        now = dt_util.utcnow()
        time_zone = self.hass.config.time_zone
        before = self.data if self.data is not None and self.data.sensor == sensor else None
        relearn = (
            before is None
            or before.profile is None
            or before.learnt_at is None
            or now - before.learnt_at >= PROFILE_REFRESH
        )
        month_start = dt_util.start_of_local_day(dt_util.as_local(now).replace(day=1))
        start = min(now - LEARNING_WINDOW, month_start) if relearn else month_start
        start = start.replace(minute=0, second=0, microsecond=0)
        hourly = energy_from_statistics(
            await self._async_rows(sensor, kind, start, now, "hour"), kind, HOUR
        )
        if not hourly:
            return HouseholdLoadData(
                sensor=sensor, kind=kind, findings=(*findings, "no_statistics")
            )
        rule = self.capacity_rule
        if self.config_entry.options.get(CONF_CAPACITY) and rule is None:
            findings = (*findings, "capacity_invalid")
        quarter = isinstance(rule, MonthlyPeakRule) and rule.interval_minutes == 15
        if quarter:
            series, interval = await self._async_finest(sensor, kind, hourly, now)
        else:
            series, interval = hourly, HOUR
        peaks = month_peaks(
            series,
            interval,
            time_zone,
            now,
            interval_minutes=15 if quarter else 60,
            known_months=None
            if before is None or before.peaks is None
            else before.peaks.earlier_months,
        )
        if before is not None and before.profile is not None and not relearn:
            profile, learnt_at = before.profile, before.learnt_at
        else:
            profile, learnt_at = learn_base_load(hourly, HOUR, time_zone), now
        return HouseholdLoadData(
            sensor=sensor,
            kind=kind,
            profile=profile,
            learnt_at=learnt_at,
            peaks=peaks,
            peaks_at=now,
            findings=findings,
        )

    async def _async_finest(
        self, sensor: str, kind: LoadKind, hourly: dict[datetime, float], now: datetime
    ) -> tuple[dict[datetime, float], timedelta]:
        """Five-minute energy: the recorder's short-term statistics, hours split before them."""
        since = now - SHORT_TERM_KEPT
        rows = await self._async_rows(sensor, kind, since, now, "5minute")
        fine = energy_from_statistics(rows, kind, FIVE_MINUTES)
        first = min(fine, default=now)
        coarse = interval_energy(
            {start: kwh for start, kwh in hourly.items() if start + HOUR <= first}, HOUR, 5
        )
        return {**coarse, **fine}, FIVE_MINUTES

    def _sensor_kind(self, sensor: str) -> tuple[LoadKind | None, tuple[HouseholdFinding, ...]]:
        """Whether the sensor measures energy or power, from its state's device class."""
        state = self.hass.states.get(sensor)
        if state is None:
            async_clear_base_load_sensor_class(self.hass, self.config_entry)
            return None, ("sensor_missing",)
        device_class = state.attributes.get(ATTR_DEVICE_CLASS)
        if device_class not in (SensorDeviceClass.ENERGY, SensorDeviceClass.POWER):
            if state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN) and device_class is None:
                # An entity not yet started has no attributes: nothing to judge yet.
                return None, ("sensor_unavailable",)
            async_raise_base_load_sensor_class(self.hass, self.config_entry, sensor, device_class)
            return None, ("wrong_device_class",)
        async_clear_base_load_sensor_class(self.hass, self.config_entry)
        kind: LoadKind = "energy" if device_class == SensorDeviceClass.ENERGY else "power"
        unavailable = state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN)
        # Its recorded history still teaches while it is unavailable now.
        return kind, (("sensor_unavailable",) if unavailable else ())

    async def _async_statistic_unit(self, sensor: str) -> str | None:
        """The unit the recorder keeps the sensor's statistics in; None without statistics."""
        from homeassistant.components.recorder import statistics  # noqa: PLC0415

        found = await get_instance(self.hass).async_add_executor_job(
            partial(statistics.get_metadata, self.hass, statistic_ids={sensor})
        )
        if sensor not in found:
            return None
        unit: str | None = found[sensor][1]["unit_of_measurement"]
        return unit

    async def _async_rows(
        self,
        sensor: str,
        kind: LoadKind,
        start: datetime,
        end: datetime,
        period: Literal["5minute", "hour"],
    ) -> list[StatisticsRow]:
        """The sensor's statistics rows of ``period``, in kWh (sum) or kW (mean)."""
        from homeassistant.components.recorder import statistics  # noqa: PLC0415

        column: Literal["sum", "mean"] = "sum" if kind == "energy" else "mean"
        if kind == "energy":
            # The first period's energy is its sum less the sum of the period before.
            start -= HOUR if period == "hour" else FIVE_MINUTES
        found = await get_instance(self.hass).async_add_executor_job(
            partial(
                statistics.statistics_during_period,
                self.hass,
                start,
                end,
                {sensor},
                period,
                UNITS,
                {column},
            )
        )
        return [
            StatisticsRow(
                dt_util.utc_from_timestamp(row["start"]),
                dt_util.utc_from_timestamp(row["end"]),
                float(value),
            )
            for row in found.get(sensor, [])
            if (value := row.get(column)) is not None
        ]
