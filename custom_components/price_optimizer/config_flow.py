"""Set up a price source in the UI; the household's options have a flow of their own.

Each source has a step of its own that offers only the areas it supports.
Credentials and area are checked with a live call before an entry is
created; the same step serves reconfiguration, and a credential the provider
rejects later is asked for again in a reauthentication step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
import logging
from typing import Any, Final

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
)
from homeassistant.const import CONF_API_KEY, CONF_LATITUDE, CONF_LONGITUDE
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er, selector
from homeassistant.util import dt as dt_util
import voluptuous as vol

from .appliance_flow import ApplianceSubentryFlow
from .battery_flow import BatterySubentryFlow
from .const import (
    CONF_ACCESS_TOKEN,
    CONF_ACCOUNT_ID,
    CONF_AREA,
    CONF_CURRENCY,
    CONF_ENTITY_ID,
    CONF_ENTITY_KIND,
    CONF_HOME_ID,
    CONF_HOST,
    CONF_LOCATION_ID,
    CONF_PRODUCT_CODE,
    CONF_RATE_LABEL,
    CONF_REGION,
    CONF_RESOLUTION,
    CONF_SECTOR,
    CONF_SECURITY_TOKEN,
    CONF_SITE_ID,
    CONF_SOURCE,
    DOMAIN,
    LOGGER,
    SOURCE_AMBER,
    SOURCE_AWATTAR,
    SOURCE_COMED,
    SOURCE_ELERING,
    SOURCE_ENERGIDATASERVICE,
    SOURCE_ENERGYZERO,
    SOURCE_ENTITY,
    SOURCE_ENTSOE,
    SOURCE_FLATPEAK,
    SOURCE_NORDPOOL,
    SOURCE_NREL,
    SOURCE_OCTOPUS,
    SOURCE_REPLAY,
    SOURCE_TIBBER,
    SOURCE_URDB,
    SUBENTRY_APPLIANCE,
    SUBENTRY_BATTERY,
)
from .core.sources import (
    awattar,
    elering,
    energidataservice,
    energyzero,
    entsoe,
    flatpeak,
    nordpool,
    octopus,
    tariffs,
)
from .core.sources.base import SourceAuthError, SourceDataError, SourceError, SourceRequestError
from .core.sources.entity_formats import kind_of
from .core.sources.http import FLOW_RETRY
from .core.sources.replay import AREAS as REPLAY_AREAS, RESOLUTIONS as REPLAY_RESOLUTIONS
from .options_flow import PriceOptimizerOptionsFlow
from .selectors import number_box
from .source_factory import SOURCE_NAMES, async_list_places, source_from_config

_LOGGER = logging.getLogger(__name__)


def _select(options: list[str], translation_key: str) -> selector.SelectSelector:
    return selector.SelectSelector(
        selector.SelectSelectorConfig(
            options=options,
            mode=selector.SelectSelectorMode.DROPDOWN,
            translation_key=translation_key,
            sort=False,
        )
    )


def _secret() -> selector.TextSelector:
    return selector.TextSelector(
        selector.TextSelectorConfig(type=selector.TextSelectorType.PASSWORD)
    )


def _text(
    kind: selector.TextSelectorType = selector.TextSelectorType.TEXT,
) -> selector.TextSelector:
    return selector.TextSelector(selector.TextSelectorConfig(type=kind))


def _required(key: str, defaults: Mapping[str, Any], fallback: Any = None) -> vol.Required:
    default = defaults.get(key, fallback)
    return vol.Required(key) if default is None else vol.Required(key, default=default)


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


def _area(data: Mapping[str, Any]) -> str:
    return str(data[CONF_AREA])


def _home_location(hass: HomeAssistant) -> dict[str, Any]:
    return {CONF_LATITUDE: hass.config.latitude, CONF_LONGITUDE: hass.config.longitude}


@dataclass(frozen=True, slots=True)
class SourceForm:
    """What the step of one source asks, and how its entry is named and keyed."""

    schema: Callable[[Mapping[str, Any]], vol.Schema]
    credentials: tuple[str, ...] = ()
    unique_key: Callable[[Mapping[str, Any]], str] = _area
    title: Callable[[Mapping[str, Any]], str] = _area
    initial: Callable[[HomeAssistant], dict[str, Any]] = lambda hass: {}
    validate: bool = True


@dataclass(frozen=True, slots=True)
class AccountForm:
    """A source whose account holds several places: the credential first, then the place."""

    credential: str
    place: str


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
    SOURCE_OCTOPUS: SourceForm(
        schema=_fields(
            (CONF_PRODUCT_CODE, _text(), octopus.DEFAULT_PRODUCT),
            (CONF_REGION, _select(list(octopus.REGIONS), "octopus_region"), "C"),
        ),
        unique_key=lambda data: f"{data[CONF_PRODUCT_CODE]}_{data[CONF_REGION]}",
        title=lambda data: octopus.tariff_code(data[CONF_PRODUCT_CODE], data[CONF_REGION]),
    ),
    SOURCE_TIBBER: SourceForm(
        schema=_fields((CONF_ACCESS_TOKEN, _secret(), None)),
        credentials=(CONF_ACCESS_TOKEN,),
    ),
    SOURCE_ELERING: SourceForm(
        schema=_fields((CONF_AREA, _select(list(elering.AREAS), "area"), "EE")),
    ),
    SOURCE_AMBER: SourceForm(
        schema=_fields((CONF_API_KEY, _secret(), None)),
        credentials=(CONF_API_KEY,),
    ),
    SOURCE_COMED: SourceForm(
        schema=_fields(),
        unique_key=lambda data: "ComEd",
        title=lambda data: "Hourly Pricing",
    ),
    SOURCE_FLATPEAK: SourceForm(
        schema=_fields(
            (CONF_HOST, _text(selector.TextSelectorType.URL), flatpeak.DEFAULT_HOST),
            (CONF_ACCOUNT_ID, _text(), None),
            (CONF_API_KEY, _secret(), None),
            (CONF_LOCATION_ID, _text(), None),
        ),
        credentials=(CONF_ACCOUNT_ID, CONF_API_KEY),
        unique_key=lambda data: str(data[CONF_LOCATION_ID]),
        title=lambda data: str(data[CONF_LOCATION_ID]),
    ),
    SOURCE_NREL: SourceForm(
        schema=_fields(
            (CONF_API_KEY, _secret(), None),
            (CONF_LATITUDE, number_box(-90, 90, "any", "°"), None),
            (CONF_LONGITUDE, number_box(-180, 180, "any", "°"), None),
            (CONF_SECTOR, _select(list(tariffs.SECTORS), "sector"), "residential"),
        ),
        credentials=(CONF_API_KEY,),
        unique_key=lambda data: (
            f"{data[CONF_LATITUDE]:.2f}_{data[CONF_LONGITUDE]:.2f}_{data[CONF_SECTOR]}"
        ),
        title=lambda data: str(data[CONF_SECTOR]),
        initial=_home_location,
    ),
    SOURCE_URDB: SourceForm(
        schema=_fields((CONF_API_KEY, _secret(), None), (CONF_RATE_LABEL, _text(), None)),
        credentials=(CONF_API_KEY,),
        unique_key=lambda data: str(data[CONF_RATE_LABEL]),
        title=lambda data: str(data[CONF_RATE_LABEL]),
    ),
    SOURCE_ENTITY: SourceForm(
        schema=_fields(
            (
                CONF_ENTITY_ID,
                selector.EntitySelector(selector.EntitySelectorConfig(domain="sensor")),
                None,
            ),
            (CONF_RESOLUTION, _resolutions((15, 30, 60)), "60"),
        ),
        unique_key=lambda data: str(data[CONF_ENTITY_ID]),
        title=lambda data: str(data[CONF_ENTITY_ID]),
    ),
    SOURCE_REPLAY: SourceForm(
        schema=_fields(
            (CONF_AREA, _select(list(REPLAY_AREAS), "area"), "DE-LU"),
            (CONF_RESOLUTION, _resolutions(REPLAY_RESOLUTIONS), "60"),
        ),
        validate=False,
    ),
}
ACCOUNTS: Final[dict[str, AccountForm]] = {
    SOURCE_TIBBER: AccountForm(credential=CONF_ACCESS_TOKEN, place=CONF_HOME_ID),
    SOURCE_AMBER: AccountForm(credential=CONF_API_KEY, place=CONF_SITE_ID),
}
SOURCES: Final = tuple(FORMS)
# The form error for a failure no other error explains; its traceback is logged.
UNKNOWN: Final = {"base": "unknown"}


class PriceOptimizerConfigFlow(ConfigFlow, domain=DOMAIN):
    """Pick a price source, then its settings."""

    VERSION = 1

    def __init__(self) -> None:
        """Start with no account chosen yet."""
        self._account: dict[str, Any] = {}
        self._places: dict[str, str] = {}

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

    async def async_step_octopus(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the Octopus product code and the region."""
        return await self._async_source_step(SOURCE_OCTOPUS, user_input)

    async def async_step_tibber(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the Tibber access token, then which home."""
        return await self._async_account_step(SOURCE_TIBBER, user_input)

    async def async_step_tibber_home(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask which of the account's homes to follow."""
        return await self._async_place_step(SOURCE_TIBBER, user_input)

    async def async_step_elering(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the Baltic or Finnish area."""
        return await self._async_source_step(SOURCE_ELERING, user_input)

    async def async_step_amber(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the Amber API key, then which site."""
        return await self._async_account_step(SOURCE_AMBER, user_input)

    async def async_step_amber_site(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask which of the account's sites to follow."""
        return await self._async_place_step(SOURCE_AMBER, user_input)

    async def async_step_comed(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Confirm ComEd's public real-time prices."""
        return await self._async_source_step(SOURCE_COMED, user_input)

    async def async_step_flatpeak(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the Flatpeak host, account, key and location."""
        return await self._async_source_step(SOURCE_FLATPEAK, user_input)

    async def async_step_nrel(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for an NREL key, the location and the customer sector."""
        return await self._async_source_step(SOURCE_NREL, user_input)

    async def async_step_urdb(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for an OpenEI key and the URDB rate."""
        return await self._async_source_step(SOURCE_URDB, user_input)

    async def async_step_entity(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask which entity already holds the prices; recognise what it is."""
        if user_input is not None:
            state = self.hass.states.get(user_input[CONF_ENTITY_ID])
            if state is None:
                return self.async_show_form(
                    step_id=SOURCE_ENTITY,
                    data_schema=FORMS[SOURCE_ENTITY].schema(user_input),
                    errors={"base": "entity_not_found"},
                )
            try:
                registered = er.async_get(self.hass).async_get(state.entity_id)
                kind = kind_of(state.attributes, registered.platform if registered else None)
            except Exception:
                _LOGGER.exception("Unexpected error reading %s", state.entity_id)
                return self.async_show_form(
                    step_id=SOURCE_ENTITY,
                    data_schema=FORMS[SOURCE_ENTITY].schema(user_input),
                    errors=dict(UNKNOWN),
                )
            user_input = {**user_input, CONF_ENTITY_KIND: kind}
        return await self._async_source_step(SOURCE_ENTITY, user_input)

    async def async_step_replay(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask which bundled area to replay and at what resolution."""
        return await self._async_source_step(SOURCE_REPLAY, user_input)

    def _defaults(self, source: str, user_input: Mapping[str, Any] | None) -> Mapping[str, Any]:
        if user_input is not None:
            return user_input
        if self.source == SOURCE_RECONFIGURE:
            return self._get_reconfigure_entry().data
        return FORMS[source].initial(self.hass)

    async def _async_source_step(
        self, source: str, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        """Show, check and save one source's settings, for a new entry or a reconfiguration."""
        form = FORMS[source]
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {CONF_SOURCE: source, **user_input}
            result, errors = await self._async_finish(
                data, f"{source}_{form.unique_key(data)}", form.title(data), form.validate
            )
            if result is not None:
                return result
        return self.async_show_form(
            step_id=source,
            data_schema=form.schema(self._defaults(source, user_input)),
            errors=errors,
        )

    async def _async_account_step(
        self, source: str, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        """Check a credential by listing its places; go on to choose one."""
        account = ACCOUNTS[source]
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                places = await async_list_places(
                    self.hass, source, user_input[account.credential], retry=FLOW_RETRY
                )
            except SourceError as err:
                errors = _errors_for(err)
            except Exception:
                _LOGGER.exception("Unexpected error listing the places of a %s account", source)
                errors = dict(UNKNOWN)
            else:
                if places:
                    self._account = {CONF_SOURCE: source, **user_input}
                    self._places = dict(places)
                    if len(places) == 1:
                        return await self._async_place_step(source, {account.place: places[0][0]})
                    return await self._async_place_step(source, None)
                errors = {"base": "no_places"}
        return self.async_show_form(
            step_id=source,
            data_schema=FORMS[source].schema(self._defaults(source, user_input)),
            errors=errors,
        )

    async def _async_place_step(
        self, source: str, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        """Save the chosen place of an account."""
        account = ACCOUNTS[source]
        errors: dict[str, str] = {}
        if user_input is not None:
            place = user_input[account.place]
            data = {**self._account, account.place: place}
            result, errors = await self._async_finish(
                data, f"{source}_{place}", self._places.get(place, place), validate=True
            )
            if result is not None:
                return result
        current = (
            self._get_reconfigure_entry().data.get(account.place)
            if self.source == SOURCE_RECONFIGURE
            else None
        )
        options = [
            selector.SelectOptionDict(value=value, label=label)
            for value, label in self._places.items()
        ]
        default = current if current in self._places else None
        schema = vol.Schema(
            {
                _required(account.place, {}, default): selector.SelectSelector(
                    selector.SelectSelectorConfig(
                        options=options, mode=selector.SelectSelectorMode.LIST
                    )
                )
            }
        )
        return self.async_show_form(
            step_id=f"{source}_{account.place.removesuffix('_id')}",
            data_schema=schema,
            errors=errors,
        )

    async def _async_finish(
        self, data: dict[str, Any], unique_id: str, title: str, validate: bool
    ) -> tuple[ConfigFlowResult | None, dict[str, str]]:
        """Create or update the entry once the source answers, else return the form errors."""
        reconfiguring = self.source == SOURCE_RECONFIGURE
        if not reconfiguring or unique_id != self._get_reconfigure_entry().unique_id:
            await self.async_set_unique_id(unique_id)
            self._abort_if_unique_id_configured()
        errors = await self._async_validate(data) if validate else {}
        if errors:
            return None, errors
        title = f"{SOURCE_NAMES[data[CONF_SOURCE]]} {title}"
        if reconfiguring:
            return self._async_update_source(
                self._get_reconfigure_entry(), unique_id=unique_id, title=title, data=data
            ), {}
        return self.async_create_entry(title=title, data=data), {}

    def _async_update_source(self, entry: ConfigEntry, **changes: Any) -> ConfigFlowResult:
        """Store a new source; a loaded entry's update listener reloads it, else the flow does."""
        if entry.update_listeners:
            return self.async_update_and_abort(entry, **changes)
        return self.async_update_reload_and_abort(entry, **changes)

    async def _async_validate(self, data: Mapping[str, Any]) -> dict[str, str]:
        """Ask the source for today's prices; return form errors, none when it answers."""
        now = dt_util.utcnow()
        try:
            source = source_from_config(self.hass, data, retry=FLOW_RETRY)
            prices = await source.async_fetch(now - timedelta(days=1), now + timedelta(days=1))
        except SourceError as err:
            return _errors_for(err)
        except Exception:
            # A broken library (a DNS resolver raising TypeError) must not end the flow
            # in a server error: the form says so, the log has the traceback.
            _LOGGER.exception("Unexpected error in the live check of %s", data[CONF_SOURCE])
            return dict(UNKNOWN)
        if not prices:
            return {"base": "no_prices"}
        return {}

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the entry's own source step, filled with its current settings."""
        source = self._get_reconfigure_entry().data[CONF_SOURCE]
        if source in ACCOUNTS:
            return await self._async_account_step(source, None)
        return await self._async_source_step(source, None)

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
                return self._async_update_source(entry, data_updates=user_input)
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
        """Return the options flow for prices, tariff, capacity, export and base load."""
        return PriceOptimizerOptionsFlow()

    @classmethod
    @callback
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """Return the flows of the appliance subentries and of the battery subentry."""
        return {SUBENTRY_APPLIANCE: ApplianceSubentryFlow, SUBENTRY_BATTERY: BatterySubentryFlow}


def _errors_for(err: SourceError) -> dict[str, str]:
    """Return the form error that explains a failed live call."""
    if isinstance(err, SourceAuthError):
        return {"base": "invalid_auth"}
    LOGGER.debug("Live check failed: %s", err)
    if isinstance(err, SourceRequestError):
        return {"base": "refused"}
    if isinstance(err, SourceDataError):
        return {"base": "invalid_data"}
    return {"base": "cannot_connect"}
