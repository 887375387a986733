"""The one feature builder: scaling, calendar in local time, lags, gaps and missing inputs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays
import numpy as np
import pytest

from custom_components.price_optimizer.core.forecast.features import (
    CALENDAR_FEATURES,
    CONTEXT_HOURS,
    EXOGENOUS_CHANNELS,
    HISTORY_FEATURES,
    HISTORY_HOURS,
    HORIZON_FEATURES,
    HORIZON_HOURS,
    LINEAR_PRICE_DAYS,
    TABULAR_FEATURES,
    WEEKDAYS,
    ForecastInputs,
    InsufficientHistoryError,
    LevelScaling,
    build_features,
    calendar_features,
    fill_gaps,
    linear_design,
    local_weekdays,
    robust_scaling,
)

BERLIN = ZoneInfo("Europe/Berlin")


def linear_feature_count(channels: int) -> int:
    """Return the width of :func:`linear_design` rows."""
    return 24 * len(LINEAR_PRICE_DAYS) + 3 * 24 * channels + WEEKDAYS


ORIGIN = int(datetime(2024, 3, 11, 23, tzinfo=UTC).timestamp())


def hour_starts(origin: int, before: int, after: int) -> np.ndarray:
    return origin + 3600 * np.arange(-before, after, dtype=np.int64)


def daily_prices(hours: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    shape = 60 + 25 * np.sin(2 * np.pi * np.arange(hours) / 24)
    return shape + rng.normal(0, 3, hours)


def make_inputs(
    prices: np.ndarray, exogenous: np.ndarray | None = None, country: str | None = "DE"
) -> ForecastInputs:
    before = prices.size
    if exogenous is None:
        exogenous = np.full((before + HORIZON_HOURS, len(EXOGENOUS_CHANNELS)), np.nan)
    return ForecastInputs(
        origin=ORIGIN,
        prices=prices,
        exogenous=exogenous,
        calendar=calendar_features(hour_starts(ORIGIN, before, HORIZON_HOURS), BERLIN, country),
    )


def column(names: tuple[str, ...], name: str) -> int:
    return names.index(name)


def test_scaling_round_trips_and_never_divides_by_almost_nothing() -> None:
    scaling = robust_scaling(np.array([100.0, 100.0, 100.0, np.nan]))
    assert scaling.center == 100.0
    assert scaling.scale == pytest.approx(5.0)  # 5 % of the level, not zero
    prices = np.array([-50.0, 0.0, 100.0, 3000.0])
    assert scaling.denormalise(scaling.normalise(prices)) == pytest.approx(prices)
    assert robust_scaling(np.array([np.nan])) == LevelScaling(0.0, 1.0)


def test_calendar_uses_local_time_across_the_spring_change_and_flags_holidays() -> None:
    # 2024-03-31 02:00 local does not exist in Berlin: UTC 00:00 is 01:00, UTC 01:00 is 03:00.
    starts = np.array(
        [
            int(datetime(2024, 3, 31, 0, tzinfo=UTC).timestamp()),
            int(datetime(2024, 3, 31, 1, tzinfo=UTC).timestamp()),
            int(datetime(2024, 12, 25, 11, tzinfo=UTC).timestamp()),
            int(datetime(2024, 12, 27, 11, tzinfo=UTC).timestamp()),
        ]
    )
    rows = calendar_features(starts, BERLIN, "DE")
    hour_sin = column(CALENDAR_FEATURES, "hour_sin")
    assert rows[0, hour_sin] == pytest.approx(np.sin(2 * np.pi * 1 / 24))
    assert rows[1, hour_sin] == pytest.approx(np.sin(2 * np.pi * 3 / 24))
    holiday = column(CALENDAR_FEATURES, "holiday")
    assert rows[:, holiday].tolist() == [0.0, 0.0, 1.0, 0.0]
    assert rows[0, column(CALENDAR_FEATURES, "weekend")] == 1.0  # a Sunday
    assert calendar_features(starts, BERLIN, None)[2, holiday] == 0.0
    assert calendar_features(starts, BERLIN, "XX")[2, holiday] == 0.0  # unknown country


def calendar_one_by_one(starts: np.ndarray, zone: timezone | ZoneInfo) -> np.ndarray:
    """The calendar columns from one datetime per hour, as the definition reads."""
    rows = []
    for start in starts:
        local = datetime.fromtimestamp(int(start), UTC).astimezone(zone)
        hour = local.hour + local.minute / 60.0
        weekday = local.weekday()
        day_of_year = local.timetuple().tm_yday - 1
        rows.append(
            [
                np.sin(2 * np.pi * hour / 24),
                np.cos(2 * np.pi * hour / 24),
                np.sin(2 * np.pi * weekday / 7),
                np.cos(2 * np.pi * weekday / 7),
                np.sin(2 * np.pi * day_of_year / 365.25),
                np.cos(2 * np.pi * day_of_year / 365.25),
                float(weekday >= 5),
            ]
        )
    return np.array(rows)


@pytest.mark.parametrize(
    "zone",
    [
        BERLIN,
        ZoneInfo("America/New_York"),
        ZoneInfo("Australia/Lord_Howe"),  # half-hour daylight saving
        ZoneInfo("Asia/Kathmandu"),  # +05:45
        timezone(timedelta(hours=-3, minutes=-30)),
    ],
)
def test_calendar_matches_local_datetimes_hour_by_hour(zone: timezone | ZoneInfo) -> None:
    # Two years of hours (both daylight-saving changes every year), leap day, year ends,
    # and instants that are not whole hours.
    rng = np.random.default_rng(4)
    hours = int(datetime(2023, 12, 1, tzinfo=UTC).timestamp()) + 3600 * np.arange(2 * 8784)
    odd = rng.integers(1_400_000_000, 1_800_000_000, 500)
    for starts in (hours, odd):
        rows = calendar_features(starts, zone, None)
        assert np.array_equal(rows[:, :-1], calendar_one_by_one(starts, zone))
        local = [datetime.fromtimestamp(int(s), UTC).astimezone(zone) for s in starts]
        assert local_weekdays(starts, zone).tolist() == [moment.weekday() for moment in local]
        years = {moment.year for moment in local}
        german = holidays.country_holidays("DE", years=years)
        assert calendar_features(starts, zone, "DE")[:, -1].tolist() == [
            float(moment.date() in german) for moment in local
        ]


def test_features_have_the_documented_shapes_and_lags_point_back_in_time() -> None:
    prices = daily_prices(CONTEXT_HOURS)
    features = build_features(make_inputs(prices))
    assert features.sequence.shape == (HISTORY_HOURS, len(HISTORY_FEATURES))
    assert features.horizon.shape == (HORIZON_HOURS, len(HORIZON_FEATURES))
    assert features.tabular.shape == (HORIZON_HOURS, len(TABULAR_FEATURES))
    normalised = features.scaling.normalise(prices)
    sequence = features.sequence
    assert sequence[:, 0] == pytest.approx(normalised[-HISTORY_HOURS:])
    lag_24 = column(HISTORY_FEATURES, "price_lag_24h")
    assert sequence[:, lag_24] == pytest.approx(normalised[-HISTORY_HOURS - 24 : -24])
    lag_168 = column(HISTORY_FEATURES, "price_lag_168h")
    assert sequence[:, lag_168] == pytest.approx(normalised[:HISTORY_HOURS])
    same_hour = column(HORIZON_FEATURES, "price_same_hour_last_known_day")
    assert features.horizon[:24, same_hour] == pytest.approx(normalised[-24:])
    assert features.horizon[24:, same_hour] == pytest.approx(normalised[-24:])
    last_week = column(HORIZON_FEATURES, "price_same_hour_last_week")
    assert features.horizon[:, last_week] == pytest.approx(
        normalised[-HISTORY_HOURS : -HISTORY_HOURS + HORIZON_HOURS]
    )
    mean_24 = column(HISTORY_FEATURES, "rolling_mean_24h")
    assert sequence[-1, mean_24] == pytest.approx(normalised[-24:].mean())
    assert features.tabular[5, : len(HISTORY_FEATURES)] == pytest.approx(sequence[-1])
    assert features.tabular[:, -24:] == pytest.approx(np.tile(normalised[-24:], (48, 1)))


def test_gaps_are_filled_and_flagged_and_short_history_is_refused() -> None:
    prices = daily_prices(CONTEXT_HOURS)
    prices[-30:-20] = np.nan
    features = build_features(make_inputs(prices))
    missing = features.sequence[:, column(HISTORY_FEATURES, "price_missing")]
    assert missing[-30:-20].tolist() == [1.0] * 10
    assert missing[:-30].sum() == 0.0
    assert np.isfinite(features.sequence).all()

    with pytest.raises(InsufficientHistoryError) as error:
        build_features(make_inputs(daily_prices(100)))
    assert error.value.known_hours == 100
    sparse = daily_prices(HISTORY_HOURS)
    sparse[:30] = np.nan
    with pytest.raises(InsufficientHistoryError):
        build_features(make_inputs(sparse))


def test_short_history_marks_the_lags_it_cannot_reach() -> None:
    features = build_features(make_inputs(daily_prices(HISTORY_HOURS)))
    lags_missing = features.sequence[:, column(HISTORY_FEATURES, "price_lags_missing")]
    assert lags_missing[0] == pytest.approx(1.0)  # every lag reaches before the first hour
    assert lags_missing[-1] == pytest.approx(1 / 6)  # only the week-old lag is out of reach
    full = build_features(make_inputs(daily_prices(CONTEXT_HOURS)))
    assert full.sequence[:, column(HISTORY_FEATURES, "price_lags_missing")].max() == 0.0


def test_exogenous_channels_are_scaled_by_their_own_week_or_marked_missing() -> None:
    prices = daily_prices(CONTEXT_HOURS)
    hours = CONTEXT_HOURS + HORIZON_HOURS
    exogenous = np.full((hours, 2), np.nan)
    exogenous[:, 0] = 40_000 + 5_000 * np.sin(2 * np.pi * np.arange(hours) / 24)
    exogenous[-HORIZON_HOURS + 24 :, 0] = np.nan  # the second day's forecast is not out yet
    features = build_features(make_inputs(prices, exogenous))
    assert features.exogenous_available == (True, False)
    load = column(HORIZON_FEATURES, "exogenous_load")
    load_missing = column(HORIZON_FEATURES, "exogenous_load_missing")
    supply_missing = column(HORIZON_FEATURES, "exogenous_supply_missing")
    assert np.abs(features.horizon[:24, load]).max() < 3.0
    assert features.horizon[:24, load_missing].sum() == 0.0
    assert features.horizon[24:, load_missing].tolist() == [1.0] * 24
    assert features.horizon[24:, load].tolist() == [0.0] * 24
    assert features.horizon[:, supply_missing].tolist() == [1.0] * HORIZON_HOURS


def test_features_do_not_depend_on_the_price_level_or_unit() -> None:
    prices = daily_prices(CONTEXT_HOURS)
    per_mwh = build_features(make_inputs(prices))
    per_kwh = build_features(make_inputs(prices / 1000 + 0.02))
    assert per_kwh.sequence == pytest.approx(per_mwh.sequence, abs=1e-9)


def test_fill_gaps_interpolates_inside_and_holds_the_edges() -> None:
    filled = fill_gaps(np.array([np.nan, 1.0, np.nan, 3.0, np.nan]))
    assert filled.tolist() == [1.0, 1.0, 2.0, 3.0, 3.0]
    assert fill_gaps(np.array([np.nan, np.nan])).tolist() == [0.0, 0.0]


def test_linear_design_reads_whole_days_before_the_origin() -> None:
    days = 20
    day_prices = np.arange(days * 24, dtype=float).reshape(days, 24)
    day_exogenous = -np.arange((days + 2) * 24, dtype=float).reshape(days + 2, 24, 1)
    weekdays = np.arange(days + 2) % 7
    row = linear_design(day_prices, day_exogenous, weekdays, np.array([days]), block=1)[0]
    assert row.size == linear_feature_count(1)
    assert row[:24].tolist() == day_prices[days - 1].tolist()
    assert row[72:96].tolist() == day_prices[days - 7].tolist()
    assert row[96:120].tolist() == day_exogenous[days + 1, :, 0].tolist()  # the target day
    assert row[120:144].tolist() == day_exogenous[days, :, 0].tolist()
    assert row[-7:].tolist() == np.eye(7)[(days + 1) % 7].tolist()
