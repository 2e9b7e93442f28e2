#!/usr/bin/env bash
# `npm run lint` / `make lint`: every check of the code's shape, each run even when one before it
# failed, each timed; exits non-zero if any failed.
#   eslint      TypeScript rules, type-only imports, no `any`, no forgotten promise, pure translation stages
#               (eslint.config.mjs; no --cache: with type information a change in one file can change another's findings)
#   prettier    formatting, 160 columns (.prettierrc.json; `npm run format` rewrites)
#   depcruise   which folder may import which, no import cycles (.dependency-cruiser.cjs)
#   knip        unused files, exports and dependencies (knip.json)
# `npm run lint:fix` applies what can be fixed mechanically: knip drops `export` from what no other
# module imports, eslint writes type-only imports as such, prettier formats. The rest is for a person.
set -uo pipefail
cd "$(dirname "$0")/.."
failed=()
check() {
  local name=$1
  shift
  local start=$SECONDS
  echo "==> lint: $name"
  if "$@"; then echo "    $name: ok ($((SECONDS - start)) s)"; else echo "    $name: FAILED ($((SECONDS - start)) s)"; failed+=("$name"); fi
}
check eslint npx eslint .
check prettier npx prettier --check --cache --log-level warn .
check depcruise npm run --silent lint:deps
check knip npx knip
if [ ${#failed[@]} -gt 0 ]; then
  echo "lint: failed: ${failed[*]}"
  exit 1
fi
echo "lint: ok"
