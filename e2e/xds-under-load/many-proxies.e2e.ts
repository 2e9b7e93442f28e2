/**
 * Several Gateways, several Envoys per Gateway, over SotW and Delta: each proxy receives only
 * its own Gateway's resources (selected by node.cluster), all replicas of a Gateway get each
 * change, and the control plane tracks proxies connecting and disconnecting (/proxies and the
 * `attache_xds_connected_proxies` gauge). Load runs through both Gateways while a route changes.
 *
 * Replicas of one Gateway bind the same loopback address and port (Envoy sets SO_REUSEPORT), so
 * the kernel spreads fresh connections over them, as a Service would spread them over pods.
 */
import * as grpc from '@grpc/grpc-js';
import {
  awaitConvergence,
  callEcho,
  type GatewayStack,
  loopbackAddress,
  type RunningControlPlane,
  type RunningEnvoy,
  startGatewayStack,
  waitFor,
} from '../../test/harness';
import { Load, printReport } from './load';
import { ENVOY_PORT, gatewayYaml, routeYaml, serviceYaml } from '../../test/harness/xds-stack';

/** An entry of /proxies (debug/proxy-view.ts). */
interface Connection {
  nodeId: string;
  gateway: string;
}

async function dumpText(envoy: RunningEnvoy): Promise<string> {
  return JSON.stringify(await envoy.configDump({ includeEds: true }));
}

describe.each([
  ['SotW', false, 220],
  ['Delta', true, 230],
])('several Gateways and proxies over %s', (mode, delta, base) => {
  const addressA = loopbackAddress(base);
  const addressB = loopbackAddress(base + 1);
  let stack: GatewayStack;
  let cp: RunningControlPlane;
  const envoys = new Map<string, RunningEnvoy>();

  const start = async (id: string, gateway: string): Promise<RunningEnvoy> => {
    const envoy = await stack.startEnvoy({ id, gateway, delta, listenerPorts: [ENVOY_PORT], logLevel: 'warning' });
    envoys.set(id, envoy);
    return envoy;
  };

  beforeAll(async () => {
    const pods = { 'svc-a': { name: 'svc-a-0', address: loopbackAddress(base + 2) }, 'svc-b': { name: 'svc-b-0', address: loopbackAddress(base + 3) } };
    stack = await startGatewayStack({
      manifests: {
        '00-gw-a.yaml': gatewayYaml('gw-a', addressA),
        '00-gw-b.yaml': gatewayYaml('gw-b', addressB),
        ...Object.fromEntries(Object.entries(pods).map(([service, p]) => [`10-${service}.yaml`, serviceYaml(service, [p])])),
        '20-ra.yaml': routeYaml('ra', 'a.example.com', [{ service: 'svc-a' }], 'gw-a'),
        '20-rb.yaml': routeYaml('rb', 'b.example.com', [{ service: 'svc-b' }], 'gw-b'),
      },
      backends: Object.entries(pods).map(([service, p]) => ({ pod: p.name, service, address: p.address })),
      defaultAddress: '127.0.0.1',
    });
    cp = stack.cp;
    await Promise.all(
      [
        ['a-0', 'default/gw-a'],
        ['a-1', 'default/gw-a'],
        ['b-0', 'default/gw-b'],
        ['b-1', 'default/gw-b'],
      ].map(([id, gateway]) => start(id, gateway)),
    );
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('gives each proxy only its Gateway, every replica each change, and tracks connects and disconnects', async () => {
    const connections = (JSON.parse(await cp.debug('/proxies?format=json')) as { proxies: Connection[] }).proxies;
    expect(connections.map((c) => `${c.nodeId}→${c.gateway}`).sort()).toEqual(['a-0→default/gw-a', 'a-1→default/gw-a', 'b-0→default/gw-b', 'b-1→default/gw-b']);
    expect(await stack.metric('attache_xds_connected_proxies', { gateway: 'default/gw-a' })).toBe(2);
    for (const [id, envoy] of envoys) {
      const text = await dumpText(envoy);
      const [own, other] = id.startsWith('a') ? [addressA, addressB] : [addressB, addressA];
      expect(text).toContain(`listener/${own}/${ENVOY_PORT}`);
      expect(text).not.toContain(`listener/${other}/${ENVOY_PORT}`);
      expect(text).not.toContain(id.startsWith('a') ? 'svc-b' : 'svc-a');
    }

    const targetA = `${addressA}:${ENVOY_PORT}`;
    const targetB = `${addressB}:${ENVOY_PORT}`;
    await awaitConvergence(async () => expect((await callEcho({ target: targetB, authority: 'b.example.com' })).code).toBe(grpc.status.OK));
    const loadA = new Load(targetA, { shared: 1, fresh: 1 }).add({ authority: 'a.example.com' }).start();
    const loadB = new Load(targetB, { shared: 1, fresh: 1 }).add({ authority: 'b.example.com' }).start();
    stack.write('20-ra2.yaml', routeYaml('ra2', 'a2.example.com', [{ service: 'svc-a' }], 'gw-a'));
    for (const id of ['a-0', 'a-1']) {
      await waitFor(async () => (await dumpText(envoys.get(id) as RunningEnvoy)).includes('a2.example.com'), {
        timeoutMs: 10_000,
        description: `${id} to get the new route`,
      });
    }
    for (const id of ['b-0', 'b-1']) expect(await dumpText(envoys.get(id) as RunningEnvoy)).not.toContain('a2.example.com');
    expect((await callEcho({ target: targetA, authority: 'a2.example.com', freshConnection: true })).pod).toBe('svc-a-0');
    expect((await callEcho({ target: targetB, authority: 'a2.example.com', freshConnection: true })).code).toBe(grpc.status.UNIMPLEMENTED);
    await Promise.all([loadA.settle(100), loadB.settle(100)]);
    const reports = [await loadA.stop(), await loadB.stop()];
    printReport(`${mode}: Gateway A (2 Envoys) while a route was added`, reports[0]);
    printReport(`${mode}: Gateway B (2 Envoys) meanwhile`, reports[1]);
    expect(reports.map((r) => r.failures)).toEqual([0, 0]);

    // A replica goes away, another comes: both are seen.
    await stack.stopEnvoy(envoys.get('a-1') as RunningEnvoy);
    envoys.delete('a-1');
    await waitFor(async () => (await stack.metric('attache_xds_connected_proxies', { gateway: 'default/gw-a' })) === 1, {
      timeoutMs: 10_000,
      description: 'the disconnect to be seen',
    });
    expect((JSON.parse(await cp.debug('/proxies?format=json')) as { proxies: Connection[] }).proxies.map((c) => c.nodeId).sort()).toEqual([
      'a-0',
      'b-0',
      'b-1',
    ]);
    const newcomer = await start('a-2', 'default/gw-a');
    expect(await dumpText(newcomer)).toContain('a2.example.com');
    await waitFor(async () => (await stack.metric('attache_xds_connected_proxies', { gateway: 'default/gw-a' })) === 2, { timeoutMs: 10_000 });
  });
});
