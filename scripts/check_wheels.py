"""Check that every manifest requirement installs on Home Assistant OS from a binary wheel.

Home Assistant OS and its container are Alpine (musl), often on aarch64, with no compiler;
Home Assistant 2026.3 and later run Python 3.14. For each requirement, Python version and
platform this asks pip to resolve a wheel, download only, never build or install. pip matches
--platform exactly, so each platform is given as its whole family of compatible tags.
"""

from __future__ import annotations

import json
from pathlib import Path
import subprocess
import sys
import tempfile

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "custom_components/price_optimizer/manifest.json"
PYTHONS = ("3.13", "3.14")


def family(arch: str, libc: str) -> list[str]:
    """Return every platform tag a wheel may carry to install on ``libc``/``arch``."""
    if libc == "musl":
        return [f"musllinux_1_{minor}_{arch}" for minor in (1, 2)]
    glibc = [f"manylinux_2_{minor}_{arch}" for minor in range(17, 29)]
    return [f"manylinux2014_{arch}", *glibc]


PLATFORMS = {
    "musl x86_64": family("x86_64", "musl"),
    "musl aarch64": family("aarch64", "musl"),
    "glibc aarch64": family("aarch64", "glibc"),
}


def has_wheel(requirement: str, python: str, tags: list[str], dest: str) -> bool:
    """Return whether pip can resolve ``requirement`` to a binary wheel for these tags."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--no-deps",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "--python-version",
        python,
        "--dest",
        dest,
        requirement,
    ]
    for tag in tags:
        command += ["--platform", tag]
    return subprocess.run(command, capture_output=True, check=False).returncode == 0


def main() -> int:
    """Print a table of requirement by Python and platform and fail on any missing wheel."""
    requirements = json.loads(MANIFEST.read_text())["requirements"]
    missing: list[str] = []
    print(f"{'requirement':<22}{'python':<8}" + "".join(f"{name:<15}" for name in PLATFORMS))
    with tempfile.TemporaryDirectory() as dest:
        for requirement in requirements:
            for python in PYTHONS:
                row = f"{requirement:<22}{python:<8}"
                for name, tags in PLATFORMS.items():
                    ok = has_wheel(requirement, python, tags, dest)
                    row += f"{'wheel' if ok else 'MISSING':<15}"
                    if not ok:
                        missing.append(f"{requirement} for Python {python} on {name}")
                print(row)
    for item in missing:
        print(f"no binary wheel: {item}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
