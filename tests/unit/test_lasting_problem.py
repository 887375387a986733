"""A problem becomes a repair issue only once it has lasted without a break."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from custom_components.price_optimizer.core.issues import LastingProblem

T0 = datetime(2026, 11, 24, 12, tzinfo=UTC)
LASTS = timedelta(minutes=30)


def test_a_problem_is_due_once_it_has_lasted_from_its_first_sighting() -> None:
    problem = LastingProblem(LASTS)
    assert problem.due is None
    assert problem.seen(T0) is None
    assert problem.due == T0 + LASTS
    # Seen again, it keeps its start.
    assert problem.seen(T0 + LASTS - timedelta(seconds=1)) is None
    assert problem.due == T0 + LASTS
    assert problem.seen(T0 + LASTS) == T0
    assert problem.seen(T0 + 3 * LASTS) == T0


def test_a_break_starts_the_clock_again() -> None:
    problem = LastingProblem(LASTS)
    problem.seen(T0)
    problem.gone()
    assert problem.due is None
    assert problem.seen(T0 + LASTS) is None
    assert problem.since == T0 + LASTS
    assert problem.seen(T0 + 2 * LASTS) == T0 + LASTS
