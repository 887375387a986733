"""Set up a price source in the UI, and the household's price options."""

from __future__ import annotations

from typing import Any, Literal

from homeassistant.config_entries import ConfigEntry, ConfigFlow, ConfigFlowResult, OptionsFlow
from homeassistant.core import callback
from homeassistant.helpers import selector
import voluptuous as vol

from .const import (
    CONF_AREA,
    CONF_FEE_PER_KWH,
    CONF_MULTIPLIER,
    CONF_RESOLUTION,
    CONF_SOURCE,
    CONF_VAT_PERCENT,
    DOMAIN,
    SOURCE_REPLAY,
)
from .sources.replay import AREAS as REPLAY_AREAS, RESOLUTIONS as REPLAY_RESOLUTIONS

SOURCES = (SOURCE_REPLAY,)


def _select(options: list[str], translation_key: str) -> selector.SelectSelector:
    return selector.SelectSelector(
        selector.SelectSelectorConfig(
            options=options,
            mode=selector.SelectSelectorMode.DROPDOWN,
            translation_key=translation_key,
        )
    )


REPLAY_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_AREA, default="DE-LU"): _select(list(REPLAY_AREAS), "area"),
        vol.Required(CONF_RESOLUTION, default="60"): _select(
            [str(minutes) for minutes in REPLAY_RESOLUTIONS], "resolution"
        ),
    }
)


def _number(
    minimum: float, maximum: float, step: float | Literal["any"] = "any", unit: str | None = None
) -> selector.NumberSelector:
    config = selector.NumberSelectorConfig(
        min=minimum, max=maximum, step=step, mode=selector.NumberSelectorMode.BOX
    )
    if unit is not None:
        config["unit_of_measurement"] = unit
    return selector.NumberSelector(config)


class PriceOptimizerConfigFlow(ConfigFlow, domain=DOMAIN):
    """Pick a price source, then its settings."""

    VERSION = 1

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask which price source to use; each source has a step of its own."""
        return self.async_show_menu(step_id="user", menu_options=list(SOURCES))

    async def async_step_replay(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask which bundled area to replay and at what resolution."""
        if user_input is not None:
            await self.async_set_unique_id(f"{SOURCE_REPLAY}_{user_input[CONF_AREA]}")
            self._abort_if_unique_id_configured()
            return self.async_create_entry(
                title=f"Replay {user_input[CONF_AREA]}",
                data={CONF_SOURCE: SOURCE_REPLAY, **user_input},
            )
        return self.async_show_form(step_id="replay", data_schema=REPLAY_SCHEMA)

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> PriceOptimizerOptionsFlow:
        """Return the options flow for VAT, fee and multiplier."""
        return PriceOptimizerOptionsFlow()


class PriceOptimizerOptionsFlow(OptionsFlow):
    """Adjust what the household pays on top of the market price."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for VAT, a fixed fee per kWh and a multiplier."""
        if user_input is not None:
            return self.async_create_entry(data=user_input)
        options = self.config_entry.options
        schema = vol.Schema(
            {
                vol.Required(CONF_VAT_PERCENT, default=options.get(CONF_VAT_PERCENT, 0.0)): _number(
                    0, 100, 0.1, "%"
                ),
                vol.Required(CONF_FEE_PER_KWH, default=options.get(CONF_FEE_PER_KWH, 0.0)): _number(
                    -10, 10
                ),
                vol.Required(CONF_MULTIPLIER, default=options.get(CONF_MULTIPLIER, 1.0)): _number(
                    0, 10
                ),
            }
        )
        return self.async_show_form(step_id="init", data_schema=schema)
