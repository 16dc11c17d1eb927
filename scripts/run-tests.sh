#!/usr/bin/env bash
# Runs every check: types, lint, format, then all test files (node:test through tsx).
# Narrow with BACKENDS=sqlite,postgres,mariadb (all by default) or pass test files as arguments.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$#" -gt 0 ]; then
  files=("$@")
else
  echo "== typecheck"
  npx tsc -p .
  echo "== lint"
  npx eslint .
  npx prettier --check . >/dev/null
  mapfile -t files < <(find test -name '*.test.ts' -not -path '*/fixtures/*' | sort)
fi
echo "== tests (${#files[@]} files)"
exec node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-3}" --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination=test-results.tap "${files[@]}"
