"""Poll cadence: never per slot while prices are held, often around publication."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from custom_components.price_optimizer.core.prices import local_day_bounds
from custom_components.price_optimizer.core.sources.base import Publication

BERLIN = ZoneInfo("Europe/Berlin")
PUBLICATION = Publication(zone=BERLIN, at=time(12, 55), retry_every=timedelta(minutes=10))
DAY = datetime(2026, 11, 24, tzinfo=BERLIN).date()
TODAY_END = local_day_bounds(DAY, BERLIN)[1]
TOMORROW_END = local_day_bounds(DAY + timedelta(days=1), BERLIN)[1]


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 24, hour, minute, tzinfo=BERLIN)


def test_with_nothing_held_it_retries_soon() -> None:
    assert PUBLICATION.next_fetch(None, at(9)) == at(9, 10)
    assert PUBLICATION.next_fetch(at(11), at(9)) == at(9, 10)


def test_with_today_held_it_waits_for_publication() -> None:
    assert PUBLICATION.next_fetch(TODAY_END, at(9)) == at(12, 55)


def test_after_publication_it_polls_until_tomorrow_arrives() -> None:
    assert PUBLICATION.next_fetch(TODAY_END, at(13, 5)) == at(13, 15)


def test_with_tomorrow_held_it_waits_for_the_next_publication() -> None:
    assert PUBLICATION.next_fetch(TOMORROW_END, at(13, 5)) == at(12, 55) + timedelta(days=1)


def test_expected_until_moves_at_publication() -> None:
    assert PUBLICATION.expected_until(at(12, 54)) == TODAY_END
    assert PUBLICATION.expected_until(at(12, 55)) == TOMORROW_END
