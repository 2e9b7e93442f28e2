/**
 * The retry budget (`circuitBreaker.retryBudget` on a Service) through a real Envoy: retries in
 * flight are bounded by a share of the active requests, at least `minRetryConcurrency`. Here 1 %
 * of a handful of requests, so the floor, 1, is the budget.
 *
 * Six concurrent calls each fail their first try with UNAVAILABLE after 1 s (the echo backend's
 * metadata faults, one key per call, so each call's retry succeeds, again after 1 s). The route
 * retries `unavailable` twice. All six first tries fail together; the first retry takes the one
 * slot for its second, the others find the budget spent: Envoy does not make them
 * (`upstream_rq_retry_overflow` counts one per call) and the client gets the first try's
 * UNAVAILABLE. The backend saw exactly one more try per call that succeeded.
 *
 * Control: the same calls to a Service without a budget (maxParallelRetries 100): all six are
 * retried and succeed, nothing overflows.
 */
import { loopbackAddress } from '../../test/harness';
import {
  backendOf,
  callMany,
  clusterOf,
  clusterStat,
  converge,
  gatewayDocs,
  grpcRoute,
  policy,
  type PolicyStack,
  serviceWithPods,
  startPolicyStack,
  tally,
} from './fixture';

const GATEWAY = 'budget-gateway';
const BUDGET = 'echo-budget-tp-a1';
const FREE = 'echo-nobudget-tp-a1';
const PODS = [
  { pod: BUDGET, service: 'echo-budget', address: loopbackAddress(234) },
  { pod: FREE, service: 'echo-nobudget', address: loopbackAddress(235) },
];
const CALLS = 6;

let s: PolicyStack;

beforeAll(async () => {
  s = await startPolicyStack({
    gateway: GATEWAY,
    address: loopbackAddress(236),
    id: 'budget-236',
    pods: PODS,
    docs: [
      ...gatewayDocs(GATEWAY),
      ...serviceWithPods('echo-budget', PODS),
      ...serviceWithPods('echo-nobudget', PODS),
      grpcRoute('budget', GATEWAY, 'budget.example.com', 'echo-budget'),
      grpcRoute('nobudget', GATEWAY, 'nobudget.example.com', 'echo-nobudget'),
      policy('retry', { kind: 'Gateway', name: GATEWAY }, { retry: { attempts: 2, retryOn: ['unavailable'] } }),
      policy('budget', { kind: 'Service', name: 'echo-budget' }, { circuitBreaker: { retryBudget: { percent: 1, minRetryConcurrency: 1 } } }),
      policy('nobudget', { kind: 'Service', name: 'echo-nobudget' }, { circuitBreaker: { maxParallelRetries: 100 } }),
    ],
  });
  await converge(s.target, 'budget.example.com', [BUDGET]);
  await converge(s.target, 'nobudget.example.com', [FREE]);
});

afterAll(async () => {
  await s?.stack.stop();
});

/** CALLS concurrent calls whose first try fails after 1 s; the outcome, the retries the backend saw, Envoy's counters' growth. */
async function failOnceSlowly(service: string, pod: string, tag: string): Promise<{ counts: Record<string, number>; retried: number; overflow: number }> {
  const cluster = clusterOf(service);
  const overflowBefore = await clusterStat(s.envoy, cluster, 'upstream_rq_retry_overflow');
  const key = (i: number): string => `${tag}-${i}`;
  const counts = tally(
    await callMany(
      CALLS,
      (i) => ({
        target: s.target,
        authority: `${service.replace('echo-', '')}.example.com`,
        metadata: { 'x-echo-fail-first': '1', 'x-echo-fail-key': key(i), 'x-echo-delay-ms': '1000' },
        timeoutMs: 10_000,
      }),
      CALLS,
    ),
  );
  const backend = backendOf(s.stack, pod);
  let tries = 0;
  for (let i = 0; i < CALLS; i++) tries += backend.callsOnKey(key(i));
  const overflow = (await clusterStat(s.envoy, cluster, 'upstream_rq_retry_overflow')) - overflowBefore;
  return { counts, retried: tries - CALLS, overflow };
}

describe('retry budget', () => {
  it('makes no retry beyond the budget: Envoy counts each in upstream_rq_retry_overflow, the client sees the failure', async () => {
    const { counts, retried, overflow } = await failOnceSlowly('echo-budget', BUDGET, 'budget');
    process.stderr.write(`retry budget: ${JSON.stringify(counts)}, retries made ${retried}, overflow ${overflow}\n`);
    const ok = counts[BUDGET] ?? 0;
    const failed = counts['!UNAVAILABLE'] ?? 0;
    expect(ok + failed).toBe(CALLS);
    expect(ok).toBeGreaterThanOrEqual(1);
    expect(failed).toBeGreaterThanOrEqual(CALLS - 2);
    // Retries made: one per call that succeeded; the rest were counted, not made.
    expect(retried).toBe(ok);
    expect(overflow).toBe(failed);
  });

  it('without a budget (maxParallelRetries 100) every call is retried and succeeds', async () => {
    const { counts, retried, overflow } = await failOnceSlowly('echo-nobudget', FREE, 'nobudget');
    expect(counts).toEqual({ [FREE]: CALLS });
    expect(retried).toBe(CALLS);
    expect(overflow).toBe(0);
  });
});
