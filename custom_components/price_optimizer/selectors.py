"""Form selectors shared by the entry's and the appliances' flows."""

from __future__ import annotations

from typing import Literal

from homeassistant.helpers import selector


def number_box(
    minimum: float, maximum: float, step: float | Literal["any"] = "any", unit: str | None = None
) -> selector.NumberSelector:
    """Return a number typed into a box (a slider cannot hit 7.4 kW or 0.1234 EUR)."""
    config = selector.NumberSelectorConfig(
        min=minimum, max=maximum, step=step, mode=selector.NumberSelectorMode.BOX
    )
    if unit is not None:
        config["unit_of_measurement"] = unit
    return selector.NumberSelector(config)
