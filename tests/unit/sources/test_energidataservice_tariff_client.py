"""Datahub tariffs fetched over real HTTP, answered by recorded DatahubPricelist replies."""

from __future__ import annotations

from datetime import date
import json
from pathlib import Path

import aiohttp
import pytest

from custom_components.price_optimizer.core.sources.base import SourceDataError
from custom_components.price_optimizer.core.sources.http import HttpPolicy, SourceHttp
from custom_components.price_optimizer.core.tariffs.energidataservice import ENERGINET_GLN
from custom_components.price_optimizer.core.tariffs.energidataservice_client import (
    async_fetch_grid_companies,
    async_fetch_household_components,
    household_queries,
)
from custom_components.price_optimizer.core.tariffs.model import (
    Component,
    Tariff,
    expired_components,
)
from tests.local_api import LocalApi, Reply

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures/energidataservice_tariffs"
PATH = "/dataset/DatahubPricelist"
N1 = "5790001089030"


def body(name: str) -> str:
    return (FIXTURES / name).read_text()


def http(session: aiohttp.ClientSession) -> SourceHttp:
    return SourceHttp(session, "Energi Data Service", HttpPolicy(min_interval=0, attempts=1))


def danish(components: tuple[Component, ...]) -> Tariff:
    return Tariff(time_zone="Europe/Copenhagen", currency="DKK", components=components)


def serve_household(api: LocalApi, grid_reply: str = "GridTariffs.json") -> None:
    grid, system, transmission, tax = household_queries(N1, ["CD", "CD R"])
    api.reply(PATH, Reply(body=body(grid_reply)), query={"filter": grid})
    api.reply(PATH, Reply(body=body("SystemTariffs.json")), query={"filter": system})
    api.reply(
        PATH, Reply(body=body("TransmissionGridTariffs.json")), query={"filter": transmission}
    )
    api.reply(PATH, Reply(body=body("ElectricityTaxes.json")), query={"filter": tax})


async def test_household_components_hold_every_version_of_every_charge(
    api: LocalApi, session: aiohttp.ClientSession
) -> None:
    serve_household(api)
    components = await async_fetch_household_components(
        http(session), N1, ["CD", "CD R"], url=api.url(PATH)
    )
    names = {c.name for c in components}
    assert names == {
        f"CD ({N1})",
        f"CD R ({N1})",
        f"41000 ({ENERGINET_GLN})",
        f"40000 ({ENERGINET_GLN})",
        f"EA-001 ({ENERGINET_GLN})",
    }
    transmission = [c for c in components if c.name.startswith("40000")]
    assert [(c.valid_from, c.valid_to) for c in transmission] == [
        (date(2023, 1, 1), date(2023, 9, 30)),
        (date(2023, 9, 30), date(2024, 1, 1)),
        (date(2024, 1, 1), date(2025, 1, 1)),
        (date(2025, 1, 1), date(2026, 1, 1)),
        (date(2026, 1, 1), None),
    ]
    # The version in force today is open-ended, however long ago it began.
    assert transmission[-1].valid_to is None
    assert transmission[-1].base_price == pytest.approx(0.043)
    grid_now = [c for c in components if c.name == f"CD ({N1})" and c.valid_to is None]
    assert len(grid_now) == 1
    assert sorted({band.price for band in grid_now[0].bands}) == [0.110116, 0.330349, 0.991048]
    assert not expired_components(danish(components), date(2026, 12, 2))
    sent = api.requests_to(PATH)
    assert len(sent) == 4
    for request in sent:
        assert "start" not in request.query
        assert request.query["limit"] == "0"
        assert request.query["sort"] == "ValidFrom asc"
    assert json.loads(sent[0].query["filter"]) == {
        "ChargeType": ["D03"],
        "GLN_Number": [N1],
        "ChargeTypeCode": ["CD", "CD R"],
    }
    assert [json.loads(r.query["filter"])["Note"] for r in sent[1:]] == [
        ["Systemtarif"],
        ["Transmissions nettarif"],
        ["Elafgift"],
    ]


async def test_an_expired_fetched_tariff_is_recognised(
    api: LocalApi, session: aiohttp.ClientSession
) -> None:
    """NetTariffs.json is N1's tariff that ended on 2023-04-01 with no newer version."""
    serve_household(api, "NetTariffs.json")
    components = await async_fetch_household_components(
        http(session), N1, ["CD", "CD R"], url=api.url(PATH)
    )
    expired = expired_components(danish(components), date(2023, 4, 1))
    assert [c.name for c in expired] == [f"CD ({N1})"]


async def test_a_malformed_reply_names_the_parse_reason(
    api: LocalApi, session: aiohttp.ClientSession
) -> None:
    serve_household(api)
    broken = json.loads(body("GridTariffs.json"))
    broken["records"][0]["ValidFrom"] = "2024-01-01T06:00:00"
    grid = household_queries(N1, ["CD", "CD R"])[0]
    api.reply(PATH, Reply(body=json.dumps(broken)), query={"filter": grid})
    with pytest.raises(SourceDataError, match="date_invalid"):
        await async_fetch_household_components(http(session), N1, ["CD", "CD R"], url=api.url(PATH))
    api.reply(PATH, Reply(body="[1, 2]"), query={"filter": grid})
    with pytest.raises(SourceDataError, match="not_an_object"):
        await async_fetch_household_components(http(session), N1, ["CD", "CD R"], url=api.url(PATH))


async def test_a_charge_code_nobody_owns_is_an_error(
    api: LocalApi, session: aiohttp.ClientSession
) -> None:
    serve_household(api)
    grid = household_queries(N1, ["CD", "CD R"])[0]
    empty = {**json.loads(body("NetTariffs.json")), "total": 0, "records": []}
    api.reply(PATH, Reply(body=json.dumps(empty)), query={"filter": grid})
    with pytest.raises(SourceDataError, match="no DatahubPricelist charge"):
        await async_fetch_household_components(http(session), N1, ["CD", "CD R"], url=api.url(PATH))
    with pytest.raises(ValueError, match="charge code"):
        household_queries(N1, [])


async def test_grid_companies_from_versions_since_a_day(
    api: LocalApi, session: aiohttp.ClientSession
) -> None:
    api.reply(PATH, Reply(body=body("DatahubPricelistElectricityTax.json")))
    companies = await async_fetch_grid_companies(http(session), date(2023, 1, 1), url=api.url(PATH))
    assert [(c.gln, c.name, c.charge_codes) for c in companies] == [
        (ENERGINET_GLN, "Energinet Systemansvar A/S (SYO)", ("EA-001",))
    ]
    sent = api.requests_to(PATH)[0].query
    assert sent["start"] == "2023-01-01"
    assert json.loads(sent["filter"]) == {"ChargeType": ["D03"]}
    assert "ChargeOwner" in sent["columns"].split(",")


async def test_an_electrically_heated_home_fetches_the_reduced_tax_instead_of_the_full_one(
    api: LocalApi, session: aiohttp.ClientSession
) -> None:
    grid, system, transmission, reduced = household_queries(N1, ["CD", "CD R"], reduced_tax=True)
    assert "Reduceret elafgift" in reduced
    assert all('"Elafgift"' not in query for query in (grid, system, transmission, reduced))
    api.reply(PATH, Reply(body=body("GridTariffs.json")), query={"filter": grid})
    api.reply(PATH, Reply(body=body("SystemTariffs.json")), query={"filter": system})
    api.reply(
        PATH, Reply(body=body("TransmissionGridTariffs.json")), query={"filter": transmission}
    )
    api.reply(PATH, Reply(body=body("ReducedElectricityTaxes.json")), query={"filter": reduced})
    components = await async_fetch_household_components(
        http(session), N1, ["CD", "CD R"], url=api.url(PATH), reduced_tax=True
    )
    taxes = [c for c in components if c.name.startswith("EA-")]
    assert [(c.name, c.valid_from, c.valid_to, c.base_price) for c in taxes] == [
        (f"EA-002 ({ENERGINET_GLN})", date(2021, 2, 1), None, pytest.approx(0.008))
    ]
