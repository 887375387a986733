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
    """A running instance: where it listens and a token for its REST API."""

    url: str
    token: str
    state_dir: Path

    def get(self, path: str) -> Any:
        request = urllib.request.Request(
            f"{self.url}{path}", headers={"Authorization": f"Bearer {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def develop_instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevelopInstance]:
    """Run `scripts/develop --detach` exactly as the README says, on a port of its own."""
    state_dir = tmp_path_factory.mktemp("develop")
    port = free_port()
    env = {
        **os.environ,
        "PRICE_OPTIMIZER_DEVELOP_DIR": str(state_dir),
        "PRICE_OPTIMIZER_PORT": str(port),
    }
    subprocess.run([ROOT / "scripts" / "develop", "--detach"], env=env, check=True, timeout=900)
    try:
        yield DevelopInstance(
            url=f"http://127.0.0.1:{port}",
            token=(state_dir / "token").read_text().strip(),
            state_dir=state_dir,
        )
    finally:
        subprocess.run([ROOT / "scripts" / "develop", "--stop"], env=env, check=False, timeout=120)


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
