#!/usr/bin/env bash
# The whole test suite: type checks (app and the DOM-free engine project), unit and node tests, build, e2e.
# Ends with one line "N passed, N failed" over both runners; the exit code is non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
reports="$(mktemp -d)"
status=0

echo "== typecheck"
npx tsc --noEmit -p tsconfig.json || status=1
npx tsc --noEmit -p tsconfig.engine.json || status=1
npx tsc --noEmit -p tsconfig.node.json || status=1
npx tsc --noEmit -p tsconfig.worker.json || status=1

echo "== vitest"
npx vitest run --reporter=default --reporter=json --outputFile.json="$reports/vitest.json" || status=1

echo "== build + playwright"
if npx vite build; then
  CI=true PLAYWRIGHT_JSON_OUTPUT_NAME="$reports/playwright.json" npx playwright test --reporter=list,json || status=1
else
  status=1
fi

node -e '
  const fs = require("fs");
  const read = (f) => { try { return JSON.parse(fs.readFileSync(f, "utf8")); } catch { return undefined; } };
  const v = read(process.argv[1]) ?? {};
  const p = read(process.argv[2])?.stats ?? {};
  const passed = (v.numPassedTests ?? 0) + (p.expected ?? 0) + (p.flaky ?? 0);
  const failed = (v.numFailedTests ?? 0) + (p.unexpected ?? 0);
  console.log(`vitest: ${v.numPassedTests ?? 0} passed, ${v.numFailedTests ?? 0} failed; playwright: ${p.expected ?? 0} passed, ${p.unexpected ?? 0} failed, ${p.flaky ?? 0} flaky, ${p.skipped ?? 0} skipped`);
  console.log(`${passed} passed, ${failed} failed`);
' "$reports/vitest.json" "$reports/playwright.json"
rm -rf "$reports"
exit $status
