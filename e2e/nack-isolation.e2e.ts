/**
 * One proxy's NACK never takes anything from another (issue 13, item 1): a real Envoy serving
 * the bundled examples, and a rogue ADS client claiming the same Gateway (any process that
 * reaches the xDS port, or holds a client certificate), which rejects what it is sent. The real
 * Envoy keeps its listener and routes and keeps receiving changes; status and `/proxies` name
 * the rogue as the proxy that rejected, and the real Envoy as SYNCED.
 */
import {
  backendsFromEndpointSlices,
  callEcho,
  closeEchoClients,
  EXAMPLES,
  type GatewayStack,
  loopbackAddress,
  printLogsOnFailure,
  readManifestDocs,
  startGatewayStack,
  stopAll,
  waitFor,
} from '../test/harness';
import { LDS, RDS, RogueAdsClient } from '../test/harness/rogue-ads-client';

const GATEWAY = 'default/grpc-gateway';
const REAL = 'real-envoy';

interface ProxyJson {
  nodeId: string;
  sync: string;
}

describe('NACK isolation: a rogue ADS client of a served Gateway', () => {
  let stack: GatewayStack;
  const address = loopbackAddress(130);
  const target = `${address}:10080`;
  const rogues: RogueAdsClient[] = [];
  let edits = 0;

  beforeAll(async () => {
    stack = await startGatewayStack({
      manifests: EXAMPLES,
      backends: backendsFromEndpointSlices(readManifestDocs(EXAMPLES)),
      defaultAddress: address,
      envoys: [{ id: REAL, gateway: GATEWAY }],
    });
  });

  afterEach(printLogsOnFailure);
  afterEach(() => {
    for (const r of rogues.splice(0)) r.close();
  });
  afterAll(async () => {
    closeEchoClients();
    await stack?.stop();
    await stopAll();
  });

  function rogue(id: string): RogueAdsClient {
    const r = new RogueAdsClient(`127.0.0.1:${stack.cp.xds.port}`, { id, cluster: GATEWAY });
    rogues.push(r);
    return r;
  }

  async function proxies(): Promise<ProxyJson[]> {
    return (JSON.parse(await stack.cp.debug('/proxies?format=json')) as { proxies: ProxyJson[] }).proxies;
  }

  /** A route edit, then its answer through the real Envoy: proof that the Envoy still has its listener and takes changes. */
  async function editReachesRealEnvoy(): Promise<void> {
    const host = `edit-${++edits}.example.com`;
    stack.write(`90-edit-${edits}.yaml`, routeFor(host));
    await waitFor(async () => (await callEcho({ target, authority: host })).pod, { timeoutMs: 15_000, description: `${host} served by the real Envoy` });
  }

  it('a NACK of the first Listener response withdraws nothing from the real Envoy', async () => {
    expect((await callEcho({ target, authority: 'methods.example.com' })).pod).toMatch(/^echo-v1/);
    const r = rogue('rogue-listener');
    const lds = await r.subscribe(LDS);
    expect(lds.resources.length).toBeGreaterThan(0);
    r.nack(lds, 'rogue rejects every listener');
    await waitFor(async () => (await proxies()).some((p) => p.nodeId === 'rogue-listener' && p.sync === 'NACKED'), { description: 'the rogue shown NACKED' });

    await editReachesRealEnvoy();
    // The real Envoy never lost its listener, not even for a moment.
    expect((await stack.envoy.stats('^listener_manager\\.listener_removed$'))['listener_manager.listener_removed']).toBe(0);
    for (let i = 0; i < 5; i++) expect((await callEcho({ target, authority: 'methods.example.com', freshConnection: true })).pod).toMatch(/^echo-v1/);
    const real = await waitFor(async () => (await proxies()).find((p) => p.nodeId === REAL && p.sync === 'SYNCED'), { description: 'the real Envoy SYNCED' });
    expect(real.sync).toBe('SYNCED');
    // Status tells which proxy rejected what.
    expect(await stack.cp.debug('/status')).toContain('proxy rogue-listener rejected Listener');

    // Gone with its stream.
    r.close();
    await waitFor(async () => !(await stack.cp.debug('/status')).includes('rogue-listener'), { description: 'the rejection cleared from status' });
  });

  it('a NACK quoting a route hostname takes that route from no other proxy', async () => {
    const r = rogue('rogue-route');
    const lds = await r.subscribe(LDS);
    r.ack(lds);
    const rds = await r.subscribe(RDS, [`routes/${address}/10080`]);
    expect(rds.resources.length).toBe(1);
    r.nack(rds, "route 'methods.example.com' rejected by a rogue", [`routes/${address}/10080`]);
    await waitFor(async () => (await proxies()).some((p) => p.nodeId === 'rogue-route' && p.sync === 'NACKED'), { description: 'the rogue shown NACKED' });

    await editReachesRealEnvoy();
    // The route is still in the real Envoy's RouteConfiguration, and answers.
    expect(JSON.stringify(await stack.envoy.configDump({ resource: 'dynamic_route_configs' }))).toContain('methods.example.com');
    for (let i = 0; i < 5; i++) expect((await callEcho({ target, authority: 'methods.example.com', freshConnection: true })).pod).toMatch(/^echo-v1/);
    await waitFor(async () => (await proxies()).find((p) => p.nodeId === REAL && p.sync === 'SYNCED'), { description: 'the real Envoy SYNCED' });
  });
});

function routeFor(host: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: ${host.split('.')[0]}, namespace: default}
spec:
  parentRefs: [{name: grpc-gateway}]
  hostnames: [${host}]
  rules: [{backendRefs: [{name: echo-v1, port: 8080}]}]
`;
}
