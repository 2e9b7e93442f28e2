/**
 * The reconciler's test bench (src/runner/reconciler*.test.ts): a real store, translation and
 * cache for one Gateway, and proxy ACKs/NACKs fed in as the xDS server reports them.
 */
import pino from 'pino';
import type { KubernetesObject } from '../../src/apis/meta';
import type { StatusEntry } from '../../src/gatewayapi/status';
import { parseManifests } from '../../src/sources/file/parse';
import { loadCrdSchemas, type CrdSchemas } from '../../src/sources/validation/crd-schemas';
import { Store } from '../../src/store/store';
import { SnapshotCache } from '../../src/xds/cache/snapshot-cache';
import { decodeAny } from '../../src/xds/proto';
import { TypeUrl } from '../../src/xds/resources';
import type { XdsCallbacks } from '../../src/xds/server/callbacks';
import { Reconciler } from '../../src/runner/reconciler';

export const GW = 'default/gw';
export const RC = 'routes/127.0.0.1/10080';
export const BASE = `
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: attache}
spec: {controllerName: attache.dev/gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec: {gatewayClassName: attache, listeners: [{name: http, port: 80, protocol: HTTP}]}
---
apiVersion: v1
kind: Service
metadata: {name: echo}
spec: {ports: [{name: grpc, port: 8080}]}
`;

export function slice(ip: string): string {
  return `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: echo-1, labels: {kubernetes.io/service-name: echo}}
addressType: IPv4
endpoints: [{addresses: [${ip}]}]
ports: [{name: grpc, port: 3000}]
`;
}

export function route(name: string, host: string, service = 'echo\\.Echo'): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: ${name}}
spec:
  parentRefs: [{name: gw}]
  hostnames: [${host}]
  rules: [{matches: [{method: {type: RegularExpression, service: '${service}'}}], backendRefs: [{name: echo, port: 8080}]}]
`;
}

let schemas: CrdSchemas | undefined;

export function objects(...docs: string[]): KubernetesObject[] {
  schemas ??= loadCrdSchemas();
  const parsed = parseManifests('test.yaml', docs.join('---\n'), schemas);
  expect(parsed.errors).toEqual([]);
  return parsed.objects.map((o, i) => ({ ...o, metadata: { ...o.metadata, generation: 1, creationTimestamp: `2026-01-01T00:00:0${i % 10}Z` } }));
}

export function setup(): { store: Store; cache: SnapshotCache; reconciler: Reconciler; proxy: XdsCallbacks } {
  const store = new Store();
  const cache = new SnapshotCache();
  const options = () => ({
    controllerName: 'attache.dev/gateway-controller',
    defaultAddress: '127.0.0.1',
    privilegedPortShift: 10000,
    now: '2026-01-01T00:00:00Z',
  });
  const reconciler = new Reconciler(store, cache, options, pino({ level: 'silent' }));
  return { store, cache, reconciler, proxy: reconciler.proxyCallbacks() };
}

export const node = {
  id: 'envoy-1',
  cluster: GW,
  metadata: null,
  locality: null,
  user_agent_name: '',
  extensions: [],
  client_features: [],
  listening_addresses: [],
  dynamic_parameters: {},
};
export const base = { streamId: 1, protocol: 'sotw' as const, peer: 'test', node, key: GW, nonce: '1', version: 'v' };

/** The version of a resource as proxy (stream) `stream` is served it. */
export function versionOf(cache: SnapshotCache, typeUrl: TypeUrl, name: string, stream = base.streamId): string {
  return cache.getSnapshot(GW, stream)?.resource(typeUrl, name)?.version ?? '';
}

export function ack(cache: SnapshotCache, proxy: XdsCallbacks, typeUrl: TypeUrl, name: string, stream = base.streamId): string {
  const version = versionOf(cache, typeUrl, name, stream);
  proxy.onAck?.({ ...base, streamId: stream, typeUrl, names: [name], resources: [{ name, version }] });
  return version;
}

export function nack(
  proxy: XdsCallbacks,
  typeUrl: TypeUrl,
  name: string,
  version: string,
  acceptedVersion: string | undefined,
  message: string,
  stream = base.streamId,
): void {
  proxy.onNack?.({
    ...base,
    streamId: stream,
    typeUrl,
    names: [name],
    rejectedVersion: 'x',
    errorDetail: { code: 3, message },
    rejected: [{ name, version, ...(acceptedVersion === undefined ? {} : { acceptedVersion }) }],
    clientStateKnown: true,
  });
}

export function domains(cache: SnapshotCache, stream = base.streamId): string[] {
  const rc = cache.getSnapshot(GW, stream)?.resource(TypeUrl.RouteConfiguration, RC);
  const decoded = rc ? (decodeAny(rc.any) as { virtual_hosts?: Array<{ domains?: string[] }> }) : {};
  return (decoded.virtual_hosts ?? []).flatMap((vh) => vh.domains ?? []).sort();
}

export function conditionsOf(status: StatusEntry[], kind: string, name: string): string[] {
  const entry = status.find((e) => e.kind === kind && e.name === name);
  if (!entry) return [];
  const list = 'parents' in entry.status ? entry.status.parents.flatMap((p) => p.conditions) : 'conditions' in entry.status ? entry.status.conditions : [];
  return list.map((c) => c.type);
}

export const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
