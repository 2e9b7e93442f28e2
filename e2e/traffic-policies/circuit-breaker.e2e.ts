/**
 * Circuit breaking through a real Envoy: a Service whose policy allows 1 request in parallel and
 * 1 pending; concurrent slow calls overflow, and an overflowed call ends UNAVAILABLE and is
 * counted by Envoy: `upstream_rq_active_overflow` (what Envoy 1.40 counts when max_requests
 * overflows), `upstream_rq_pending_overflow` or `upstream_rq_overflow` (older names and the
 * pending queue), one per overflowed call. The same calls to a Service without the policy all succeed.
 */
import { loopbackAddress } from '../../test/harness';
import {
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

const GATEWAY = 'cb-gateway';
const LIMITED = 'echo-cb-tp-a1';
const FREE = 'echo-free-tp-a1';
const PODS = [
  { pod: LIMITED, service: 'echo-cb', address: loopbackAddress(152) },
  { pod: FREE, service: 'echo-free', address: loopbackAddress(153) },
];
const CALLS = 8;

let s: PolicyStack;

beforeAll(async () => {
  s = await startPolicyStack({
    gateway: GATEWAY,
    address: loopbackAddress(154),
    id: 'cb-154',
    pods: PODS,
    docs: [
      ...gatewayDocs(GATEWAY),
      ...serviceWithPods('echo-cb', PODS),
      ...serviceWithPods('echo-free', PODS),
      grpcRoute('cb', GATEWAY, 'cb.example.com', 'echo-cb'),
      grpcRoute('free', GATEWAY, 'free.example.com', 'echo-free'),
      policy('cb', { kind: 'Service', name: 'echo-cb' }, { circuitBreaker: { maxConnections: 1, maxPendingRequests: 1, maxParallelRequests: 1 } }),
    ],
  });
  await converge(s.target, 'cb.example.com', [LIMITED]);
  await converge(s.target, 'free.example.com', [FREE]);
});

afterAll(async () => {
  await s?.stack.stop();
});

const slow = (authority: string) => () => ({ target: s.target, authority, metadata: { 'x-echo-delay-ms': '500' }, timeoutMs: 10_000 });

const OVERFLOW_COUNTERS = ['upstream_rq_active_overflow', 'upstream_rq_pending_overflow', 'upstream_rq_overflow'];

async function overflows(cluster: string): Promise<number> {
  let sum = 0;
  for (const name of OVERFLOW_COUNTERS) sum += await clusterStat(s.envoy, cluster, name);
  return sum;
}

describe('circuit breaker on a Service', () => {
  it(`ends the calls beyond 1 parallel + 1 pending UNAVAILABLE, and Envoy counts them (${CALLS} concurrent slow calls)`, async () => {
    const cluster = clusterOf('echo-cb');
    const before = await overflows(cluster);
    const counts = tally(await callMany(CALLS, slow('cb.example.com'), CALLS));
    const after = await overflows(cluster);
    expect(counts[LIMITED]).toBeGreaterThanOrEqual(1);
    expect(counts['!UNAVAILABLE']).toBeGreaterThanOrEqual(1);
    expect((counts[LIMITED] ?? 0) + (counts['!UNAVAILABLE'] ?? 0)).toBe(CALLS);
    // Every overflowed call is counted, once.
    expect(after - before).toBe(counts['!UNAVAILABLE']);
  });

  it('lets the same calls through to a Service without the policy', async () => {
    expect(tally(await callMany(CALLS, slow('free.example.com'), CALLS))).toEqual({ [FREE]: CALLS });
  });
});
