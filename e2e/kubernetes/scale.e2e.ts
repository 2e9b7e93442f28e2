/**
 * 1,000 GRPCRoutes applied at once (one `kubectl apply` of 1,000 documents) settle: every route
 * gets Accepted from our controller, Envoy routes to the last of them, and each route's status is
 * written exactly once. Prints the time to settle and the number of status writes.
 */
import * as grpc from '@grpc/grpc-js';
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
import { apply, condition, kubectl, list, parentsOf, type RunningKubernetesControlPlane, startKubernetesControlPlane } from '../../test/harness/kubernetes';
import { gateway, gatewayClass, grpcRoute, namespace, type Scope, service } from './fixtures';

const S: Scope = { namespace: 'e2e-scale', gatewayClass: 'e2e-scale', controllerName: 'attache.dev/e2e-scale' };
const ROUTES = 1000;
const SETTLE_TIMEOUT_MS = 240_000;
const address = loopbackAddress(71);

describe('Kubernetes mode at scale', () => {
  let cp: RunningKubernetesControlPlane;
  let backends: EchoBackends;

  beforeAll(async () => {
    const services = service(S, 'echo', 10, 1);
    backends = await startEchoBackends(backendsFromEndpointSlices(services));
    await apply([namespace(S.namespace), gatewayClass(S.gatewayClass, S.controllerName), gateway(S, 'gw'), ...services]);
    cp = await startKubernetesControlPlane({ controllerName: S.controllerName, defaultAddress: address, extraArgs: ['--log-level', 'info'] });
    await waitFor(async () => (await cp.debug('/readyz')).startsWith('ready'), { timeoutMs: 20_000, description: 'control plane ready' });
  });

  afterAll(async () => {
    await backends?.stop();
  });

  it(`settles the status of ${ROUTES} GRPCRoutes applied at once, one write each`, async () => {
    const before = await cp.statusWrites();
    const routes = Array.from({ length: ROUTES }, (_, i) => grpcRoute(S, `route-${i}`, 'gw', `r${i}.example.com`, { Echo: 'echo' }));
    const started = performance.now();
    await apply(routes);
    const applied = performance.now() - started;
    await waitFor(
      async () => {
        const accepted = (await list('grpcroutes', S.namespace)).filter((r) => {
          const c = condition(parentsOf(r, S.controllerName)[0]?.conditions, 'Accepted');
          return c?.status === 'True' && c.observedGeneration === r.metadata.generation;
        });
        return accepted.length === ROUTES;
      },
      { timeoutMs: SETTLE_TIMEOUT_MS, intervalMs: 500, description: `${ROUTES} routes Accepted` },
    );
    const settled = performance.now() - started;
    await waitFor(
      async () => {
        const w = await cp.statusWrites();
        return w.queued === 0 && w.inFlight === 0;
      },
      { timeoutMs: 30_000, description: 'status writer idle' },
    );
    const after = await cp.statusWrites();
    const routeWrites = (after.writesByKind.GRPCRoute ?? 0) - (before.writesByKind.GRPCRoute ?? 0);
    const gatewayWrites = (after.writesByKind.Gateway ?? 0) - (before.writesByKind.Gateway ?? 0);
    process.stdout.write(
      `${ROUTES} GRPCRoutes: kubectl apply took ${(applied / 1000).toFixed(1)} s; all Accepted after ${(settled / 1000).toFixed(1)} s; ` +
        `status writes: ${after.writes - before.writes} (GRPCRoute ${routeWrites}, Gateway ${gatewayWrites}), conflicts ${after.conflicts - before.conflicts}, failures ${after.failures - before.failures}\n`,
    );
    expect(routeWrites).toBe(ROUTES);
    expect(after.failures - before.failures).toBe(0);
    const gw = JSON.parse(await kubectl(['get', 'gateway', 'gw', '-n', S.namespace, '-o', 'json'])) as {
      status: { listeners: Array<{ attachedRoutes: number }> };
    };
    expect(gw.status.listeners[0].attachedRoutes).toBe(ROUTES);
  });

  it('serves every one of them to Envoy', async () => {
    await startGatewayEnvoy(cp.xds, { id: 'k8s-scale', gateway: `${S.namespace}/gw`, delta: true, listenerPorts: [10080], listenerTimeoutMs: 30_000 });
    for (const i of [0, ROUTES / 2, ROUTES - 1]) {
      await awaitConvergence(async () => {
        const r = await callEcho({ target: `${address}:10080`, authority: `r${i}.example.com` });
        expect(r.code).toBe(grpc.status.OK);
        expect(r.pod).toBe('echo-pod-1');
      });
    }
  });
});
