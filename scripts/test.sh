#!/usr/bin/env bash
# The whole test suite: type checks (app and the DOM-free engine project), unit and node tests, build, e2e.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== typecheck"
npx tsc --noEmit -p tsconfig.json
npx tsc --noEmit -p tsconfig.engine.json
echo "== vitest"
npx vitest run
if [ -f playwright.config.ts ] && ls tests/e2e/*.spec.ts >/dev/null 2>&1; then
  echo "== build + playwright"
  npx vite build
  CI=true npx playwright test
fi
