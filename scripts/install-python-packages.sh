#!/usr/bin/env bash
# Creates .venv and installs the pinned Python packages of pyproject.toml (with the dev extras; with
# --scale also the scale extras, Locust for `make scale-test`).
# With uv (on PATH or as `python3.11 -m uv`) it takes ~10 s instead of ~80 s with pip; without uv,
# pip installs uv into the venv first and uses it, and pip itself is the fallback (LMS_USE_PIP=1
# forces it).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
VENV=.venv
extras=(--extra dev)
pip_extras=dev
if [[ ${1:-} == --scale ]]; then
  extras+=(--extra scale)
  pip_extras=dev,scale
fi

uv=()
if [[ ${LMS_USE_PIP:-} != 1 ]]; then
  if command -v uv >/dev/null 2>&1; then
    uv=(uv)
  elif "$PYTHON" -m uv --version >/dev/null 2>&1; then
    uv=("$PYTHON" -m uv)
  fi
fi

if [[ ${#uv[@]} -gt 0 ]]; then
  [[ -x $VENV/bin/python ]] || "${uv[@]}" venv -q --python "$PYTHON" "$VENV"
  # The requirements straight from pyproject.toml: nothing to build (the project has no package).
  exec "${uv[@]}" pip install -q --compile-bytecode --python "$VENV/bin/python" -r pyproject.toml "${extras[@]}"
fi

[[ -x $VENV/bin/python ]] || "$PYTHON" -m venv "$VENV"
if [[ ${LMS_USE_PIP:-} != 1 ]] && "$VENV/bin/pip" install -q uv 2>/dev/null; then
  exec "$VENV/bin/uv" pip install -q --compile-bytecode --python "$VENV/bin/python" -r pyproject.toml "${extras[@]}"
fi
echo "Installing with pip (slower; python3.11 -m pip install uv makes this ~8x faster)"
"$VENV/bin/pip" install -q --upgrade pip
"$VENV/bin/pip" install -q -e ".[$pip_extras]"
