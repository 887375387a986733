"""The household's options: prices, tariff, capacity charge, export price, base load, solar.

A menu leads to one part at a time, and each part saves only its own keys on top of what the
entry already stores, so changing the export price never drops the tariff typed in by hand.
Every refusal of the tariff core (a :class:`TariffError`) is shown as the form error its code
names, with the core's placeholders, on the field the refusal is about (on the form when none
is); nothing is stored until a part validates whole.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
import logging
from typing import TYPE_CHECKING, Any, Final, cast

import holidays
from homeassistant.config_entries import ConfigEntryState, ConfigFlowResult, OptionsFlow
from homeassistant.const import UnitOfEnergy, UnitOfPower
from homeassistant.data_entry_flow import section
from homeassistant.helpers import selector
from homeassistant.util import dt as dt_util
import voluptuous as vol

from .const import (
    CONF_BASE_LOAD_SENSOR,
    CONF_CAPACITY,
    CONF_EXPORT_PRICE,
    CONF_FEE_PER_KWH,
    CONF_HOUSEHOLD_LIMIT_KW,
    CONF_MULTIPLIER,
    CONF_SOLAR_FORECAST,
    CONF_TARIFF,
    CONF_VAT_PERCENT,
    SOURCE_ENERGIDATASERVICE,
)
from .core.solar import forecast_attribute
from .core.sources.base import SourceDataError, SourceError
from .core.sources.http import FLOW_RETRY
from .core.tariffs import energidataservice_client
from .core.tariffs.capacity import (
    MAX_ROLLING_MONTHS,
    capacity_rule_from_dict,
    capacity_rule_to_dict,
)
from .core.tariffs.energidataservice import CURRENCY as DATAHUB_CURRENCY, GridCompany
from .core.tariffs.issues import InputPath, TariffError
from .core.tariffs.model import (
    COMPONENT_KINDS,
    DAY_KINDS,
    ExportPrice,
    Tariff,
    component_to_dict,
    components_from_dicts,
    validate_tariff,
)
from .core.tariffs.presets import PRESET_REGIONS, PresetRegion, load_presets, preset
from .selectors import number_box
from .solar_forecast import (
    CONF_CONFIG_ENTRIES,
    CONF_ENTITIES,
    CONF_KIND as CONF_SOLAR_SOURCE_KIND,
    ENERGY_PLATFORM,
    SENSOR,
    async_solar_forecast_entries,
)
from .source_factory import source_http
from .tariff_form import (
    BAND_SECTIONS,
    CONF_BASE_PRICE,
    CONF_DAYS,
    CONF_END,
    CONF_KIND,
    CONF_NAME,
    CONF_PRICE,
    CONF_SEASON_FROM,
    CONF_SEASON_TO,
    CONF_START,
    CONF_VALID_FROM,
    CONF_VALID_TO,
    CONF_VAT_APPLIES,
    component_data,
    component_form_key,
    component_form_values,
    component_label,
)

if TYPE_CHECKING:
    from .data import PriceOptimizerConfigEntry

_LOGGER = logging.getLogger(__name__)

PRICE_KEYS: Final = (CONF_VAT_PERCENT, CONF_FEE_PER_KWH, CONF_MULTIPLIER, CONF_HOUSEHOLD_LIMIT_KW)
CONF_TARIFF_SOURCE: Final = "tariff_source"
CONF_PRESET_REGION: Final = "region"
CONF_PRESET_ID: Final = "preset"
CONF_HOLIDAY_COUNTRY: Final = "holiday_country"
CONF_GRID_COMPANY: Final = "grid_company"
CONF_CHARGE_CODES: Final = "charge_codes"
CONF_REDUCED_TAX: Final = "reduced_electricity_tax"
CONF_REMOVE: Final = "remove"
CONF_EDIT: Final = "edit"
CONF_CAPACITY_KIND: Final = "capacity_kind"
CONF_STEPS: Final = "steps"
CONF_PEAKS_COUNTED: Final = "peaks_counted"
CONF_THRESHOLD_INCLUDED: Final = "threshold_included"
CONF_FEE_PER_KW_MONTH: Final = "fee_per_kw_month"
CONF_FLOOR_KW: Final = "floor_kw"
CONF_INTERVAL_MINUTES: Final = "interval_minutes"
CONF_ROLLING_MONTHS: Final = "rolling_months"
CONF_EXPORT_KIND: Final = "export_kind"
CONF_EXPORT_MULTIPLIER: Final = "multiplier"
CONF_EXPORT_OFFSET: Final = "offset"
CONF_FIXED_RATE: Final = "fixed_rate"
CONF_SOLAR_KIND: Final = "solar_kind"
NONE: Final = "none"
SOLAR_KINDS: Final = (NONE, ENERGY_PLATFORM, SENSOR)
TARIFF_SOURCES: Final = (NONE, "preset", "energidataservice", "manual")
CAPACITY_KINDS: Final = (NONE, "daily_peaks_step", "monthly_peak")
EXPORT_KINDS: Final = (NONE, "spot", "fixed")
POWER_UNITS: Final = (UnitOfPower.WATT, UnitOfPower.KILO_WATT)
UNKNOWN: Final = {"base": "unknown"}
# Danish grid companies issue a new tariff version at least once a year (see the client).
GRID_COMPANIES_SINCE: Final = timedelta(days=365)
# Prices are per kWh in the source's currency; a wide box still catches a slipped decimal point.
_PRICE_BOX: Final = (-1000.0, 1000.0)
# Capacity steps may be typed negative so that the core's own translated refusal explains it.
_STEP_BOX: Final = (-100000.0, 100000.0)


def _select(
    options: tuple[str, ...] | list[str],
    translation_key: str,
    *,
    multiple: bool = False,
    mode: selector.SelectSelectorMode = selector.SelectSelectorMode.LIST,
) -> selector.SelectSelector:
    return selector.SelectSelector(
        selector.SelectSelectorConfig(
            options=list(options),
            translation_key=translation_key,
            multiple=multiple,
            mode=mode,
            sort=False,
        )
    )


def _choices(labels: Mapping[str, str], *, multiple: bool = False) -> selector.SelectSelector:
    """A select over data (preset names, components), whose labels are names, not prose."""
    return selector.SelectSelector(
        selector.SelectSelectorConfig(
            options=[
                selector.SelectOptionDict(value=value, label=label)
                for value, label in labels.items()
            ],
            multiple=multiple,
            mode=selector.SelectSelectorMode.LIST,
        )
    )


def _text() -> selector.TextSelector:
    return selector.TextSelector()


type FormKey = Callable[[InputPath], str | None]
"""The form field an input of the tariff core is typed into, None when it is not on the form."""


def _error(err: TariffError, form_key: FormKey) -> tuple[dict[str, str], dict[str, str]]:
    """The form errors and their placeholders for a refusal of the tariff core.

    The error goes on each field the refusal is about, and on the form itself when it is about
    no field the form shows.
    """
    keys = [key for path in err.inputs if (key := form_key(path)) is not None]
    return dict.fromkeys(keys or ["base"], err.issue.code), dict(err.issue.placeholders)


def _fields_of(schema: vol.Schema) -> FormKey:
    """The form key for inputs whose plain form uses the schema's own keys."""
    keys = {str(marker) for marker in schema.schema}
    return lambda path: str(path[0]) if path and path[0] in keys else None


def _within(prefix: InputPath, form_key: FormKey) -> FormKey:
    """``form_key`` for the inputs under ``prefix``; no other input is on the form."""
    return lambda path: form_key(path[len(prefix) :]) if path[: len(prefix)] == prefix else None


def _band_schema() -> vol.Schema:
    return vol.Schema(
        {
            vol.Optional(CONF_PRICE): number_box(*_PRICE_BOX),
            vol.Optional(CONF_DAYS): _select(DAY_KINDS, "day_kind", multiple=True),
            vol.Optional(CONF_START): selector.TimeSelector(),
            vol.Optional(CONF_END): selector.TimeSelector(),
            vol.Optional(CONF_SEASON_FROM): _text(),
            vol.Optional(CONF_SEASON_TO): _text(),
        }
    )


def _component_schema() -> vol.Schema:
    fields: dict[vol.Marker, Any] = {
        vol.Required(CONF_NAME): _text(),
        vol.Required(CONF_KIND, default="grid"): _select(COMPONENT_KINDS, "component_kind"),
        # Optional so that leaving the price out is a band question, not a schema error.
        vol.Optional(CONF_BASE_PRICE): number_box(*_PRICE_BOX),
        # Optional so that a missing start is the core's translated "no validity" refusal.
        vol.Optional(CONF_VALID_FROM): selector.DateSelector(),
        vol.Optional(CONF_VALID_TO): selector.DateSelector(),
        vol.Required(CONF_VAT_APPLIES, default=True): selector.BooleanSelector(),
    }
    for number, key in enumerate(BAND_SECTIONS):
        fields[vol.Optional(key, default={})] = section(_band_schema(), {"collapsed": number > 0})
    return vol.Schema(fields)


def _holiday_countries() -> list[str]:
    # The holidays package also lists three-letter aliases; the country selector wants ISO 3166-1.
    return sorted(code for code in holidays.list_supported_countries() if len(code) == 2)


class PriceOptimizerOptionsFlow(OptionsFlow):
    """Adjust what the household pays and earns, and what it draws besides the appliances."""

    def __init__(self) -> None:
        """Start with no tariff being typed in and no region chosen."""
        self._components: list[dict[str, Any]] | None = None
        # The component the form is changing, by its place in the list; None adds one.
        self._editing: int | None = None
        self._region: PresetRegion | None = None
        self._companies: dict[str, GridCompany] = {}
        self._company: GridCompany | None = None

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Offer each part of the options on its own."""
        return self.async_show_menu(
            step_id="init",
            menu_options=[
                "prices",
                "grid_tariff",
                "capacity",
                "export_price",
                "base_load",
                "solar_forecast",
            ],
        )

    def _async_save(self, changes: Mapping[str, Any]) -> ConfigFlowResult:
        """Store ``changes`` over the entry's options; a ``None`` value removes its key."""
        options = {**self.config_entry.options, **changes}
        return self.async_create_entry(
            data={key: value for key, value in options.items() if value is not None}
        )

    def _prices_currency(self) -> str | None:
        """The currency of the running entry's prices; None while it is not running."""
        entry = cast("PriceOptimizerConfigEntry", self.config_entry)
        if entry.state is not ConfigEntryState.LOADED:
            return None
        return entry.runtime_data.coordinator.data.raw.currency

    def _tariff(self, **parts: Any) -> Tariff:
        return Tariff(
            time_zone=self.hass.config.time_zone, currency=self.hass.config.currency, **parts
        )

    # --- prices ----------------------------------------------------------------------------

    async def async_step_prices(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for VAT, a fixed fee per kWh, a multiplier and the household power limit."""
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                # A cleared household limit is absent from the input and so removed.
                return self._async_save({key: user_input.get(key) for key in PRICE_KEYS})
            except Exception:
                _LOGGER.exception(
                    "Unexpected error saving the options of %s", self.config_entry.title
                )
                errors = dict(UNKNOWN)
        options = self.config_entry.options
        schema = vol.Schema(
            {
                vol.Required(
                    CONF_VAT_PERCENT, default=options.get(CONF_VAT_PERCENT, 0.0)
                ): number_box(0, 100, 0.1, "%"),
                vol.Required(
                    CONF_FEE_PER_KWH, default=options.get(CONF_FEE_PER_KWH, 0.0)
                ): number_box(-10, 10),
                vol.Required(
                    CONF_MULTIPLIER, default=options.get(CONF_MULTIPLIER, 1.0)
                ): number_box(0, 10),
                # Optional without a default, so clearing the field removes the limit.
                vol.Optional(CONF_HOUSEHOLD_LIMIT_KW): number_box(0.1, 1000, "any", "kW"),
            }
        )
        return self.async_show_form(
            step_id="prices",
            data_schema=self.add_suggested_values_to_schema(schema, user_input or options),
            errors=errors,
        )

    # --- grid tariff -----------------------------------------------------------------------

    async def async_step_grid_tariff(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask where the grid tariff comes from: none, a preset, Datahub or typed in by hand."""
        if user_input is not None:
            source = user_input[CONF_TARIFF_SOURCE]
            if source == NONE:
                return self._async_save({CONF_TARIFF: None})
            if source == "preset":
                return await self.async_step_preset_region()
            if source == "energidataservice":
                return await self.async_step_grid_company()
            return await self.async_step_manual()
        stored = self.config_entry.options.get(CONF_TARIFF) or {}
        schema = vol.Schema(
            {
                vol.Required(CONF_TARIFF_SOURCE, default=stored.get("source", NONE)): _select(
                    TARIFF_SOURCES, "tariff_source"
                )
            }
        )
        return self.async_show_form(step_id="grid_tariff", data_schema=schema)

    async def async_step_preset_region(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask which region's published tariffs to choose from."""
        if user_input is not None:
            self._region = cast("PresetRegion", user_input[CONF_PRESET_REGION])
            return await self.async_step_preset()
        stored = (self.config_entry.options.get(CONF_TARIFF) or {}).get("preset") or {}
        schema = vol.Schema(
            {
                vol.Required(
                    CONF_PRESET_REGION, default=stored.get("region", PRESET_REGIONS[0])
                ): _select(PRESET_REGIONS, "preset_region")
            }
        )
        return self.async_show_form(step_id="preset_region", data_schema=schema)

    async def async_step_preset(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask which preset, each shown with its name, source and date."""
        region = self._region or PRESET_REGIONS[0]
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            chosen = preset(region, user_input[CONF_PRESET_ID])
            currency = self._prices_currency()
            # A preset's fees are in its country's currency; they cannot be added to others.
            if currency is not None and currency != chosen.currency:
                errors = {"base": "currency_mismatch"}
                placeholders = {"tariff_currency": chosen.currency, "currency": currency}
        if user_input is not None and not errors:
            return self._async_save(
                {
                    CONF_TARIFF: {
                        "source": "preset",
                        "preset": {"region": region, "id": chosen.id},
                        "holiday_country": chosen.holiday_country,
                    }
                }
            )
        labels = {
            item.id: f"{item.name} · {item.credit}, {item.updated.isoformat()}"
            for item in load_presets(region)
        }
        stored = (self.config_entry.options.get(CONF_TARIFF) or {}).get("preset") or {}
        current = stored.get("id") if stored.get("id") in labels else next(iter(labels))
        schema = vol.Schema({vol.Required(CONF_PRESET_ID, default=current): _choices(labels)})
        return self.async_show_form(
            step_id="preset",
            data_schema=schema,
            errors=errors,
            description_placeholders=placeholders,
        )

    # --- Energi Data Service ---------------------------------------------------------------

    def _stored_company(self) -> Mapping[str, Any]:
        stored = self.config_entry.options.get(CONF_TARIFF) or {}
        return stored.get(CONF_GRID_COMPANY) or {}

    async def async_step_grid_company(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask which Danish grid company, from the charge owners Datahub lists."""
        errors: dict[str, str] = {}
        if user_input is not None and user_input.get(CONF_GRID_COMPANY) in self._companies:
            self._company = self._companies[user_input[CONF_GRID_COMPANY]]
            return await self.async_step_grid_charges()
        if not self._companies:
            errors = await self._async_fetch_companies()
        if errors:
            # An empty form: submitting it asks Datahub again.
            return self.async_show_form(
                step_id="grid_company", data_schema=vol.Schema({}), errors=errors
            )
        labels = {
            gln: gln if company.name is None else f"{company.name} ({gln})"
            for gln, company in self._companies.items()
        }
        stored = self._stored_company().get("gln")
        current = stored if stored in labels else next(iter(labels))
        schema = vol.Schema(
            {
                vol.Required(CONF_GRID_COMPANY, default=current): selector.SelectSelector(
                    selector.SelectSelectorConfig(
                        options=[
                            selector.SelectOptionDict(value=value, label=label)
                            for value, label in labels.items()
                        ],
                        mode=selector.SelectSelectorMode.DROPDOWN,
                    )
                )
            }
        )
        return self.async_show_form(step_id="grid_company", data_schema=schema)

    async def _async_fetch_companies(self) -> dict[str, str]:
        """Fetch the grid companies; return the form error when Datahub does not answer."""
        http = source_http(self.hass, SOURCE_ENERGIDATASERVICE, FLOW_RETRY)
        since = dt_util.now().date() - GRID_COMPANIES_SINCE
        try:
            companies = await energidataservice_client.async_fetch_grid_companies(
                http, since, url=energidataservice_client.DATAHUB_URL
            )
        except SourceDataError as err:
            _LOGGER.debug("Datahub's grid companies refused: %s", err)
            return {"base": "invalid_data"}
        except SourceError as err:
            _LOGGER.debug("Datahub's grid companies not fetched: %s", err)
            return {"base": "cannot_connect"}
        if not companies:
            return {"base": "no_grid_companies"}
        self._companies = {company.gln: company for company in companies}
        return {}

    async def async_step_grid_charges(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask which of the company's charge codes the household's meter is billed under."""
        company = self._company
        if company is None:
            return await self.async_step_grid_company()
        errors: dict[str, str] = {}
        currency = self._prices_currency()
        if user_input is not None:
            codes = [code for code in company.charge_codes if code in user_input[CONF_CHARGE_CODES]]
            if not codes:
                errors = {CONF_CHARGE_CODES: "charge_codes_missing"}
            elif currency not in (None, DATAHUB_CURRENCY):
                errors = {"base": "currency_mismatch"}
            else:
                return self._async_save(
                    {
                        CONF_TARIFF: {
                            "source": "energidataservice",
                            CONF_GRID_COMPANY: {
                                "gln": company.gln,
                                "name": company.name,
                                CONF_CHARGE_CODES: codes,
                                CONF_REDUCED_TAX: bool(user_input.get(CONF_REDUCED_TAX)),
                            },
                            "holiday_country": "DK",
                        }
                    }
                )
        stored = self._stored_company()
        same = stored.get("gln") == company.gln
        suggested = user_input or {
            CONF_CHARGE_CODES: stored.get(CONF_CHARGE_CODES, []) if same else [],
            CONF_REDUCED_TAX: bool(stored.get(CONF_REDUCED_TAX)) if same else False,
        }
        schema = vol.Schema(
            {
                vol.Required(CONF_CHARGE_CODES): _choices(
                    {code: code for code in company.charge_codes}, multiple=True
                ),
                vol.Optional(CONF_REDUCED_TAX, default=False): selector.BooleanSelector(),
            }
        )
        return self.async_show_form(
            step_id="grid_charges",
            data_schema=self.add_suggested_values_to_schema(schema, suggested),
            errors=errors,
            description_placeholders={
                "company": company.name or company.gln,
                "tariff_currency": DATAHUB_CURRENCY,
                "currency": currency or DATAHUB_CURRENCY,
            },
        )

    # --- a tariff typed in by hand ---------------------------------------------------------

    def _working_components(self) -> list[dict[str, Any]]:
        if self._components is None:
            stored = self.config_entry.options.get(CONF_TARIFF) or {}
            components = stored.get("components") if stored.get("source") == "manual" else None
            self._components = [dict(component) for component in components or ()]
        return self._components

    async def async_step_manual(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """List the components typed in so far; add another, change or remove some, or finish."""
        components = self._working_components()
        self._editing = None
        options = ["component"]
        if components:
            options += ["edit_component", "remove_component", "manual_done"]
        listed = "\n".join(f"- {component_label(c)}" for c in components) or "-"
        return self.async_show_menu(
            step_id="manual",
            menu_options=options,
            description_placeholders={"components": listed},
        )

    async def async_step_component(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for one component: its name, kind, base price, bands, validity and VAT."""
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        components = self._working_components()
        if user_input is not None:
            others = [c for index, c in enumerate(components) if index != self._editing]
            try:
                parsed = components_from_dicts([*others, component_data(user_input)])
                validate_tariff(self._tariff(components=parsed))
            except TariffError as err:
                # What is wrong with a stored component is not on this form.
                typed_in = ("components", len(others))
                form_key = _within(typed_in, lambda path: component_form_key(user_input, path))
                errors, placeholders = _error(err, form_key)
            else:
                component = parsed[-1]
                if self._editing is None:
                    components.append(component_to_dict(component))
                else:
                    components[self._editing] = component_to_dict(component)
                    self._editing = None
                return await self.async_step_manual()
        suggested = user_input
        if suggested is None and self._editing is not None:
            suggested = component_form_values(components[self._editing])
        return self.async_show_form(
            step_id="component",
            data_schema=self.add_suggested_values_to_schema(_component_schema(), suggested),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_edit_component(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask which component to change, then show it in the component form."""
        components = self._working_components()
        if user_input is not None:
            self._editing = int(user_input[CONF_EDIT])
            return await self.async_step_component()
        labels = {str(index): component_label(c) for index, c in enumerate(components)}
        schema = vol.Schema({vol.Required(CONF_EDIT): _choices(labels)})
        return self.async_show_form(step_id="edit_component", data_schema=schema)

    async def async_step_remove_component(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask which of the components to drop."""
        components = self._working_components()
        if user_input is not None:
            dropped = {int(index) for index in user_input.get(CONF_REMOVE, [])}
            components[:] = [c for index, c in enumerate(components) if index not in dropped]
            return await self.async_step_manual()
        labels = {str(index): component_label(c) for index, c in enumerate(components)}
        schema = vol.Schema({vol.Optional(CONF_REMOVE): _choices(labels, multiple=True)})
        return self.async_show_form(step_id="remove_component", data_schema=schema)

    async def async_step_manual_done(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask whose public holidays count, check the whole tariff and store it."""
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        stored = self.config_entry.options.get(CONF_TARIFF) or {}
        schema = vol.Schema(
            {
                vol.Optional(CONF_HOLIDAY_COUNTRY): selector.CountrySelector(
                    selector.CountrySelectorConfig(countries=_holiday_countries())
                )
            }
        )
        if user_input is not None:
            country = user_input.get(CONF_HOLIDAY_COUNTRY) or None
            components = self._working_components()
            try:
                parsed = components_from_dicts(components)
                validate_tariff(self._tariff(components=parsed, holiday_country=country))
            except TariffError as err:
                errors, placeholders = _error(err, _fields_of(schema))
            else:
                return self._async_save(
                    {
                        CONF_TARIFF: {
                            "source": "manual",
                            "components": [component_to_dict(c) for c in parsed],
                            "holiday_country": country,
                        }
                    }
                )
        suggested = user_input or {
            CONF_HOLIDAY_COUNTRY: stored.get("holiday_country") or self.hass.config.country
        }
        return self.async_show_form(
            step_id="manual_done",
            data_schema=self.add_suggested_values_to_schema(schema, suggested),
            errors=errors,
            description_placeholders=placeholders,
        )

    # --- capacity charge -------------------------------------------------------------------

    async def async_step_capacity(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask which kind of capacity charge the grid company bills, if any."""
        if user_input is not None:
            kind = user_input[CONF_CAPACITY_KIND]
            if kind == NONE:
                return self._async_save({CONF_CAPACITY: None})
            if kind == "daily_peaks_step":
                return await self.async_step_capacity_daily_peaks()
            return await self.async_step_capacity_monthly_peak()
        stored = self.config_entry.options.get(CONF_CAPACITY) or {}
        schema = vol.Schema(
            {
                vol.Required(CONF_CAPACITY_KIND, default=stored.get("kind", NONE)): _select(
                    CAPACITY_KINDS, "capacity_kind"
                )
            }
        )
        return self.async_show_form(step_id="capacity", data_schema=schema)

    def _stored_capacity(self, kind: str) -> dict[str, Any]:
        stored = self.config_entry.options.get(CONF_CAPACITY) or {}
        return dict(stored) if stored.get("kind") == kind else {}

    def _async_save_capacity(
        self, step_id: str, schema: vol.Schema, rule: dict[str, Any], user_input: dict[str, Any]
    ) -> ConfigFlowResult:
        try:
            parsed = capacity_rule_from_dict(rule)
        except TariffError as err:
            # The rule's plain form uses the form's keys.
            errors, placeholders = _error(err, _fields_of(schema))
            return self.async_show_form(
                step_id=step_id,
                data_schema=self.add_suggested_values_to_schema(schema, user_input),
                errors=errors,
                description_placeholders=placeholders,
            )
        return self._async_save({CONF_CAPACITY: capacity_rule_to_dict(parsed)})

    async def async_step_capacity_daily_peaks(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the monthly fee of each step and how many daily peaks are averaged."""
        step = selector.NumberSelector(
            selector.NumberSelectorConfig(
                min=_STEP_BOX[0], max=_STEP_BOX[1], step="any", mode=selector.NumberSelectorMode.BOX
            )
        )
        schema = vol.Schema(
            {
                vol.Required(CONF_STEPS): selector.ObjectSelector(
                    selector.ObjectSelectorConfig(
                        fields={
                            "threshold_kw": {
                                "selector": step.serialize()["selector"],
                                "required": True,
                            },
                            "monthly_fee": {
                                "selector": step.serialize()["selector"],
                                "required": True,
                            },
                        },
                        multiple=True,
                        translation_key="capacity_steps",
                    )
                ),
                vol.Required(CONF_PEAKS_COUNTED, default=3): number_box(1, 31, 1),
                vol.Required(CONF_THRESHOLD_INCLUDED, default=True): selector.BooleanSelector(),
            }
        )
        if user_input is not None:
            rule = {
                "kind": "daily_peaks_step",
                "steps": list(user_input[CONF_STEPS]),
                "peaks_counted": int(user_input[CONF_PEAKS_COUNTED]),
                "threshold_included": user_input[CONF_THRESHOLD_INCLUDED],
            }
            return self._async_save_capacity("capacity_daily_peaks", schema, rule, user_input)
        return self.async_show_form(
            step_id="capacity_daily_peaks",
            data_schema=self.add_suggested_values_to_schema(
                schema, self._stored_capacity("daily_peaks_step")
            ),
        )

    async def async_step_capacity_monthly_peak(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the fee per kW and month, the floor, the interval and the rolling months."""
        schema = vol.Schema(
            {
                vol.Required(CONF_FEE_PER_KW_MONTH): number_box(*_STEP_BOX),
                vol.Required(CONF_FLOOR_KW, default=0.0): number_box(*_STEP_BOX, "any", "kW"),
                vol.Required(CONF_INTERVAL_MINUTES, default="15"): _select(
                    ("15", "60"), "capacity_interval"
                ),
                vol.Required(CONF_ROLLING_MONTHS, default=1): number_box(1, MAX_ROLLING_MONTHS, 1),
            }
        )
        if user_input is not None:
            rule = {
                "kind": "monthly_peak",
                "fee_per_kw_month": user_input[CONF_FEE_PER_KW_MONTH],
                "floor_kw": user_input[CONF_FLOOR_KW],
                "interval_minutes": int(user_input[CONF_INTERVAL_MINUTES]),
                "rolling_months": int(user_input[CONF_ROLLING_MONTHS]),
            }
            return self._async_save_capacity("capacity_monthly_peak", schema, rule, user_input)
        stored = self._stored_capacity("monthly_peak")
        if CONF_INTERVAL_MINUTES in stored:
            stored[CONF_INTERVAL_MINUTES] = str(stored[CONF_INTERVAL_MINUTES])
        return self.async_show_form(
            step_id="capacity_monthly_peak",
            data_schema=self.add_suggested_values_to_schema(schema, stored),
        )

    # --- export price ----------------------------------------------------------------------

    async def async_step_export_price(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask how exported energy is paid, if at all."""
        if user_input is not None:
            kind = user_input[CONF_EXPORT_KIND]
            if kind == NONE:
                return self._async_save({CONF_EXPORT_PRICE: None})
            if kind == "spot":
                return await self.async_step_export_spot()
            return await self.async_step_export_fixed()
        stored = self.config_entry.options.get(CONF_EXPORT_PRICE) or {}
        schema = vol.Schema(
            {
                vol.Required(CONF_EXPORT_KIND, default=stored.get("kind", NONE)): _select(
                    EXPORT_KINDS, "export_kind"
                )
            }
        )
        return self.async_show_form(step_id="export_price", data_schema=schema)

    def _async_export_step(
        self,
        step_id: str,
        schema: vol.Schema,
        user_input: dict[str, Any] | None,
        export_of: Callable[[Mapping[str, Any]], ExportPrice],
    ) -> ConfigFlowResult:
        """Store the export price once the core accepts it, else show why not."""
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            export = export_of(user_input)
            try:
                validate_tariff(self._tariff(export=export))
            except TariffError as err:
                errors, placeholders = _error(err, _within(("export",), _fields_of(schema)))
            else:
                return self._async_save(
                    {
                        CONF_EXPORT_PRICE: {
                            "kind": export.kind,
                            "multiplier": export.multiplier,
                            "offset": export.offset,
                            "fixed_rate": export.fixed_rate,
                        }
                    }
                )
        stored = self.config_entry.options.get(CONF_EXPORT_PRICE) or {}
        suggested = user_input or (stored if f"export_{stored.get('kind')}" == step_id else {})
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(schema, suggested),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_export_spot(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the multiplier and offset applied to the market price of exported energy."""
        schema = vol.Schema(
            {
                vol.Required(CONF_EXPORT_MULTIPLIER, default=1.0): number_box(-10, 10),
                vol.Required(CONF_EXPORT_OFFSET, default=0.0): number_box(*_PRICE_BOX),
            }
        )
        return self._async_export_step(
            "export_spot",
            schema,
            user_input,
            lambda data: ExportPrice(
                kind="spot",
                multiplier=data[CONF_EXPORT_MULTIPLIER],
                offset=data[CONF_EXPORT_OFFSET],
            ),
        )

    async def async_step_export_fixed(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the fixed feed-in rate per kWh, negative where export costs money."""
        schema = vol.Schema({vol.Required(CONF_FIXED_RATE): number_box(*_PRICE_BOX)})
        return self._async_export_step(
            "export_fixed",
            schema,
            user_input,
            lambda data: ExportPrice(kind="fixed", fixed_rate=data[CONF_FIXED_RATE]),
        )

    # --- base load -------------------------------------------------------------------------

    async def async_step_base_load(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the sensor of what the whole house draws, or none."""
        errors: dict[str, str] = {}
        if user_input is not None:
            entity_id = user_input.get(CONF_BASE_LOAD_SENSOR)
            errors = self._base_load_errors(entity_id)
            if not errors:
                return self._async_save({CONF_BASE_LOAD_SENSOR: entity_id})
        schema = vol.Schema(
            {
                vol.Optional(CONF_BASE_LOAD_SENSOR): selector.EntitySelector(
                    selector.EntitySelectorConfig(domain="sensor", device_class=["power", "energy"])
                )
            }
        )
        return self.async_show_form(
            step_id="base_load",
            data_schema=self.add_suggested_values_to_schema(
                schema, user_input or self.config_entry.options
            ),
            errors=errors,
        )

    def _base_load_errors(self, entity_id: str | None) -> dict[str, str]:
        """Refuse a sensor whose readings the base-load profile cannot use."""
        if entity_id is None:
            return {}
        state = self.hass.states.get(entity_id)
        if state is None:
            return {CONF_BASE_LOAD_SENSOR: "entity_not_found"}
        unit = state.attributes.get("unit_of_measurement")
        if unit in POWER_UNITS:
            return {}
        if (
            unit == UnitOfEnergy.KILO_WATT_HOUR
            and state.attributes.get("state_class") == "total_increasing"
        ):
            return {}
        return {CONF_BASE_LOAD_SENSOR: "base_load_unsupported"}

    # --- solar forecast --------------------------------------------------------------------

    def _stored_solar(self, kind: str) -> dict[str, Any]:
        stored = self.config_entry.options.get(CONF_SOLAR_FORECAST) or {}
        return dict(stored) if stored.get(CONF_SOLAR_SOURCE_KIND) == kind else {}

    async def async_step_solar_forecast(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask where the solar forecast comes from: none, a forecast integration, or sensors."""
        errors: dict[str, str] = {}
        if user_input is not None:
            kind = user_input[CONF_SOLAR_KIND]
            if kind == NONE:
                return self._async_save({CONF_SOLAR_FORECAST: None})
            if kind == SENSOR:
                return await self.async_step_solar_forecast_sensors()
            if await async_solar_forecast_entries(self.hass):
                return await self.async_step_solar_forecast_entries()
            errors = {"base": "no_solar_forecast_entries"}
        stored = self.config_entry.options.get(CONF_SOLAR_FORECAST) or {}
        schema = vol.Schema(
            {
                vol.Required(
                    CONF_SOLAR_KIND, default=stored.get(CONF_SOLAR_SOURCE_KIND, NONE)
                ): _select(SOLAR_KINDS, "solar_kind")
            }
        )
        return self.async_show_form(step_id="solar_forecast", data_schema=schema, errors=errors)

    async def async_step_solar_forecast_entries(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask which entries of a forecast integration, added up as the Energy dashboard does."""
        entries = await async_solar_forecast_entries(self.hass)
        errors: dict[str, str] = {}
        if user_input is not None:
            chosen = [key for key in user_input.get(CONF_CONFIG_ENTRIES, []) if key in entries]
            if chosen:
                return self._async_save(
                    {
                        CONF_SOLAR_FORECAST: {
                            CONF_SOLAR_SOURCE_KIND: ENERGY_PLATFORM,
                            CONF_CONFIG_ENTRIES: chosen,
                        }
                    }
                )
            errors = {CONF_CONFIG_ENTRIES: "solar_forecast_entries_missing"}
        stored = self._stored_solar(ENERGY_PLATFORM).get(CONF_CONFIG_ENTRIES, [])
        schema = vol.Schema(
            {
                vol.Required(
                    CONF_CONFIG_ENTRIES, default=[key for key in stored if key in entries]
                ): _choices(entries, multiple=True)
            }
        )
        return self.async_show_form(
            step_id="solar_forecast_entries", data_schema=schema, errors=errors
        )

    async def async_step_solar_forecast_sensors(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the sensors whose attribute holds the forecast, one per day."""
        errors: dict[str, str] = {}
        refused = ""
        if user_input is not None:
            chosen = list(user_input.get(CONF_ENTITIES) or [])
            refused = next((e for e in chosen if not self._holds_solar_forecast(e)), "")
            if not chosen:
                errors = {CONF_ENTITIES: "solar_forecast_sensors_missing"}
            elif refused:
                errors = {CONF_ENTITIES: "sensor_without_solar_forecast"}
            else:
                return self._async_save(
                    {CONF_SOLAR_FORECAST: {CONF_SOLAR_SOURCE_KIND: SENSOR, CONF_ENTITIES: chosen}}
                )
        schema = vol.Schema(
            {
                vol.Required(CONF_ENTITIES): selector.EntitySelector(
                    selector.EntitySelectorConfig(domain="sensor", multiple=True)
                )
            }
        )
        return self.async_show_form(
            step_id="solar_forecast_sensors",
            data_schema=self.add_suggested_values_to_schema(
                schema, user_input or self._stored_solar(SENSOR)
            ),
            errors=errors,
            description_placeholders={"entity_id": refused},
        )

    def _holds_solar_forecast(self, entity_id: str) -> bool:
        state = self.hass.states.get(entity_id)
        return state is not None and forecast_attribute(state.attributes) is not None
