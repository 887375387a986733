"""The files an entry keeps: released ones load unchanged, newer ones are left alone.

``tests/fixtures/storage/`` holds the four files of one entry as the release before the
Stores had a migration wrote them, in the scenario of
:func:`test_todays_release_writes_files_shaped_as_the_fixture`: a switched dishwasher
whose plug is on at its planned start. To write them again from a checkout of a release,
run that test with ``STORAGE_FIXTURES_OUT`` set to a directory.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from types import MappingProxyType
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState, ConfigSubentryData
from homeassistant.const import EVENT_CALL_SERVICE
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.price_optimizer.const import (
    CONF_AREA,
    CONF_RESOLUTION,
    CONF_SOURCE,
    DOMAIN,
    SOURCE_REPLAY,
)
from custom_components.price_optimizer.core.optimizer import preset

from .appliances import move_to, state_of
from .conftest import AFTERNOON
from .test_appliance_runs import planned_run

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "storage"
ENTRY_ID = "01KSTORAGEFIXTURE000ENTRY0"
DISHWASHER = "01KSTORAGEFIXTURE0DISHWASH"
PLUG = "input_boolean.dishwasher_plug"
# What follows the entry id in each file's key, and the fixture holding it.
FILES = {"": "prices", ".forecast": "forecast", ".plan": "plan", ".control": "control"}


def fixture_entry() -> MockConfigEntry:
    """Return the replay entry of the fixture, with its switched dishwasher."""
    appliance = preset("dishwasher", DISHWASHER, "Dishwasher").as_dict()
    data = {k: v for k, v in appliance.items() if k not in ("appliance_id", "name")}
    return MockConfigEntry(
        domain=DOMAIN,
        title="Replay DE-LU",
        unique_id=f"{SOURCE_REPLAY}_DE-LU",
        entry_id=ENTRY_ID,
        data={CONF_SOURCE: SOURCE_REPLAY, CONF_AREA: "DE-LU", CONF_RESOLUTION: "60"},
        subentries_data=[
            ConfigSubentryData(
                data=MappingProxyType({**data, "control": {"kind": "switch", "entity_id": PLUG}}),
                subentry_id=DISHWASHER,
                subentry_type="appliance",
                title="Dishwasher",
                unique_id=None,
            )
        ],
    )


def released(suffix: str) -> dict[str, Any]:
    """Return the fixture's file of ``suffix`` as the release wrote it."""
    found: dict[str, Any] = json.loads((FIXTURES / f"{FILES[suffix]}.json").read_text())
    return found


def write_fixtures(out: Path, written: dict[str, dict[str, Any]]) -> None:
    """Write the files of the scenario as the fixture holds them."""
    for suffix, content in written.items():
        (out / f"{FILES[suffix]}.json").write_text(json.dumps(content, indent=2) + "\n")


def key(suffix: str) -> str:
    return f"{DOMAIN}.{ENTRY_ID}{suffix}"


def shape(value: Any) -> Any:
    """Return what a stored value is made of: its keys and kinds, not its numbers."""
    if isinstance(value, dict):
        return {name: shape(item) for name, item in value.items()}
    if isinstance(value, list):
        return sorted({json.dumps(shape(item), sort_keys=True) for item in value})
    if isinstance(value, bool) or value is None:
        return type(value).__name__
    return "number" if isinstance(value, int | float) else type(value).__name__


@pytest.fixture
async def plug(berlin: HomeAssistant) -> str:
    assert await async_setup_component(
        berlin, "input_boolean", {"input_boolean": {"dishwasher_plug": {}}}
    )
    return PLUG


async def run_the_fixture_scenario(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hass_storage: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Set the entry up, let its plug go on at the planned start, unload; return its files."""
    entry = fixture_entry()
    entry.add_to_hass(hass)
    freezer.move_to(AFTERNOON)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    start, _ = planned_run(hass, DISHWASHER)
    await move_to(hass, freezer, start)
    assert hass.states.get(PLUG).state == "on"  # type: ignore[union-attr]
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    return {suffix: hass_storage[key(suffix)] for suffix in FILES}


async def test_todays_release_writes_files_shaped_as_the_fixture(
    hass: HomeAssistant,
    plug: str,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    written = await run_the_fixture_scenario(hass, freezer, hass_storage)
    if out := os.environ.get("STORAGE_FIXTURES_OUT"):
        write_fixtures(Path(out), written)
    for suffix, content in written.items():
        fixture = released(suffix)
        added = ADDED_SINCE_RELEASE.get(suffix, {})
        assert (content["version"], content["minor_version"]) == (1, 1 if not added else 2), suffix
        assert content["key"] == fixture["key"] == key(suffix)
        # A shape changed without a new version would meet a file of the old one unmigrated.
        assert shape(content["data"]) == shape(fixture["data"]) | added, suffix


# What a minor version added to a file since the release the fixtures were written by.
ADDED_SINCE_RELEASE: dict[str, dict[str, Any]] = {
    "": {"datahub": "NoneType"},
    # The recalibration's pending forecasts, by origin: origin, center, scale, the members'
    # medians (the static members' end after two days of the week: null), then the median,
    # the shipped offsets and the served band, hour by hour, and the hours from the origin
    # it was issued at.
    ".forecast": {
        "recalibration": shape(
            {
                "pending": [
                    [
                        0,
                        [
                            0,
                            0.0,
                            1.0,
                            {
                                "cnn_lstm": [0.0, None],
                                "lightgbm": [0.0, None],
                                "linear": [0.0],
                            },
                            *([0.0] for _ in range(5)),
                            0,
                        ],
                    ]
                ],
                "scored": [],
                "levels": {"lower": [0.9], "upper": [0.9]},
            }
        )
    },
}


@pytest.mark.parametrize("suffix", list(FILES))
async def test_a_released_file_loads_as_it_was_written(
    hass: HomeAssistant, hass_storage: dict[str, Any], suffix: str
) -> None:
    from custom_components.price_optimizer.storage import STORE_KINDS, EntryStore

    (kind,) = (kind for kind in STORE_KINDS if kind.suffix == suffix)
    hass_storage[key(suffix)] = released(suffix)
    assert await EntryStore(hass, kind, ENTRY_ID).async_load() == released(suffix)["data"]
    stored = hass_storage[key(suffix)]
    # Nothing to migrate: the data stays as written, under this release's version.
    assert stored["data"] == released(suffix)["data"]
    assert (stored["version"], stored["minor_version"]) == (kind.version, kind.minor_version)


async def test_what_today_writes_reads_back_losslessly(
    hass: HomeAssistant,
    plug: str,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    from custom_components.price_optimizer.storage import STORE_KINDS, EntryStore

    written = await run_the_fixture_scenario(hass, freezer, hass_storage)
    # The scenario has no base-load sensor, so it keeps no household-load file.
    for kind in (kind for kind in STORE_KINDS if kind.suffix in FILES):
        loaded = await EntryStore(hass, kind, ENTRY_ID).async_load()
        assert loaded == written[kind.suffix]["data"], kind.suffix


async def test_an_entry_resumes_a_running_dishwasher_from_the_released_files(
    hass: HomeAssistant,
    plug: str,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    for suffix in FILES:
        hass_storage[key(suffix)] = released(suffix)
    hass.states.async_set(PLUG, "on")
    journal = released(".control")["data"]["journals"][DISHWASHER]
    record = released(".plan")["data"]["records"][DISHWASHER]
    freezer.move_to(journal["started_at"])
    calls = async_capture_events(hass, EVENT_CALL_SERVICE)
    entry = fixture_entry()
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state_of(hass, "sensor", DISHWASHER, "status").state == "running"
    runtime = entry.runtime_data
    assert runtime.planner.record(DISHWASHER).as_dict()["current"] == record["current"]
    resumed = runtime.actuator.diagnostics()["plugs"][DISHWASHER]["journal"]
    assert resumed["switched_run"] == journal["switched_run"]
    # The start was sent before the restart: it is not sent again.
    assert not [call for call in calls if call.data["service"] == "turn_on"]


async def test_a_file_from_a_newer_release_is_left_as_it_is(
    hass: HomeAssistant,
    plug: str,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    newer = {**released(".plan"), "version": 2, "data": {"appliances": {"moved": True}}}
    hass_storage[key(".plan")] = newer
    entry = fixture_entry()
    entry.add_to_hass(hass)
    freezer.move_to(AFTERNOON)
    with caplog.at_level(logging.ERROR):
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED
    assert "written by a newer release of the integration" in caplog.text
    # The dishwasher is planned afresh, and what the newer release kept stays for it.
    assert state_of(hass, "sensor", DISHWASHER, "status").state == "scheduled"
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert hass_storage[key(".plan")] == newer


async def test_a_newer_minor_version_is_read_as_it_is(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    from custom_components.price_optimizer.storage import PLAN, EntryStore

    hass_storage[key(".plan")] = {**released(".plan"), "minor_version": 7}
    loaded = await EntryStore(hass, PLAN, ENTRY_ID).async_load()
    assert loaded == released(".plan")["data"]
