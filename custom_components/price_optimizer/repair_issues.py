"""Every repair issue the integration raises, and when it is withdrawn.

Not ``repairs.py``: Home Assistant takes a module of that name for a platform offering fix
flows, and none of these issues has one.

An entry's issues carry its entry id (the source is down, its data has gaps, its tariff was
refused or has expired, its solar forecast cannot be used, its battery's state-of-charge
sensor gives no number or its inverter cannot be set; an entry has one battery at most); an
appliance's carry its subentry id (its plug did not confirm, MQTT is not there); the shipped
models are the integration's, shared by every entry. None is fixable from the repairs
dashboard: each is withdrawn by the code that raised it once the problem is gone, and an
entry's and its appliances' go with the entry when it unloads or is removed.

The ids and translation keys are those of earlier releases, so an issue a person has open
stays the same issue.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .core.quality import Finding
from .core.solar import SolarIssue
from .core.tariffs.issues import TariffError
from .core.tariffs.model import Component

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

SOURCE_UNAVAILABLE: Final = "source_unavailable"
DATA_QUALITY: Final = "data_quality"
CONTROL_FAILED: Final = "control_failed"
MQTT_NOT_SET_UP: Final = "mqtt_not_set_up"
MODEL_FILES_DAMAGED: Final = "model_files_damaged"
TARIFF_INVALID: Final = "tariff_invalid"
TARIFF_EXPIRED: Final = "tariff_expired"
BASE_LOAD_SENSOR_CLASS: Final = "base_load_sensor_class"
# One issue id; its translation key says which problem (``solar_`` + the core's code).
SOLAR_FORECAST: Final = "solar_forecast"
BATTERY_SOC_SENSOR: Final = "battery_soc_sensor"
BATTERY_CONTROL_FAILED: Final = "battery_control_failed"
ENTRY_ISSUES: Final = (
    SOURCE_UNAVAILABLE,
    DATA_QUALITY,
    TARIFF_INVALID,
    TARIFF_EXPIRED,
    BASE_LOAD_SENSOR_CLASS,
    SOLAR_FORECAST,
    BATTERY_SOC_SENSOR,
    BATTERY_CONTROL_FAILED,
)
APPLIANCE_ISSUES: Final = (MQTT_NOT_SET_UP, CONTROL_FAILED)


def issue_id(kind: str, owner_id: str) -> str:
    """Return the id of an entry's or an appliance's issue of ``kind``."""
    return f"{kind}_{owner_id}"


def entry_issue_ids(entry: ConfigEntry) -> list[str]:
    """Return the ids of every issue the entry and its appliances may have open."""
    return [issue_id(kind, entry.entry_id) for kind in ENTRY_ISSUES] + [
        issue_id(kind, subentry_id) for subentry_id in entry.subentries for kind in APPLIANCE_ISSUES
    ]


@callback
def _async_raise(
    hass: HomeAssistant,
    kind: str,
    owner_id: str,
    severity: ir.IssueSeverity,
    placeholders: dict[str, str],
) -> None:
    """Raise the ``kind`` issue of an entry or an appliance; ``kind`` is its translation key."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id(kind, owner_id),
        is_fixable=False,
        severity=severity,
        translation_key=kind,
        translation_placeholders=placeholders,
    )


@callback
def async_clear_entry_issues(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Withdraw what the entry and its appliances raised: nothing watches them any more."""
    for found in entry_issue_ids(entry):
        ir.async_delete_issue(hass, DOMAIN, found)


@callback
def async_raise_source_unavailable(
    hass: HomeAssistant, entry: ConfigEntry, since: datetime, error: str
) -> None:
    """Say that the entry's source has delivered nothing since ``since``."""
    _async_raise(
        hass,
        SOURCE_UNAVAILABLE,
        entry.entry_id,
        ir.IssueSeverity.WARNING,
        {
            "title": entry.title,
            "since": _local_minute(since),
            "error": error,
        },
    )


@callback
def async_clear_source_unavailable(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Withdraw the source's outage: it delivered again."""
    ir.async_delete_issue(hass, DOMAIN, issue_id(SOURCE_UNAVAILABLE, entry.entry_id))


@callback
def async_raise_data_quality(
    hass: HomeAssistant, entry: ConfigEntry, lasting: Iterable[Finding]
) -> None:
    """Say which problems of the entry's prices lasted, how often and since when."""
    _async_raise(
        hass,
        DATA_QUALITY,
        entry.entry_id,
        ir.IssueSeverity.WARNING,
        {
            "title": entry.title,
            "findings": ", ".join(
                f"{finding.code} ({finding.count}, first at {_local_minute(finding.first_at)})"
                for finding in lasting
            ),
        },
    )


@callback
def async_clear_data_quality(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Withdraw the prices' problems: none lasted."""
    ir.async_delete_issue(hass, DOMAIN, issue_id(DATA_QUALITY, entry.entry_id))


@callback
def async_raise_control_failed(
    hass: HomeAssistant,
    appliance_id: str,
    *,
    appliance: str,
    command: str,
    target: str,
    attempts: int,
    reason: str,
) -> None:
    """Say that an appliance's plug never confirmed the command it was sent."""
    _async_raise(
        hass,
        CONTROL_FAILED,
        appliance_id,
        ir.IssueSeverity.ERROR,
        {
            "appliance": appliance,
            "command": command,
            "target": target,
            "attempts": str(attempts),
            "reason": reason,
        },
    )


@callback
def async_clear_control_failed(hass: HomeAssistant, appliance_id: str) -> None:
    """Withdraw the plug's failure: it did what it was asked."""
    ir.async_delete_issue(hass, DOMAIN, issue_id(CONTROL_FAILED, appliance_id))


@callback
def async_raise_mqtt_not_set_up(hass: HomeAssistant, appliance_id: str, appliance: str) -> None:
    """Say that an appliance is switched over MQTT while Home Assistant has no MQTT client."""
    _async_raise(
        hass,
        MQTT_NOT_SET_UP,
        appliance_id,
        ir.IssueSeverity.ERROR,
        {"appliance": appliance},
    )


@callback
def async_clear_mqtt_not_set_up(hass: HomeAssistant, appliance_id: str) -> None:
    """Withdraw the missing MQTT client: it is there."""
    ir.async_delete_issue(hass, DOMAIN, issue_id(MQTT_NOT_SET_UP, appliance_id))


@callback
def async_raise_model_files_damaged(hass: HomeAssistant, error: str) -> None:
    """Say that the shipped forecast models cannot be used, for every entry."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        MODEL_FILES_DAMAGED,
        is_fixable=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key="model_files_damaged",
        translation_placeholders={"error": error},
    )


@callback
def async_clear_model_files_damaged(hass: HomeAssistant) -> None:
    """Withdraw the damaged models: they loaded."""
    ir.async_delete_issue(hass, DOMAIN, MODEL_FILES_DAMAGED)


def _local_minute(moment: datetime) -> str:
    return dt_util.as_local(moment).isoformat(timespec="minutes")


@callback
def async_update_tariff_repairs(
    hass: HomeAssistant,
    entry_id: str,
    *,
    title: str,
    refused: TariffError | None,
    expired: tuple[Component, ...],
    today: date,
) -> None:
    """Raise or withdraw the repair issues of the entry's tariff."""
    if refused is None:
        ir.async_delete_issue(hass, DOMAIN, issue_id(TARIFF_INVALID, entry_id))
    else:
        _async_raise(
            hass,
            TARIFF_INVALID,
            entry_id,
            ir.IssueSeverity.WARNING,
            {
                "title": title,
                "code": refused.issue.code,
                "details": ", ".join(f"{k}={v}" for k, v in refused.issue.placeholders.items()),
            },
        )
    if not expired:
        ir.async_delete_issue(hass, DOMAIN, issue_id(TARIFF_EXPIRED, entry_id))
        return
    _async_raise(
        hass,
        TARIFF_EXPIRED,
        entry_id,
        ir.IssueSeverity.WARNING,
        {
            "title": title,
            "charges": ", ".join(sorted(c.name for c in expired)),
            "since": min(c.valid_to or today for c in expired).isoformat(),
        },
    )


@callback
def async_raise_base_load_sensor_class(
    hass: HomeAssistant, entry: ConfigEntry, sensor: str, device_class: object
) -> None:
    """Say that the base-load sensor measures neither power nor energy."""
    _async_raise(
        hass,
        BASE_LOAD_SENSOR_CLASS,
        entry.entry_id,
        ir.IssueSeverity.WARNING,
        {
            "title": entry.title,
            "entity_id": sensor,
            "device_class": str(device_class),
        },
    )


@callback
def async_clear_base_load_sensor_class(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Withdraw the base-load sensor's issue: it measures power or energy, or is gone."""
    ir.async_delete_issue(hass, DOMAIN, issue_id(BASE_LOAD_SENSOR_CLASS, entry.entry_id))


def solar_issue_translation_key(issue: SolarIssue) -> str:
    """Return the translation key of the solar forecast's repair issue for ``issue``."""
    return f"solar_{issue.code}"


@callback
def async_raise_solar_forecast(
    hass: HomeAssistant, entry: ConfigEntry, source: str, issue: SolarIssue, since: datetime
) -> None:
    """Say that the plans have had no solar forecast since ``since``, and why."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id(SOLAR_FORECAST, entry.entry_id),
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key=solar_issue_translation_key(issue),
        translation_placeholders={
            "title": entry.title,
            "source": source,
            "since": _local_minute(since),
            "details": ", ".join(f"{k}={v}" for k, v in issue.placeholders.items()),
        },
    )


@callback
def async_clear_solar_forecast(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Withdraw the solar forecast's issue: it is used again, or no longer configured."""
    ir.async_delete_issue(hass, DOMAIN, issue_id(SOLAR_FORECAST, entry.entry_id))


@callback
def async_raise_battery_soc_sensor(
    hass: HomeAssistant,
    entry: ConfigEntry,
    *,
    battery: str,
    sensor: str,
    reason: str,
    since: datetime,
) -> None:
    """Say that the battery's state-of-charge sensor has given no number since ``since``."""
    _async_raise(
        hass,
        BATTERY_SOC_SENSOR,
        entry.entry_id,
        ir.IssueSeverity.WARNING,
        {
            "title": entry.title,
            "battery": battery,
            "sensor": sensor,
            "reason": reason,
            "since": _local_minute(since),
        },
    )


@callback
def async_clear_battery_soc_sensor(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Withdraw the battery sensor's issue: it reports a number, or is not the battery's now."""
    ir.async_delete_issue(hass, DOMAIN, issue_id(BATTERY_SOC_SENSOR, entry.entry_id))


@callback
def async_raise_battery_control_failed(
    hass: HomeAssistant,
    entry: ConfigEntry,
    *,
    battery: str,
    entity: str,
    value: str,
    attempts: int,
    error: str,
) -> None:
    """Say that the battery's inverter entity refused the planned mode's value every time."""
    _async_raise(
        hass,
        BATTERY_CONTROL_FAILED,
        entry.entry_id,
        ir.IssueSeverity.ERROR,
        {
            "battery": battery,
            "entity": entity,
            "value": value,
            "attempts": str(attempts),
            "error": error,
        },
    )


@callback
def async_clear_battery_control_failed(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Withdraw the inverter's failure: a command went through, or it is set no longer."""
    ir.async_delete_issue(hass, DOMAIN, issue_id(BATTERY_CONTROL_FAILED, entry.entry_id))
