/**
 * Envoy's data-plane-api protos, from the copy vendored in `protos/vendor/` (data-plane-api, cncf/xds,
 * googleapis, protoc-gen-validate at the commits `protos/vendor/VERSIONS` pins), plus `protos/`.
 * They ship with the repository, so the control plane needs no network and no other package's
 * internals to start.
 *
 * Two views of the same files:
 *  - a protobufjs Root, used to encode each resource once into an `Any` (so a snapshot is
 *    serialized once however many proxies receive it) and to decode for tests and debug output;
 *  - a proto-loader PackageDefinition, used by @grpc/grpc-js to serve the ADS service.
 */
import * as path from 'path';
import * as fs from 'fs';
import * as protoLoader from '@grpc/proto-loader';
import * as protobuf from 'protobufjs';
import { messageName } from './resources';
import { PROJECT_ROOT } from '../project-root';

const VENDOR = path.join(PROJECT_ROOT, 'protos', 'vendor');
/** In the order of protos/vendor/VERSIONS (scripts/generate-types.sh uses the same order). */
export const PROTO_INCLUDE_DIRS: readonly string[] = [
  path.join(VENDOR, 'data-plane-api'),
  path.join(VENDOR, 'xds'),
  path.join(VENDOR, 'googleapis'),
  path.join(VENDOR, 'protoc-gen-validate'),
  path.join(PROJECT_ROOT, 'protos'),
];

/**
 * Every message Attaché puts into an Any must be reachable from these files. protos/vendor/ROOTS
 * lists the same files for the scripts (a unit test keeps them equal); adding one means
 * re-vendoring (scripts/vendor-protos.sh) and regenerating the types (`make types`).
 */
export const ROOT_FILES: readonly string[] = [
  'envoy/service/discovery/v3/ads.proto',
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/config/bootstrap/v3/bootstrap.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/transport_sockets/tls/v3/secret.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/http/grpc_web/v3/grpc_web.proto',
  'envoy/extensions/filters/http/grpc_stats/v3/config.proto',
  'envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
  'envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit.proto',
];

const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: false,
  oneofs: true,
  json: true,
  includeDirs: [...PROTO_INCLUDE_DIRS],
};

let cachedRoot: protobuf.Root | undefined;

/** One protobufjs Root holding every Envoy message we emit (well-known types come from protobufjs). */
export function envoyRoot(): protobuf.Root {
  if (cachedRoot) return cachedRoot;
  const root = new protobuf.Root();
  root.resolvePath = (origin: string, target: string): string | null => {
    if (path.isAbsolute(target)) return target;
    for (const dir of PROTO_INCLUDE_DIRS) {
      const candidate = path.join(dir, target);
      if (fs.existsSync(candidate)) return candidate;
    }
    // google/protobuf/*.proto are bundled in protobufjs (protobuf.common); let it resolve them.
    return target;
  };
  root.loadSync([...ROOT_FILES], { keepCase: true });
  root.resolveAll();
  cachedRoot = root;
  return root;
}

export function messageType(typeUrl: string): protobuf.Type {
  return envoyRoot().lookupType(messageName(typeUrl));
}

/** An Any as it travels inside DiscoveryResponse.resources. */
export interface EncodedAny {
  type_url: string;
  value: Buffer;
}

/** Encodes a plain object (snake_case fields, nested Anys as `{'@type': ...}`) into an Any. */
export function encodeAny(typeUrl: string, message: object): EncodedAny {
  const type = messageType(typeUrl);
  const value = Buffer.from(type.encode(type.fromObject(message as Record<string, unknown>)).finish());
  return { type_url: typeUrl, value };
}

/** Decodes an Any back into the plain object form Envoy's YAML uses (nested Anys as `@type`). */
export function decodeAny(any: EncodedAny): Record<string, unknown> {
  const type = messageType(any.type_url);
  return type.toObject(type.decode(any.value), { longs: String, enums: String, json: true, bytes: String });
}

let cachedPackage: protoLoader.PackageDefinition | undefined;

/** The ADS service definition for @grpc/grpc-js (and for test clients). */
export function adsPackageDefinition(): protoLoader.PackageDefinition {
  if (!cachedPackage) {
    cachedPackage = protoLoader.loadSync(['envoy/service/discovery/v3/ads.proto'], LOADER_OPTIONS);
  }
  return cachedPackage;
}

let cachedEcho: protoLoader.PackageDefinition | undefined;

/** The conformance echo service (protos/grpcecho.proto, wire-identical to upstream's). */
export function echoPackageDefinition(): protoLoader.PackageDefinition {
  if (!cachedEcho) {
    cachedEcho = protoLoader.loadSync(['grpcecho.proto'], { ...LOADER_OPTIONS, defaults: true });
  }
  return cachedEcho;
}

let cachedTicker: protoLoader.PackageDefinition | undefined;

/** The server-streaming test service the echo backends also serve (protos/attache/testing/v1/ticker.proto). */
export function tickerPackageDefinition(): protoLoader.PackageDefinition {
  if (!cachedTicker) {
    cachedTicker = protoLoader.loadSync(['attache/testing/v1/ticker.proto'], { ...LOADER_OPTIONS, defaults: true });
  }
  return cachedTicker;
}
