/**
 * Kubernetes mode: a BackendTrafficPolicy's GEP-713 status as Attaché writes it to the real API
 * server (`kubectl get backendtrafficpolicy -o yaml` is where operators look), and the policy
 * in effect in Envoy. A policy on an attached GRPCRoute reports on the Gateway, Accepted; one on
 * a route that does not exist reports on the reference, TargetNotFound; of two at the same
 * target the younger is Conflicted (it is named to sort first, so only creationTimestamp makes
 * it the loser); another controller's ancestor entry stays beside ours; deleting a policy's
 * target turns it to TargetNotFound.
 */
import * as grpc from '@grpc/grpc-js';
import {
  awaitConvergence,
  backendsFromEndpointSlices,
  callEcho,
  type EchoBackends,
  loopbackAddress,
  type RunningEnvoy,
  startEchoBackends,
  startGatewayEnvoy,
  waitFor,
} from '../../test/harness';
import { apply, kubectl, type LiveCondition, remove, type RunningKubernetesControlPlane, startKubernetesControlPlane } from '../../test/harness/kubernetes';
import { gateway, gatewayClass, grpcRoute, namespace, type Scope, service } from './fixtures';

const S: Scope = { namespace: 'e2e-policy-status', gatewayClass: 'e2e-policy-status', controllerName: 'attache.dev/e2e-policy-status' };
const OTHER_CONTROLLER = 'example.com/other-controller';
const GATEWAY_GROUP = 'gateway.networking.k8s.io';
const GATEWAY = 'gw';
const GATEWAY_REF = { group: GATEWAY_GROUP, kind: 'Gateway', namespace: S.namespace, name: GATEWAY };
const address = loopbackAddress(77);
const target = `${address}:10080`;
const STATUS_TIMEOUT_MS = 20_000;

interface AncestorStatus {
  ancestorRef: { group: string; kind: string; namespace?: string; name: string; sectionName?: string };
  controllerName: string;
  conditions: LiveCondition[];
}

interface LivePolicy {
  metadata: { name: string; generation: number; creationTimestamp: string };
  status?: { ancestors?: AncestorStatus[] };
}

/** A policy retrying UNAVAILABLE `attempts` times on the GRPCRoute `route`. */
function retryPolicy(name: string, route: string, attempts: number): object {
  return {
    apiVersion: 'attache.dev/v1alpha1',
    kind: 'BackendTrafficPolicy',
    metadata: { name, namespace: S.namespace },
    spec: {
      targetRefs: [{ group: GATEWAY_GROUP, kind: 'GRPCRoute', name: route }],
      retry: { attempts, retryOn: ['unavailable'], backoff: { baseInterval: '10ms', maxInterval: '50ms' } },
    },
  };
}

async function getPolicy(name: string): Promise<LivePolicy> {
  return JSON.parse(await kubectl(['get', 'backendtrafficpolicy', name, '-n', S.namespace, '-o', 'json'])) as LivePolicy;
}

function ours(p: LivePolicy): AncestorStatus[] {
  return (p.status?.ancestors ?? []).filter((a) => a.controllerName === S.controllerName);
}

/** The policy once our ancestors satisfy `done` (bounded). */
function policyWhen(name: string, done: (mine: AncestorStatus[]) => boolean, description: string): Promise<LivePolicy> {
  return waitFor(
    async () => {
      const p = await getPolicy(name);
      return done(ours(p)) ? p : undefined;
    },
    { timeoutMs: STATUS_TIMEOUT_MS, intervalMs: 200, description },
  );
}

/** Our single ancestor entry has Accepted with this reason. */
const acceptedReason =
  (reason: string) =>
  (mine: AncestorStatus[]): boolean =>
    mine.length === 1 && mine[0].conditions.some((c) => c.type === 'Accepted' && c.reason === reason);

/** The retry_policy Envoy holds on the route of `hostname`, as JSON text ('' when none). */
async function envoyRetryPolicy(envoy: RunningEnvoy, hostname: string): Promise<string> {
  const dump = (await envoy.configDump({ resource: 'dynamic_route_configs' })) as unknown as {
    configs: Array<{ route_config?: { virtual_hosts?: Array<{ domains?: string[]; routes?: Array<{ route?: { retry_policy?: unknown } }> }> } }>;
  };
  const hosts = dump.configs.flatMap((c) => c.route_config?.virtual_hosts ?? []);
  const routes = hosts.filter((vh) => (vh.domains ?? []).some((d) => d.split(':')[0] === hostname)).flatMap((vh) => vh.routes ?? []);
  return routes.map((r) => (r.route?.retry_policy === undefined ? '' : JSON.stringify(r.route.retry_policy))).join('');
}

const FOREIGN_CONDITION = {
  type: 'Accepted',
  status: 'True',
  reason: 'Accepted',
  message: 'seen by the other controller',
  observedGeneration: 1,
  lastTransitionTime: '2026-01-01T00:00:00Z',
};

describe('Kubernetes mode: BackendTrafficPolicy status (GEP-713) and effect', () => {
  let cp: RunningKubernetesControlPlane;
  let backends: EchoBackends;
  let envoy: RunningEnvoy;

  beforeAll(async () => {
    const services = service(S, 'echo', 60, 1);
    backends = await startEchoBackends(backendsFromEndpointSlices(services));
    await apply([namespace(S.namespace), gatewayClass(S.gatewayClass, S.controllerName), gateway(S, GATEWAY), ...services]);
    await apply([
      grpcRoute(S, 'methods', GATEWAY, 'methods.example.com', { Echo: 'echo' }),
      grpcRoute(S, 'doomed', GATEWAY, 'doomed.example.com', { Echo: 'echo' }),
      retryPolicy('retry', 'methods', 3),
      retryPolicy('doomed-retry', 'doomed', 2),
      retryPolicy('dangling', 'no-such-route', 2),
    ]);
    // Another controller's entry, there before ours: on the same Gateway, so only controllerName tells them apart.
    const foreign = { ancestors: [{ ancestorRef: GATEWAY_REF, controllerName: OTHER_CONTROLLER, conditions: [FOREIGN_CONDITION] }] };
    await kubectl([
      'patch',
      'backendtrafficpolicy',
      'retry',
      '-n',
      S.namespace,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: foreign }),
    ]);
    cp = await startKubernetesControlPlane({ controllerName: S.controllerName, defaultAddress: address });
    envoy = await startGatewayEnvoy(cp.xds, {
      id: 'k8s-policy-status',
      gateway: `${S.namespace}/${GATEWAY}`,
      delta: false,
      listenerPorts: [10080],
      listenerTimeoutMs: 30_000,
    });
  });

  afterAll(async () => {
    await backends?.stop();
  });

  it('(a) a policy on an attached GRPCRoute: one ancestor of ours, the Gateway, Accepted=True', async () => {
    const p = await policyWhen('retry', acceptedReason('Accepted'), 'policy retry Accepted');
    const [mine] = ours(p);
    expect(mine.ancestorRef).toEqual(GATEWAY_REF);
    expect(mine.conditions).toHaveLength(1);
    expect(mine.conditions[0]).toMatchObject({ type: 'Accepted', status: 'True', reason: 'Accepted', observedGeneration: p.metadata.generation });
    expect(mine.conditions[0].message).toContain(`GRPCRoute ${S.namespace}/methods`);
  });

  it("(d) keeps another controller's ancestor entry beside ours, first and unchanged", async () => {
    const p = await getPolicy('retry');
    expect(p.status?.ancestors?.map((a) => a.controllerName)).toEqual([OTHER_CONTROLLER, S.controllerName]);
    expect(p.status?.ancestors?.[0]).toEqual({ ancestorRef: GATEWAY_REF, controllerName: OTHER_CONTROLLER, conditions: [FOREIGN_CONDITION] });
  });

  it('puts the retry policy on the route in Envoy, and Envoy retries', async () => {
    await waitFor(async () => (await envoyRetryPolicy(envoy, 'methods.example.com')).includes('"num_retries":3'), {
      timeoutMs: 30_000,
      description: 'retry_policy (3 retries) on the route of methods.example.com',
    });
    expect(JSON.parse(await envoyRetryPolicy(envoy, 'methods.example.com'))).toMatchObject({ retry_on: 'unavailable', num_retries: 3 });
    await awaitConvergence(async () => {
      expect((await callEcho({ target, authority: 'methods.example.com', method: 'Echo' })).code).toBe(grpc.status.OK);
    });
    // The backend fails the first 2 calls of this key: only retries make the call succeed.
    const r = await callEcho({
      target,
      authority: 'methods.example.com',
      method: 'Echo',
      metadata: { 'x-echo-fail-first': '2', 'x-echo-fail-code': 'UNAVAILABLE', 'x-echo-fail-key': 'k8s-retry' },
    });
    expect(r.code).toBe(grpc.status.OK);
    expect(backends.grpc('echo-pod-1').callsOnKey('k8s-retry')).toBe(3);
  });

  it('(b) a policy on a GRPCRoute that does not exist: the reference as ancestor, Accepted=False TargetNotFound', async () => {
    const p = await policyWhen('dangling', acceptedReason('TargetNotFound'), 'policy dangling TargetNotFound');
    const [mine] = ours(p);
    expect(mine.ancestorRef).toEqual({ group: GATEWAY_GROUP, kind: 'GRPCRoute', namespace: S.namespace, name: 'no-such-route' });
    expect(mine.conditions[0]).toMatchObject({ type: 'Accepted', status: 'False', reason: 'TargetNotFound' });
    expect(mine.conditions[0].message).toContain('no-such-route');
  });

  it('(c) two policies at the same target: the younger is Conflicted, the older stays Accepted and in effect', async () => {
    const older = await getPolicy('retry');
    // creationTimestamp has a resolution of a second: create the younger in a later one.
    const olderSecond = Date.parse(older.metadata.creationTimestamp);
    await waitFor(() => Date.now() >= olderSecond + 1_100, { timeoutMs: 5_000, intervalMs: 50, description: 'a later second than the older policy' });
    // "a-retry" sorts before "retry": were creationTimestamp ignored, the name would make it the winner.
    await apply([retryPolicy('a-retry', 'methods', 1)]);
    const younger = await policyWhen('a-retry', acceptedReason('Conflicted'), 'policy a-retry Conflicted');
    expect(Date.parse(younger.metadata.creationTimestamp)).toBeGreaterThan(olderSecond);
    const [mine] = ours(younger);
    expect(mine.ancestorRef).toEqual(GATEWAY_REF);
    expect(mine.conditions[0]).toMatchObject({ type: 'Accepted', status: 'False', reason: 'Conflicted' });
    expect(mine.conditions[0].message).toContain(`${S.namespace}/retry`);
    const after = await getPolicy('retry');
    expect(ours(after)[0].conditions[0]).toMatchObject({ status: 'True', reason: 'Accepted' });
    expect(after.status?.ancestors?.map((a) => a.controllerName)).toEqual([OTHER_CONTROLLER, S.controllerName]);
    expect(JSON.parse(await envoyRetryPolicy(envoy, 'methods.example.com'))).toMatchObject({ num_retries: 3 });
  });

  it("(e) deleting the policy's target turns it to TargetNotFound, on the reference", async () => {
    await policyWhen(
      'doomed-retry',
      (mine) => acceptedReason('Accepted')(mine) && mine[0].ancestorRef.kind === 'Gateway',
      'policy doomed-retry Accepted on the Gateway',
    );
    await remove('grpcroute', 'doomed', S.namespace);
    const p = await policyWhen('doomed-retry', acceptedReason('TargetNotFound'), 'policy doomed-retry TargetNotFound');
    const [mine] = ours(p);
    expect(mine.ancestorRef).toEqual({ group: GATEWAY_GROUP, kind: 'GRPCRoute', namespace: S.namespace, name: 'doomed' });
    expect(mine.conditions[0]).toMatchObject({ type: 'Accepted', status: 'False', reason: 'TargetNotFound' });
    expect(cp.proc.exitInfo).toBeUndefined();
  });
});
