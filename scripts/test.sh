#!/usr/bin/env bash
# Runs every test (or, given jest arguments, just those): the type check, the lint, then jest's unit (with goldens), e2e and e2e-kubernetes projects in one run,
# then (whole runs only) the upstream Gateway API conformance suite, and prints one closing line
# `N passed, N failed` (N skipped) for CI. ATTACHE_SKIP_UPSTREAM_CONFORMANCE=1 leaves the suite out.
set -uo pipefail
cd "$(dirname "$0")/.."
echo "==> type check"
npx tsc -p tsconfig.json --noEmit || { echo "0 passed, 1 failed"; exit 1; }
# Lint (eslint, prettier, dependency-cruiser, knip: scripts/lint.sh) before jest; a failure counts
# as one failed test in the closing line, and jest still runs so its results are seen too.
lint_failures=0
echo "==> lint (npm run lint)"
npm run --silent lint || lint_failures=1
echo "==> jest (unit, golden, e2e with real Envoy, e2e against a real API server)"
report=$(mktemp)
# Jest runs in a private network namespace (scripts/netns.sh): the Kubernetes-mode tests need
# EndpointSlice addresses the API server accepts (not 127/8) that are still local, and nothing
# the tests start is reachable from outside. Without one, those tests cannot run: say so, and
# count it as a failure rather than skip quietly.
# --forceExit: a test that leaks a handle must fail CI by its assertions, not hang it for 90 minutes.
extra_failures=$lint_failures
if scripts/netns.sh true 2>/dev/null; then
  scripts/netns.sh npx jest --ci --forceExit --json --outputFile="$report" "$@" 2>&1
  code=$?
else
  echo "test.sh: no private network namespace (scripts/netns.sh needs unshare, and root or user namespaces); the e2e-kubernetes project is NOT run"
  npx jest --ci --forceExit --json --outputFile="$report" --selectProjects unit e2e "$@" 2>&1
  code=1
  extra_failures=$((extra_failures + 1))
fi
# The upstream Gateway API conformance suite (scripts/conformance-upstream.sh, against provisioned
# Envoys: about 140 s with cached binaries), in a whole run only (no jest arguments), and only with a network namespace.
# Its upstream tests count like jest tests (passed, failed); the ones it does not run (features
# Attaché does not claim, other profiles) are not counted as skipped.
upstream="0 0 0"
if [ $# -eq 0 ] && [ "${ATTACHE_SKIP_UPSTREAM_CONFORMANCE:-}" != 1 ] && scripts/netns.sh true 2>/dev/null; then
  echo "==> upstream Gateway API conformance suite (scripts/conformance-upstream.sh)"
  # Shown as it runs, and kept for its summary line. (Not `tee /dev/stderr`: when stderr is a file,
  # reopening it through /dev/stderr truncates it, and a CI log would lose everything before.)
  upstream_log=$(mktemp)
  CONFORMANCE_REPORT="$(pwd)/.cache/conformance/report.yaml" bash scripts/conformance-upstream.sh 2>&1 | tee "$upstream_log"
  line=$(grep '^upstream conformance:' "$upstream_log" | tail -1)
  rm -f "$upstream_log"
  upstream=$(echo "$line" | sed -n 's/^upstream conformance: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 0/p')
  [ -n "$upstream" ] || upstream="0 1 0"
  [ "$(echo "$upstream" | cut -d' ' -f2)" = 0 ] || code=1
fi
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const [up, uf, us] = process.argv[3].split(" ").map(Number);
  const failed = r.numFailedTests + Number(process.argv[2]) + uf;
  console.log(`${r.numPassedTests + up} passed, ${failed} failed, ${r.numPendingTests + r.numTodoTests + us} skipped`);
' "$report" "$extra_failures" "$upstream" || echo "0 passed, 1 failed"
rm -f "$report"
[ "$lint_failures" = 0 ] || code=1
exit $code
