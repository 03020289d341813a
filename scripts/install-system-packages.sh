#!/usr/bin/env bash
# Installs the Debian packages the platform needs, only those missing.
#   runtime: WeasyPrint's libraries (libharfbuzz-subset0 makes PDFs ~6x faster) and certificate fonts
#   tests (with --test): Chromium's headless shell for browser tests, zbar (QR decoding), poppler (PDF to image)
#   benchmark (with --bench): wrk (HTTP load on loopback), redis-cli
#   scale test (with --scale): HAProxy (the load balancer), Redis, openssl (its TLS certificate)
set -euo pipefail

packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-ebgaramond fonts-lato fonts-dejavu-core)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(chromium-headless-shell zbar-tools poppler-utils)
elif [[ "${1:-}" == "--bench" ]]; then
  packages+=(wrk redis-tools curl)
elif [[ "${1:-}" == "--scale" ]]; then
  packages+=(haproxy redis-server redis-tools openssl)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "Installing Debian packages: ${missing[*]}"
if [[ $(id -u) -eq 0 ]]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "Please install as root: apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
