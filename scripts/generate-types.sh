#!/usr/bin/env bash
# Regenerates src/generated/ (TypeScript types for the Envoy/xDS protos) and tools/generated/ (the echo protos)
# with proto-loader-gen-types, using the flags grpc-js-xds uses. The output is committed and never edited.
# The Envoy protos are the ones vendored in protos/vendor/ (VERSIONS pins the upstream commits; ROOTS
# lists the files generated for, the same as ROOT_FILES in src/xds/proto.ts); the include path order
# is VERSIONS order, as in src/xds/proto.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
VENDOR=protos/vendor
mapfile -t ROOTS < <(sed 's/#.*//' "$VENDOR/ROOTS" | grep -v '^\s*$')
rm -rf src/generated
npx proto-loader-gen-types --keepCase --longs String --enums String --defaults --oneofs \
  --grpcLib @grpc/grpc-js \
  -I "$VENDOR/data-plane-api" -I "$VENDOR/xds" -I "$VENDOR/googleapis" -I "$VENDOR/protoc-gen-validate" -I protos \
  -O src/generated/ "${ROOTS[@]}"
# The echo backends' protos (tools/echo, the tests): not part of the product.
rm -rf tools/generated
npx proto-loader-gen-types --keepCase --longs String --enums String --defaults --oneofs \
  --grpcLib @grpc/grpc-js -I protos -O tools/generated/ grpcecho.proto attache/testing/v1/ticker.proto grpc/health/v1/health.proto
echo "generated $(find src/generated -name '*.ts' | wc -l) files"
