# Shared set-up for scripts/test and scripts/develop: find Python, bootstrap uv, build venvs.
# Sourced, not run. Everything lands in .venvs/ and is rebuilt only when its inputs change.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENVS="$ROOT/.venvs"
MANIFEST="$ROOT/custom_components/price_optimizer/manifest.json"

# The oldest supported and the newest installable Home Assistant, with their test plugins.
HA_OLDEST="2025.4.4"
HA_OLDEST_PLUGIN="0.13.236"
HA_NEWEST="2026.2.3"
HA_NEWEST_PLUGIN="0.13.316"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Print the path of a Python interpreter of version $1 (pyenv's first, then the system's).
find_python() {
  local version="$1" candidate
  for candidate in \
    "$(PYENV_VERSION="$version" pyenv which "python$version" 2>/dev/null || true)" \
    "$(ls -d "$HOME"/.pyenv/versions/"$version"*/bin/"python$version" 2>/dev/null | sort -V | tail -n 1)" \
    "$(command -v "python$version" || true)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      echo "$candidate"
      return 0
    fi
  done
  echo "Python $version not found: install it (pyenv install $version) and run again." >&2
  return 1
}

# Print the path of uv, installing it into .venvs/tools on first use.
ensure_uv() {
  local tools="$VENVS/tools"
  if [ ! -x "$tools/bin/uv" ]; then
    log "Installing uv into $tools"
    "$(find_python 3.13)" -m venv "$tools"
    "$tools/bin/python" -m pip install --quiet --disable-pip-version-check uv
  fi
  echo "$tools/bin/uv"
}

# Print the manifest's requirements, one a line.
manifest_requirements() {
  python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["requirements"]))' "$MANIFEST"
}

# venv_stamp INPUT...: a short hash of what a venv was built from, files included.
venv_stamp() {
  printf '%s\n' "$@" | cat - "$MANIFEST" "$ROOT/requirements_test.txt" | sha256sum | cut -c1-16
}

# ensure_venv NAME PYTHON [uv pip install arguments...]
# Create .venvs/NAME with PYTHON and install the arguments; skip when nothing changed since the last build.
ensure_venv() {
  local name="$1" python="$2"; shift 2
  local venv="$VENVS/$name" uv stamp
  uv="$(ensure_uv)"
  stamp="$(venv_stamp "$python" "$@")"
  if [ -f "$venv/.stamp" ] && [ "$(cat "$venv/.stamp")" = "$stamp" ]; then
    return 0
  fi
  log "Building $venv"
  rm -rf "$venv"
  "$uv" venv --quiet --python "$python" "$venv"
  VIRTUAL_ENV="$venv" "$uv" pip install --quiet "$@"
  echo "$stamp" > "$venv/.stamp"
}

# ensure_ha_venv HA_VERSION PLUGIN_VERSION: a Home Assistant test environment with our requirements,
# held to Home Assistant's own package constraints (numpy included), as on a real installation.
ensure_ha_venv() {
  local version="$1" plugin="$2" venv="$VENVS/ha-$1" python uv
  python="$(find_python 3.13)"
  uv="$(ensure_uv)"
  # Home Assistant 2026.x declares Python >= 3.13.2; its code and tests run on 3.13.0.
  ensure_venv "ha-$version" "$python" --python-version 3.13.2 \
    "pytest-homeassistant-custom-component==$plugin" "homeassistant==$version"
  if [ ! -f "$venv/.requirements" ] || [ "$(cat "$venv/.requirements")" != "$(venv_stamp)" ]; then
    log "Installing the integration's requirements into $venv"
    VIRTUAL_ENV="$venv" "$uv" pip install --quiet --python-version 3.13.2 \
      -c "$("$venv/bin/python" -c 'import homeassistant, pathlib; print(pathlib.Path(homeassistant.__file__).parent / "package_constraints.txt")')" \
      $(manifest_requirements) -r "$ROOT/requirements_test.txt"
    venv_stamp > "$venv/.requirements"
  fi
}

# ensure_develop_venv: .venvs/develop with a Home Assistant that can run here as a real process and
# everything the configuration in config/ loads, so the instance then starts offline. Prints the
# Home Assistant version: 2026.x starts only on Python >= 3.13.2, else the oldest supported runs.
ensure_develop_venv() {
  local python version venv="$VENVS/develop" wanted constraints
  python="$(find_python 3.13)"
  if "$python" -c 'import sys; sys.exit(sys.version_info < (3, 13, 2))'; then
    version="$HA_NEWEST"
  else
    version="$HA_OLDEST"
  fi
  ensure_venv develop "$python" "homeassistant==$version" >&2
  wanted="$("$venv/bin/python" "$ROOT/scripts/develop_requirements.py" "$ROOT/config")"
  if [ ! -f "$venv/.requirements" ] || [ "$(cat "$venv/.requirements")" != "$wanted" ]; then
    log "Installing what the configured integrations need"
    constraints="$("$venv/bin/python" -c 'import homeassistant, pathlib; print(pathlib.Path(homeassistant.__file__).parent / "package_constraints.txt")')"
    # shellcheck disable=SC2086
    VIRTUAL_ENV="$venv" "$(ensure_uv)" pip install --quiet -c "$constraints" $wanted >&2
    echo "$wanted" > "$venv/.requirements"
  fi
  echo "$version"
}

# ensure_debian_packages PACKAGE...: install what is missing with apt-get (needs root).
ensure_debian_packages() {
  local missing=() package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "Installing Debian packages: ${missing[*]}"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
  fi
}

# --- Training (offline model building) ---------------------------------------------------
# torch 2.13.0 exists here only as a CPU wheel for Python 3.11 in /opt/wheels, which pip finds
# and uv does not, so this environment is built with pip from training/requirements.txt.
TRAINING_PYTHON_VERSION="3.11"

ensure_training_venv() {
  local venv="$VENVS/training" python stamp
  python="$(find_python "$TRAINING_PYTHON_VERSION")"
  stamp="$(printf '%s\n' "$python" | cat - "$ROOT/training/requirements.txt" | sha256sum | cut -c1-16)"
  if [ -f "$venv/.stamp" ] && [ "$(cat "$venv/.stamp")" = "$stamp" ]; then
    return 0
  fi
  log "Building $venv (PyTorch, LightGBM, ONNX Runtime; a few minutes)"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$ROOT/training/requirements.txt"
  echo "$stamp" > "$venv/.stamp"
}
