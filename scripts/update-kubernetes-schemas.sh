#!/usr/bin/env bash
# Refreshes crds/kubernetes/ (the OpenAPI schemas of the core kinds Attaché reads from files:
# Service, Secret, Namespace, EndpointSlice) from the k8s.io/kubernetes Go module's
# api/openapi-spec/v3, the schemas the apiserver itself publishes. The result is committed, so a
# clone validates without this; run it when moving to another Kubernetes release:
#   scripts/update-kubernetes-schemas.sh [v1.36.3]
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=${1:-v1.36.3} # the Kubernetes release scripts/kube.sh builds
dir=$(GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@$VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",\?$/\1/p')
[ -d "$dir/api/openapi-spec/v3" ] || { echo "update-kubernetes-schemas: no api/openapi-spec/v3 in k8s.io/kubernetes@$VERSION" >&2; exit 1; }
node scripts/extract-openapi-schemas.js "$dir/api/openapi-spec/v3" "k8s.io/kubernetes@$VERSION" crds/kubernetes
