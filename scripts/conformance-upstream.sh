#!/usr/bin/env bash
# The upstream Gateway API conformance suite (sigs.k8s.io/gateway-api/conformance v1.6.1) against
# Attaché, on a container-less local cluster, end to end (`npm run conformance:upstream`):
#
#   1. build or reuse (outside the network namespace, which has no way out to the Go module proxy):
#      etcd, kube-apiserver, kube-controller-manager, kubectl (scripts/kube.sh build), the
#      echo-basic backend and the compiled suite (e2e/conformance/upstream), and Attaché (tsc);
#   2. in a private network namespace (scripts/netns.sh: 10.244.0.0/16 is local there):
#      a fresh cluster with the Gateway API CRDs, the GatewayClass `attache`, Attaché in
#      Kubernetes mode provisioning each Gateway's Envoys, and the local kubelet running them
#      (tools/local-cluster);
#   3. the suite, with conformance-options.yaml; its report goes to conformance/reports/;
#   4. everything it started is stopped, whatever happened.
#
# It runs against provisioned Envoys (issue #16): Attaché with --provision, mTLS xDS and a CA to
# issue the Envoys' certificates; the local cluster runs the Envoy Pods and LoadBalancer Services
# (start_provisioned below). ATTACHE_CONFORMANCE_PROVISIONED=0: the old way, one Envoy per Gateway
# started by the local node (start_gateway_proxies); its report stays in the work directory.
# CONFORMANCE_OUT=DIR: the work directory (default .cache/conformance); CONFORMANCE_EXTRA_FEATURES=A,B:
# also run the tests of features the GatewayClass does not claim.
#
# Arguments go to the suite, e.g. --run-test GRPCExactMethodMatching, or
# --conformance-profiles GATEWAY-GRPC. Logs: .cache/conformance/ (kept after the run).
# The last line says `N passed, N failed, N skipped`, counting upstream tests (not sub-cases).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN="$ROOT/.cache/bin"
# CONFORMANCE_OUT: another work directory (two runs at once must not share one: it is emptied first).
OUT=${CONFORMANCE_OUT:-$ROOT/.cache/conformance}
export CONFORMANCE_OUT=$OUT
# 1 (default): provisioned Envoys; 0: one Envoy per Gateway run by the local node (the old way).
PROVISIONED=${ATTACHE_CONFORMANCE_PROVISIONED:-1}
export ATTACHE_CONFORMANCE_PROVISIONED=$PROVISIONED
SUITE_DIR="$ROOT/e2e/conformance/upstream"
GATEWAY_API_VERSION=v1.6.1
SUITE_TIMEOUT=${SUITE_TIMEOUT:-75m}

step() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

build() {
  bash scripts/kube.sh build
  local stamp="gateway-api=$GATEWAY_API_VERSION $(sha256sum "$SUITE_DIR/go.sum" "$SUITE_DIR/conformance_test.go" | sha256sum | cut -c1-16)"
  if [ -x "$BIN/echo-basic" ] && [ -x "$BIN/gateway-api-conformance.test" ] && [ "$(cat "$BIN/.conformance.version" 2>/dev/null)" = "$stamp" ]; then
    step "echo-basic and the conformance suite: up to date ($stamp)"
  else
    local t0; t0=$(date +%s)
    step "echo-basic and the conformance suite: building $GATEWAY_API_VERSION from the Go module proxy"
    (
      cd "$SUITE_DIR"
      export CGO_ENABLED=0 GOFLAGS=-mod=mod
      go build -trimpath -o "$BIN/echo-basic" sigs.k8s.io/gateway-api/conformance/echo-basic
      go test -c -trimpath -o "$BIN/gateway-api-conformance.test" .
    )
    echo "$stamp" > "$BIN/.conformance.version"
    step "built in $(( $(date +%s) - t0 ))s: $(cd "$BIN" && du -h echo-basic gateway-api-conformance.test | tr '\t\n' ' ')"
  fi
  step "Attaché (tsc)"
  npx tsc -p tsconfig.json
}

PIDS=()
stop_all() {
  local pid
  # Newest first: the local kubelet stops its echo servers and Envoys, then Attaché, then the cluster.
  for (( i=${#PIDS[@]}-1; i>=0; i-- )); do
    pid=${PIDS[$i]}
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  KUBE_DIR="$OUT/kube" bash scripts/kube.sh stop >/dev/null 2>&1 || true
}

# The kubelet endpoint's certificate (the API server reads container logs there; it does not
# verify kubelet certificates unless given --kubelet-certificate-authority).
kubelet_certificate() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=local-node -addext subjectAltName=IP:10.244.0.1 \
    -keyout "$OUT/kubelet.key" -out "$OUT/kubelet.crt" 2>/dev/null
}

# Default: Attaché unprovisioned, and the local cluster runs one Envoy per Gateway on the host.
start_gateway_proxies() {
  # Gateways get addresses from 10.244.200.0/24 (Pods use 10.244.1.0 and up) and their real
  # listener ports: we run as root, or as root of a user namespace, in our own network namespace.
  bin/attache.js serve --source kubernetes --kubeconfig "$KUBECONFIG" --address-pool 10.244.200.0/24 --port-shift 0 --provision=false \
    --xds-plaintext --xds-address 127.0.0.1:18000 --debug-address 127.0.0.1:18001 > "$OUT/attache.log" 2>&1 &
  PIDS+=($!)
  kubelet_certificate
  node dist/tools/local-cluster/main.js --kubeconfig "$KUBECONFIG" --work-dir "$OUT/envoy" \
    --tls-cert "$OUT/kubelet.crt" --tls-key "$OUT/kubelet.key" > "$OUT/local-cluster.log" 2>&1 &
  PIDS+=($!)
}

# ATTACHE_CONFORMANCE_PROVISIONED=1: what a user runs (issue #16). Attaché provisions each
# Gateway's Envoys (Deployment + LoadBalancer Service) and issues their xDS client certificates;
# the local cluster runs those Pods in network namespaces of their own (--gateway-proxies=false)
# and gives the Services addresses from 10.244.240.0/24. Pods reach the node at 10.245.0.1, so
# xDS listens on 0.0.0.0 over mTLS (plaintext is loopback only), with a CA made here.
XDS_SERVER_NAME=attache-xds.conformance.local
start_provisioned() {
  local pki="$OUT/xds-pki"
  mkdir -p "$pki"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=attache conformance xDS CA" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    -keyout "$pki/ca.key" -out "$pki/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$XDS_SERVER_NAME" -keyout "$pki/tls.key" -out "$pki/tls.csr" 2>/dev/null
  openssl x509 -req -in "$pki/tls.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 2 -out "$pki/tls.crt" \
    -extfile <(printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth\n' "$XDS_SERVER_NAME") 2>/dev/null
  "$BIN/kubectl" apply --server-side --force-conflicts -f crds/attache >/dev/null
  "$BIN/kubectl" wait --for condition=Established --timeout 60s crd --all >/dev/null
  # One Envoy per Gateway (default 2): the suite makes many Gateways on 2 cores.
  "$BIN/kubectl" apply -f - >/dev/null <<YAML
apiVersion: attache.dev/v1alpha1
kind: GatewayParameters
metadata: {name: conformance, namespace: default}
spec:
  envoy: {replicas: 1}
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: attache}
spec:
  controllerName: attache.dev/gateway-controller
  parametersRef: {group: attache.dev, kind: GatewayParameters, name: conformance, namespace: default}
YAML
  bin/attache.js serve --source kubernetes --kubeconfig "$KUBECONFIG" --default-address 0.0.0.0 --port-shift 0 \
    --xds-address 0.0.0.0:18000 --xds-tls-cert "$pki/tls.crt" --xds-tls-key "$pki/tls.key" --xds-tls-client-ca "$pki/ca.crt" \
    --provision=true --provision-xds-address 10.245.0.1:18000 --provision-xds-server-name "$XDS_SERVER_NAME" --provision-image attache:dev \
    --xds-issuer-ca-cert "$pki/ca.crt" --xds-issuer-ca-key "$pki/ca.key" \
    --debug-address 127.0.0.1:18001 > "$OUT/attache.log" 2>&1 &
  PIDS+=($!)
  kubelet_certificate
  node dist/tools/local-cluster/main.js --kubeconfig "$KUBECONFIG" --work-dir "$OUT/envoy" --gateway-proxies=false \
    --tls-cert "$OUT/kubelet.crt" --tls-key "$OUT/kubelet.key" > "$OUT/local-cluster.log" 2>&1 &
  PIDS+=($!)
}

inside() {
  rm -rf "$OUT"
  mkdir -p "$OUT"
  trap stop_all EXIT
  export KUBE_DIR="$OUT/kube" KUBECONFIG="$OUT/kube/kubeconfig"
  KUBE_CONTROLLER_MANAGER=1 KUBE_OWNER_PID=$$ bash scripts/kube.sh start
  "$BIN/kubectl" apply -f - >/dev/null <<YAML
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: attache}
spec: {controllerName: attache.dev/gateway-controller}
YAML
  if [ "$PROVISIONED" = 1 ]; then start_provisioned; else start_gateway_proxies; fi
  # The suite reads the supported features from the GatewayClass status once, at its start.
  "$BIN/kubectl" wait gatewayclass/attache --for condition=Accepted --timeout 60s >/dev/null
  for _ in $(seq 100); do "$BIN/kubectl" get node local-node >/dev/null 2>&1 && break; sleep 0.3; done
  "$BIN/kubectl" wait node/local-node --for condition=Ready --timeout 30s >/dev/null
  step "cluster, Attaché and the local kubelet are up; running the suite (log: $OUT/suite.log)"
  local t0 code=0 args=("$@"); t0=$(date +%s)
  # CONFORMANCE_EXTRA_FEATURES=A,B: try features not (yet) claimed, on top of the class's status
  # (a manual list turns the suite's inference off, so the claimed ones are passed too).
  if [ -n "${CONFORMANCE_EXTRA_FEATURES:-}" ]; then
    local claimed; claimed=$("$BIN/kubectl" get gatewayclass attache -o jsonpath='{range .status.supportedFeatures[*]}{.name},{end}')
    args+=(-supported-features "${claimed}${CONFORMANCE_EXTRA_FEATURES}")
  fi
  # Only a whole run writes the committed report; a partial one (any argument) goes to $OUT, and
  # CONFORMANCE_REPORT=FILE sends it elsewhere (scripts/test.sh, so `make test` leaves git clean).
  local options=conformance-options.yaml
  if [ -n "${CONFORMANCE_REPORT:-}" ]; then args+=(-report-output "$CONFORMANCE_REPORT")
  elif [ $# -gt 0 ] || [ "$PROVISIONED" != 1 ]; then args+=(-report-output "$OUT/report.yaml"); fi
  if [ "$PROVISIONED" = 1 ]; then
    # GatewayStaticAddresses: provisioned, a Gateway's address is its Service's, from the local
    # load balancer's pool (10.244.240.0/24, which honours spec.loadBalancerIP); 10.244.201.1 is in no pool.
    options="$OUT/conformance-options.yaml"
    sed 's/value: 10\.244\.200\.254 }/value: 10.244.240.254 }/' "$SUITE_DIR/conformance-options.yaml" > "$options"
    grep -q 'value: 10.244.240.254 }' "$options"
  fi
  (cd "$SUITE_DIR" && "$BIN/gateway-api-conformance.test" -test.v -test.timeout "$SUITE_TIMEOUT" \
    -conformance-options-file "$options" "${args[@]}") > "$OUT/suite.log" 2>&1 || code=$?
  step "suite finished in $(( $(date +%s) - t0 ))s (exit $code)"
  # Per upstream test (not per sub-case). Skipped here means "not run": a feature not claimed, or
  # another profile (TLSRoute, mesh); the report says what each profile ran.
  grep -E -- '^    --- FAIL: TestConformance/[A-Za-z0-9]+ ' "$OUT/suite.log" || true
  local n
  for n in PASS FAIL SKIP; do eval "count_$n=$(grep -cE -- "^    --- $n: TestConformance/[A-Za-z0-9]+ " "$OUT/suite.log" || true)"; done
  # A suite that failed before running any test still counts as one failure.
  [ "$code" = 0 ] || [ "$count_FAIL" != 0 ] || count_FAIL=1
  echo "upstream conformance: $count_PASS passed, $count_FAIL failed, $count_SKIP skipped"
  return $code
}

if [ "${1:-}" = --inside ]; then
  shift
  inside "$@"
else
  t0=$(date +%s)
  build
  code=0
  scripts/netns.sh "$0" --inside "$@" || code=$?
  report="conformance/reports/$GATEWAY_API_VERSION/attache/standard-v0.1.0-default-report.yaml"
  if [ -n "${CONFORMANCE_REPORT:-}" ]; then report=$CONFORMANCE_REPORT; elif [ $# -gt 0 ] || [ "$PROVISIONED" != 1 ]; then report=$OUT/report.yaml; fi
  step "whole run: $(( $(date +%s) - t0 ))s; report: $report"
  exit $code
fi
