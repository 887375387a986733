"""Actions with response data, registered once for all entries."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from datetime import datetime, timedelta
from typing import Any, Final

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, selector
from homeassistant.util import dt as dt_util
import voluptuous as vol

from .action_errors import issue_error, localised_placeholders
from .const import ATTR_CONFIG_ENTRY, DOMAIN
from .core import convert
from .core.forecast.features import WEEK_HORIZON_HOURS
from .core.optimizer import (
    APPLIANCE_KINDS,
    Appliance,
    ApplianceError,
    PlanningError,
    estimate_savings,
    find_cheapest_windows,
    preset,
)
from .core.prices import PriceSeries
from .data import PriceOptimizerConfigEntry
from .plan_coordinator import PlanData
from .precision import rounded

SERVICE_GET_PRICES: Final = "get_prices"
SERVICE_FIND_CHEAPEST_WINDOW: Final = "find_cheapest_window"
SERVICE_ESTIMATE_SAVINGS: Final = "estimate_savings"
SERVICE_GET_PLAN: Final = "get_plan"
SERVICE_GET_FORECAST: Final = "get_forecast"
SERVICE_GET_ENERGY_PLAN: Final = "get_energy_plan"

ATTR_DURATION: Final = "duration"
ATTR_EARLIEST_START: Final = "earliest_start"
ATTR_LATEST_END: Final = "latest_end"
ATTR_COUNT: Final = "count"
ATTR_POWER_KW: Final = "power_kw"
ATTR_APPLIANCE_IDS: Final = "appliance_ids"
ATTR_APPLIANCES: Final = "appliances"
ATTR_HOURS_AHEAD: Final = "hours_ahead"
ATTR_INCLUDE_BANDS: Final = "include_bands"
ATTR_PUBLISHED_ONLY: Final = "published_only"

# Fields of an inline appliance that replace each other rather than add up.
DEMAND_FIELDS: Final = frozenset({"duration_minutes", "energy_kwh", "phases"})
WINDOW_FIELDS: Final = frozenset(
    {"daily_ready_by", "daily_earliest_start", "earliest_start", "deadline"}
)

ENTRY_SCHEMA = vol.Schema(
    {vol.Required(ATTR_CONFIG_ENTRY): selector.ConfigEntrySelector({"integration": DOMAIN})}
)
GET_PRICES_SCHEMA = ENTRY_SCHEMA
GET_PLAN_SCHEMA = ENTRY_SCHEMA
GET_ENERGY_PLAN_SCHEMA = ENTRY_SCHEMA
GET_FORECAST_SCHEMA = ENTRY_SCHEMA.extend(
    {
        vol.Optional(ATTR_HOURS_AHEAD, default=36): vol.All(
            vol.Coerce(float), vol.Range(min=0.25, max=WEEK_HORIZON_HOURS)
        ),
        vol.Optional(ATTR_INCLUDE_BANDS, default=True): bool,
    }
)
FIND_CHEAPEST_WINDOW_SCHEMA = ENTRY_SCHEMA.extend(
    {
        # Any period: the optimizer says precisely why one that is not positive is refused.
        vol.Required(ATTR_DURATION): cv.time_period,
        vol.Optional(ATTR_EARLIEST_START): cv.datetime,
        vol.Optional(ATTR_LATEST_END): cv.datetime,
        vol.Optional(ATTR_COUNT, default=1): vol.All(vol.Coerce(int), vol.Range(min=1, max=24)),
        vol.Optional(ATTR_POWER_KW, default=1.0): vol.All(
            vol.Coerce(float), vol.Range(min=0, min_included=False)
        ),
        vol.Optional(ATTR_PUBLISHED_ONLY, default=False): bool,
    }
)
ESTIMATE_SAVINGS_SCHEMA = ENTRY_SCHEMA.extend(
    {
        vol.Optional(ATTR_APPLIANCE_IDS, default=list): vol.All(cv.ensure_list, [cv.string]),
        vol.Optional(ATTR_APPLIANCES, default=list): vol.All(cv.ensure_list, [dict]),
    }
)


def _loaded_entry(call: ServiceCall) -> PriceOptimizerConfigEntry:
    entry_id: str = call.data[ATTR_CONFIG_ENTRY]
    entry: PriceOptimizerConfigEntry | None = call.hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="entry_not_found",
            translation_placeholders={"entry_id": entry_id},
        )
    if entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="entry_not_loaded",
            translation_placeholders={"title": entry.title},
        )
    return entry


def _plan_data(call: ServiceCall) -> PlanData:
    """Return the entry's latest plan, or refuse the call when there is none yet."""
    entry = _loaded_entry(call)
    data = entry.runtime_data.planner.data
    if data is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="no_plan",
            translation_placeholders={"title": entry.title},
        )
    return data


async def _async_get_prices(call: ServiceCall) -> ServiceResponse:
    entry = _loaded_entry(call)
    data = entry.runtime_data.coordinator.data
    prices = data.prices
    now = dt_util.now()
    today, tomorrow = prices.local_day_of(now), prices.local_day_of(now, 1)

    def parts(slots: PriceSeries) -> list[dict[str, Any]]:
        found = (data.slot_prices.get(slot.start) for slot in slots)
        return [part.as_dict() for part in found if part is not None]

    response: dict[str, Any] = {
        "currency": prices.currency,
        "unit": f"{prices.currency}/kWh",
        "today": [slot.as_dict() for slot in today],
        "tomorrow": [slot.as_dict() for slot in tomorrow],
        # Each slot's total as the tariff makes it: market price, components, VAT.
        "parts": {"today": parts(today), "tomorrow": parts(tomorrow)},
    }
    return response


async def _async_find_cheapest_window(call: ServiceCall) -> ServiceResponse:
    entry = _loaded_entry(call)
    prices = entry.runtime_data.planner.price_plan()
    try:
        windows = find_cheapest_windows(
            prices,
            call.data[ATTR_DURATION],
            now=dt_util.utcnow(),
            earliest_start=_utc(call.data.get(ATTR_EARLIEST_START)),
            latest_end=_utc(call.data.get(ATTR_LATEST_END)),
            count=call.data[ATTR_COUNT],
            power_kw=call.data[ATTR_POWER_KW],
            published_only=call.data[ATTR_PUBLISHED_ONLY],
        )
    except PlanningError as err:
        # The optimizer names no appliance here: say it of the window instead.
        key = "no_window_fits" if err.issue.code == "window_too_short" else err.issue.code
        raise issue_error(err.issue, key) from err
    return {
        "currency": prices.currency,
        "power_kw": call.data[ATTR_POWER_KW],
        "windows": [window.as_dict() for window in windows],
    }


async def _async_estimate_savings(call: ServiceCall) -> ServiceResponse:
    entry = _loaded_entry(call)
    planner = entry.runtime_data.planner
    appliances = [*_configured(planner.appliances, call.data[ATTR_APPLIANCE_IDS])]
    appliances += [_inline(number, item) for number, item in enumerate(call.data[ATTR_APPLIANCES])]
    if not appliances:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="no_appliances")
    for appliance in appliances:
        try:
            appliance.validate()
        except ApplianceError as err:
            raise issue_error(err.issue) from err
    request = planner.household_request(tuple(appliances), dt_util.utcnow())
    estimate = await call.hass.async_add_executor_job(estimate_savings, request)
    for appliance in appliances:
        plans = estimate.schedule.for_appliance(appliance.appliance_id)
        blocked = next((p.issue for p in plans if p.issue is not None), None)
        if blocked is not None and not any(p.runs for p in plans):
            raise issue_error(blocked)
    return estimate.as_dict()


async def _async_get_plan(call: ServiceCall) -> ServiceResponse:
    data = _plan_data(call)
    now = dt_util.utcnow()
    appliances = []
    for appliance_id, appliance in data.appliances.items():
        record = data.records[appliance_id]
        run = data.schedule.next_run(appliance_id, now)
        expected_cost, expected_savings = data.promised(appliance_id)
        appliances.append(
            {
                "appliance_id": appliance_id,
                "name": appliance.name,
                "kind": appliance.kind,
                "status": record.status,
                "reason": None if record.issue is None else record.issue.code,
                "reason_details": (
                    None if record.issue is None else localised_placeholders(record.issue)
                ),
                "next_run": None if run is None else run.as_dict(),
                "expected_cost": convert.rounded(expected_cost),
                "expected_savings": convert.rounded(expected_savings),
                "automatic_control": record.automatic_control,
                "realised_savings": convert.rounded(record.ledger.total),
                "finished_runs": record.ledger.runs,
            }
        )
    return {**data.schedule.as_dict(), "appliances": appliances, "solar": _solar_answer(data)}


def _solar_answer(data: PlanData) -> dict[str, Any] | None:
    """Return the solar forecast read for the plan, with its mean kW on the plan's slots."""
    if data.solar is None:
        return None
    return {**data.solar.as_dict(), "slots": [slot.as_dict() for slot in data.solar_slots]}


async def _async_get_energy_plan(call: ServiceCall) -> ServiceResponse:
    data = _plan_data(call)
    energy = data.schedule.energy
    if energy is None:
        # Without a usable solar forecast or a battery the plan has no balance to show.
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="no_energy_plan",
            translation_placeholders={"title": _loaded_entry(call).title},
        )
    battery = data.battery
    return {
        "currency": data.schedule.currency,
        **energy.as_dict(),
        "end_soc": convert.rounded(energy.end_soc),
        "battery": None
        if battery is None
        else {"name": battery.name, "soc": battery.soc, "stored_kwh": battery.stored_kwh},
        "battery_issue": data.battery_issue,
        "solar": _solar_answer(data),
    }


def _configured(known: Mapping[str, Appliance], appliance_ids: list[str]) -> list[Appliance]:
    found = []
    for appliance_id in appliance_ids:
        if appliance_id not in known:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="appliance_not_found",
                translation_placeholders={"appliance_id": appliance_id},
            )
        found.append(known[appliance_id])
    return found


def _inline(number: int, item: Mapping[str, Any]) -> Appliance:
    """Return an appliance given in the call: its kind's preset, changed by the given fields.

    The fields are those of an appliance subentry. Where the call sets a
    demand (duration, energy or phases) or a window (daily or one-off), the
    preset's alternatives make way for it; a time without a zone is local.
    """
    position = str(number + 1)
    kind = item.get("kind", "custom")
    if kind not in APPLIANCE_KINDS:
        raise _invalid(position, f"unknown kind {kind}")
    appliance_id = str(item.get("appliance_id", f"appliance_{position}"))
    base = preset(kind, appliance_id, str(item.get("name", appliance_id))).as_dict()
    unknown = sorted(set(item) - set(base))
    if unknown:
        raise _invalid(position, f"unknown fields {', '.join(unknown)}")
    for alternatives in (DEMAND_FIELDS, WINDOW_FIELDS):
        if alternatives & set(item):
            base.update({key: [] if key == "phases" else None for key in alternatives})
    given = dict(item)
    for key in ("earliest_start", "deadline"):
        value = given.get(key)
        moment = dt_util.parse_datetime(value) if isinstance(value, str) else None
        if moment is not None and moment.tzinfo is None:
            given[key] = moment.replace(tzinfo=dt_util.get_default_time_zone()).isoformat()
    try:
        return Appliance.from_dict({**base, **given, "appliance_id": appliance_id})
    except (KeyError, TypeError, ValueError) as err:
        raise _invalid(position, str(err)) from err


def _invalid(position: str, error: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="appliance_invalid",
        translation_placeholders={"number": position, "error": error},
    )


async def _async_get_forecast(call: ServiceCall) -> ServiceResponse:
    entry = _loaded_entry(call)
    forecast = entry.runtime_data.forecast
    if forecast.data is None:
        # The first forecast is made just after the entry is set up.
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="no_forecast_yet",
            translation_placeholders={"title": entry.title},
        )
    plan = forecast.price_plan
    now = dt_util.utcnow()
    current = plan.slot_at(now)
    start = current.start if current else now
    slots = []
    for slot in plan.between(start, start + timedelta(hours=call.data[ATTR_HOURS_AHEAD])):
        item = slot.as_dict()
        if not call.data[ATTR_INCLUDE_BANDS]:
            item.pop("lower", None)
            item.pop("upper", None)
        slots.append(item)
    data = forecast.data
    response: dict[str, Any] = {
        "currency": plan.currency,
        "unit": f"{plan.currency}/kWh",
        "forecast_status": data.status,
        "generated_at": data.generated_at.isoformat() if data.generated_at else None,
        "known_until": (end.isoformat() if (end := forecast.prices.data.prices.end) else None),
        "model_version": (
            forecast.engine.forecaster.version if forecast.engine.forecaster else None
        ),
        "runtime": data.runtime,
        "members": list(data.members),
        "slots": slots,
    }
    return response


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else dt_util.as_utc(value)


@callback
def async_register_actions(hass: HomeAssistant) -> None:
    """Register the integration's actions."""
    for name, handler, schema in (
        (SERVICE_GET_PRICES, _async_get_prices, GET_PRICES_SCHEMA),
        (SERVICE_FIND_CHEAPEST_WINDOW, _async_find_cheapest_window, FIND_CHEAPEST_WINDOW_SCHEMA),
        (SERVICE_ESTIMATE_SAVINGS, _async_estimate_savings, ESTIMATE_SAVINGS_SCHEMA),
        (SERVICE_GET_PLAN, _async_get_plan, GET_PLAN_SCHEMA),
        (SERVICE_GET_FORECAST, _async_get_forecast, GET_FORECAST_SCHEMA),
        (SERVICE_GET_ENERGY_PLAN, _async_get_energy_plan, GET_ENERGY_PLAN_SCHEMA),
    ):
        hass.services.async_register(
            DOMAIN,
            name,
            _with_rounding(handler),
            schema=schema,
            supports_response=SupportsResponse.ONLY,
        )


def _with_rounding(
    handler: Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]],
) -> Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]:
    """Round every price and money value of the handler's answer (see precision.py)."""

    async def answer(call: ServiceCall) -> ServiceResponse:
        return rounded(await handler(call))

    return answer
