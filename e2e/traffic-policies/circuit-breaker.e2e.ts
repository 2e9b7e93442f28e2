/**
 * Circuit breaking through a real Envoy: a Service whose policy allows 1 request in parallel and
 * 1 pending; concurrent slow calls overflow, and an overflowed call ends UNAVAILABLE and is
 * counted by Envoy (`upstream_rq_pending_overflow`, the counter HTTP/2 request overflow uses,
 * or `upstream_rq_overflow`). The same calls to a Service without the policy all succeed.
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

describe('circuit breaker on a Service', () => {
  it(`ends the calls beyond 1 parallel + 1 pending UNAVAILABLE, and Envoy counts them (${CALLS} concurrent slow calls)`, async () => {
    const cluster = clusterOf('echo-cb');
    const before = (await clusterStat(s.envoy, cluster, 'upstream_rq_pending_overflow')) + (await clusterStat(s.envoy, cluster, 'upstream_rq_overflow'));
    const counts = tally(await callMany(CALLS, slow('cb.example.com'), CALLS));
    const after = (await clusterStat(s.envoy, cluster, 'upstream_rq_pending_overflow')) + (await clusterStat(s.envoy, cluster, 'upstream_rq_overflow'));
    expect(counts[LIMITED]).toBeGreaterThanOrEqual(1);
    expect(counts['!UNAVAILABLE']).toBeGreaterThanOrEqual(1);
    expect((counts[LIMITED] ?? 0) + (counts['!UNAVAILABLE'] ?? 0)).toBe(CALLS);
    // Every overflowed call is counted (1 in flight + 1 pending at most were let through at once).
    expect(after - before).toBe(counts['!UNAVAILABLE']);
  });

  it('lets the same calls through to a Service without the policy', async () => {
    expect(tally(await callMany(CALLS, slow('free.example.com'), CALLS))).toEqual({ [FREE]: CALLS });
  });
});
