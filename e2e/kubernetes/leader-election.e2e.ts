/**
 * Two replicas with --leader-elect against one API server: both serve xDS (each to its own
 * Envoy), only the Lease holder writes status, and when it stops (releasing the Lease) the other
 * takes over and writes the next change.
 */
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
import { apply, condition, get, parentsOf, type RunningKubernetesControlPlane, startKubernetesControlPlane } from '../../test/harness/kubernetes';
import { gateway, gatewayClass, grpcRoute, namespace, type Scope, service } from './fixtures';

const S: Scope = { namespace: 'e2e-ha', gatewayClass: 'e2e-ha', controllerName: 'attache.dev/e2e-ha' };
const address = loopbackAddress(73);
/** Same status from both replicas (same address), different Envoy ports (port 80 + shift). */
const SHIFTS = [10000, 20000];

async function routeObservedGeneration(): Promise<boolean> {
  const route = await get('grpcroute', 'app', S.namespace);
  return condition(parentsOf(route, S.controllerName)[0]?.conditions, 'Accepted')?.observedGeneration === route.metadata.generation;
}

describe('Kubernetes mode with leader election', () => {
  const replicas: RunningKubernetesControlPlane[] = [];
  let backends: EchoBackends;

  beforeAll(async () => {
    const services = [...service(S, 'blue', 30, 1), ...service(S, 'green', 31, 1)];
    backends = await startEchoBackends(backendsFromEndpointSlices(services));
    await apply([namespace(S.namespace), gatewayClass(S.gatewayClass, S.controllerName), gateway(S, 'gw'), ...services]);
    await apply([grpcRoute(S, 'app', 'gw', 'app.example.com', { Echo: 'blue' })]);
    for (const [i, shift] of SHIFTS.entries()) {
      const cp = await startKubernetesControlPlane({
        controllerName: S.controllerName,
        defaultAddress: address,
        extraArgs: ['--leader-elect', '--leader-elect-namespace', S.namespace, '--port-shift', String(shift)],
      });
      replicas.push(cp);
      await startGatewayEnvoy(cp.xds, {
        id: `k8s-ha-${i}`,
        gateway: `${S.namespace}/gw`,
        delta: false,
        listenerPorts: [80 + shift],
        listenerTimeoutMs: 30_000,
      });
    }
  });

  afterAll(async () => {
    await backends?.stop();
  });

  it('serves xDS from every replica and writes status from the leader only', async () => {
    for (const shift of SHIFTS) {
      await awaitConvergence(async () => expect((await callEcho({ target: `${address}:${80 + shift}`, authority: 'app.example.com' })).pod).toBe('blue-pod-1'));
    }
    await waitFor(routeObservedGeneration, { timeoutMs: 20_000, description: 'route status written' });
    const writes = await Promise.all(replicas.map((r) => r.statusWrites()));
    expect(writes.filter((w) => w.leader)).toHaveLength(1);
    const follower = writes.find((w) => !w.leader)!;
    expect(follower.writes).toBe(0);
  });

  it('hands over when the leader stops: the other replica writes the next change', async () => {
    const states = await Promise.all(replicas.map((r) => r.statusWrites()));
    const leader = replicas[states.findIndex((w) => w.leader)];
    const other = replicas.find((r) => r !== leader)!;
    await leader.stop();
    await waitFor(async () => (await other.statusWrites()).leader, { timeoutMs: 20_000, description: 'the other replica leads' });
    await apply([grpcRoute(S, 'app', 'gw', 'app.example.com', { Echo: 'green' })]);
    const shift = SHIFTS[replicas.indexOf(other)];
    await awaitConvergence(async () => expect((await callEcho({ target: `${address}:${80 + shift}`, authority: 'app.example.com' })).pod).toBe('green-pod-1'));
    await waitFor(routeObservedGeneration, { timeoutMs: 20_000, description: 'the new leader writes the edit' });
    expect((await other.statusWrites()).writes).toBeGreaterThan(0);
    expect((await other.statusWrites()).failures).toBe(0);
  });
});
