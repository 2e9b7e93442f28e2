#!/usr/bin/env bash
# Regenerates src/generated/ (TypeScript types for the Envoy/xDS protos) and tools/generated/ (the echo protos)
# with proto-loader-gen-types, using the flags grpc-js-xds uses. The output is committed and never edited.
set -euo pipefail
cd "$(dirname "$0")/.."
DEPS=node_modules/@grpc/grpc-js-xds/deps
ROOTS=(
  envoy/service/discovery/v3/ads.proto
  envoy/config/listener/v3/listener.proto
  envoy/config/route/v3/route.proto
  envoy/config/cluster/v3/cluster.proto
  envoy/config/endpoint/v3/endpoint.proto
  envoy/config/bootstrap/v3/bootstrap.proto
  envoy/extensions/transport_sockets/tls/v3/tls.proto
  envoy/extensions/transport_sockets/tls/v3/secret.proto
  envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto
  envoy/extensions/filters/http/router/v3/router.proto
  envoy/extensions/filters/http/grpc_web/v3/grpc_web.proto
  envoy/extensions/filters/http/grpc_stats/v3/config.proto
  envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector.proto
  envoy/extensions/upstreams/http/v3/http_protocol_options.proto
)
rm -rf src/generated
npx proto-loader-gen-types --keepCase --longs String --enums String --defaults --oneofs \
  --grpcLib @grpc/grpc-js \
  -I "$DEPS/envoy-api" -I "$DEPS/xds" -I "$DEPS/googleapis" -I "$DEPS/protoc-gen-validate" -I protos \
  -O src/generated/ "${ROOTS[@]}"
# The echo backends' protos (tools/echo, the tests): not part of the product.
rm -rf tools/generated
npx proto-loader-gen-types --keepCase --longs String --enums String --defaults --oneofs \
  --grpcLib @grpc/grpc-js -I protos -O tools/generated/ grpcecho.proto attache/testing/v1/ticker.proto
echo "generated $(find src/generated -name '*.ts' | wc -l) files"
