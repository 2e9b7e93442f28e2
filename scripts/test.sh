#!/usr/bin/env bash
# Runs every test (or, given jest arguments, just those): the type check, then jest's unit (with goldens) and e2e projects in one run,
# and prints one closing line `N passed, N failed` (N skipped) for CI.
set -uo pipefail
cd "$(dirname "$0")/.."
echo "==> type check"
npx tsc -p tsconfig.json --noEmit || { echo "0 passed, 1 failed"; exit 1; }
echo "==> jest (unit, golden, e2e with real Envoy)"
report=$(mktemp)
npx jest --ci --json --outputFile="$report" "$@" 2>&1
code=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' "$report" || echo "0 passed, 1 failed"
rm -f "$report"
exit $code
