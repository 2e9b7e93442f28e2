/**
 * An independent xDS client: @grpc/grpc-js-xds (Google's, SotW only) resolves
 * `xds:///methods.example.com` through Attaché's ADS server and calls the echo backends
 * directly, routed by the RouteConfiguration, Clusters and ClusterLoadAssignments Attaché
 * translates from the bundled examples.
 *
 * Proxyless clients need an `api_listener` Listener named by the target (xds-protocol.md §3.4),
 * which Attaché does not translate (it serves Envoy socket listeners); this test adds that one
 * Listener by hand next to the translated resources. Everything else is the real pipeline and
 * the real server, and the client speaks exactly as it would to Istio or Traffic Director:
 * explicit resource names for every type, node on the first request only.
 */
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import { register as registerXdsResolver } from '@grpc/grpc-js-xds';
import pino from 'pino';
import { loadFiles, offlineOptions } from '../../src/cli/load-files';
import type { ProtoGrpcType } from '../../tools/generated/grpcecho';
import type { GrpcEchoClient } from '../../tools/generated/gateway_api_conformance/echo_basic/grpcecho/GrpcEcho';
import type { EchoResponse__Output } from '../../tools/generated/gateway_api_conformance/echo_basic/grpcecho/EchoResponse';
import { translateAll } from '../../src/runner/translate-all';
import { buildSnapshot } from '../../src/xds/cache/snapshot';
import { SnapshotCache } from '../../src/xds/cache/snapshot-cache';
import { echoPackageDefinition } from '../../src/xds/proto';
import { TypeUrl } from '../../src/xds/resources';
import { createXdsServer, type XdsServer } from '../../src/xds/server/ads';
import { TypedConfigUrl, typedConfig } from '../../src/xds/translate/typed-config';
import { backendsFromEndpointSlices, type EchoBackends, ROOT, startEchoBackends, waitFor } from '../../test/harness';

const GATEWAY = 'default/grpc-gateway';
const TARGET_HOST = 'methods.example.com';
const ROUTE_CONFIG = 'routes/127.0.0.1/10080';

/** What gRPC needs instead of a socket listener: an API listener whose HCM fetches our RouteConfiguration over ADS. */
function apiListener(name: string, routeConfigName: string): object {
  const hcm = {
    rds: { route_config_name: routeConfigName, config_source: { ads: {}, resource_api_version: 'V3' } },
    http_filters: [{ name: 'envoy.filters.http.router', typed_config: typedConfig(TypedConfigUrl.Router, {}) }],
  };
  return { name, api_listener: { api_listener: typedConfig(TypedConfigUrl.HttpConnectionManager, hcm) } };
}

function echoClient(xdsPort: number): GrpcEchoClient {
  const proto = grpc.loadPackageDefinition(echoPackageDefinition()) as unknown as ProtoGrpcType;
  const bootstrap = {
    xds_servers: [{ server_uri: `127.0.0.1:${xdsPort}`, channel_creds: [{ type: 'insecure' }] }],
    node: { id: 'grpc-js-xds-1', cluster: GATEWAY, locality: {} },
  };
  return new proto.gateway_api_conformance.echo_basic.grpcecho.GrpcEcho(`xds:///${TARGET_HOST}`, grpc.credentials.createInsecure(), {
    'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config': JSON.stringify(bootstrap),
  });
}

function podOf(client: GrpcEchoClient, method: 'Echo' | 'EchoTwo'): Promise<string> {
  return new Promise((resolve, reject) => {
    const cb = (err: grpc.ServiceError | null, res?: EchoResponse__Output): void => (err ? reject(err) : resolve(res?.assertions?.context?.pod ?? '?'));
    const deadline = { deadline: Date.now() + 5000 };
    if (method === 'Echo') client.Echo({}, deadline, cb);
    else client.EchoTwo({}, deadline, cb);
  });
}

describe('@grpc/grpc-js-xds as an independent xDS client (SotW)', () => {
  let server: XdsServer;
  let backends: EchoBackends;
  let client: GrpcEchoClient | undefined;
  const nacks: string[] = [];

  beforeAll(async () => {
    registerXdsResolver();
    const { resources, objects } = await loadFiles([path.join(ROOT, 'examples')]);
    backends = await startEchoBackends(backendsFromEndpointSlices(objects));
    const envoy = translateAll(resources, offlineOptions()).resources.get(GATEWAY);
    if (!envoy) throw new Error(`examples: no Gateway ${GATEWAY}`);
    const cache = new SnapshotCache();
    const input = { ...envoy, [TypeUrl.Listener]: [...envoy[TypeUrl.Listener], { name: TARGET_HOST, resource: apiListener(TARGET_HOST, ROUTE_CONFIG) }] };
    expect(cache.setSnapshot(GATEWAY, buildSnapshot(input))).toEqual({ ok: true });
    server = createXdsServer({ cache, logger: pino({ level: 'silent' }), callbacks: { onNack: (e) => nacks.push(e.errorDetail.message) } });
    await server.listen('127.0.0.1:0').then((port) => {
      client = echoClient(port);
    });
  });

  afterAll(async () => {
    client?.close();
    await server?.shutdown();
    await backends?.stop();
  });

  it('routes each method to the backend the GRPCRoute names, accepting every resource', async () => {
    const c = client as GrpcEchoClient;
    const echo = await waitFor(() => podOf(c, 'Echo').catch(() => undefined), { timeoutMs: 15_000, description: 'the xDS client to resolve and call' });
    expect(echo.startsWith('echo-v1')).toBe(true);
    expect((await podOf(c, 'EchoTwo')).startsWith('echo-v2')).toBe(true);
    expect(nacks).toEqual([]);
    // It subscribed by name to each type, as gRPC clients do (no wildcard), and ACKed them all.
    const connection = server.connections().find((s) => s.nodeId === 'grpc-js-xds-1');
    expect(connection?.types.map((t) => [t.typeUrl, t.wildcard, t.lastVersionSent === t.lastVersionAcked])).toEqual([
      [TypeUrl.Cluster, false, true],
      [TypeUrl.ClusterLoadAssignment, false, true],
      [TypeUrl.Listener, false, true],
      [TypeUrl.RouteConfiguration, false, true],
    ]);
    expect(connection?.types.find((t) => t.typeUrl === TypeUrl.Listener)?.names).toEqual([TARGET_HOST]);
  });
});
