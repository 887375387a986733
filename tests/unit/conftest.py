"""Property tests judge results, never how fast this machine happens to run them."""

from __future__ import annotations

from hypothesis import settings

# A deadline fails an example that is merely slow on a loaded or small machine.
settings.register_profile("price_optimizer", deadline=None)
settings.load_profile("price_optimizer")
