"""Normalisation to the one slot model: properties that must hold on every day, DST included."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
import math
from zoneinfo import ZoneInfo

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.price_optimizer.core.prices import PriceSlot, local_day_bounds
from custom_components.price_optimizer.core.sources.base import SourceDataError
from custom_components.price_optimizer.core.sources.entsoe import parse_prices
from custom_components.price_optimizer.core.sources.normalise import (
    averaged,
    forward_filled,
    from_epoch_ms,
    number,
    parse_time,
    resolution,
    series_from_slots,
    within,
)

ZONES = [
    ZoneInfo(name)
    for name in (
        "Europe/Berlin",
        "Europe/London",
        "Europe/Helsinki",
        "America/Chicago",
        "Australia/Sydney",
        "Europe/Oslo",
    )
]
# Every day of two years, so spring and autumn transitions of both hemispheres are drawn.
DAYS = st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31))
DST_DAYS = st.sampled_from(
    [
        date(2025, 3, 30),
        date(2025, 10, 26),
        date(2025, 3, 9),
        date(2025, 11, 2),
        date(2025, 4, 6),
        date(2025, 10, 5),
        date(2026, 3, 29),
        date(2026, 10, 25),
    ]
)
MINUTES = st.sampled_from([15, 30, 60])
PRICES = st.floats(min_value=-500, max_value=4000, allow_nan=False).map(lambda p: round(p, 2))


def provider_points(
    day: date, zone: ZoneInfo, minutes: int, prices: list[float]
) -> list[tuple[str, str, float]]:
    """Return a local day as a provider sends it: ISO strings with the local UTC offset."""
    start, end = local_day_bounds(day, zone)
    step = timedelta(minutes=minutes)
    points = []
    when = start
    index = 0
    while when < end:
        points.append(
            (
                when.astimezone(zone).isoformat(),
                (when + step).astimezone(zone).isoformat(),
                prices[index % len(prices)],
            )
        )
        when += step
        index += 1
    return points


@settings(max_examples=300)
@given(
    day=st.one_of(DAYS, DST_DAYS),
    zone=st.sampled_from(ZONES),
    minutes=MINUTES,
    prices=st.lists(PRICES, min_size=1, max_size=120),
    order=st.randoms(use_true_random=False),
    repeated=st.integers(min_value=0, max_value=5),
)
def test_a_local_day_becomes_contiguous_slots_of_the_right_count(
    day: date, zone: ZoneInfo, minutes: int, prices: list[float], order: object, repeated: int
) -> None:
    points = provider_points(day, zone, minutes, prices)
    # Providers page newest first and repeat entries across pages.
    sent = points + points[:repeated]
    order.shuffle(sent)  # type: ignore[attr-defined]
    series = series_from_slots(
        (
            PriceSlot(parse_time(start), parse_time(end) - parse_time(start), price / 1000)
            for start, end, price in sent
        ),
        "EUR",
    )
    start, end = local_day_bounds(day, zone)
    hours = (end - start) / timedelta(hours=1)
    assert hours in {23, 24, 25}
    assert len(series) == hours * 60 / minutes
    assert series.start == start
    assert series.end == end
    for before, after in zip(series.slots, series.slots[1:], strict=False):
        assert before.end == after.start
    assert [slot.price for slot in series] == [price / 1000 for _, _, price in points]


@settings(max_examples=200)
@given(
    day=st.one_of(DAYS, DST_DAYS),
    zone=st.sampled_from(ZONES[:3] + ZONES[5:]),
    prices=st.lists(st.sampled_from([-5.0, 0.0, 41.3, 41.3, 97.12]), min_size=1, max_size=100),
)
def test_an_a03_curve_round_trips_through_omitted_positions(
    day: date, zone: ZoneInfo, prices: list[float]
) -> None:
    start, end = local_day_bounds(day, zone)
    count = int((end - start) / timedelta(minutes=15))
    values = [prices[i % len(prices)] for i in range(count)]
    points = "".join(
        f"<Point><position>{i}</position><price.amount>{v}</price.amount></Point>"
        for i, v in enumerate(values, start=1)
        if i == 1 or v != values[i - 2]
    )
    z = "%Y-%m-%dT%H:%MZ"
    document = (
        "<Publication_MarketDocument "
        'xmlns="urn:iec62325.351:tc57wg16:451-3:publicationdocument:7:3">'
        "<TimeSeries><currency_Unit.name>EUR</currency_Unit.name>"
        "<price_Measure_Unit.name>MWH</price_Measure_Unit.name><curveType>A03</curveType>"
        f"<Period><timeInterval><start>{start.strftime(z)}</start><end>{end.strftime(z)}</end>"
        f"</timeInterval><resolution>PT15M</resolution>{points}</Period></TimeSeries>"
        "</Publication_MarketDocument>"
    )
    series = parse_prices(document)
    assert len(series) == count
    assert count in {92, 96, 100}
    assert [slot.price for slot in series] == pytest.approx([v / 1000 for v in values])


@given(
    count=st.integers(min_value=2, max_value=100),
    data=st.data(),
)
def test_forward_fill_repeats_the_last_sent_position(count: int, data: st.DataObject) -> None:
    sent = data.draw(st.sets(st.integers(min_value=2, max_value=count), max_size=count)) | {1}
    points = {position: float(position * 3) for position in sent}
    values = forward_filled(points, count)
    assert len(values) == count
    last = math.nan
    for position, value in enumerate(values, start=1):
        last = points.get(position, last)
        assert value == last


def test_forward_fill_needs_position_one_and_positions_inside_the_period() -> None:
    with pytest.raises(SourceDataError, match="position 1"):
        forward_filled({2: 1.0}, 4)
    with pytest.raises(SourceDataError, match="outside"):
        forward_filled({1: 1.0, 5: 2.0}, 4)


def test_finer_prices_average_into_their_slot() -> None:
    base = datetime(2025, 6, 1, 10, tzinfo=UTC)
    five = [(base + timedelta(minutes=5 * i), float(i)) for i in range(18)]
    assert averaged(five, timedelta(hours=1)) == [
        (base, sum(range(12)) / 12),
        (base + timedelta(hours=1), sum(range(12, 18)) / 6),
    ]


def test_timestamps_numbers_and_resolutions() -> None:
    assert parse_time("2025-10-26T02:00:00+01:00") == datetime(2025, 10, 26, 1, tzinfo=UTC)
    assert parse_time("2025-10-30T23:00Z") == datetime(2025, 10, 30, 23, tzinfo=UTC)
    assert from_epoch_ms("1673942400000") == datetime(2023, 1, 17, 8, tzinfo=UTC)
    assert number("-0.01317") == -0.01317
    assert resolution("PT15M") == timedelta(minutes=15)
    assert resolution("PT1H") == timedelta(hours=1)
    assert resolution("PT60M") == timedelta(hours=1)
    for bad in ("2025-10-26T02:00:00", "yesterday", 1700000000):
        with pytest.raises(SourceDataError):
            parse_time(bad)
    for bad_number in (True, None, "n/a", "nan", float("inf")):
        with pytest.raises(SourceDataError):
            number(bad_number)
    for bad_resolution in ("P1D", "PT", "15"):
        with pytest.raises(SourceDataError):
            resolution(bad_resolution)


def test_inconsistent_slots_are_rejected() -> None:
    t0 = datetime(2025, 6, 1, tzinfo=UTC)
    hour = timedelta(hours=1)
    with pytest.raises(SourceDataError, match="two different prices"):
        series_from_slots([PriceSlot(t0, hour, 1.0), PriceSlot(t0, hour, 2.0)], "EUR")
    with pytest.raises(SourceDataError, match="overlap"):
        series_from_slots(
            [PriceSlot(t0, hour, 1.0), PriceSlot(t0 + hour / 2, hour / 2, 1.0)], "EUR"
        )
    with pytest.raises(SourceDataError, match="lasts"):
        series_from_slots([PriceSlot(t0, timedelta(minutes=5), 1.0)], "EUR")
    with pytest.raises(SourceDataError, match="no time zone"):
        series_from_slots([PriceSlot(t0.replace(tzinfo=None), hour, 1.0)], "EUR")
    with pytest.raises(SourceDataError, match="finite"):
        series_from_slots([PriceSlot(t0, hour, math.nan)], "EUR")


def test_within_keeps_slots_overlapping_the_window() -> None:
    t0 = datetime(2025, 6, 1, tzinfo=UTC)
    hour = timedelta(hours=1)
    series = series_from_slots([PriceSlot(t0 + i * hour, hour, float(i)) for i in range(5)], "SEK")
    trimmed = within(series, t0 + hour / 2, t0 + 3 * hour)
    assert [slot.price for slot in trimmed] == [0.0, 1.0, 2.0]
    assert trimmed.currency == "SEK"
