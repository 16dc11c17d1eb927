#!/usr/bin/env bash
# The one command for tests on a fresh Debian machine: installs what the tests need (npm
# packages; Debian's python3-openstackclient, chromium and keystone when missing), then runs every
# test. The Keystone tests (test/keystone/) start their own Keystone from that package.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v openstack >/dev/null 2>&1 || missing+=(python3-openstackclient)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v keystone-manage >/dev/null 2>&1 || missing+=(keystone)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "== installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 update -qq || true
  $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund
fi
exec bash scripts/run-tests.sh "$@"
