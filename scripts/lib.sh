# Shared set-up for scripts/test and scripts/develop: find Python, bootstrap uv, build venvs.
# Sourced, not run. Everything lands in .venvs/ and is rebuilt only when its inputs change.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENVS="$ROOT/.venvs"
MANIFEST="$ROOT/custom_components/price_optimizer/manifest.json"

# The oldest supported Home Assistant and the newest one that has a test plugin, each with its plugin
# and the Python it requires; the develop instance and the end-to-end tests run the newest release.
HA_OLDEST="2025.12.0"
HA_OLDEST_PLUGIN="0.13.298"
HA_OLDEST_PYTHON="3.13"
HA_NEWEST="2026.10.4"
HA_NEWEST_PLUGIN="0.13.375"
HA_NEWEST_PYTHON="3.14"
HA_RELEASE="2026.11.0"
HA_RELEASE_PYTHON="3.14"

log() { printf '\033[1m==> %s %s\033[0m\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

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

# --- A Python for Home Assistant ----------------------------------------------------------
# Home Assistant 2026.3 and later need Python 3.14, which few machines have yet. Where the machine has
# no Python that a version needs, a minimal root of Debian's testing suite under .venvs/ provides it:
# built with that suite's debootstrap (the host's apt sources are never touched) and entered with
# unshare + chroot, with the checkout's parent folder (so ../shared too) at the same path inside.
# Both need root, as CI has; a developer without root installs the Python instead.
DEBIAN_ROOT="$VENVS/debian-root"
DEBIAN_ROOT_SUITE="forky"
DEBIAN_ROOT_PACKAGES="python3.13,python3.13-venv,python3.13-dev,python3.14,python3.14-venv,python3.14-dev,gcc,g++,git,ca-certificates"
# What the end-to-end tests start next to Home Assistant, inside the root with it.
DEBIAN_ROOT_E2E_PACKAGES="chromium mosquitto faketime"
DEBIAN_ROOT_MARKER="/etc/price-optimizer-root"

inside_debian_root() { [ -f "$DEBIAN_ROOT_MARKER" ]; }

# The archive the host's apt already uses, so the root comes from the same mirror.
host_debian_mirror() {
  local uri
  uri="$(grep -hoE '^(URIs:|deb) +[^ ]+' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
    | grep -v security | awk '{print $2}' | grep -E '/debian/?$' | head -n 1)"
  echo "${uri:-http://deb.debian.org/debian}"
}

ensure_debian_root() {
  local stamp apt_dir mirror
  inside_debian_root && return 0
  stamp="$(printf '%s\n' "$DEBIAN_ROOT_SUITE" "$DEBIAN_ROOT_PACKAGES" "$DEBIAN_ROOT_E2E_PACKAGES" | sha256sum | cut -c1-16)"
  if [ -f "$DEBIAN_ROOT.stamp" ] && [ "$(cat "$DEBIAN_ROOT.stamp")" = "$stamp" ]; then
    return 0
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "Home Assistant needs Python $HA_NEWEST_PYTHON: install it (pyenv install $HA_NEWEST_PYTHON)," \
      "or run as root to build a Debian $DEBIAN_ROOT_SUITE root with it in $DEBIAN_ROOT." >&2
    return 1
  fi
  log "Building a Debian $DEBIAN_ROOT_SUITE root with Python 3.13 and 3.14 in $DEBIAN_ROOT (a few minutes)"
  mirror="$(host_debian_mirror)"
  apt_dir="$VENVS/debian-root.apt"
  rm -rf "$DEBIAN_ROOT" "$apt_dir"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/debootstrap"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $DEBIAN_ROOT_SUITE main" \
    > "$apt_dir/sources.list" || return 1
  local apt_options=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o APT::Sandbox::User=root)
  apt-get -qq "${apt_options[@]}" update >&2 || return 1
  (cd "$apt_dir" && apt-get -qq "${apt_options[@]}" download debootstrap >&2) || return 1
  dpkg-deb -x "$apt_dir"/debootstrap_*.deb "$apt_dir/debootstrap" || return 1
  DEBOOTSTRAP_DIR="$apt_dir/debootstrap/usr/share/debootstrap" \
    "$apt_dir/debootstrap/usr/sbin/debootstrap" --variant=minbase --include="$DEBIAN_ROOT_PACKAGES" \
    "$DEBIAN_ROOT_SUITE" "$DEBIAN_ROOT" "$mirror" > "$apt_dir/debootstrap.log" 2>&1 \
    || { tail -n 30 "$apt_dir/debootstrap.log" >&2; return 1; }
  # pip and uv inside must reach the same package index as the host, through the same authorities.
  cp -a /usr/local/share/ca-certificates/. "$DEBIAN_ROOT/usr/local/share/ca-certificates/" 2>/dev/null || true
  [ -f /etc/pip.conf ] && cp /etc/pip.conf "$DEBIAN_ROOT/etc/pip.conf"
  [ -d /etc/xdg/pip ] && mkdir -p "$DEBIAN_ROOT/etc/xdg" && cp -a /etc/xdg/pip "$DEBIAN_ROOT/etc/xdg/"
  # The archive may be a dated snapshot whose Release files are past their Valid-Until.
  echo 'Acquire::Check-Valid-Until "false";' > "$DEBIAN_ROOT/etc/apt/apt.conf.d/99snapshot"
  touch "$DEBIAN_ROOT$DEBIAN_ROOT_MARKER"
  debian_root_exec sh -c "update-ca-certificates > /dev/null 2>&1 && apt-get -qq update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $DEBIAN_ROOT_E2E_PACKAGES \
    && apt-get clean" > "$apt_dir/packages.log" 2>&1 || { tail -n 30 "$apt_dir/packages.log" >&2; return 1; }
  rm -rf "$apt_dir"
  echo "$stamp" > "$DEBIAN_ROOT.stamp"
}

# debian_root_exec [--exec] COMMAND...: run COMMAND inside the root, in the same folder, with the same
# variables. With --exec the shell is replaced, so a backgrounded call's $! is COMMAND's own pid.
debian_root_exec() {
  local replace=()
  if [ "${1:-}" = --exec ]; then replace=(exec); shift; fi
  if inside_debian_root; then
    "${replace[@]}" "$@"
    return
  fi
  local share
  share="$(dirname "$ROOT")"
  cp /etc/resolv.conf "$DEBIAN_ROOT/etc/resolv.conf" 2>/dev/null || true
  # unshare, sh, chroot and env each exec the next, so COMMAND keeps this process's pid.
  "${replace[@]}" unshare --mount --propagation private -- /bin/sh -c '
    root="$1" share="$2" here="$3"; shift 3
    for fs in proc sys dev; do mount --rbind "/$fs" "$root/$fs"; done
    # The same /tmp inside as outside, so a path there means the same on both sides.
    mount --bind /tmp "$root/tmp"
    mkdir -p "$root$share" && mount --bind "$share" "$root$share"
    # ../shared may be a link to a folder elsewhere: that folder is needed at its own path too.
    shared="$(readlink -f "$share/shared" 2>/dev/null || true)"
    case "$shared" in ""|"$share"/*) ;; *) mkdir -p "$root$shared" && mount --bind "$shared" "$root$shared" ;; esac
    case "$here" in "$share"/*) ;; *) here="$share" ;; esac
    exec chroot "$root" /usr/bin/env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      HOME=/root /bin/sh -c "cd \"\$0\" && exec \"\$@\"" "$here" "$@"
  ' sh "$DEBIAN_ROOT" "$share" "$PWD" "$@"
}

# ha_python VERSION: print the interpreter for Python VERSION that Home Assistant can run on: the
# machine's own when it is new enough, else the Debian root's (prefixed "root:").
ha_python() {
  local version="$1" minimum="$1.2" candidate
  # Inside the root (scripts/develop started by the end-to-end tests) the answer must be the same
  # as outside, or the venv's stamp changes and it is rebuilt under the running tests.
  if inside_debian_root; then
    echo "root:/usr/bin/python$version"
    return 0
  fi
  candidate="$(find_python "$version" 2>/dev/null || true)"
  if [ -n "$candidate" ] && "$candidate" -c "import sys; sys.exit(sys.version_info < tuple(map(int, '$minimum'.split('.'))))"; then
    echo "$candidate"
    return 0
  fi
  ensure_debian_root || return 1
  echo "root:/usr/bin/python$version"
}

# venv_exec [--exec] NAME PROGRAM [ARGS...]: run .venvs/NAME/bin/PROGRAM where that venv was built.
venv_exec() {
  local replace=()
  if [ "${1:-}" = --exec ]; then replace=(--exec); shift; fi
  local venv="$VENVS/$1" program="$2"; shift 2
  if [ -f "$venv/.in-debian-root" ]; then
    debian_root_exec "${replace[@]}" "$venv/bin/$program" "$@"
  elif [ ${#replace[@]} -gt 0 ]; then
    exec "$venv/bin/$program" "$@"
  else
    "$venv/bin/$program" "$@"
  fi
}

# ensure_venv NAME PYTHON HA_VERSION [uv pip install arguments...]
# Create .venvs/NAME with PYTHON (from ha_python) and Home Assistant HA_VERSION plus the arguments, all
# held to Home Assistant's own package_constraints.txt and to scripts/constraints/HA_VERSION.txt (pins
# for what that version leaves open); skip when nothing changed since the last build.
ensure_venv() {
  local name="$1" python="$2" version="$3"; shift 3
  local venv="$VENVS/$name" uv stamp run=()
  uv="$(ensure_uv)"
  stamp="$(venv_stamp "$python" "$version" "$@" | cat - "$(version_constraints "$version")" | sha256sum | cut -c1-16)"
  if [ -f "$venv/.stamp" ] && [ "$(cat "$venv/.stamp")" = "$stamp" ]; then
    return 0
  fi
  log "Building $venv (Home Assistant $version)"
  rm -rf "$venv"
  if [ "${python#root:}" != "$python" ]; then
    python="${python#root:}"
    run=(debian_root_exec)
  fi
  "${run[@]}" "$uv" venv --quiet --python "$python" "$venv"
  if [ ${#run[@]} -gt 0 ]; then touch "$venv/.in-debian-root"; fi
  # Home Assistant alone first, for its constraints file; then everything under those constraints.
  "${run[@]}" env VIRTUAL_ENV="$venv" "$uv" pip install --quiet --no-deps "homeassistant==$version"
  echo "$version" > "$venv/.ha-version"
  venv_pip "$name" "homeassistant==$version" "$@"
  echo "$stamp" > "$venv/.stamp"
}

# ha_constraints NAME: Home Assistant's own package_constraints.txt in .venvs/NAME.
ha_constraints() {
  echo "$(venv_exec "$1" python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')/homeassistant/package_constraints.txt"
}

# version_constraints HA_VERSION: our pins for what that version's constraints leave open (may be empty).
version_constraints() {
  local file="$ROOT/scripts/constraints/$1.txt"
  [ -f "$file" ] || file=/dev/null
  echo "$file"
}

# venv_pip NAME [uv pip install arguments...]: install into .venvs/NAME under Home Assistant's
# constraints and ours.
venv_pip() {
  local name="$1" venv="$VENVS/$1" uv run=()
  shift
  uv="$(ensure_uv)"
  if [ -f "$venv/.in-debian-root" ]; then run=(debian_root_exec); fi
  "${run[@]}" env VIRTUAL_ENV="$venv" "$uv" pip install --quiet \
    -c "$(ha_constraints "$name")" -c "$(version_constraints "$(cat "$venv/.ha-version")")" "$@"
}

# ensure_ha_venv NAME HA_VERSION PLUGIN_VERSION PYTHON_VERSION: .venvs/NAME, a Home Assistant test
# environment with our requirements, held to Home Assistant's own package constraints (numpy
# included), as on a real installation.
ensure_ha_venv() {
  local name="$1" version="$2" plugin="$3" venv="$VENVS/$1"
  ensure_venv "$name" "$(ha_python "$4")" "$version" "pytest-homeassistant-custom-component==$plugin"
  if [ ! -f "$venv/.requirements" ] || [ "$(cat "$venv/.requirements")" != "$(venv_stamp)" ]; then
    log "Installing the integration's requirements into $venv"
    # shellcheck disable=SC2046
    venv_pip "$name" $(manifest_requirements) -r "$ROOT/requirements_test.txt"
    venv_stamp > "$venv/.requirements"
  fi
}

# develop_venv_name: the venv scripts/develop runs. PRICE_OPTIMIZER_DEVELOP_HA=oldest runs the oldest
# supported Home Assistant (and its frontend) instead of the newest release; the browser tests use both.
develop_venv_name() {
  case "${PRICE_OPTIMIZER_DEVELOP_HA:-release}" in
    release) echo develop ;;
    oldest) echo develop-oldest ;;
    *) echo "PRICE_OPTIMIZER_DEVELOP_HA must be release or oldest" >&2; return 1 ;;
  esac
}

# ensure_develop_venv: .venvs/develop (or develop-oldest, see develop_venv_name) with Home Assistant as a
# real process, and everything the configuration in config/ loads, so the instance then starts offline.
# Prints the version.
ensure_develop_venv() {
  local name version python venv wanted
  name="$(develop_venv_name)" || return 1
  if [ "$name" = develop-oldest ]; then
    version="$HA_OLDEST" python="$HA_OLDEST_PYTHON"
  else
    version="$HA_RELEASE" python="$HA_RELEASE_PYTHON"
  fi
  venv="$VENVS/$name"
  ensure_venv "$name" "$(ha_python "$python")" "$version" >&2
  wanted="$(venv_exec "$name" python "$ROOT/scripts/develop_requirements.py" "$ROOT/config")"
  if [ ! -f "$venv/.requirements" ] || [ "$(cat "$venv/.requirements")" != "$wanted" ]; then
    log "Installing what the configured integrations need"
    # shellcheck disable=SC2086
    venv_pip "$name" $wanted >&2
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
  stamp="$(printf '%s\n' "$python" | cat - "$ROOT/training/requirements.txt" "$ROOT/training/constraints.txt" | sha256sum | cut -c1-16)"
  if [ -f "$venv/.stamp" ] && [ "$(cat "$venv/.stamp")" = "$stamp" ]; then
    return 0
  fi
  log "Building $venv (PyTorch, LightGBM, ONNX Runtime; a few minutes)"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r "$ROOT/training/requirements.txt" -c "$ROOT/training/constraints.txt"
  echo "$stamp" > "$venv/.stamp"
}
