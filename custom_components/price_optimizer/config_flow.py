"""Set up a price source in the UI, and the household's price options.

Each source has a step of its own that offers only the areas it supports.
Credentials and area are checked with a live call before an entry is
created; the same step serves reconfiguration, and a credential the provider
rejects later is asked for again in a reauthentication step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final, Literal

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.core import callback
from homeassistant.helpers import selector
from homeassistant.util import dt as dt_util
import voluptuous as vol

from .const import (
    CONF_AREA,
    CONF_CURRENCY,
    CONF_FEE_PER_KWH,
    CONF_MULTIPLIER,
    CONF_RESOLUTION,
    CONF_SECURITY_TOKEN,
    CONF_SOURCE,
    CONF_VAT_PERCENT,
    DOMAIN,
    LOGGER,
    SOURCE_AWATTAR,
    SOURCE_ELERING,
    SOURCE_ENERGIDATASERVICE,
    SOURCE_ENERGYZERO,
    SOURCE_ENTSOE,
    SOURCE_NORDPOOL,
    SOURCE_REPLAY,
)
from .source_factory import SOURCE_NAMES, source_from_config
from .sources import awattar, elering, energidataservice, energyzero, entsoe, nordpool
from .sources.base import SourceAuthError, SourceDataError, SourceError, SourceRequestError
from .sources.replay import AREAS as REPLAY_AREAS, RESOLUTIONS as REPLAY_RESOLUTIONS


def _select(
    options: list[str], translation_key: str, *, custom: bool = False
) -> selector.SelectSelector:
    return selector.SelectSelector(
        selector.SelectSelectorConfig(
            options=options,
            mode=selector.SelectSelectorMode.DROPDOWN,
            translation_key=translation_key,
            custom_value=custom,
            sort=False,
        )
    )


def _secret() -> selector.TextSelector:
    return selector.TextSelector(
        selector.TextSelectorConfig(type=selector.TextSelectorType.PASSWORD)
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


def _required(key: str, defaults: Mapping[str, Any], fallback: Any = None) -> vol.Required:
    default = defaults.get(key, fallback)
    return vol.Required(key) if default is None else vol.Required(key, default=default)


@dataclass(frozen=True, slots=True)
class SourceForm:
    """What the step of one source asks, and how its entry is named and keyed."""

    schema: Callable[[Mapping[str, Any]], vol.Schema]
    credentials: tuple[str, ...] = ()
    unique_key: Callable[[Mapping[str, Any]], str] = lambda data: str(data[CONF_AREA])
    title: Callable[[Mapping[str, Any]], str] = lambda data: str(data[CONF_AREA])
    validate: bool = True


def _fields(*fields: tuple[str, Any, Any]) -> Callable[[Mapping[str, Any]], vol.Schema]:
    """Return a schema builder for ``(key, selector, default)`` fields, in order.

    Defaults come from the entry being reconfigured (or the input being
    corrected) before the field's own default.
    """

    def build(defaults: Mapping[str, Any]) -> vol.Schema:
        return vol.Schema({_required(key, defaults, default): sel for key, sel, default in fields})

    return build


def _resolutions(minutes: tuple[int, ...]) -> selector.SelectSelector:
    return _select([str(value) for value in minutes], "resolution")


_replay_schema = _fields(
    (CONF_AREA, _select(list(REPLAY_AREAS), "area"), "DE-LU"),
    (CONF_RESOLUTION, _resolutions(REPLAY_RESOLUTIONS), "60"),
)


FORMS: Final[dict[str, SourceForm]] = {
    SOURCE_ENTSOE: SourceForm(
        schema=_fields(
            (CONF_SECURITY_TOKEN, _secret(), None),
            (CONF_AREA, _select(sorted(entsoe.AREAS), "area"), "DE-LU"),
        ),
        credentials=(CONF_SECURITY_TOKEN,),
    ),
    SOURCE_NORDPOOL: SourceForm(
        schema=_fields(
            (CONF_AREA, _select(sorted(nordpool.AREAS), "area"), "SE3"),
            (CONF_CURRENCY, _select(list(nordpool.CURRENCIES), "currency"), "EUR"),
            (CONF_RESOLUTION, _resolutions(nordpool.RESOLUTIONS), "15"),
        ),
    ),
    SOURCE_ENERGIDATASERVICE: SourceForm(
        schema=_fields(
            (CONF_AREA, _select(list(energidataservice.AREAS), "area"), "DK1"),
            (CONF_CURRENCY, _select(list(energidataservice.CURRENCIES), "currency"), "DKK"),
        ),
    ),
    SOURCE_AWATTAR: SourceForm(
        schema=_fields((CONF_AREA, _select(list(awattar.AREAS), "area"), "DE-LU")),
    ),
    SOURCE_ENERGYZERO: SourceForm(
        schema=_fields((CONF_RESOLUTION, _resolutions(energyzero.RESOLUTIONS), "15")),
        unique_key=lambda data: "NL",
        title=lambda data: "NL",
    ),
    SOURCE_ELERING: SourceForm(
        schema=_fields((CONF_AREA, _select(list(elering.AREAS), "area"), "EE")),
    ),
    SOURCE_REPLAY: SourceForm(schema=_replay_schema, validate=False),
}
SOURCES: Final = tuple(FORMS)


class PriceOptimizerConfigFlow(ConfigFlow, domain=DOMAIN):
    """Pick a price source, then its settings."""

    VERSION = 1

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask which price source to use; each source has a step of its own."""
        return self.async_show_menu(step_id="user", menu_options=list(SOURCES))

    async def async_step_entsoe(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the ENTSO-E security token and the bidding zone."""
        return await self._async_source_step(SOURCE_ENTSOE, user_input)

    async def async_step_nordpool(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the Nord Pool delivery area, currency and resolution."""
        return await self._async_source_step(SOURCE_NORDPOOL, user_input)

    async def async_step_energidataservice(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the Danish price area and currency."""
        return await self._async_source_step(SOURCE_ENERGIDATASERVICE, user_input)

    async def async_step_awattar(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask whether aWATTar's German or Austrian prices are wanted."""
        return await self._async_source_step(SOURCE_AWATTAR, user_input)

    async def async_step_energyzero(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for EnergyZero's slot length."""
        return await self._async_source_step(SOURCE_ENERGYZERO, user_input)

    async def async_step_elering(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the Baltic or Finnish area."""
        return await self._async_source_step(SOURCE_ELERING, user_input)

    async def async_step_replay(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask which bundled area to replay and at what resolution."""
        return await self._async_source_step(SOURCE_REPLAY, user_input)

    async def _async_source_step(
        self, source: str, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        """Show, check and save one source's settings, for a new entry or a reconfiguration."""
        form = FORMS[source]
        reconfiguring = self.source == SOURCE_RECONFIGURE
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {CONF_SOURCE: source, **user_input}
            unique_id = f"{source}_{form.unique_key(data)}"
            if reconfiguring:
                entry = self._get_reconfigure_entry()
                if unique_id != entry.unique_id:
                    await self.async_set_unique_id(unique_id)
                    self._abort_if_unique_id_configured()
            else:
                await self.async_set_unique_id(unique_id)
                self._abort_if_unique_id_configured()
            if form.validate:
                errors = await self._async_validate(data)
            if not errors:
                title = f"{SOURCE_NAMES[source]} {form.title(data)}"
                if reconfiguring:
                    return self.async_update_reload_and_abort(
                        self._get_reconfigure_entry(), unique_id=unique_id, title=title, data=data
                    )
                return self.async_create_entry(title=title, data=data)
        defaults: Mapping[str, Any] = user_input or (
            self._get_reconfigure_entry().data if reconfiguring else {}
        )
        return self.async_show_form(
            step_id=source, data_schema=form.schema(defaults), errors=errors
        )

    async def _async_validate(self, data: Mapping[str, Any]) -> dict[str, str]:
        """Ask the source for today's prices; return form errors, none when it answers."""
        source = source_from_config(self.hass, data)
        now = dt_util.utcnow()
        try:
            prices = await source.async_fetch(now - timedelta(days=1), now + timedelta(days=1))
        except SourceAuthError:
            return {"base": "invalid_auth"}
        except SourceRequestError as err:
            LOGGER.debug("Setup refused by the source: %s", err)
            return {"base": "refused"}
        except SourceDataError as err:
            LOGGER.debug("Setup got unreadable data: %s", err)
            return {"base": "invalid_data"}
        except SourceError as err:
            LOGGER.debug("Setup could not reach the source: %s", err)
            return {"base": "cannot_connect"}
        if not prices:
            return {"base": "no_prices"}
        return {}

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the entry's own source step, filled with its current settings."""
        return await self._async_source_step(self._get_reconfigure_entry().data[CONF_SOURCE], None)

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Start over the credential the source rejected."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the credential again, check it with a live call and reload the entry."""
        entry = self._get_reauth_entry()
        form = FORMS[entry.data[CONF_SOURCE]]
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = await self._async_validate({**entry.data, **user_input})
            if not errors:
                return self.async_update_reload_and_abort(entry, data_updates=user_input)
        schema = vol.Schema({vol.Required(key): _secret() for key in form.credentials})
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=schema,
            errors=errors,
            description_placeholders={"title": entry.title},
        )

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
