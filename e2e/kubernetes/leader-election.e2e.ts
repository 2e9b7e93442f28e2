/**
 * Two replicas with --leader-elect against one API server, and one Envoy that reaches them as in
 * a cluster: through a "Service" (a TCP forwarder here) that sends each new connection to a ready
 * replica, as kube-proxy sends it to a ready endpoint. The leader counts the Envoys connected to
 * itself for `Programmed`, so only the leader may serve xDS: a follower is not ready (/readyz 503)
 * and refuses streams. The forwarder tries the follower first, so on a control plane whose
 * followers are ready and serve, the Envoy lands there and its Gateway stays Pending although
 * traffic flows. When the leader stops (releasing the Lease) the other replica leads, becomes
 * ready, the Envoy reconnects to it, and the Gateway stays Programmed.
 */
import * as net from 'net';
import {
  awaitConvergence,
  backendsFromEndpointSlices,
  callEcho,
  type EchoBackends,
  loopbackAddress,
  startEchoBackends,
  startGatewayEnvoy,
  waitFor,
} from '../../test/harness';
import {
  apply,
  condition,
  get,
  type LiveObject,
  parentsOf,
  type RunningKubernetesControlPlane,
  startKubernetesControlPlane,
} from '../../test/harness/kubernetes';
import { gateway, gatewayClass, grpcRoute, namespace, type Scope, service } from './fixtures';

const S: Scope = { namespace: 'e2e-ha', gatewayClass: 'e2e-ha', controllerName: 'attache.dev/e2e-ha' };
const KEY = `${S.namespace}/gw`;
const address = loopbackAddress(73);
const LISTENER_PORT = 10080;

async function routeObservedGeneration(): Promise<boolean> {
  const route = await get('grpcroute', 'app', S.namespace);
  return condition(parentsOf(route, S.controllerName)[0]?.conditions, 'Accepted')?.observedGeneration === route.metadata.generation;
}

async function isReady(cp: RunningKubernetesControlPlane): Promise<boolean> {
  try {
    return (await fetch(`${cp.debugUrl}/readyz`, { signal: AbortSignal.timeout(2000) })).status === 200;
  } catch {
    return false; // stopped
  }
}

/**
 * What a ClusterIP Service does for the xDS port: each new connection goes to a ready replica,
 * here the first ready one in `order` (the follower first); none ready: the connection is refused.
 */
async function startService(order: () => readonly RunningKubernetesControlPlane[]): Promise<{ port: number; close(): void }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    client.pause();
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    void (async () => {
      for (const cp of order()) {
        if (!(await isReady(cp))) continue;
        const upstream = net.connect(cp.xds.port, cp.xds.host);
        sockets.add(upstream);
        upstream.on('close', () => {
          sockets.delete(upstream);
          client.destroy();
        });
        upstream.on('error', () => upstream.destroy());
        client.on('close', () => upstream.destroy());
        client.pipe(upstream).pipe(client);
        client.resume();
        return;
      }
      client.destroy();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
}

/** The Gateway once it and its listener are Programmed=True. */
function programmed(): Promise<LiveObject> {
  return waitFor(
    async () => {
      const gw = await get('gateway', 'gw', S.namespace);
      const own = condition(gw.status?.conditions, 'Programmed');
      const listener = condition(gw.status?.listeners?.[0]?.conditions, 'Programmed');
      return own?.status === 'True' && listener?.status === 'True' ? gw : undefined;
    },
    { timeoutMs: 30_000, description: `Gateway ${KEY} and its listener Programmed=True` },
  );
}

/** Node ids of the proxies a replica serves (its /proxies). */
async function servedBy(cp: RunningKubernetesControlPlane): Promise<string[]> {
  const page = JSON.parse(await cp.debug('/proxies?format=json')) as { proxies: Array<{ nodeId: string }> };
  return page.proxies.map((p) => p.nodeId);
}

/** Whether a replica's computed status marks the Gateway as awaiting its proxies (reconnect grace). */
async function awaitingProxies(cp: RunningKubernetesControlPlane): Promise<boolean> {
  const entries = JSON.parse(await cp.debug('/status?format=json')) as Array<{ kind: string; namespace?: string; name: string; awaitingProxies?: boolean }>;
  return entries.some((e) => e.kind === 'Gateway' && e.namespace === S.namespace && e.name === 'gw' && e.awaitingProxies === true);
}

describe('Kubernetes mode with leader election', () => {
  let backends: EchoBackends;
  let leader: RunningKubernetesControlPlane;
  let follower: RunningKubernetesControlPlane;
  let xdsService: { port: number; close(): void };

  beforeAll(async () => {
    const services = [...service(S, 'blue', 30, 1), ...service(S, 'green', 31, 1)];
    backends = await startEchoBackends(backendsFromEndpointSlices(services));
    await apply([namespace(S.namespace), gatewayClass(S.gatewayClass, S.controllerName), gateway(S, 'gw'), ...services]);
    await apply([grpcRoute(S, 'app', 'gw', 'app.example.com', { Echo: 'blue' })]);
    const start = (): Promise<RunningKubernetesControlPlane> =>
      startKubernetesControlPlane({
        controllerName: S.controllerName,
        defaultAddress: address,
        extraArgs: ['--leader-elect', '--leader-elect-namespace', S.namespace],
      });
    // The first one takes the Lease before the second starts: then we know which one follows.
    leader = await start();
    await waitFor(async () => (await leader.statusWrites()).leader, { timeoutMs: 20_000, description: 'the first replica leads' });
    follower = await start();
    xdsService = await startService(() => [follower, leader]);
    await startGatewayEnvoy(
      { host: '127.0.0.1', port: xdsService.port },
      { id: 'k8s-ha', gateway: KEY, delta: false, listenerPorts: [LISTENER_PORT], listenerTimeoutMs: 30_000 },
    );
  });

  afterAll(async () => {
    xdsService?.close();
    await backends?.stop();
  });

  it('routes Envoys to the leader only (the follower is not ready and refuses xDS), so the Gateway is Programmed', async () => {
    await awaitConvergence(async () =>
      expect((await callEcho({ target: `${address}:${LISTENER_PORT}`, authority: 'app.example.com' })).pod).toBe('blue-pod-1'),
    );
    await waitFor(routeObservedGeneration, { timeoutMs: 20_000, description: 'route status written' });
    await programmed();
    expect(await isReady(follower)).toBe(false);
    expect(await isReady(leader)).toBe(true);
    expect(await servedBy(leader)).toEqual(['k8s-ha']);
    expect(await servedBy(follower)).toEqual([]);
    const writes = await Promise.all([leader, follower].map((r) => r.statusWrites()));
    expect(writes.map((w) => w.leader)).toEqual([true, false]);
    expect(writes[1].writes).toBe(0);
  });

  it('hands over when the leader stops: the other replica leads and serves the Envoy, and the Gateway stays Programmed', async () => {
    const before = condition((await programmed()).status?.conditions, 'Programmed')!;
    // The follower's own reconnect grace after its start is over: what keeps Programmed across
    // the handover is the grace a new leader gives its Envoys, not a lucky start time.
    await waitFor(async () => !(await awaitingProxies(follower)), { timeoutMs: 30_000, description: "the follower's startup grace ends" });
    await leader.stop();
    await waitFor(async () => (await follower.statusWrites()).leader, { timeoutMs: 20_000, description: 'the other replica leads' });
    await waitFor(() => isReady(follower), { timeoutMs: 20_000, description: 'the new leader is ready' });
    await waitFor(async () => (await servedBy(follower)).includes('k8s-ha'), { timeoutMs: 60_000, description: 'the Envoy reconnects to the new leader' });
    await apply([grpcRoute(S, 'app', 'gw', 'app.example.com', { Echo: 'green' })]);
    await awaitConvergence(async () =>
      expect((await callEcho({ target: `${address}:${LISTENER_PORT}`, authority: 'app.example.com' })).pod).toBe('green-pod-1'),
    );
    await waitFor(routeObservedGeneration, { timeoutMs: 20_000, description: 'the new leader writes the edit' });
    const after = condition((await programmed()).status?.conditions, 'Programmed')!;
    // Never False in between: a flip would have moved lastTransitionTime.
    expect(after.lastTransitionTime).toBe(before.lastTransitionTime);
    expect((await follower.statusWrites()).failures).toBe(0);
  });
});
