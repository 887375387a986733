"""The bundled replay source: real prices, mapped by weekday and season, published like a market."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.price_optimizer.core.prices import local_day_bounds
from custom_components.price_optimizer.core.sources.replay import AREAS, ReplaySource, load_table

BERLIN = ZoneInfo("Europe/Berlin")


def source_at(now: datetime, area: str = "DE-LU", minutes: int = 60) -> ReplaySource:
    return ReplaySource(area=area, resolution_minutes=minutes, now=lambda: now)


def test_bundled_file_holds_53_weeks_of_every_area() -> None:
    table = load_table()
    assert table.first_day == date(2022, 6, 25)
    assert table.days == 371
    assert {column for column, _ in AREAS.values()} == set(table.prices)
    assert all(len(prices) == 371 * 24 for prices in table.prices.values())


async def test_replays_the_same_weekday_of_the_bundled_year() -> None:
    # Tuesday 2026-11-24 maps to Tuesday 2022-11-22, two days off in the season.
    now = datetime(2026, 11, 24, 15, tzinfo=UTC)
    start, end = local_day_bounds(date(2026, 11, 24), BERLIN)
    series = await source_at(now).async_fetch(start, end)
    table = load_table()
    day = (date(2022, 11, 22) - table.first_day).days
    assert date(2022, 11, 22).weekday() == date(2026, 11, 24).weekday()
    assert [slot.price for slot in series] == pytest.approx(
        [price / 1000 for price in table.prices["DE_LU"][day * 24 : day * 24 + 24]]
    )
    assert series.currency == "EUR"


@pytest.mark.parametrize(
    ("day", "minutes", "count"),
    [
        (date(2026, 3, 29), 60, 23),
        (date(2026, 3, 29), 15, 92),
        (date(2026, 10, 25), 60, 25),
        (date(2026, 10, 25), 15, 100),
        (date(2026, 11, 24), 15, 96),
    ],
)
async def test_dst_days_have_the_right_number_of_slots(day: date, minutes: int, count: int) -> None:
    start, end = local_day_bounds(day, BERLIN)
    series = await source_at(end + timedelta(days=3), minutes=minutes).async_fetch(start, end)
    assert len(series) == count
    assert series.start == start
    assert series.end == end
    assert all(a.end == b.start for a, b in zip(series.slots, series.slots[1:], strict=False))


async def test_the_repeated_autumn_hour_carries_the_same_wall_clock_price() -> None:
    start, end = local_day_bounds(date(2026, 10, 25), BERLIN)
    series = await source_at(end).async_fetch(start, end)
    # Local 02:00 happens twice: at 00:00 and 01:00 UTC.
    assert series.slots[2].price == series.slots[3].price


async def test_tomorrow_appears_only_after_publication() -> None:
    start = local_day_bounds(date(2026, 11, 24), BERLIN)[0]
    end = start + timedelta(days=2)
    before = datetime(2026, 11, 24, 12, 54, tzinfo=BERLIN)
    after = datetime(2026, 11, 24, 12, 55, tzinfo=BERLIN)
    assert (await source_at(before).async_fetch(start, end)).end == start + timedelta(days=1)
    assert (await source_at(after).async_fetch(start, end)).end == end


async def test_finland_publishes_its_own_local_day_at_the_same_moment() -> None:
    helsinki = ZoneInfo("Europe/Helsinki")
    now = datetime(2026, 11, 24, 12, 56, tzinfo=BERLIN)
    start = local_day_bounds(date(2026, 11, 24), helsinki)[0]
    series = await source_at(now, area="FI").async_fetch(start, start + timedelta(days=3))
    assert series.end == local_day_bounds(date(2026, 11, 25), helsinki)[1]
    assert source_at(now, area="FI").publication.at.hour == 13


async def test_a_range_starting_mid_hour_starts_at_the_next_slot() -> None:
    start = datetime(2026, 11, 20, 10, 20, tzinfo=UTC)
    series = await source_at(start + timedelta(days=2), minutes=15).async_fetch(
        start, start + timedelta(hours=1)
    )
    assert series.start == datetime(2026, 11, 20, 10, 30, tzinfo=UTC)
    assert len(series) == 4


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (date(2026, 11, 24), date(2022, 11, 22)),
        (date(2031, 11, 25), date(2022, 11, 22)),
        (date(2027, 6, 30), date(2022, 6, 29)),
        (date(2027, 7, 1), date(2022, 6, 30)),
        (date(2028, 2, 29), date(2023, 2, 28)),
    ],
)
async def test_maps_every_date_to_the_same_weekday_within_four_days_of_season(
    target: date, expected: date
) -> None:
    noon = datetime(target.year, target.month, target.day, 12, tzinfo=BERLIN)
    series = await source_at(noon + timedelta(days=2)).async_fetch(noon, noon + timedelta(hours=1))
    table = load_table()
    day = (expected - table.first_day).days
    assert expected.weekday() == target.weekday()
    assert series.slots[0].price == pytest.approx(table.prices["DE_LU"][day * 24 + 12] / 1000)
