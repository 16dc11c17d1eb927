#!/usr/bin/env bash
# The one command to run the service: installs npm packages on first use, builds the dashboard
# when it is missing or older than its sources, then serves (SQLite in ./data, internal IPAM,
# API and dashboard on http://127.0.0.1:9696). Extra arguments go to `xloud serve`.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
if [ -f web/index.html ]; then
  if [ ! -f web/dist/index.html ] || [ -n "$(find web/src web/index.html -newer web/dist/index.html -print -quit)" ]; then
    npx vite build web --logLevel warn
  fi
fi
exec node bin/xloud.js serve "$@"
