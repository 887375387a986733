"""Cadences other than the daily auction: rolling sources."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from custom_components.price_optimizer.core.sources.base import RollingPublication


def test_rolling_sources_are_read_just_after_each_boundary() -> None:
    rolling = RollingPublication(every=timedelta(minutes=5), delay=timedelta(seconds=30))
    now = datetime(2026, 11, 24, 9, 7, 10, tzinfo=UTC)
    assert rolling.expected_until(now) == now
    assert rolling.next_fetch(None, now) == datetime(2026, 11, 24, 9, 10, 30, tzinfo=UTC)
    assert rolling.next_fetch(now, now.replace(minute=10, second=30)) == datetime(
        2026, 11, 24, 9, 15, 30, tzinfo=UTC
    )
