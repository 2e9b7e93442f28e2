/**
 * Local rate limits through a real Envoy: a token bucket of R = 3 calls per second on a route,
 * and on another route one bucket per value of `x-api-key`. A burst of 20 concurrent calls gets
 * R through — up to 2R if a refill falls inside the burst (the bucket refills R tokens each
 * second) — and every other call ends RESOURCE_EXHAUSTED (not UNAVAILABLE, what a plain 429
 * becomes for a gRPC client). Two keys burst at once: each gets its own R.
 *
 * Per gRPC method (`perMethod: true`, R per minute, so no refill is due within the test): a
 * burst on Echo exhausts Echo's bucket, and EchoTwo on the same route is still served from its
 * own; on a route with one bucket for the rule (the control, same R per minute) the Echo burst
 * leaves nothing for EchoTwo.
 *
 * Convergence is checked with a key no burst uses, so every bucket a burst meets is full.
 */
import { awaitConvergence, loopbackAddress } from '../../test/harness';
import { backendOf, callMany, gatewayDocs, grpcRoute, policy, type PolicyStack, serviceWithPods, startPolicyStack, tally } from './fixture';

const GATEWAY = 'rl-gateway';
const POD = 'echo-rl-tp-a1';
const PODS = [{ pod: POD, service: 'echo-rl', address: loopbackAddress(167) }];
const R = 3;
const BURST = 20;

let s: PolicyStack;

beforeAll(async () => {
  s = await startPolicyStack({
    gateway: GATEWAY,
    address: loopbackAddress(168),
    id: 'rl-168',
    pods: PODS,
    docs: [
      ...gatewayDocs(GATEWAY),
      ...serviceWithPods('echo-rl', PODS),
      grpcRoute('limited', GATEWAY, 'limited.example.com', 'echo-rl'),
      grpcRoute('per-key', GATEWAY, 'per-key.example.com', 'echo-rl'),
      grpcRoute('per-method', GATEWAY, 'per-method.example.com', 'echo-rl'),
      grpcRoute('per-rule', GATEWAY, 'per-rule.example.com', 'echo-rl'),
      policy('limited', { kind: 'GRPCRoute', name: 'limited' }, { rateLimit: { local: { requests: R, unit: 'Second' } } }),
      policy('per-key', { kind: 'GRPCRoute', name: 'per-key' }, { rateLimit: { local: { requests: R, unit: 'Second', perHeader: 'x-api-key' } } }),
      policy('per-method', { kind: 'GRPCRoute', name: 'per-method' }, { rateLimit: { local: { requests: R, unit: 'Minute', perMethod: true } } }),
      policy('per-rule', { kind: 'GRPCRoute', name: 'per-rule' }, { rateLimit: { local: { requests: R, unit: 'Minute' } } }),
    ],
  });
  // Both routes share one RouteConfiguration: once per-key limits, limited does too.
  await awaitConvergence(
    async () => {
      const results = await callMany(R + 1, () => ({ target: s.target, authority: 'per-key.example.com', metadata: { 'x-api-key': 'warm-up' } }), R + 1);
      expect(tally(results)['!RESOURCE_EXHAUSTED']).toBeGreaterThan(0);
    },
    { consecutive: 1 },
  );
});

afterAll(async () => {
  await s?.stack.stop();
});

function expectLimited(counts: Record<string, number>): void {
  const ok = counts[POD] ?? 0;
  expect(ok).toBeGreaterThanOrEqual(R);
  expect(ok).toBeLessThanOrEqual(2 * R);
  expect(counts['!RESOURCE_EXHAUSTED']).toBe(BURST - ok);
}

describe('local rate limit', () => {
  it(`lets a burst of ${BURST} through at ${R} per second (tolerance: one refill), the rest RESOURCE_EXHAUSTED`, async () => {
    const before = backendOf(s.stack, POD).served().length;
    const counts = tally(await callMany(BURST, () => ({ target: s.target, authority: 'limited.example.com' }), BURST));
    expectLimited(counts);
    // Envoy answered the refused calls itself: only the admitted ones reached the backend.
    expect(backendOf(s.stack, POD).served().length - before).toBe(counts[POD]);
  });

  it('gives each x-api-key value its own bucket', async () => {
    const [alice, bob] = await Promise.all(
      ['alice', 'bob'].map(async (key) =>
        tally(await callMany(BURST, () => ({ target: s.target, authority: 'per-key.example.com', metadata: { 'x-api-key': key } }), BURST)),
      ),
    );
    expectLimited(alice);
    expectLimited(bob);
  });

  it('gives each gRPC method its own bucket: Echo exhausted, EchoTwo still served', async () => {
    const burst = async (authority: string, method: 'Echo' | 'EchoTwo'): Promise<Record<string, number>> =>
      tally(await callMany(BURST, () => ({ target: s.target, authority, method }), BURST));
    const echo = await burst('per-method.example.com', 'Echo');
    const echoTwo = await burst('per-method.example.com', 'EchoTwo');
    process.stderr.write(`per-method buckets: Echo ${JSON.stringify(echo)}, EchoTwo ${JSON.stringify(echoTwo)}\n`);
    expectLimited(echo);
    expectLimited(echoTwo);
    // Control: one bucket for the rule; Echo's burst leaves EchoTwo nothing (a refill is a minute away).
    expectLimited(await burst('per-rule.example.com', 'Echo'));
    expect(await burst('per-rule.example.com', 'EchoTwo')).toEqual({ '!RESOURCE_EXHAUSTED': BURST });
  });
});
