"""Danish grid tariffs and taxes fetched from Energi Data Service's ``DatahubPricelist``.

How the API selects records (Energi Data Service API guide): ``filter`` is a JSON object of
column -> list of accepted values, equality only, the lists of different columns combined with
AND; ``start`` and ``end`` select on the dataset's time column, which for ``DatahubPricelist``
is ``ValidFrom`` (``start`` included, ``end`` excluded, Danish local dates); ``sort`` orders by
columns; ``limit=0`` returns every matching record instead of the default first page.

Why the household query carries no ``start``: a charge in force today is usually a version whose
``ValidFrom`` lies months or years back and whose ``ValidTo`` is null. ``start=today`` would
compare against ``ValidFrom`` and drop exactly that version. Without ``start`` every version of
the few charges named in the filter is returned (a handful to a few dozen records), so the
current open-ended one is always among them and the validity dates of past and announced
versions are kept as well.

The grid-company picker cannot ask without ``start``: every D03 charge of Denmark since 2014 is
far too large for a form. It asks for versions that begin on or after ``since``; Danish grid
companies issue a new version at least every year (the seasonal tariffs change on 1 April and
1 October), so a ``since`` a year back lists every company still in business.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
import json
from typing import Final

from ..sources.base import SourceDataError
from ..sources.http import SourceHttp
from .energidataservice import (
    ENERGINET_GLN,
    GridCompany,
    PricelistParseError,
    PricelistReply,
    grid_companies,
    parse_pricelist,
    reply_components,
)
from .model import Component

DATAHUB_URL: Final = "https://api.energidataservice.dk/dataset/DatahubPricelist"
TARIFF_CHARGE_TYPE: Final = "D03"
# Energinet's charges every household pays on top of its grid company's, by their Datahub note.
ENERGINET_NOTES: Final = ("Systemtarif", "Transmissions nettarif", "Elafgift")
# A home heated electrically pays the reduced electricity tax on what it uses above 4 000 kWh a
# year (elvarmeordningen): the tax a plan moves, for such a household, is the reduced one.
REDUCED_TAX_NOTE: Final = "Reduceret elafgift"
# The picker needs the owner and the code; one price column keeps the reply small.
_PICKER_COLUMNS: Final = "GLN_Number,ChargeOwner,ChargeTypeCode,Note,ValidFrom,ValidTo,Price1"


def _filter(criteria: Mapping[str, Sequence[str]]) -> str:
    return json.dumps(
        {key: list(values) for key, values in criteria.items()}, separators=(",", ":")
    )


async def _pricelist(http: SourceHttp, url: str, params: Mapping[str, str]) -> PricelistReply:
    body = await http.get_json(url, params={**params, "sort": "ValidFrom asc", "limit": "0"})
    try:
        return parse_pricelist(body)
    except PricelistParseError as err:
        message = f"{http.name}: DatahubPricelist reply refused ({err.reason})"
        raise SourceDataError(message) from err


async def async_fetch_grid_companies(
    http: SourceHttp, since: date, url: str = DATAHUB_URL
) -> tuple[GridCompany, ...]:
    """Every owner of tariff charges with a version from ``since`` on, by GLN."""
    reply = await _pricelist(
        http,
        url,
        {
            "start": since.isoformat(),
            "filter": _filter({"ChargeType": [TARIFF_CHARGE_TYPE]}),
            "columns": _PICKER_COLUMNS,
        },
    )
    return grid_companies(reply)


def household_queries(
    gln: str, charge_codes: Sequence[str], *, reduced_tax: bool = False
) -> tuple[str, ...]:
    """The ``filter`` of each request: the grid company's charges, then each Energinet charge.

    With ``reduced_tax`` the electricity tax is the reduced rate of electrically heated homes.
    """
    if not charge_codes:
        raise ValueError("a grid company's tariff needs at least one charge code")
    grid = _filter(
        {"ChargeType": [TARIFF_CHARGE_TYPE], "GLN_Number": [gln], "ChargeTypeCode": charge_codes}
    )
    energinet = tuple(
        _filter({"ChargeType": [TARIFF_CHARGE_TYPE], "GLN_Number": [ENERGINET_GLN], "Note": [note]})
        for note in ENERGINET_NOTES
        if note != "Elafgift" or not reduced_tax
    )
    reduced = (
        (
            _filter(
                {
                    "ChargeType": [TARIFF_CHARGE_TYPE],
                    "GLN_Number": [ENERGINET_GLN],
                    "Note": [REDUCED_TAX_NOTE],
                }
            ),
        )
        if reduced_tax
        else ()
    )
    return (grid, *energinet, *reduced)


async def async_fetch_household_components(
    http: SourceHttp,
    gln: str,
    charge_codes: Sequence[str],
    url: str = DATAHUB_URL,
    *,
    reduced_tax: bool = False,
) -> tuple[Component, ...]:
    """The grid company's charges and Energinet's tariffs and tax, every version of each."""
    components: list[Component] = []
    for query in household_queries(gln, charge_codes, reduced_tax=reduced_tax):
        reply = await _pricelist(http, url, {"filter": query})
        if not reply.charges:
            raise SourceDataError(f"{http.name}: no DatahubPricelist charge matches {query}")
        components.extend(reply_components(reply))
    return tuple(components)
