"""A real Home Assistant switches simulated Tasmota plugs through a real Mosquitto broker.

Home Assistant runs as its own ``hass`` process with the MQTT integration set up through its
config flow and pointed at a Mosquitto on loopback. Two plugs (paho-mqtt clients that answer
``cmnd/<topic>/POWER`` on ``stat/<topic>/POWER``, as Tasmota does) power two appliances, each
added through the appliance dialog's flow with a one-off window of one quarter-hour, so the
plan can start them only at that quarter's start.

Test-only clock: so that the quarter-hour starts a few minutes after Home Assistant does, instead
of up to fifteen, the ``hass`` process runs under libfaketime a fixed number of seconds ahead of
the machine's clock (``FAKETIME=+N``, the same N across its restart). Every time below is in Home
Assistant's clock; a plug's receive time is converted by adding N.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import json
import math
import os
from pathlib import Path
import signal
import subprocess
import sys
import threading
import time
from typing import Any
import urllib.error
import urllib.request
from zoneinfo import ZoneInfo

import aiohttp
from paho.mqtt import client as mqtt_client
import pytest

from .conftest import ROOT, free_port

sys.path.insert(0, str(ROOT / "scripts"))
from provision import Instance

HASS = ROOT / ".venvs" / "develop" / "bin" / "hass"
# Debian keeps the library under the machine's multiarch triplet (x86_64-linux-gnu, ...).
FAKETIME_LIBRARY = next(
    Path("/usr/lib").glob("*/faketime/libfaketime.so.1"), Path("libfaketime.so.1")
)
ZONE = ZoneInfo("Europe/Berlin")
QUARTER = timedelta(minutes=15)
# Home Assistant's clock at its start is this long before a quarter-hour: time to start it,
# onboard, set up MQTT and the appliances, with a margin on a busy machine.
LEAD: timedelta = timedelta(minutes=3)
SHORT = timedelta(minutes=3)
LONG = timedelta(minutes=5)
ON_TIME = 2.0  # seconds: a command must reach the plug this close to its planned moment
PLUGS = ("plug_short", "plug_long")


@dataclass
class Broker:
    """A Mosquitto on loopback that can be stopped and started again on the same port."""

    port: int
    directory: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        conf = self.directory / "mosquitto.conf"
        conf.write_text(
            f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
        )
        self.process = subprocess.Popen(
            ["/usr/sbin/mosquitto", "-c", str(conf)],
            stdout=subprocess.DEVNULL,
            stderr=(self.directory / "mosquitto.log").open("ab"),
        )
        _wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None


@dataclass
class TasmotaPlugs:
    """Simulated Tasmota plugs: each command is recorded and answered with the new state."""

    port: int
    received: dict[str, list[tuple[float, str]]] = field(
        default_factory=lambda: {plug: [] for plug in PLUGS}
    )
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        self.client = mqtt_client.Client(mqtt_client.CallbackAPIVersion.VERSION2, "tasmota-sim")
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.client.reconnect_delay_set(min_delay=1, max_delay=2)
        self.client.connect("127.0.0.1", self.port)
        self.client.loop_start()

    def stop(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()

    def commands(self, plug: str) -> list[tuple[float, str]]:
        with self.lock:
            return list(self.received[plug])

    def _on_connect(self, client: mqtt_client.Client, *_args: Any) -> None:
        for plug in PLUGS:
            client.subscribe(f"cmnd/{plug}/POWER", qos=1)

    def _on_message(
        self, client: mqtt_client.Client, _userdata: Any, message: mqtt_client.MQTTMessage
    ) -> None:
        plug = message.topic.split("/")[1]
        payload = message.payload.decode().upper()
        with self.lock:
            self.received[plug].append((time.time(), payload))
        client.publish(f"stat/{plug}/POWER", payload, qos=1)


@dataclass
class HomeAssistantProcess:
    """A ``hass`` process whose clock runs ``offset`` seconds ahead of the machine's."""

    config: Path
    port: int
    offset: float
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.config / "home-assistant.log"

    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self.offset)

    def start(self) -> None:
        env = {
            **os.environ,
            "PRICE_OPTIMIZER_PORT": str(self.port),
            "LD_PRELOAD": str(FAKETIME_LIBRARY),
            "FAKETIME": f"+{self.offset:.0f}",
            # The event loop's clock stays real; only the wall clock is ahead.
            "FAKETIME_DONT_FAKE_MONOTONIC": "1",
            "FAKETIME_DONT_RESET": "1",
        }
        self.process = subprocess.Popen(
            [str(HASS), "--config", str(self.config), "--log-file", str(self.log)],
            env=env,
            stdout=(self.config / "hass.out").open("ab"),
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=120)
        self.process = None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


CONFIGURATION = """\
homeassistant:
  name: Price Optimizer MQTT test
  latitude: 52.52
  longitude: 13.405
  elevation: 34
  unit_system: metric
  currency: EUR
  country: DE
  time_zone: Europe/Berlin

http:
  server_host: 127.0.0.1
  server_port: !env_var PRICE_OPTIMIZER_PORT 8123

api:
config:
onboarding:

logger:
  default: warning
  logs:
    custom_components.price_optimizer: debug
    homeassistant.components.mqtt: info
"""


def _wait_for_port(port: int, timeout: float = 30) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def _quarter_after(moment: datetime) -> datetime:
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    return epoch + math.ceil((moment - epoch) / QUARTER) * QUARTER


def _local(moment: datetime) -> str:
    return moment.astimezone(ZONE).strftime("%Y-%m-%d %H:%M:%S")


def _untouched_section(fields: list[dict[str, Any]]) -> dict[str, Any]:
    """Return what the frontend sends for a section nobody opened: defaults, else the first
    choice of a required list, an unticked box for a required switch."""
    values: dict[str, Any] = {}
    for item in fields:
        selector = item.get("selector", {})
        if "default" in item:
            values[item["name"]] = item["default"]
        elif item.get("required") and "boolean" in selector:
            values[item["name"]] = False
        elif item.get("required") and "select" in selector:
            first = selector["select"]["options"][0]
            values[item["name"]] = first["value"] if isinstance(first, dict) else first
    return values


async def _provision(hass: HomeAssistantProcess, broker_port: int, window: datetime) -> str:
    """Onboard, set up MQTT and the replay entry, add the two appliances; return a token."""
    async with aiohttp.ClientSession() as session:
        instance = Instance(session, hass.url)
        pid = hass.process.pid if hass.process else None
        await instance.onboard(await instance.wait_until_up(300, pid))
        await instance.keep_http_config()
        flow = await instance.request(
            "POST", "/api/config/config_entries/flow", json={"handler": "mqtt"}
        )
        assert flow["step_id"] == "broker", flow
        broker = {"broker": "127.0.0.1", "port": broker_port}
        # A collapsed section of the form (MQTT's "other settings" since 2026.x) is sent as the
        # frontend sends it untouched.
        for item in flow["data_schema"]:
            if item.get("type") == "expandable":
                broker[item["name"]] = _untouched_section(item["schema"])
        result = await instance.request(
            "POST", f"/api/config/config_entries/flow/{flow['flow_id']}", json=broker
        )
        assert result["type"] == "create_entry", result
        flow = await instance.request(
            "POST", "/api/config/config_entries/flow", json={"handler": "price_optimizer"}
        )
        flow = await instance.request(
            "POST",
            f"/api/config/config_entries/flow/{flow['flow_id']}",
            json={"next_step_id": "replay"},
        )
        result = await instance.request(
            "POST",
            f"/api/config/config_entries/flow/{flow['flow_id']}",
            json={"area": "DE-LU", "resolution": "15"},
        )
        assert result["type"] == "create_entry", result
        await instance.wait_for_prices(300)
        (entry,) = await instance.request(
            "GET", "/api/config/config_entries/entry?domain=price_optimizer"
        )
        for plug, duration in zip(PLUGS, (SHORT, LONG), strict=True):
            await _add_appliance(instance, entry["entry_id"], plug, duration, window)
        return await instance.long_lived_token()


async def _add_appliance(
    instance: Instance, entry_id: str, plug: str, duration: timedelta, window: datetime
) -> None:
    """Add a one-off cycle that can only start at ``window``, switched by a Tasmota plug."""
    flow = await instance.request(
        "POST",
        "/api/config/config_entries/subentries/flow",
        json={"handler": [entry_id, "appliance"]},
    )
    path = f"/api/config/config_entries/subentries/flow/{flow['flow_id']}"
    await instance.request("POST", path, json={"kind": "custom"})
    await instance.request("POST", path, json={"operation": "cycle"})
    minutes = int(duration / timedelta(minutes=1))
    result = await instance.request(
        "POST",
        path,
        json={
            "name": plug.replace("_", " ").title(),
            "power_kw": 1.0,
            "duration": {"hours": 0, "minutes": minutes, "seconds": 0},
            "earliest_start": _local(window),
            "deadline": _local(window + QUARTER),
            "priority": 5,
            "risk": "median",
        },
    )
    assert result.get("step_id") == "control", result
    await instance.request("POST", path, json={"target": "mqtt"})
    result = await instance.request(
        "POST", path, json={"mqtt_preset": "tasmota", "mqtt_device": plug}
    )
    assert result["type"] == "create_entry", result


def _get(hass: HomeAssistantProcess, token: str, path: str) -> Any:
    request = urllib.request.Request(
        f"{hass.url}{path}", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def _wait_until(hass: HomeAssistantProcess, moment: datetime) -> None:
    delay = (moment - hass.now()).total_seconds()
    if delay > 0:
        time.sleep(delay)


def _wait_for(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    running = Broker(port=free_port(), directory=tmp_path)
    running.start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def plugs(broker: Broker) -> Iterator[TasmotaPlugs]:
    simulated = TasmotaPlugs(port=broker.port)
    simulated.start()
    try:
        yield simulated
    finally:
        simulated.stop()


@pytest.fixture
def home_assistant(tmp_path: Path) -> Iterator[HomeAssistantProcess]:
    config = tmp_path / "config"
    (config / "custom_components").mkdir(parents=True)
    (config / "configuration.yaml").write_text(CONFIGURATION)
    (config / "custom_components" / "price_optimizer").symlink_to(
        ROOT / "custom_components" / "price_optimizer"
    )
    real_now = datetime.now(UTC)
    quarter = _quarter_after(real_now + LEAD)
    offset = (quarter - LEAD - real_now).total_seconds()
    process = HomeAssistantProcess(config=config, port=free_port(), offset=offset)
    process.start()
    try:
        yield process
    finally:
        process.stop()


def test_plugs_follow_the_plan_through_a_restart_and_a_broker_outage(
    broker: Broker, plugs: TasmotaPlugs, home_assistant: HomeAssistantProcess
) -> None:
    hass = home_assistant
    window = _quarter_after(hass.now() + timedelta(seconds=60))
    # In a thread of its own: the browser tests of this session keep an event loop running here.
    with ThreadPoolExecutor(max_workers=1) as thread:
        token = thread.submit(asyncio.run, _provision(hass, broker.port, window)).result()
    # Each appliance added reloads the entry; wait until both are planned.
    _wait_for(
        lambda: all(_status(hass, token, plug) == "scheduled" for plug in PLUGS),
        120,
        "both appliances to be scheduled",
    )
    states = {state["entity_id"]: state for state in _get(hass, token, "/api/states")}
    for plug, duration in zip(PLUGS, (SHORT, LONG), strict=True):
        assert states[f"sensor.{plug}_status"]["state"] == "scheduled"
        assert datetime.fromisoformat(states[f"sensor.{plug}_next_start"]["state"]) == window
        assert datetime.fromisoformat(states[f"sensor.{plug}_next_end"]["state"]) == (
            window + duration
        )
        assert plugs.commands(plug) == []

    # Both plugs go on at the planned start.
    _wait_until(hass, window + timedelta(seconds=ON_TIME + 1))
    for plug in PLUGS:
        ((received, payload),) = plugs.commands(plug)
        assert payload == "ON"
        assert abs(received + hass.offset - window.timestamp()) <= ON_TIME, plug

    # A restart in the middle of the runs: nothing is switched on again.
    hass.stop()
    hass.start()
    _wait_for(
        lambda: (
            _answers(hass, token) and all(_status(hass, token, plug) == "running" for plug in PLUGS)
        ),
        150,
        "both runs to be under way again after the restart",
    )
    assert hass.now() < window + SHORT, "the restart took longer than the short run"

    # The short run stops at its planned end, once.
    _wait_until(hass, window + SHORT + timedelta(seconds=ON_TIME + 1))
    short = plugs.commands("plug_short")
    assert [payload for _, payload in short] == ["ON", "OFF"]
    assert abs(short[1][0] + hass.offset - (window + SHORT).timestamp()) <= ON_TIME
    assert [payload for _, payload in plugs.commands("plug_long")] == ["ON"]

    # The broker goes away during the long run: Home Assistant survives and reports the stop
    # it cannot deliver.
    broker.stop()
    _wait_until(hass, window + LONG + timedelta(seconds=45))
    assert hass.alive()
    assert _answers(hass, token)
    log = hass.log.read_text()
    assert "Plug Long: the plug did not confirm being switched off after 3 attempts" in log
    states = {state["entity_id"]: state for state in _get(hass, token, "/api/states")}
    # Still on as far as anyone can tell: the run stays open until the plug reports.
    assert states["sensor.plug_long_status"]["state"] == "running"
    assert states["sensor.plug_short_status"]["state"] == "done"

    # Back, the broker delivers the plug's state, and the run closes.
    broker.start()
    _wait_for(
        lambda: (
            [p for _, p in plugs.commands("plug_long")][-1:] == ["OFF"]
            or _status(hass, token, "plug_long") == "done"
        ),
        90,
        "the long run to close after the broker came back",
    )
    assert [payload for _, payload in plugs.commands("plug_short")] == ["ON", "OFF"]
    assert [payload for _, payload in plugs.commands("plug_long")].count("ON") == 1


def _answers(hass: HomeAssistantProcess, token: str) -> bool:
    try:
        _get(hass, token, "/api/")
    except OSError:
        return False
    return True


def _status(hass: HomeAssistantProcess, token: str, plug: str) -> str:
    try:
        return str(_get(hass, token, f"/api/states/sensor.{plug}_status")["state"])
    except urllib.error.HTTPError as err:
        if err.code == 404:  # not (yet) there
            return "missing"
        raise
