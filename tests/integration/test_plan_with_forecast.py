"""Plans beyond the published prices: made on the forecast, made again on the market prices."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import combinations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.price_optimizer.const import DOMAIN
from custom_components.price_optimizer.core.prices import PriceSeries, PriceSlot
from custom_components.price_optimizer.precision import money

from .appliances import add_appliance, move_to, state_of
from .conftest import MORNING

HOUR = timedelta(hours=1)


async def setup_in_the_morning(
    hass: HomeAssistant, entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(MORNING)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)


def cycle_cost(plan: PriceSeries, start: datetime, hours: int, power_kw: float) -> float:
    return power_kw * sum(plan.slot_at(start + step * HOUR).price for step in range(hours))


def cheapest_start(plan: PriceSeries, first: datetime, due: datetime, hours: int) -> datetime:
    starts = [first + step * HOUR for step in range(int((due - first) / HOUR) - hours + 1)]
    return min(starts, key=lambda start: (cycle_cost(plan, start, hours, 1.0), start))


async def test_a_run_beyond_the_published_prices_is_planned_on_the_forecast_then_on_the_market(
    hass: HomeAssistant,
    berlin: HomeAssistant,
    mock_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_in_the_morning(hass, mock_entry, freezer)
    dishwasher = await add_appliance(hass, mock_entry, "dishwasher")
    planner = mock_entry.runtime_data.planner
    known_until = mock_entry.runtime_data.coordinator.data.prices.end

    # Before 12:55 tonight's prices are not published: the plan uses the forecast.
    assert state_of(hass, "sensor", dishwasher, "status").state == "scheduled"
    (occurrence, *_) = planner.data.plans(dishwasher)
    plan = planner.price_plan()
    first = max(occurrence.window_start, dt_util.as_utc(MORNING.replace(hour=10, minute=0)))
    start = cheapest_start(plan, first, occurrence.due, 2)
    assert occurrence.runs[0].start == start
    assert plan.slot_at(start).origin == "forecast"
    assert start >= known_until
    assert float(state_of(hass, "sensor", dishwasher, "planned_cost").state) == pytest.approx(
        money(cycle_cost(plan, start, 2, 1.5))
    )

    # Tomorrow's prices are published: the run moves to the cheapest market hours.
    await move_to(hass, freezer, MORNING.replace(hour=12, minute=55))
    await hass.async_block_till_done(wait_background_tasks=True)
    (occurrence, *_) = planner.data.plans(dishwasher)
    market = mock_entry.runtime_data.coordinator.data.prices
    first = max(occurrence.window_start, dt_util.as_utc(MORNING.replace(hour=13, minute=0)))
    start = cheapest_start(market, first, occurrence.due, 2)
    assert occurrence.runs[0].start == start
    assert planner.price_plan().slot_at(start).origin == "market"
    assert float(state_of(hass, "sensor", dishwasher, "planned_cost").state) == pytest.approx(
        money(cycle_cost(market, start, 2, 1.5))
    )


@pytest.mark.parametrize("risk", ["median", "upper"])
async def test_the_risk_setting_picks_forecast_hours_by_median_or_upper_band(
    hass: HomeAssistant,
    berlin: HomeAssistant,
    mock_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    risk: str,
) -> None:
    await setup_in_the_morning(hass, mock_entry, freezer)
    ev = await add_appliance(hass, mock_entry, "ev_charger", risk=risk)
    planner = mock_entry.runtime_data.planner
    (occurrence, *_) = planner.data.plans(ev)
    plan = planner.price_plan()

    def weight(slot: PriceSlot) -> float:
        if slot.origin == "forecast" and risk == "upper":
            assert slot.upper is not None
            return slot.upper
        return slot.price

    first = max(occurrence.window_start, dt_util.as_utc(MORNING.replace(hour=10, minute=0)))
    hours = [
        slot
        for slot in plan.between(first, occurrence.due)
        if slot.duration == HOUR and slot.end <= occurrence.due
    ]
    best = min(combinations(hours, 6), key=lambda pick: sum(weight(slot) for slot in pick))
    planned = sorted(
        run.start + step * HOUR
        for run in occurrence.runs
        for step in range(int((run.end - run.start) / HOUR))
    )
    assert planned == sorted(slot.start for slot in best)
    assert any(plan.slot_at(start).origin == "forecast" for start in planned)


async def test_find_cheapest_window_says_what_the_forecast_prices_and_can_keep_to_the_market(
    hass: HomeAssistant,
    berlin: HomeAssistant,
    mock_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_in_the_morning(hass, mock_entry, freezer)
    known_until = mock_entry.runtime_data.coordinator.data.prices.end
    assert known_until == dt_util.parse_datetime("2026-11-25T00:00:00+01:00")

    async def windows(**data: object) -> list[dict[str, object]]:
        response = await hass.services.async_call(
            DOMAIN,
            "find_cheapest_window",
            {"config_entry": mock_entry.entry_id, "duration": {"hours": 2}, **data},
            blocking=True,
            return_response=True,
        )
        assert response is not None
        return response["windows"]  # type: ignore[return-value]

    (straddling,) = await windows(
        earliest_start="2026-11-24 23:00:00", latest_end="2026-11-25 01:00:00"
    )
    assert (straddling["forecast_share"], straddling["includes_forecast"]) == (0.5, True)
    (beyond,) = await windows(earliest_start="2026-11-25 02:00:00")
    assert (beyond["forecast_share"], beyond["includes_forecast"]) == (1.0, True)
    (published,) = await windows(published_only=True)
    assert (published["forecast_share"], published["includes_forecast"]) == (0.0, False)
    assert dt_util.parse_datetime(str(published["end"])) <= known_until

    with pytest.raises(ServiceValidationError) as caught:
        await windows(earliest_start="2026-11-25 02:00:00", published_only=True)
    assert caught.value.translation_key == "published_prices_too_short"
    assert caught.value.translation_placeholders["prices_until"] == "2026-11-25 00:00"
