"""A real Home Assistant started by scripts/develop, and a headless browser to look at it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
import json
import os
from pathlib import Path
import re
import socket
import subprocess
from typing import Any
import urllib.request

from playwright.sync_api import Browser, Page, sync_playwright
import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
# The develop configuration's time zone (config/configuration.yaml).
TIME_ZONE = "Europe/Berlin"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class DevelopInstance:
    """A running instance: where it listens, a token for its REST API, and which release it runs."""

    url: str
    token: str
    state_dir: Path
    # "release" (the newest) or "oldest" (the oldest supported), as PRICE_OPTIMIZER_DEVELOP_HA.
    home_assistant: str = "release"

    def get(self, path: str) -> Any:
        request = urllib.request.Request(
            f"{self.url}{path}", headers={"Authorization": f"Bearer {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    def artifact(self, name: str) -> Path:
        """Return where a screenshot or report of this instance goes, e.g. plan_card_oldest.png."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = Path(name)
        if self.home_assistant != "release":
            path = path.with_stem(f"{path.stem}_{self.home_assistant}")
        return ARTIFACTS / path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run_develop(
    tmp_path_factory: pytest.TempPathFactory, home_assistant: str
) -> Iterator[DevelopInstance]:
    """Run `scripts/develop --detach` exactly as the README says, on a port of its own."""
    state_dir = tmp_path_factory.mktemp(f"develop-{home_assistant}")
    port = free_port()
    env = {
        **os.environ,
        "PRICE_OPTIMIZER_DEVELOP_DIR": str(state_dir),
        "PRICE_OPTIMIZER_PORT": str(port),
        "PRICE_OPTIMIZER_DEVELOP_HA": home_assistant,
    }
    subprocess.run([ROOT / "scripts" / "develop", "--detach"], env=env, check=True, timeout=900)
    try:
        yield DevelopInstance(
            url=f"http://127.0.0.1:{port}",
            token=(state_dir / "token").read_text().strip(),
            state_dir=state_dir,
            home_assistant=home_assistant,
        )
    finally:
        subprocess.run([ROOT / "scripts" / "develop", "--stop"], env=env, check=False, timeout=120)


@pytest.fixture(scope="session")
def develop_instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevelopInstance]:
    """The develop instance on the newest Home Assistant release."""
    yield from _run_develop(tmp_path_factory, "release")


@pytest.fixture(scope="session")
def oldest_develop_instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevelopInstance]:
    """The develop instance on the oldest supported Home Assistant, for its older frontend."""
    yield from _run_develop(tmp_path_factory, "oldest")


@pytest.fixture(scope="session", params=["release", "oldest"])
def card_instance(request: pytest.FixtureRequest) -> DevelopInstance:
    """Each develop instance in turn: the cards must work on the newest and the oldest frontend."""
    name = "develop_instance" if request.param == "release" else "oldest_develop_instance"
    instance: DevelopInstance = request.getfixturevalue(name)
    return instance


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS
        )
        try:
            yield instance
        finally:
            instance.close()


def log_in(browser: Browser, instance: DevelopInstance, width: int) -> Page:
    """Open the instance and log in as the documented user, as a person would.

    The browser keeps the instance's time zone, as at home: the frontend shows times in the
    browser's zone and the templates in the instance's.
    """
    page = browser.new_page(viewport={"width": width, "height": 900}, timezone_id=TIME_ZONE)
    page.goto(instance.url)
    page.fill("input[name=username]", "demo")
    page.fill("input[name=password]", "price-optimizer")
    page.keyboard.press("Enter")
    # Home Assistant's own overview: /lovelace/0 until 2026.10, the area overview at /home since.
    page.wait_for_url(re.compile(r".*/(lovelace|home)/.*"), timeout=60_000)
    return page


def first_visit(browser: Browser, instance: DevelopInstance, width: int) -> Page:
    """Return a page of a browser that has the user's login but nothing of the frontend cached.

    This is how a phone or a new browser first opens a dashboard: the frontend and the cards'
    module all load cold, in whichever order they arrive.
    """
    login = log_in(browser, instance, width)
    try:
        saved = login.context.storage_state()
    finally:
        login.close()
    return browser.new_page(
        viewport={"width": width, "height": 900}, timezone_id=TIME_ZONE, storage_state=saved
    )


def in_page(page: Page, script: str, arg: Any = None) -> Any:
    """Run `script` with the frontend's own `hass`, the one the dialogs call the backend with."""
    return page.evaluate(
        "async (arg) => { const hass = document.querySelector('home-assistant').hass;"
        f" {script} }}",
        arg,
    )


def page_entry_id(page: Page) -> str:
    """Return the one loaded Price Optimizer entry, as the frontend lists it."""
    entries = in_page(
        page, "return await hass.callWS({type: 'config_entries/get', domain: 'price_optimizer'});"
    )
    loaded = [entry for entry in entries if entry["state"] == "loaded"]
    assert len(loaded) == 1, loaded
    return str(loaded[0]["entry_id"])


def subentries(page: Page, entry_id: str) -> dict[str, str]:
    """Return the entry's appliances, title to subentry id."""
    subentries = in_page(
        page,
        "return await hass.callWS({type: 'config_entries/subentries/list', entry_id: arg});",
        entry_id,
    )
    return {item["title"]: item["subentry_id"] for item in subentries}


def add_appliance(page: Page, entry_id: str, kind: str) -> dict[str, Any]:
    """Add an appliance the way the "Add appliance" dialog does: its preset, then no plug."""
    result: dict[str, Any] = in_page(
        page,
        """
        const [entry, kind] = arg;
        const base = "config/config_entries/subentries/flow";
        const flow = await hass.callApi("POST", base, {
          handler: [entry, "appliance"], show_advanced_options: false,
        });
        const path = `${base}/${flow.flow_id}`;
        const form = await hass.callApi("POST", path, {kind});
        const values = {};
        for (const field of form.data_schema) {
          const value = field.description?.suggested_value;
          if (value !== undefined && value !== null) values[field.name] = value;
        }
        let result = await hass.callApi("POST", path, values);
        if (result.step_id === "control") {
          result = await hass.callApi("POST", path, {target: "none"});
        }
        return result;
        """,
        [entry_id, kind],
    )
    return result


def open_price_optimizer_dashboard(page: Page) -> None:
    """Open the dashboard the configuration puts in the sidebar, as a person clicks it."""
    page.locator("ha-sidebar").get_by_text("Price Optimizer", exact=True).first.click()


@pytest.fixture
def logged_in_page(browser: Browser, develop_instance: DevelopInstance) -> Iterator[Page]:
    """A page logged in as the documented user."""
    page = log_in(browser, develop_instance, 1280)
    try:
        yield page
    finally:
        page.close()


@pytest.fixture
def wide_logged_in_page(browser: Browser, develop_instance: DevelopInstance) -> Iterator[Page]:
    """A page logged in as the documented user on a screen wide enough for three columns."""
    page = log_in(browser, develop_instance, 1600)
    try:
        yield page
    finally:
        page.close()
