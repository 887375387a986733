"""Time and memory from Home Assistant's start to a loaded price entry, cold and warm.

A child process starts a real Home Assistant in-process, the way ``hass`` does
(``bootstrap.async_from_config_dict`` on a fresh configuration directory, then
``async_start``), with no internet: the entries use the bundled replay source and
its real prices. In that process it measures, on the clock and as CPU time:

- ``ha_start``: Home Assistant's own start, before any entry exists;
- ``cold``: the first entry added through the config flow, as a person does: the
  integration's imports and the first price fetch; the flow returns when the entry
  is loaded. ``cold_from_ha_start`` adds Home Assistant's start to it;
- ``warm_second_entry``: a second entry (another area) through the same flow;
- ``warm_reload``: a reload of the first entry, with one appliance (what a new price
  source or a restart of the integration does);
- for each, ``*_ready``: until the forecast and the plan, made in the background
  after the setup, are there (the models load in the cold one).

Resident memory (VmRSS of /proc/self/status) is read before Home Assistant starts,
once it has started, and after each step with its forecast and plan; ``added`` is
what the entries added to the started Home Assistant. Targets: warm setup <= 1 s,
added memory <= 60 MB.

    scripts/in-venv ha-newest python -m benchmarks.setup_time

It prints a table and writes benchmarks/results/setup_time.json (``--output``). The
load average is recorded before and after: on a shared machine the clock times are
only as quiet as the machine.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
import json
import logging
import os
from pathlib import Path
import platform
import subprocess
import sys
import tempfile
import time
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
DOMAIN = "price_optimizer"
CONFIGURATION = """\
homeassistant:
  name: Setup benchmark
  latitude: 52.52
  longitude: 13.40
  elevation: 34
  unit_system: metric
  currency: EUR
  country: DE
  time_zone: Europe/Berlin
"""
READY_TIMEOUT = 300.0


def rss_mb() -> float:
    """Return the resident set of this process in MB."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


class Stopwatch:
    """Clock and CPU time since it was made."""

    def __init__(self) -> None:
        """Start now."""
        self._clock = time.perf_counter()
        self._cpu = time.process_time()

    def read(self) -> dict[str, float]:
        """Return the seconds on the clock and of CPU since the start."""
        return {
            "s": time.perf_counter() - self._clock,
            "cpu_s": time.process_time() - self._cpu,
        }


def _suggested(result: dict[str, Any]) -> dict[str, Any]:
    return {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description and "suggested_value" in key.description
    }


async def _until(condition: Callable[[], bool]) -> None:
    deadline = time.perf_counter() + READY_TIMEOUT
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the forecast and the plan did not arrive")
        await asyncio.sleep(0.005)


def _ready(hass: Any, entry_id: str) -> bool:
    entry = hass.config_entries.async_get_entry(entry_id)
    runtime = getattr(entry, "runtime_data", None)
    return (
        runtime is not None
        and runtime.forecast.data is not None
        and runtime.planner.data is not None
        and not runtime.planner._queued  # noqa: SLF001 (a plan asked for is still coming)
    )


async def _add_entry(hass: Any, area: str) -> tuple[str, dict[str, float]]:
    """Add a replay entry through the config flow; return its id and how long it took."""
    watch = Stopwatch()
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "replay"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"area": area, "resolution": "60"}
    )
    took = watch.read()
    if result["type"] != "create_entry":
        raise RuntimeError(f"the flow ended with {result}")
    entry = result["result"]
    if entry.state.value != "loaded":
        raise RuntimeError(f"the entry is {entry.state}")
    return entry.entry_id, took


async def _add_appliance(hass: Any, entry_id: str) -> None:
    result = await hass.config_entries.subentries.async_init(
        (entry_id, "appliance"), context={"source": "user"}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"kind": "dishwasher"}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], _suggested(result)
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"target": "none"}
    )
    if result["type"] != "create_entry":
        raise RuntimeError(f"the appliance flow ended with {result}")
    await hass.async_block_till_done()


async def measure(config_dir: Path) -> dict[str, Any]:
    """Start Home Assistant in ``config_dir`` and set entries up; return the figures."""
    memory = {"before_ha": rss_mb()}
    watch = Stopwatch()
    sys.path.insert(0, str(ROOT))  # custom_components of this repository
    from homeassistant import bootstrap, config as conf_util, core, loader  # noqa: PLC0415

    # As bootstrap.async_setup_hass does, without its recovery mode: the frontend's
    # package is not installed here, and recovery mode would leave custom integrations out.
    hass = core.HomeAssistant(str(config_dir))
    loader.async_setup(hass)
    hass.config.skip_pip = True
    config = await conf_util.async_hass_config_yaml(hass)
    if await bootstrap.async_from_config_dict(config, hass) is None:
        raise RuntimeError("Home Assistant did not start")
    await hass.async_start()
    figures: dict[str, Any] = {"ha_start": watch.read()}
    memory["ha_started"] = rss_mb()

    ready_watch = Stopwatch()
    first, figures["cold"] = await _add_entry(hass, "DE-LU")
    memory["first_entry_loaded"] = rss_mb()
    await _until(lambda: _ready(hass, first))
    figures["cold_ready"] = ready_watch.read()
    figures["cold_from_ha_start"] = {
        key: figures["ha_start"][key] + figures["cold"][key] for key in figures["cold"]
    }
    memory["first_entry"] = rss_mb()

    ready_watch = Stopwatch()
    second, figures["warm_second_entry"] = await _add_entry(hass, "NL")
    await _until(lambda: _ready(hass, second))
    figures["warm_second_entry_ready"] = ready_watch.read()
    memory["second_entry"] = rss_mb()

    await _add_appliance(hass, first)
    await _until(lambda: _ready(hass, first))
    ready_watch = Stopwatch()
    reload_watch = Stopwatch()
    if not await hass.config_entries.async_reload(first):
        raise RuntimeError("the reload failed")
    figures["warm_reload"] = reload_watch.read()
    await _until(lambda: _ready(hass, first))
    figures["warm_reload_ready"] = ready_watch.read()
    memory["after_reload"] = rss_mb()
    memory["added"] = memory["after_reload"] - memory["ha_started"]
    figures["memory_mb"] = memory

    await hass.async_stop()
    return figures


def run_worker(config_dir: Path) -> None:
    """Measure in this process and print the figures as JSON."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "configuration.yaml").write_text(CONFIGURATION, encoding="utf-8")
    figures = asyncio.run(measure(config_dir))
    print(json.dumps(figures))


def _load() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def print_table(results: dict[str, Any]) -> None:
    """Print the figures of one run."""
    print(f"Home Assistant {results['ha_version']}, Python {results['python']}")
    print(f"load average before {results['load_before']}, after {results['load_after']}")
    print(f"{'step':<34} {'clock s':>8} {'cpu s':>8}")
    labels = {
        "ha_start": "Home Assistant start",
        "cold": "first entry (cold): flow to loaded",
        "cold_from_ha_start": "HA start to first entry loaded",
        "cold_ready": "  ... forecast and plan ready",
        "warm_second_entry": "second entry (warm): flow",
        "warm_second_entry_ready": "  ... forecast and plan ready",
        "warm_reload": "reload with an appliance (warm)",
        "warm_reload_ready": "  ... forecast and plan ready",
    }
    for key, label in labels.items():
        row = results["figures"][key]
        print(f"{label:<34} {row['s']:>8.3f} {row['cpu_s']:>8.3f}")
    memory = results["figures"]["memory_mb"]
    print(
        "resident MB: before HA {before_ha:.1f}, HA started {ha_started:.1f}, first entry "
        "loaded {first_entry_loaded:.1f}, with forecast and plan {first_entry:.1f}, second "
        "entry {second_entry:.1f}, after reload {after_reload:.1f}; added by the entries "
        "{added:.1f}".format(**memory)
    )
    warm = max(results["figures"]["warm_second_entry"]["s"], results["figures"]["warm_reload"]["s"])
    print(
        f"targets: warm <= 1 s: {warm:.3f} s ({'met' if warm <= 1 else 'missed'}); "
        f"added <= 60 MB: {memory['added']:.1f} MB ({'met' if memory['added'] <= 60 else 'missed'})"
    )


def main() -> None:
    """Run the measurement in a fresh process, print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "setup_time.json")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run_worker(args.worker)
        return
    load_before = _load()
    with tempfile.TemporaryDirectory(prefix="setup_time_") as config_dir:
        done = subprocess.run(  # noqa: S603 (this interpreter, this module)
            [sys.executable, "-m", "benchmarks.setup_time", "--worker", config_dir],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-5000:])
        raise SystemExit(done.returncode)
    from homeassistant.const import __version__ as ha_version  # noqa: PLC0415

    results = {
        "ha_version": ha_version,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "processor": platform.processor(),
        "load_before": load_before,
        "load_after": _load(),
        "figures": json.loads(done.stdout.strip().splitlines()[-1]),
    }
    print_table(results)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
