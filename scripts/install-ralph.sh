#!/usr/bin/env bash
# The xAPI tests' learning record store: Ralph (ralph-malph, with its filesystem backend and LRS
# server) in its own virtualenv, var/ralph, apart from the project's: it brings FastAPI, pydantic
# and uvicorn, which the site itself does not need. `requests` is listed because Ralph's LRS server
# imports it without declaring it. Does nothing when the pinned version is there already.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
RALPH=var/ralph
PINS=("ralph-malph[backend-fs,cli,lrs]==5.1.0" "requests==2.34.2")

STAMP=$RALPH/.installed-$(printf '%s ' "${PINS[@]}" | md5sum | cut -c1-12)
[[ -f $STAMP ]] && exit 0
mkdir -p var
uv=()
if [[ -x .venv/bin/uv ]]; then uv=(.venv/bin/uv); elif command -v uv >/dev/null 2>&1; then uv=(uv); fi
if [[ ${#uv[@]} -gt 0 ]]; then
  [[ -x $RALPH/bin/python ]] || "${uv[@]}" venv -q --python "$PYTHON" "$RALPH"
  "${uv[@]}" pip install -q --python "$RALPH/bin/python" "${PINS[@]}"
else
  [[ -x $RALPH/bin/python ]] || "$PYTHON" -m venv "$RALPH"
  "$RALPH/bin/pip" install -q "${PINS[@]}"
fi
touch "$STAMP"
