"""Turn the options flow's tariff forms into the plain dicts the tariff core reads, and back.

The forms keep to what any user can type: a few bands per component, each with a price, the
kinds of day, a start and an end time and at most one season. The core parses and validates
what comes out, so every refusal is one of its translated :class:`TariffError` codes, and
:func:`component_form_key` finds the field of the form a refusal is about.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from .core.tariffs.issues import InputPath
from .core.tariffs.model import MINUTES_PER_DAY, format_minute

CONF_NAME: Final = "name"
CONF_KIND: Final = "kind"
CONF_BASE_PRICE: Final = "base_price"
CONF_VALID_FROM: Final = "valid_from"
CONF_VALID_TO: Final = "valid_to"
CONF_VAT_APPLIES: Final = "vat_applies"
CONF_PRICE: Final = "price"
CONF_DAYS: Final = "days"
CONF_START: Final = "start"
CONF_END: Final = "end"
CONF_SEASON_FROM: Final = "season_from"
CONF_SEASON_TO: Final = "season_to"
BAND_FIELDS: Final = (CONF_PRICE, CONF_DAYS, CONF_START, CONF_END, CONF_SEASON_FROM, CONF_SEASON_TO)
# Six bands cover night, day and peak in a winter and a summer season, as Danish grid tariffs
# charge; more belongs in a preset or a fetched tariff.
BAND_SECTIONS: Final = ("band_1", "band_2", "band_3", "band_4", "band_5", "band_6")
# The component's own fields, under the same keys in its plain form and at the form's top level.
COMPONENT_FIELDS: Final = (
    CONF_NAME,
    CONF_KIND,
    CONF_BASE_PRICE,
    CONF_VALID_FROM,
    CONF_VALID_TO,
    CONF_VAT_APPLIES,
)


def _filled(value: object) -> bool:
    return value not in (None, "", [], ())


def _clock(value: object, *, end: bool) -> str:
    """``HH:MM`` from a time selector's ``HH:MM:SS``; an end at 00:00 is the end of the day."""
    text = str(value)[:5]
    if end and text == "00:00":
        return format_minute(MINUTES_PER_DAY)
    return text


def band_data(band: Mapping[str, Any]) -> dict[str, Any] | None:
    """The plain band of one form section, or None when the section is left empty."""
    if not any(_filled(band.get(key)) for key in BAND_FIELDS):
        return None
    out: dict[str, Any] = {}
    if band.get(CONF_PRICE) is not None:
        out[CONF_PRICE] = band[CONF_PRICE]
    start, end = band.get(CONF_START), band.get(CONF_END)
    if _filled(start) or _filled(end):
        out["times"] = [[_clock(start or "00:00", end=False), _clock(end or "00:00", end=True)]]
    if _filled(band.get(CONF_DAYS)):
        out[CONF_DAYS] = list(band[CONF_DAYS])
    season_from, season_to = band.get(CONF_SEASON_FROM), band.get(CONF_SEASON_TO)
    if _filled(season_from) or _filled(season_to):
        out["seasons"] = [{"from": season_from, "to": season_to}]
    return out


def _filled_bands(user_input: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Each band section that is filled in, with its plain band, in the form's order."""
    bands = ((key, band_data(user_input.get(key) or {})) for key in BAND_SECTIONS)
    return [(key, band) for key, band in bands if band is not None]


def component_data(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """The plain component of the by-hand form, for ``component_from_dict`` to check."""
    return {
        CONF_NAME: str(user_input.get(CONF_NAME, "")).strip(),
        CONF_KIND: user_input.get(CONF_KIND, "grid"),
        CONF_VALID_FROM: user_input.get(CONF_VALID_FROM),
        CONF_VALID_TO: user_input.get(CONF_VALID_TO) or None,
        CONF_BASE_PRICE: user_input.get(CONF_BASE_PRICE),
        "bands": [band for _, band in _filled_bands(user_input)],
        CONF_VAT_APPLIES: bool(user_input.get(CONF_VAT_APPLIES, True)),
    }


def component_form_key(user_input: Mapping[str, Any], path: InputPath) -> str | None:
    """The key of the by-hand form to show a refusal at ``path`` of its component on.

    Home Assistant keys form errors by the schema's top-level keys only, and the frontend shows
    an error keyed by a section above that section; so whatever is wrong within a band goes on
    its section. Bands left empty are not in the component, so its n-th band is the n-th
    section filled in. None where no one field is to blame, as for bands that together leave
    a gap.
    """
    match path:
        case ("bands", int() as index, *_):
            sections = [key for key, _ in _filled_bands(user_input)]
            return sections[index] if index < len(sections) else None
        case (str() as key, *_) if key in COMPONENT_FIELDS:
            return key
    return None


def _time_field(clock: str) -> str:
    """A time selector's ``HH:MM:SS`` for a stored ``HH:MM``; the day's end is midnight."""
    return "00:00:00" if clock == format_minute(MINUTES_PER_DAY) else f"{clock}:00"


def component_form_values(component: Mapping[str, Any]) -> dict[str, Any]:
    """The by-hand form's values that give back a stored component: its bands one per section.

    Only what the form can hold comes back: the first time range and season of each band, as
    a component typed in by hand has no more.
    """
    values: dict[str, Any] = {
        CONF_NAME: component[CONF_NAME],
        CONF_KIND: component[CONF_KIND],
        CONF_VALID_FROM: component[CONF_VALID_FROM],
        CONF_VAT_APPLIES: component[CONF_VAT_APPLIES],
    }
    if component.get(CONF_VALID_TO):
        values[CONF_VALID_TO] = component[CONF_VALID_TO]
    if component.get(CONF_BASE_PRICE) is not None:
        values[CONF_BASE_PRICE] = component[CONF_BASE_PRICE]
    for key, band in zip(BAND_SECTIONS, component.get("bands") or (), strict=False):
        section: dict[str, Any] = {}
        if band.get(CONF_PRICE) is not None:
            section[CONF_PRICE] = band[CONF_PRICE]
        if band.get(CONF_DAYS):
            section[CONF_DAYS] = list(band[CONF_DAYS])
        if band.get("times"):
            start, end = band["times"][0]
            section[CONF_START], section[CONF_END] = _time_field(start), _time_field(end)
        if band.get("seasons"):
            season = band["seasons"][0]
            section[CONF_SEASON_FROM], section[CONF_SEASON_TO] = season["from"], season["to"]
        values[key] = section
    return values


def component_label(component: Mapping[str, Any]) -> str:
    """How a stored component is listed: its name and validity."""
    until = component.get(CONF_VALID_TO) or "…"
    return f"{component[CONF_NAME]} ({component[CONF_VALID_FROM]} to {until})"
