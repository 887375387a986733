"""What the recorder remembers of an entity's state: the history of a price."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance


async def async_recorded_changes(
    hass: HomeAssistant, entity_id: str, start: datetime, *, attribute: str | None = None
) -> list[tuple[datetime, str]]:
    """Return ``(when, state)`` of ``entity_id`` since ``start``, without unknown states.

    With ``attribute``, its recorded value takes the state's place; states without it are left
    out.

    Empty when the recorder is not running: it is optional, and imported only when it is.
    """
    if "recorder" not in hass.config.components:
        return []
    from homeassistant.components.recorder import history  # noqa: PLC0415

    found: dict[str, list[Any]] = await get_instance(hass).async_add_executor_job(
        partial(
            history.state_changes_during_period,
            hass,
            start,
            entity_id=entity_id,
            include_start_time_state=True,
        )
    )
    states = [
        item
        for item in found.get(entity_id.lower(), [])
        if item.state not in {STATE_UNAVAILABLE, STATE_UNKNOWN}
    ]
    if attribute is None:
        return [(item.last_changed, item.state) for item in states]
    return [
        (item.last_changed, str(item.attributes[attribute]))
        for item in states
        if item.attributes.get(attribute) is not None
    ]
