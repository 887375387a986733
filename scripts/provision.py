"""Make a fresh develop instance usable without clicks: user, onboarding, entry, appliances, token.

Everything goes through Home Assistant's own HTTP and WebSocket APIs, the way the onboarding
screens, the "Add integration" and the "Add appliance" dialogs do it. It runs at every start
and only adds what is missing: the demo entry when there is no price entry at all, the demo
appliances when the demo entry (found by its title among any others) has none. What a person
added, changed or removed in the UI stays as it is.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
import sys
import time
from typing import Any

import aiohttp

USERNAME = "demo"
# The documented password of the local demo user; the instance listens on loopback only.
PASSWORD = "price-optimizer"  # noqa: S105
ENTRY = {"area": "DE-LU", "resolution": "60"}
# The title the config flow gives the entry above.
ENTRY_TITLE = "Replay DE-LU"
# Presets as the "Add appliance" dialog fills them, with these changes: the EV charges 20 kWh.
APPLIANCES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("dishwasher", {}),
    ("ev_charger", {"duration": None, "energy_kwh": 20}),
)
# Onboarding adds these; each needs the internet, which the demo does without.
ONBOARDING_STEPS = ("user", "core_config", "analytics", "integration")
ONLINE_ONLY = {"google_translate", "met", "radio_browser"}


def demo_entry(entries: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Return the price entry provisioning made, among the ones a person added, if it is there."""
    return next((entry for entry in entries if entry["title"] == ENTRY_TITLE), None)


def needs_demo_entry(entries: list[dict[str, Any]]) -> bool:
    """Return whether to add the demo entry: only when there is no price entry at all.

    Entries a person added while the demo entry is gone mean it was removed on purpose.
    """
    return not entries


def appliances_expected(entries: list[dict[str, Any]]) -> int:
    """Return how many appliance status sensors the loaded price entries have."""
    return sum(entry["num_subentries"] for entry in entries if entry["state"] == "loaded")


class Instance:
    """A running Home Assistant reached over HTTP."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session = session
        self.url = url.rstrip("/")
        self.client_id = f"{self.url}/"
        self.headers: dict[str, str] = {}

    async def request(self, method: str, path: str, **kwargs: Any) -> Any:
        async with self.session.request(
            method, f"{self.url}{path}", headers=self.headers, **kwargs
        ) as response:
            if response.status == 404 and path == "/api/onboarding":
                # The onboarding API is only served until onboarding is complete.
                return [{"step": step, "done": True} for step in ONBOARDING_STEPS]
            if response.status >= 400:
                raise RuntimeError(f"{method} {path}: {response.status} {await response.text()}")
            return await response.json(content_type=None)

    async def wait_until_up(self, timeout: float, pid: int | None) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while True:
            try:
                return await self.request("GET", "/api/onboarding")
            except (aiohttp.ClientError, RuntimeError):
                if pid is not None and not Path(f"/proc/{pid}").exists():
                    raise RuntimeError("Home Assistant exited during start-up") from None
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(1)

    async def token_from_code(self, code: str) -> None:
        tokens = await self.request(
            "POST",
            "/auth/token",
            data={"grant_type": "authorization_code", "code": code, "client_id": self.client_id},
        )
        self.headers = {"Authorization": f"Bearer {tokens['access_token']}"}

    async def onboard(self, steps: list[dict[str, Any]]) -> bool:
        """Finish onboarding; return whether this run did it (and so added its integrations)."""
        done = {step["step"] for step in steps if step["done"]}
        if "user" not in done:
            created = await self.request(
                "POST",
                "/api/onboarding/users",
                json={
                    "client_id": self.client_id,
                    "name": "Demo",
                    "username": USERNAME,
                    "password": PASSWORD,
                    "language": "en",
                },
            )
            await self.token_from_code(created["auth_code"])
        else:
            await self.log_in()
        for step, body in (
            ("core_config", {}),
            ("analytics", {}),
            ("integration", {"client_id": self.client_id, "redirect_uri": self.client_id}),
        ):
            if step not in done:
                await self.request("POST", f"/api/onboarding/{step}", json=body)
        return "core_config" not in done

    async def log_in(self) -> None:
        flow = await self.request(
            "POST",
            "/auth/login_flow",
            json={
                "client_id": self.client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": self.client_id,
            },
        )
        result = await self.request(
            "POST",
            f"/auth/login_flow/{flow['flow_id']}",
            json={"client_id": self.client_id, "username": USERNAME, "password": PASSWORD},
        )
        await self.token_from_code(result["result"])

    async def price_entries(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = await self.request(
            "GET", "/api/config/config_entries/entry?domain=price_optimizer"
        )
        return entries

    async def add_price_entry(self) -> None:
        if not needs_demo_entry(await self.price_entries()):
            return
        flow = await self.request(
            "POST", "/api/config/config_entries/flow", json={"handler": "price_optimizer"}
        )
        flow = await self.request(
            "POST",
            f"/api/config/config_entries/flow/{flow['flow_id']}",
            json={"next_step_id": "replay"},
        )
        result = await self.request(
            "POST", f"/api/config/config_entries/flow/{flow['flow_id']}", json=ENTRY
        )
        if result.get("type") != "create_entry":
            raise RuntimeError(f"adding the price entry failed: {result}")

    async def add_appliances(self) -> None:
        """Add the demo appliances through the subentry flow, as the dialog does, once."""
        entry = demo_entry(await self.price_entries())
        if entry is None or entry["num_subentries"]:
            return
        for kind, changes in APPLIANCES:
            flow = await self.request(
                "POST",
                "/api/config/config_entries/subentries/flow",
                json={"handler": [entry["entry_id"], "appliance"]},
            )
            path = f"/api/config/config_entries/subentries/flow/{flow['flow_id']}"
            form = await self.request("POST", path, json={"kind": kind})
            values = {
                field["name"]: field["description"]["suggested_value"]
                for field in form["data_schema"]
                if "suggested_value" in (field.get("description") or {})
            }
            values.update(changes)
            values = {key: value for key, value in values.items() if value is not None}
            result = await self.request("POST", path, json=values)
            if result.get("step_id") == "control":
                # The demo plans only: no plug is switched.
                result = await self.request("POST", path, json={"target": "none"})
            if result.get("type") != "create_entry":
                raise RuntimeError(f"adding the {kind} failed: {result}")

    async def wait_for_plans(self, timeout: float) -> list[dict[str, Any]]:
        """Wait until every appliance has a status, and return those states."""
        deadline = time.monotonic() + timeout
        while True:
            expected = appliances_expected(await self.price_entries())
            states = [
                state
                for state in await self.request("GET", "/api/states")
                if state["entity_id"].startswith("sensor.")
                and state["entity_id"].endswith("_status")
                and state["state"] not in ("unknown", "unavailable")
            ]
            if len(states) >= expected:
                return states
            if time.monotonic() > deadline:
                raise RuntimeError("the appliances have no plan")
            await asyncio.sleep(1)

    async def remove_online_only_entries(self) -> None:
        """Remove what onboarding added that needs the internet; run only after onboarding."""
        for entry in await self.request("GET", "/api/config/config_entries/entry"):
            if entry["domain"] in ONLINE_ONLY:
                await self.request(
                    "DELETE", f"/api/config/config_entries/entry/{entry['entry_id']}"
                )

    async def websocket(self, command: dict[str, Any]) -> dict[str, Any]:
        """Send one command over the websocket API and return its reply."""
        async with self.session.ws_connect(f"{self.url}/api/websocket") as socket:
            await socket.receive_json()
            await socket.send_json(
                {"type": "auth", "access_token": self.headers["Authorization"].split()[1]}
            )
            await socket.receive_json()
            await socket.send_json({"id": 1, **command})
            return dict(await socket.receive_json())

    async def long_lived_token(self) -> str:
        reply = await self.websocket(
            {
                "type": "auth/long_lived_access_token",
                "client_name": f"scripts/develop {int(time.time())}",
                "lifespan": 3650,
            }
        )
        return str(reply["result"])

    async def keep_http_config(self) -> None:
        """Confirm the HTTP settings the configuration gives, as the person at the UI would.

        From 2026.11 Home Assistant moves the YAML HTTP settings (the port) to its storage as a
        trial that reverts after five minutes unless confirmed; before that version the command
        does not exist and there is nothing to confirm.
        """
        config = await self.websocket({"type": "http/config"})
        if config.get("success") and (config.get("result") or {}).get("pending"):
            reply = await self.websocket({"type": "http/config/promote"})
            if not reply.get("success"):
                raise RuntimeError(f"the HTTP settings could not be kept: {reply}")

    async def wait_for_prices(self, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            states = await self.request("GET", "/api/states")
            for state in states:
                if state["entity_id"].endswith("_current_price") and state["state"] not in (
                    "unknown",
                    "unavailable",
                ):
                    return dict(state)
            if time.monotonic() > deadline:
                raise RuntimeError("no price sensor has a value")
            await asyncio.sleep(1)


async def provision(url: str, token_file: Path, timeout: float, pid: int | None) -> None:
    async with aiohttp.ClientSession() as session:
        instance = Instance(session, url)
        onboarded = await instance.onboard(await instance.wait_until_up(timeout, pid))
        await instance.keep_http_config()
        await instance.add_price_entry()
        price = await instance.wait_for_prices(timeout)
        await instance.add_appliances()
        plans = await instance.wait_for_plans(timeout)
        if onboarded:
            # Later, such an entry is one a person added.
            await instance.remove_online_only_entries()
        if not token_file.exists():
            token_file.write_text(await instance.long_lived_token())
            token_file.chmod(0o600)
    print(
        f"Home Assistant is up at {url} (user {USERNAME!r}, password {PASSWORD!r}).\n"
        f"{price['attributes'].get('friendly_name')}: {price['state']} "
        f"{price['attributes'].get('unit_of_measurement')}\n"
        + "".join(
            f"{state['attributes'].get('friendly_name')}: {state['state']}\n" for state in plans
        )
        + f'REST API: curl -s -H "Authorization: Bearer $(cat {token_file})" {url}/api/states'
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8123")
    parser.add_argument("--token-file", type=Path, required=True)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--pid", type=int, help="give up when this Home Assistant process exits")
    args = parser.parse_args()
    asyncio.run(provision(args.url, args.token_file, args.timeout, args.pid))
    return 0


if __name__ == "__main__":
    sys.exit(main())
