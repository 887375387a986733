"""Property tests judge results, never how fast this machine happens to run them, or luck."""

from __future__ import annotations

from hypothesis import settings

# A deadline fails an example that is merely slow on a loaded or small machine. The examples are
# the same on every run and machine, so a run passes or fails for what the code does, not for
# which examples it happened to draw.
settings.register_profile("price_optimizer", deadline=None, derandomize=True)
settings.load_profile("price_optimizer")
