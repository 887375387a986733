"""Put this repository's integration ahead of the test plugin's own testing_config."""

from __future__ import annotations

import logging
import os
from pathlib import Path
import sys

import pytest

try:
    from freezegun import configure as configure_freezegun
except ImportError:  # the end-to-end environment runs real processes and has no freezegun
    pass
else:
    # Home Assistant 2025.12 installs litellm (through hass-nabucasa), which loads itself
    # lazily and keeps background threads. Frozen under freezegun, its own timing loops never
    # end, and freezegun's scan of every module at each freeze pulls its lazy parts in: its
    # clock stays real.
    configure_freezegun(extend_ignore_list=["litellm"])

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Imported before the test plugin's own testing_config/custom_components can shadow ours.
import custom_components.price_optimizer  # noqa: E402,F401


@pytest.fixture(autouse=True)
def no_deprecated_home_assistant_calls(caplog: pytest.LogCaptureFixture) -> object:
    """Fail a test in which Home Assistant reports a deprecated call made by this integration.

    Home Assistant logs such calls (``Detected that custom integration ... This will stop
    working in ...``) for versions before they break: fail on the version that first says so.
    """
    yield
    reports = [
        record.getMessage()
        for record in caplog.get_records("call")
        if record.name == "homeassistant.helpers.frame"
        and "price_optimizer" in record.getMessage()
        and record.levelno >= logging.WARNING
    ]
    assert not reports, reports


# End-to-end tests start real processes and a browser; scripts/test runs them on their own.
collect_ignore = [] if os.environ.get("PRICE_OPTIMIZER_E2E") else ["e2e"]


def pytest_configure(config: pytest.Config) -> None:
    """Keep snapshots in ``snapshots/`` beside the tests on every syrupy version.

    Home Assistant's snapshot extension names that folder; syrupy 6 takes the folder from its
    ``--snapshot-dirname`` option instead, so the option is set to the same name.
    """
    if hasattr(config.option, "snapshot_dirname"):
        config.option.snapshot_dirname = "snapshots"
