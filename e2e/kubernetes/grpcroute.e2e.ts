/**
 * Kubernetes mode end to end: objects applied to a real API server with kubectl, `attache serve
 * --source kubernetes` watching it, a real Envoy, echo backends at the EndpointSlices' addresses.
 * Traffic follows applies, edits and deletes; status (Accepted, Programmed, ResolvedRefs) is read
 * back from the API server; a Gateway of another controller's class is left alone.
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
import {
  apply,
  condition,
  get,
  type LiveCondition,
  parentsOf,
  remove,
  type RunningKubernetesControlPlane,
  startKubernetesControlPlane,
} from '../../test/harness/kubernetes';
import { gateway, gatewayClass, grpcRoute, namespace, type Scope, service } from './fixtures';

const S: Scope = { namespace: 'e2e-grpcroute', gatewayClass: 'e2e-grpcroute', controllerName: 'attache.dev/e2e-grpcroute' };
const GATEWAY = 'gw';
const address = loopbackAddress(70);
const target = `${address}:10080`;

describe('Kubernetes mode: GRPCRoute from the API server to Envoy and back', () => {
  let cp: RunningKubernetesControlPlane;
  let backends: EchoBackends;

  beforeAll(async () => {
    const services = [...service(S, 'echo-v1', 1, 2), ...service(S, 'echo-v2', 2, 1)];
    backends = await startEchoBackends(backendsFromEndpointSlices(services));
    await apply([namespace(S.namespace), gatewayClass(S.gatewayClass, S.controllerName), gateway(S, GATEWAY), ...services]);
    await apply([grpcRoute(S, 'methods', GATEWAY, 'methods.example.com', { Echo: 'echo-v1', EchoTwo: 'echo-v2' })]);
    cp = await startKubernetesControlPlane({ controllerName: S.controllerName, defaultAddress: address });
    await startGatewayEnvoy(cp.xds, { id: 'k8s-e2e', gateway: `${S.namespace}/${GATEWAY}`, delta: false, listenerPorts: [10080], listenerTimeoutMs: 30_000 });
  });

  afterAll(async () => {
    await backends?.stop();
  });

  it('routes each method to the backend its rule names', async () => {
    for (const [method, svc] of [
      ['Echo', 'echo-v1'],
      ['EchoTwo', 'echo-v2'],
    ] as const) {
      await awaitConvergence(async () => {
        const r = await callEcho({ target, authority: 'methods.example.com', method });
        expect(r.code).toBe(grpc.status.OK);
        expect(r.pod?.startsWith(`${svc}-pod-`)).toBe(true);
      });
    }
  });

  it('writes Accepted and Programmed to the GatewayClass, the Gateway and the route', async () => {
    await waitFor(async () => condition((await get('gatewayclass', S.gatewayClass)).status?.conditions, 'Accepted')?.status === 'True', {
      timeoutMs: 15_000,
      description: 'GatewayClass Accepted=True',
    });
    const gw = await waitFor(
      async () => {
        const o = await get('gateway', GATEWAY, S.namespace);
        return condition(o.status?.conditions, 'Programmed')?.status === 'True' ? o : undefined;
      },
      { timeoutMs: 15_000, description: 'Gateway Programmed=True' },
    );
    expect(condition(gw.status?.conditions, 'Accepted')).toMatchObject({ status: 'True', observedGeneration: gw.metadata.generation });
    expect(gw.status?.listeners?.[0]).toMatchObject({ name: 'grpc', attachedRoutes: 1 });
    const route = await get('grpcroute', 'methods', S.namespace);
    const [parent] = parentsOf(route, S.controllerName);
    expect(condition(parent?.conditions, 'Accepted')).toMatchObject({ status: 'True', observedGeneration: 1 });
    expect(condition(parent?.conditions, 'ResolvedRefs')?.status).toBe('True');
    // The same writes, as /status_writes and as the Prometheus counter by kind and result.
    const writes = await cp.statusWrites();
    expect(writes.writesByKind.GRPCRoute).toBeGreaterThanOrEqual(1);
    const metrics = await cp.debug('/metrics');
    const written = metrics.split('\n').find((l) => l.startsWith('attache_status_writes_total{kind="GRPCRoute",result="written"}'));
    expect(Number(written?.split(' ').pop())).toBeGreaterThanOrEqual(writes.writesByKind.GRPCRoute);
  });

  it('follows an edit of the route, and bumps observedGeneration', async () => {
    await apply([grpcRoute(S, 'methods', GATEWAY, 'methods.example.com', { Echo: 'echo-v2', EchoTwo: 'echo-v2' })]);
    await awaitConvergence(async () => {
      expect((await callEcho({ target, authority: 'methods.example.com', method: 'Echo' })).pod?.startsWith('echo-v2-pod-')).toBe(true);
    });
    await waitFor(
      async () => {
        const route = await get('grpcroute', 'methods', S.namespace);
        return condition(parentsOf(route, S.controllerName)[0]?.conditions, 'Accepted')?.observedGeneration === route.metadata.generation;
      },
      { timeoutMs: 15_000, description: 'observedGeneration follows the edit' },
    );
  });

  it('follows an EndpointSlice edit: a removed endpoint gets no more calls', async () => {
    const [svc, slice] = service(S, 'echo-v1', 1, 2) as Array<{ endpoints?: unknown[] }>;
    slice.endpoints = slice.endpoints?.slice(1);
    await apply([grpcRoute(S, 'methods', GATEWAY, 'methods.example.com', { Echo: 'echo-v1', EchoTwo: 'echo-v2' }), svc, slice]);
    await awaitConvergence(async () => {
      for (let i = 0; i < 4; i++) {
        expect((await callEcho({ target, authority: 'methods.example.com', method: 'Echo', freshConnection: true })).pod).toBe('echo-v1-pod-2');
      }
    });
  });

  it('gives a backendRef to a missing Service conditions, not a crash: ResolvedRefs=False and UNAVAILABLE', async () => {
    await apply([grpcRoute(S, 'broken', GATEWAY, 'broken.example.com', { Echo: 'no-such-service' })]);
    const parent = await waitFor(async () => parentsOf(await get('grpcroute', 'broken', S.namespace), S.controllerName)[0], {
      timeoutMs: 15_000,
      description: 'status of the broken route',
    });
    expect(condition(parent.conditions, 'ResolvedRefs')).toMatchObject({ status: 'False', reason: 'BackendNotFound' });
    expect(condition(parent.conditions, 'Accepted')?.status).toBe('True');
    await awaitConvergence(async () => {
      expect((await callEcho({ target, authority: 'broken.example.com', method: 'Echo' })).code).toBe(grpc.status.UNAVAILABLE);
    });
    expect((await callEcho({ target, authority: 'methods.example.com', method: 'EchoTwo' })).code).toBe(grpc.status.OK);
    expect(cp.proc.exitInfo).toBeUndefined();
  });

  it('stops routing a deleted route, and counts it out of attachedRoutes', async () => {
    await remove('grpcroute', 'broken', S.namespace);
    await awaitConvergence(async () => {
      expect((await callEcho({ target, authority: 'broken.example.com', method: 'Echo' })).code).toBe(grpc.status.UNIMPLEMENTED);
    });
    await waitFor(async () => (await get('gateway', GATEWAY, S.namespace)).status?.listeners?.[0]?.attachedRoutes === 1, {
      timeoutMs: 15_000,
      description: 'attachedRoutes back to 1',
    });
  });

  it("leaves a Gateway of another controller's class alone", async () => {
    await apply([gatewayClass('e2e-foreign', 'example.com/other-controller'), gateway(S, 'foreign', 'e2e-foreign')]);
    const writesBefore = (await cp.statusWrites()).writes;
    // A route change makes a rebuild that sees the foreign Gateway; still nothing may be written to it.
    await apply([grpcRoute(S, 'methods', GATEWAY, 'methods.example.com', { Echo: 'echo-v1', EchoTwo: 'echo-v1' })]);
    await waitFor(async () => (await cp.statusWrites()).writes > writesBefore, { timeoutMs: 15_000, description: 'a status write for the edit' });
    for (const o of [await get('gateway', 'foreign', S.namespace), await get('gatewayclass', 'e2e-foreign')]) {
      // Only the CRD's default ("Waiting for controller") is there: no condition of ours.
      expect(o.status?.conditions?.every((c) => c.reason === 'Pending')).toBe(true);
    }
  });

  it('writes nothing when nothing changed: a restarted control plane finds its status in place', async () => {
    const xdsPort = cp.xds.port;
    await cp.stop();
    // On the same xDS port, so the Envoy reconnects (as to a restarted Pod behind its Service):
    // the Gateway stays Programmed, not False until the Envoy is back.
    cp = await startKubernetesControlPlane({ controllerName: S.controllerName, defaultAddress: address, xdsPort });
    await waitFor(async () => (await cp.debug('/readyz')).startsWith('ready'), { timeoutMs: 15_000, description: 'control plane ready' });
    await waitFor(
      async () => {
        const entries = JSON.parse(await cp.debug('/status?format=json')) as Array<{
          kind: string;
          name: string;
          awaitingProxies?: boolean;
          status: { conditions?: LiveCondition[] };
        }>;
        const gw = entries.find((e) => e.kind === 'Gateway' && e.name === GATEWAY);
        return gw !== undefined && !gw.awaitingProxies && condition(gw.status.conditions, 'Programmed')?.status === 'True';
      },
      { timeoutMs: 30_000, description: 'the Envoy reconnected and runs the configuration' },
    );
    await waitFor(async () => (await cp.statusWrites()).queued === 0 && (await cp.statusWrites()).inFlight === 0, { timeoutMs: 10_000 });
    expect((await cp.statusWrites()).writes).toBe(0);
  });
});
