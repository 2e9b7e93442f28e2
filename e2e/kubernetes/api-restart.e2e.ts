/**
 * The API server goes away and comes back (the same etcd data): Envoy keeps the configuration it
 * has, the informers back off and resume (or relist), and the next change is served and its
 * status written, without restarting the control plane.
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
import { apiServer, apply, condition, get, parentsOf, type RunningKubernetesControlPlane, startKubernetesControlPlane } from '../../test/harness/kubernetes';
import { gateway, gatewayClass, grpcRoute, namespace, type Scope, service } from './fixtures';

const S: Scope = { namespace: 'e2e-restart', gatewayClass: 'e2e-restart', controllerName: 'attache.dev/e2e-restart' };
const address = loopbackAddress(72);
const target = `${address}:10080`;

describe('Kubernetes mode when the API server restarts', () => {
  let cp: RunningKubernetesControlPlane;
  let backends: EchoBackends;

  beforeAll(async () => {
    const services = [...service(S, 'blue', 20, 1), ...service(S, 'green', 21, 1)];
    backends = await startEchoBackends(backendsFromEndpointSlices(services));
    await apply([namespace(S.namespace), gatewayClass(S.gatewayClass, S.controllerName), gateway(S, 'gw'), ...services]);
    await apply([grpcRoute(S, 'app', 'gw', 'app.example.com', { Echo: 'blue' })]);
    cp = await startKubernetesControlPlane({ controllerName: S.controllerName, defaultAddress: address });
    await startGatewayEnvoy(cp.xds, { id: 'k8s-restart', gateway: `${S.namespace}/gw`, delta: false, listenerPorts: [10080], listenerTimeoutMs: 30_000 });
  });

  afterAll(async () => {
    // Whatever happened, leave the API server running for the next test file.
    apiServer('start');
    await backends?.stop();
  });

  it('keeps serving while the API server is down, and follows changes once it is back', async () => {
    await awaitConvergence(async () => expect((await callEcho({ target, authority: 'app.example.com' })).pod).toBe('blue-pod-1'));

    apiServer('stop');
    await waitFor(() => cp.proc.logs().includes('list/watch failed; retrying'), { timeoutMs: 20_000, description: 'informers notice' });
    for (let i = 0; i < 3; i++) expect((await callEcho({ target, authority: 'app.example.com' })).code).toBe(grpc.status.OK);
    expect(cp.proc.exitInfo).toBeUndefined();

    apiServer('start');
    await apply([grpcRoute(S, 'app', 'gw', 'app.example.com', { Echo: 'green' })]);
    // Backoff is capped at 30 s; the informers are back well within a minute.
    await awaitConvergence(async () => expect((await callEcho({ target, authority: 'app.example.com' })).pod).toBe('green-pod-1'), { timeoutMs: 60_000 });
    await waitFor(
      async () => {
        const route = await get('grpcroute', 'app', S.namespace);
        return condition(parentsOf(route, S.controllerName)[0]?.conditions, 'Accepted')?.observedGeneration === route.metadata.generation;
      },
      { timeoutMs: 30_000, description: 'status of the edit written after the restart' },
    );
  }, 180_000);
});
