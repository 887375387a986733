"""A battery whose state-of-charge sensor stays unusable for half an hour raises a repair issue.

The battery is planned as in test_battery (replayed DE-LU prices on a frozen Tuesday
afternoon, a state of charge the test sets); time passes with the freezer and every timer due
by then fires.
"""

from __future__ import annotations

from datetime import timedelta
import string

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_RECONFIGURE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.price_optimizer.const import DOMAIN, SUBENTRY_BATTERY
from tests.translations import TRANSLATIONS

from .appliances import move_to, suggested_values, with_changes
from .test_battery import (
    SOC,
    add_battery,
    entry,  # noqa: F401  (the fixture)
    set_soc,
)

pytestmark = pytest.mark.usefixtures("market_prices_only")

OTHER_SOC = "sensor.second_inverter_battery_state_of_charge"
# How long a sensor may give no number before the issue is raised.
HALF_HOUR = timedelta(minutes=30)
MINUTE = timedelta(minutes=1)


def soc_issue(hass: HomeAssistant, priced: MockConfigEntry) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"battery_soc_sensor_{priced.entry_id}")


async def report(hass: HomeAssistant, value: str) -> None:
    """The sensor reports ``value``, and the integration hears it at once."""
    set_soc(hass, value)
    await hass.async_block_till_done()


async def wait(hass: HomeAssistant, freezer: FrozenDateTimeFactory, span: timedelta) -> None:
    await move_to(hass, freezer, dt_util.utcnow() + span)


@pytest.fixture
async def battery(hass: HomeAssistant, entry: MockConfigEntry) -> str:  # noqa: F811
    """A battery whose sensor reports 50 %; return its subentry id."""
    set_soc(hass, "50")
    return await add_battery(hass, entry)


async def test_a_sensor_unavailable_for_half_an_hour_raises_an_issue_until_it_reports(
    hass: HomeAssistant,
    entry: MockConfigEntry,  # noqa: F811
    battery: str,
    freezer: FrozenDateTimeFactory,
) -> None:
    assert soc_issue(hass, entry) is None
    went = dt_util.utcnow()
    await report(hass, "unavailable")
    await wait(hass, freezer, HALF_HOUR - MINUTE)
    assert soc_issue(hass, entry) is None

    await wait(hass, freezer, MINUTE)
    issue = soc_issue(hass, entry)
    assert issue is not None
    assert issue.translation_key == "battery_soc_sensor"
    assert issue.severity is ir.IssueSeverity.WARNING
    assert issue.is_fixable is False
    assert issue.translation_placeholders == {
        "title": entry.title,
        "battery": "Home battery",
        "sensor": SOC,
        "reason": "soc_sensor_unavailable",
        "since": dt_util.as_local(went).isoformat(timespec="minutes"),
    }
    # Meanwhile the plans go on without the battery, and say why.
    planner = entry.runtime_data.planner
    planner.async_request_plan()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert planner.data.battery_issue == "soc_sensor_unavailable"

    await report(hass, "48")
    assert soc_issue(hass, entry) is None


async def test_only_a_problem_without_a_break_counts_and_the_issue_names_its_present_reason(
    hass: HomeAssistant,
    entry: MockConfigEntry,  # noqa: F811
    battery: str,
    freezer: FrozenDateTimeFactory,
) -> None:
    await report(hass, "unknown")
    await wait(hass, freezer, HALF_HOUR - MINUTE)
    await report(hass, "47")
    await report(hass, "unavailable")
    await wait(hass, freezer, HALF_HOUR - MINUTE)
    assert soc_issue(hass, entry) is None

    # Unavailable, then a state that is no number: one problem, without a break.
    await report(hass, "error")
    await wait(hass, freezer, MINUTE)
    issue = soc_issue(hass, entry)
    assert issue is not None
    assert issue.translation_placeholders["reason"] == "soc_sensor_not_numeric"

    hass.states.async_remove(SOC)
    await hass.async_block_till_done()
    issue = soc_issue(hass, entry)
    assert issue is not None
    assert issue.translation_placeholders["reason"] == "soc_sensor_missing"


async def test_a_sensor_missing_from_the_start_raises_the_issue_after_half_an_hour(
    hass: HomeAssistant,
    entry: MockConfigEntry,  # noqa: F811
    freezer: FrozenDateTimeFactory,
) -> None:
    # Its integration has not set it up yet, and never does.
    await add_battery(hass, entry)
    await wait(hass, freezer, HALF_HOUR - MINUTE)
    assert soc_issue(hass, entry) is None
    await wait(hass, freezer, MINUTE)
    issue = soc_issue(hass, entry)
    assert issue is not None
    assert issue.translation_placeholders["reason"] == "soc_sensor_missing"


async def raise_the_issue(
    hass: HomeAssistant, priced: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    await report(hass, "unavailable")
    await wait(hass, freezer, HALF_HOUR)
    assert soc_issue(hass, priced) is not None


async def test_another_sensor_withdraws_the_issue_and_starts_its_own_half_hour(
    hass: HomeAssistant,
    entry: MockConfigEntry,  # noqa: F811
    battery: str,
    freezer: FrozenDateTimeFactory,
) -> None:
    await raise_the_issue(hass, entry, freezer)
    # An edit that keeps the sensor keeps the issue.
    await reconfigure_battery(hass, entry, battery, capacity_kwh=12.0)
    assert soc_issue(hass, entry) is not None

    await reconfigure_battery(hass, entry, battery, soc_sensor=OTHER_SOC)
    assert soc_issue(hass, entry) is None
    # The new sensor is not there either: its own half hour, not the old one's.
    await wait(hass, freezer, HALF_HOUR - MINUTE)
    assert soc_issue(hass, entry) is None
    await wait(hass, freezer, MINUTE)
    issue = soc_issue(hass, entry)
    assert issue is not None
    assert issue.translation_placeholders["sensor"] == OTHER_SOC


async def reconfigure_battery(
    hass: HomeAssistant, priced: MockConfigEntry, battery_id: str, **changes: object
) -> None:
    form = await hass.config_entries.subentries.async_init(
        (priced.entry_id, SUBENTRY_BATTERY),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": battery_id},
    )
    result = await hass.config_entries.subentries.async_configure(
        form["flow_id"], with_changes(suggested_values(form), changes)
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_removing_the_battery_withdraws_the_issue_and_its_timer(
    hass: HomeAssistant,
    entry: MockConfigEntry,  # noqa: F811
    battery: str,
    freezer: FrozenDateTimeFactory,
) -> None:
    await raise_the_issue(hass, entry, freezer)
    assert hass.config_entries.async_remove_subentry(entry, battery)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert soc_issue(hass, entry) is None
    await report(hass, "unknown")
    await wait(hass, freezer, 2 * HALF_HOUR)
    assert soc_issue(hass, entry) is None


@pytest.mark.parametrize("lasted", [HALF_HOUR, HALF_HOUR / 2])
async def test_unloading_the_entry_withdraws_the_issue_and_nothing_raises_it_later(
    hass: HomeAssistant,
    entry: MockConfigEntry,  # noqa: F811
    battery: str,
    freezer: FrozenDateTimeFactory,
    lasted: timedelta,
) -> None:
    await report(hass, "unavailable")
    await wait(hass, freezer, lasted)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert soc_issue(hass, entry) is None
    await wait(hass, freezer, 2 * HALF_HOUR)
    assert soc_issue(hass, entry) is None


async def test_the_issue_is_translated_with_every_placeholder_it_is_given(
    hass: HomeAssistant,
    entry: MockConfigEntry,  # noqa: F811
    battery: str,
    freezer: FrozenDateTimeFactory,
) -> None:
    await raise_the_issue(hass, entry, freezer)
    issue = soc_issue(hass, entry)
    assert issue is not None
    texts = TRANSLATIONS["issues"][issue.translation_key].values()
    used = {name for text in texts for _, name, _, _ in string.Formatter().parse(text) if name}
    assert used == set(issue.translation_placeholders)
