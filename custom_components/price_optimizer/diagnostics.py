"""Diagnostics for a config entry, with every credential redacted."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_API_KEY, CONF_PASSWORD, CONF_TOKEN, CONF_USERNAME
from homeassistant.core import HomeAssistant

from .const import (
    CONF_ACCESS_TOKEN,
    CONF_ACCOUNT_ID,
    CONF_HOME_ID,
    CONF_LOCATION_ID,
    CONF_SECURITY_TOKEN,
    CONF_SITE_ID,
)
from .data import PriceOptimizerConfigEntry

# Credentials, and identifiers that point at one household's account or home.
TO_REDACT = {
    CONF_API_KEY,
    CONF_PASSWORD,
    CONF_TOKEN,
    CONF_USERNAME,
    CONF_ACCESS_TOKEN,
    CONF_ACCOUNT_ID,
    CONF_HOME_ID,
    CONF_LOCATION_ID,
    CONF_SECURITY_TOKEN,
    CONF_SITE_ID,
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: PriceOptimizerConfigEntry
) -> dict[str, Any]:
    """Return settings, source state, findings, appliances, their records, the plan, its solar.

    Also what was sent to the plugs and to the battery's inverter, and whether a person holds
    the inverter's mode.
    """
    coordinator = entry.runtime_data.coordinator
    planner = entry.runtime_data.planner
    data = coordinator.data
    plan = planner.data
    return {
        "entry": {
            "title": entry.title,
            "data": async_redact_data(dict(entry.data), TO_REDACT),
            "options": async_redact_data(dict(entry.options), TO_REDACT),
        },
        "source": {
            "available": data.source_available,
            "last_fetch": data.last_fetch.isoformat() if data.last_fetch else None,
            "last_success": data.last_success.isoformat() if data.last_success else None,
            "next_fetch": coordinator.next_fetch.isoformat() if coordinator.next_fetch else None,
            "held_from": data.raw.start.isoformat() if data.raw.start else None,
            "held_until": data.raw.end.isoformat() if data.raw.end else None,
            "slots_held": len(data.raw),
            "currency": data.raw.currency,
        },
        "findings": [finding.as_dict() for finding in data.findings],
        "exogenous": {
            series.kind: {
                "unit": series.unit,
                "points": len(series.points),
                "until": str(series.end),
            }
            for series in data.exogenous
        },
        "appliances": {
            subentry_id: {"title": subentry.title, "data": dict(subentry.data)}
            for subentry_id, subentry in entry.subentries.items()
        },
        "household_limit_kw": planner.household_limit_kw,
        "plan": {
            "available": planner.last_update_success,
            "records": (
                {}
                if plan is None
                else {key: record.as_dict() for key, record in plan.records.items()}
            ),
            "schedule": None if plan is None else plan.schedule.as_dict(),
        },
        "control": entry.runtime_data.actuator.diagnostics(),
        "battery_control": entry.runtime_data.battery_actuator.diagnostics(),
        "household_load": entry.runtime_data.household.diagnostics(),
        "solar_forecast": {
            **planner.solar.diagnostics(),
            "plan_slots": [] if plan is None else [s.as_dict() for s in plan.solar_slots],
        },
    }
