#!/usr/bin/env bash
# The whole test suite, tier by tier (package.json test:* scripts): type checks, unit (pure), tools, node, build + e2e.
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

# The three Vitest tiers (vitest.config.ts), each its own report: pure unit tests (outside programs refused),
# the tests that read our output back with outside tools, then the CLI and server across layers.
echo "== vitest: unit (pure)"
npm run -s test:unit -- --reporter=default --reporter=json --outputFile.json="$reports/vitest-unit.json" || status=1
echo "== vitest: tools"
npm run -s test:tools -- --reporter=default --reporter=json --outputFile.json="$reports/vitest-tools.json" || status=1
echo "== vitest: node"
npm run -s test:node -- --reporter=default --reporter=json --outputFile.json="$reports/vitest-node.json" || status=1

echo "== build + playwright"
if npx vite build; then
  CI=true PLAYWRIGHT_JSON_OUTPUT_NAME="$reports/playwright.json" npx playwright test --reporter=list,json || status=1
else
  status=1
fi

node -e '
  const fs = require("fs");
  const read = (f) => { try { return JSON.parse(fs.readFileSync(f, "utf8")); } catch { return undefined; } };
  const tiers = process.argv.slice(1, 4).map((f) => read(f));
  // A tier whose report is missing (it crashed before writing one) counts as one failure, never as nothing.
  const v = {
    numPassedTests: tiers.reduce((n, t) => n + (t?.numPassedTests ?? 0), 0),
    numFailedTests: tiers.reduce((n, t) => n + (t ? t.numFailedTests : 1), 0),
  };
  const p = read(process.argv[4])?.stats ?? {};
  const passed = (v.numPassedTests ?? 0) + (p.expected ?? 0) + (p.flaky ?? 0);
  const failed = (v.numFailedTests ?? 0) + (p.unexpected ?? 0);
  console.log(`vitest: ${v.numPassedTests ?? 0} passed, ${v.numFailedTests ?? 0} failed; playwright: ${p.expected ?? 0} passed, ${p.unexpected ?? 0} failed, ${p.flaky ?? 0} flaky, ${p.skipped ?? 0} skipped`);
  console.log(`${passed} passed, ${failed} failed`);
' "$reports/vitest-unit.json" "$reports/vitest-tools.json" "$reports/vitest-node.json" "$reports/playwright.json"
rm -rf "$reports"
exit $status
