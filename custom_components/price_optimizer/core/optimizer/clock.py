"""The clock the solver's time limits run on.

It reads CLOCK_MONOTONIC directly. ``time.perf_counter`` and ``time.monotonic`` are what tools
that freeze time replace (freezegun, which Home Assistant's test harness uses, makes them stand
still), and a search whose clock stands still never reaches its deadline: it then runs until the
problem happens to close, which on a hard instance is never.
"""

from __future__ import annotations

import time


def monotonic_seconds() -> float:
    """Return a monotonic time in seconds that only real time moves."""
    return time.clock_gettime(time.CLOCK_MONOTONIC)
