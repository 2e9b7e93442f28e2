/**
 * Kubernetes mode: a GRPCRoute that real Envoy rejects (its method regex compiles to an RE2
 * program larger than Envoy allows, which Attaché's own checks cannot see) shows up where
 * operators look, `kubectl get grpcroute -o yaml`: condition `attache.dev/ProxyRejected` on the
 * route's parent status and on the Gateway, with Envoy's message. The other routes keep working,
 * and fixing the route clears the conditions.
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
import { apply, condition, get, parentsOf, startKubernetesControlPlane } from '../../test/harness/kubernetes';
import { gateway, gatewayClass, namespace, type Scope, service } from './fixtures';

const S: Scope = { namespace: 'e2e-rejected', gatewayClass: 'e2e-rejected', controllerName: 'attache.dev/e2e-rejected' };
const address = loopbackAddress(76);
const target = `${address}:10080`;
const PROXY_REJECTED = 'attache.dev/ProxyRejected';
const HUGE_SERVICE = `(?:${'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(3)}){1000}`;

function route(name: string, hostname: string, serviceRegex: string): object {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GRPCRoute',
    metadata: { name, namespace: S.namespace },
    spec: {
      parentRefs: [{ name: 'gw' }],
      hostnames: [hostname],
      rules: [{ matches: [{ method: { type: 'RegularExpression', service: serviceRegex } }], backendRefs: [{ name: 'echo', port: 8080 }] }],
    },
  };
}

describe('Kubernetes mode: a route Envoy rejects', () => {
  let backends: EchoBackends;

  beforeAll(async () => {
    const services = service(S, 'echo', 50, 1);
    backends = await startEchoBackends(backendsFromEndpointSlices(services));
    await apply([
      namespace(S.namespace),
      gatewayClass(S.gatewayClass, S.controllerName),
      gateway(S, 'gw'),
      ...services,
      route('good', 'good.example.com', '.*'),
    ]);
    const cp = await startKubernetesControlPlane({ controllerName: S.controllerName, defaultAddress: address });
    await startGatewayEnvoy(cp.xds, { id: 'k8s-rejected', gateway: `${S.namespace}/gw`, delta: true, listenerPorts: [10080], listenerTimeoutMs: 30_000 });
    await awaitConvergence(async () => expect((await callEcho({ target, authority: 'good.example.com' })).code).toBe(grpc.status.OK));
  });

  afterAll(async () => {
    await backends?.stop();
  });

  it('writes attache.dev/ProxyRejected to the route and the Gateway, keeps the others working, and clears it once fixed', async () => {
    await apply([route('bad', 'bad.example.com', HUGE_SERVICE)]);
    const rejected = await waitFor(
      async () => condition(parentsOf(await get('grpcroute', 'bad', S.namespace), S.controllerName)[0]?.conditions, PROXY_REJECTED),
      {
        timeoutMs: 20_000,
        description: 'the rejection in the route status',
      },
    );
    expect(rejected).toMatchObject({ status: 'True', reason: 'Rejected' });
    expect(rejected.message).toContain('RE2 program size');
    expect(condition((await get('gateway', 'gw', S.namespace)).status?.conditions, PROXY_REJECTED)?.status).toBe('True');
    expect((await callEcho({ target, authority: 'good.example.com' })).code).toBe(grpc.status.OK);

    await apply([route('bad', 'bad.example.com', 'gateway_api_conformance\\..*')]);
    await awaitConvergence(async () => expect((await callEcho({ target, authority: 'bad.example.com' })).code).toBe(grpc.status.OK));
    await waitFor(async () => !condition(parentsOf(await get('grpcroute', 'bad', S.namespace), S.controllerName)[0]?.conditions, PROXY_REJECTED), {
      timeoutMs: 20_000,
      description: 'the condition to be cleared',
    });
  });
});
