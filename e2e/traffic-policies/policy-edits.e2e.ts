/**
 * Policy edits under load (the xds-under-load harness): gRPC load runs through a real Envoy
 * while a route policy (retry, timeout) and a Service policy (circuit breaker, outlier detection,
 * active gRPC health check: a changed cluster Envoy warms before it swaps) are added, changed
 * and removed. Each step is waited for in Envoy's config (not slept), carries load for a while,
 * and not one RPC fails.
 */
import { loopbackAddress, waitFor } from '../../test/harness';
import { Load } from '../xds-under-load/load';
import {
  clusterOf,
  converge,
  envoyCluster,
  envoyRoutesFor,
  gatewayDocs,
  grpcRoute,
  policy,
  type PolicyStack,
  serviceWithPods,
  startPolicyStack,
  writeDocs,
} from './fixture';

const GATEWAY = 'edit-gateway';
const PODS = ['a1', 'a2'].map((p, i) => ({ pod: `echo-edit-tp-${p}`, service: 'echo-edit', address: loopbackAddress(180 + i) }));
const HOST = 'edit.example.com';
const CLUSTER = clusterOf('echo-edit');
const CALLS_PER_STEP = 60;

let s: PolicyStack;

beforeAll(async () => {
  s = await startPolicyStack({
    gateway: GATEWAY,
    address: loopbackAddress(182),
    id: 'edit-182',
    pods: PODS,
    docs: [...gatewayDocs(GATEWAY), ...serviceWithPods('echo-edit', PODS), grpcRoute('edit', GATEWAY, HOST, 'echo-edit')],
  });
  await converge(
    s.target,
    HOST,
    PODS.map((p) => p.pod),
  );
});

afterAll(async () => {
  await s?.stack.stop();
});

const routeText = async (): Promise<string> => JSON.stringify(await envoyRoutesFor(s.envoy, HOST));
const clusterText = async (): Promise<string> => JSON.stringify((await envoyCluster(s.envoy, CLUSTER)) ?? {});

interface Step {
  what: string;
  /** The file's documents (none: the file is removed). */
  docs?: object[];
  /** True once Envoy holds the step's config. */
  applied: () => Promise<boolean>;
}

const routePolicy = (attempts: number): object =>
  policy(
    'edit-route',
    { kind: 'GRPCRoute', name: 'edit' },
    { retry: { attempts, retryOn: ['unavailable', 'reset'] }, timeout: { http: { requestTimeout: '20s' } } },
  );
const servicePolicy = (interval: string): object =>
  policy(
    'edit-service',
    { kind: 'Service', name: 'echo-edit' },
    {
      circuitBreaker: { maxParallelRequests: 1000, maxPendingRequests: 1000 },
      healthCheck: {
        active: { type: 'GRPC', interval, timeout: '1s', unhealthyThreshold: 3, healthyThreshold: 1 },
        passive: { consecutive5xxErrors: 5, interval: '1s' },
      },
    },
  );

const STEPS: Step[] = [
  { what: 'route policy added', docs: [routePolicy(2)], applied: async () => (await routeText()).includes('"num_retries":2') },
  { what: 'route policy changed', docs: [routePolicy(4)], applied: async () => (await routeText()).includes('"num_retries":4') },
  { what: 'service policy added', docs: [routePolicy(4), servicePolicy('300ms')], applied: async () => (await clusterText()).includes('"0.300s"') },
  { what: 'service policy changed', docs: [routePolicy(4), servicePolicy('500ms')], applied: async () => (await clusterText()).includes('"0.500s"') },
  {
    what: 'route policy removed',
    docs: [servicePolicy('500ms')],
    applied: async () => !(await routeText()).includes('retry_policy'),
  },
  { what: 'all removed', applied: async () => !(await clusterText()).includes('health_checks') && !(await clusterText()).includes('outlier_detection') },
];

describe('policy edits under gRPC load', () => {
  it('adds, changes and removes route and Service policies without failing an RPC', async () => {
    const load = new Load(s.target).add({ authority: HOST }).start();
    await load.settle(CALLS_PER_STEP);
    for (const step of STEPS) {
      if (step.docs) writeDocs(s.stack, '10-policies.yaml', step.docs);
      else s.stack.remove('10-policies.yaml');
      await waitFor(step.applied, { timeoutMs: 15_000, intervalMs: 50, description: `Envoy config after: ${step.what}` });
      await load.settle(CALLS_PER_STEP);
    }
    const report = await load.stop();
    process.stdout.write(`policy edits under load: ${JSON.stringify(report)}\n`);
    expect(report.samples).toEqual([]);
    expect(report.failures).toBe(0);
    expect(report.calls).toBeGreaterThanOrEqual(CALLS_PER_STEP * (STEPS.length + 1));
  });
});
