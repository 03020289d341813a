#!/usr/bin/env bash
# What this machine lacks for GovSocial Academy, one line each with how to get it.
#   scripts/doctor.sh          everything (`make doctor`); exits 1 when something needed is missing
#   scripts/doctor.sh --run    only what `make run` cannot install by itself (it runs this first)
#   scripts/doctor.sh --test   the same for `make test`
# Debian packages and Python packages are installed by `make run` / `make test` themselves, so in
# --run/--test mode they only count as a problem when they cannot be installed (no root, no sudo).
set -uo pipefail
cd "$(dirname "$0")/.."

mode=${1:-all}
PYTHON=${PYTHON:-python3.11}
runtime_packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-ebgaramond fonts-lato fonts-dejavu-core)
test_packages=(chromium-headless-shell zbar-tools poppler-utils)
missing=0

say() { # level, what, how
  printf '%-8s %s — %s\n' "$1:" "$2" "$3"
  [[ $1 == missing ]] && missing=$((missing + 1))
}

can_install() { [[ $(id -u) -eq 0 ]] || command -v sudo >/dev/null 2>&1; }

absent_packages() {
  local package out=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || out+=("$package")
  done
  echo "${out[*]}"
}

# Python 3.11 (Django 5.2 and the pinned wheels need it).
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  say missing "Python 3.11 ($PYTHON not found)" "apt-get install python3.11 python3.11-venv (Debian 12), or pyenv install 3.11"
elif ! "$PYTHON" -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null; then
  say missing "Python 3.11 ($PYTHON is $("$PYTHON" -V 2>&1))" "run with PYTHON=/path/to/python3.11"
elif ! command -v uv >/dev/null 2>&1 && ! "$PYTHON" -m uv --version >/dev/null 2>&1 \
  && ! "$PYTHON" -c 'import ensurepip' >/dev/null 2>&1; then
  say missing "Python's venv module" "apt-get install python3.11-venv (or: $PYTHON -m pip install uv)"
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  say missing "a Debian/Ubuntu system (dpkg)" "install the packages of scripts/install-system-packages.sh by hand"
else
  wanted=("${runtime_packages[@]}")
  [[ $mode != --run ]] && wanted+=("${test_packages[@]}")
  absent=$(absent_packages "${wanted[@]}")
  if [[ -n $absent ]]; then
    if [[ $mode == all ]]; then
      say missing "Debian packages: $absent" "make run / make test install them (as root or with sudo): apt-get install -y $absent"
    elif ! can_install; then
      say missing "Debian packages: $absent (and no root or sudo to install them)" "as root: apt-get install -y $absent"
    fi
  fi
fi

if [[ $mode == all ]]; then
  if [[ ! -f .venv/.installed ]]; then
    if command -v uv >/dev/null 2>&1 || "$PYTHON" -m uv --version >/dev/null 2>&1; then how="make run or make test (uv is there: ~10 s)"
    else how="make run or make test (with pip, ~80 s; $PYTHON -m pip install uv makes it ~10 s)"; fi
    say missing "Python packages (.venv)" "$how"
  fi
  if [[ ! -x ${CHROMIUM_PATH:-/usr/bin/chromium-headless-shell} ]]; then
    say missing "Chromium's headless shell for the browser tests (${CHROMIUM_PATH:-/usr/bin/chromium-headless-shell})" "make test installs it: apt-get install -y chromium-headless-shell"
  fi
  if ! command -v pg_isready >/dev/null 2>&1; then
    say optional "PostgreSQL (the second test suite and production)" "apt-get install -y postgresql; then make test-postgres (bash .ci/run starts it)"
  elif ! pg_isready -h 127.0.0.1 -p 5432 -q; then
    say optional "PostgreSQL is not running on 127.0.0.1:5432" "pg_ctlcluster $(ls /etc/postgresql 2>/dev/null | sort -V | tail -1) main start (bash .ci/run does this)"
  fi
  if ! (command -v redis-server >/dev/null 2>&1 || (command -v redis-cli >/dev/null 2>&1 && redis-cli ping >/dev/null 2>&1)); then
    say optional "Redis (a cache shared by several app servers; make bench)" "apt-get install -y redis-server and set REDIS_URL=redis://127.0.0.1:6379/0"
  fi
  if [[ $missing -eq 0 ]]; then
    echo "doctor: ready for make run and make test."
  else
    echo "doctor: $missing thing(s) missing, listed above."
  fi
fi
[[ $missing -eq 0 ]]
