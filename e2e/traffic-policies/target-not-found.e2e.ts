/**
 * A policy whose target does not exist: its status says Accepted=False, reason TargetNotFound
 * (read from the control plane's status, as `attache status` shows it), and nothing else
 * changes — Envoy's routes and clusters are what they were before the policy was written, and
 * calls are routed as before. Then the route appears and the same policy takes effect (a retry
 * policy, seen in Envoy's route), so the "nothing changed" above is not a policy that never
 * applies.
 */
import * as grpc from '@grpc/grpc-js';
import { callEcho, loopbackAddress, waitFor } from '../../test/harness';
import {
  converge,
  envoyRoutes,
  envoyRoutesFor,
  gatewayDocs,
  grpcRoute,
  policy,
  policyConditions,
  type PolicyStack,
  serviceWithPods,
  startPolicyStack,
  writeDocs,
} from './fixture';

const GATEWAY = 'tnf-gateway';
const POD = 'echo-tnf-tp-a1';
const PODS = [{ pod: POD, service: 'echo-tnf', address: loopbackAddress(177) }];
const RETRY = { retry: { attempts: 2, retryOn: ['unavailable'] } };

let s: PolicyStack;

beforeAll(async () => {
  s = await startPolicyStack({
    gateway: GATEWAY,
    address: loopbackAddress(178),
    id: 'tnf-178',
    pods: PODS,
    docs: [...gatewayDocs(GATEWAY), ...serviceWithPods('echo-tnf', PODS), grpcRoute('present', GATEWAY, 'present.example.com', 'echo-tnf')],
  });
  await converge(s.target, 'present.example.com', [POD]);
});

afterAll(async () => {
  await s?.stack.stop();
});

/** Envoy's dynamic routes and clusters, without versions and timestamps. */
async function envoyConfig(): Promise<unknown> {
  const dump = await s.envoy.configDump({ resource: 'dynamic_active_clusters' });
  return { routes: await envoyRoutes(s.envoy), clusters: dump.configs.map((c) => c.cluster) };
}

describe('a policy targeting a missing route', () => {
  it('reports TargetNotFound and changes nothing else; once the route exists it applies', async () => {
    const before = await envoyConfig();
    writeDocs(s.stack, '10-policy.yaml', [policy('dangling', { kind: 'GRPCRoute', name: 'missing' }, RETRY)]);
    const conditions = await waitFor(
      async () => {
        const c = await policyConditions(s.cp, 'dangling');
        return c.length > 0 ? c : undefined;
      },
      { timeoutMs: 15_000, description: 'status for policy dangling' },
    );
    expect(conditions).toContainEqual(expect.objectContaining({ type: 'Accepted', status: 'False', reason: 'TargetNotFound' }));
    expect(await envoyConfig()).toEqual(before);
    expect(await callEcho({ target: s.target, authority: 'present.example.com' })).toMatchObject({ code: grpc.status.OK, pod: POD });

    writeDocs(s.stack, '20-route.yaml', [grpcRoute('missing', GATEWAY, 'missing.example.com', 'echo-tnf')]);
    await converge(s.target, 'missing.example.com', [POD]);
    await waitFor(async () => (await policyConditions(s.cp, 'dangling')).some((c) => c.type === 'Accepted' && c.status === 'True'), {
      timeoutMs: 15_000,
      description: 'policy dangling Accepted once its route exists',
    });
    const hasRetry = (r: Record<string, unknown>): boolean => JSON.stringify(r.route ?? {}).includes('retry_policy');
    // The new route has it, and only it (the route present all along still has none).
    await waitFor(async () => (await envoyRoutesFor(s.envoy, 'missing.example.com')).some(hasRetry), {
      description: 'retry_policy on the route once it exists',
    });
    expect((await envoyRoutesFor(s.envoy, 'present.example.com')).some(hasRetry)).toBe(false);
  });
});
