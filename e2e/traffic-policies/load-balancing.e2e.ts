/**
 * Load balancer choices of a Service policy through a real Envoy (`loadBalancer.type`), each
 * told apart from the others by what it does to real gRPC calls, so each assertion fails under
 * the wrong algorithm:
 *
 *  - RoundRobin: sequential calls on one connection (one Envoy worker, one balancer) visit the
 *    pods in a fixed cycle: every 3 consecutive calls reach 3 different pods, so 60 calls are
 *    20 per pod exactly (the stated tolerance: ±1, for a host-set change mid-run). Random fails
 *    this (a repeat within 3 calls is all but certain in 60), and so does LeastRequest.
 *  - Random: the same calls reach every pod, with repeats within 3 consecutive calls (which
 *    round robin never has): fails under round robin.
 *  - LeastRequest: one of 5 pods answers every call 1 s late, so it holds its calls; Envoy's
 *    two-choice pick (two random hosts, the one with fewer requests in flight) avoids it unless
 *    both choices are that pod (1 in 25), so it gets far less than an even share (40) of 200 calls,
 *    4 at a time: at most half of it, 20 (measured: 8 of 100; 7 and 11 of 200). The same pods and
 *    calls under round robin (the control, a Service without the policy) give the slow pod its
 *    full share, 40 — what LeastRequest rendered as round robin would do.
 */
import { loopbackAddress } from '../../test/harness';
import { backendOf, callMany, converge, gatewayDocs, grpcRoute, policy, type PolicyStack, serviceWithPods, startPolicyStack, tally } from './fixture';

const GATEWAY = 'lb-gateway';
const pods = (service: string, n: number, first: number): Array<{ pod: string; service: string; address: string }> =>
  Array.from({ length: n }, (_, i) => ({ pod: `${service}-tp-a${i + 1}`, service, address: loopbackAddress(first + i) }));
const rr = pods('echo-lb-rr', 3, 210);
const random = pods('echo-lb-random', 3, 213);
const least = pods('echo-lb-least', 5, 216);
const control = pods('echo-lb-control', 5, 221);
const SLOW_MS = 1000;
const CALLS = 200;
/** An even share of CALLS over the 5 pods. */
const SHARE = CALLS / 5;

let s: PolicyStack;

const lb = (name: string, service: string, type: string): object => policy(name, { kind: 'Service', name: service }, { loadBalancer: { type } });

beforeAll(async () => {
  s = await startPolicyStack({
    gateway: GATEWAY,
    address: loopbackAddress(226),
    id: 'lb-226',
    pods: [...rr, ...random, ...least, ...control],
    docs: [
      ...gatewayDocs(GATEWAY),
      ...[rr, random, least, control].flatMap((set) => serviceWithPods(set[0].service, set)),
      ...[rr, random, least, control].map((set) => grpcRoute(set[0].service, GATEWAY, `${set[0].service}.example.com`, set[0].service)),
      lb('rr', 'echo-lb-rr', 'RoundRobin'),
      lb('random', 'echo-lb-random', 'Random'),
      lb('least', 'echo-lb-least', 'LeastRequest'),
    ],
  });
  for (const set of [rr, random, least, control]) {
    await converge(
      s.target,
      `${set[0].service}.example.com`,
      set.map((p) => p.pod),
    );
  }
});

afterAll(async () => {
  await s?.stack.stop();
});

/** `n` calls one after another on the shared connection; the pod (or `!CODE`) of each, in order. */
async function sequence(authority: string, n: number): Promise<string[]> {
  const results = await callMany(n, () => ({ target: s.target, authority }), 1);
  return results.map((r) => Object.keys(tally([r]))[0]);
}

/** Windows of 3 consecutive calls that reached fewer than 3 different pods. */
function repeatsWithin3(seq: readonly string[]): number {
  let n = 0;
  for (let i = 0; i + 3 <= seq.length; i++) if (new Set(seq.slice(i, i + 3)).size < 3) n++;
  return n;
}

const counts = (seq: readonly string[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const p of seq) out[p] = (out[p] ?? 0) + 1;
  return out;
};

describe('load balancing on a Service', () => {
  it('RoundRobin: 60 sequential calls visit the 3 pods in a cycle, 20 each (±1)', async () => {
    const seq = await sequence('echo-lb-rr.example.com', 60);
    const c = counts(seq);
    expect(Object.keys(c).sort()).toEqual(rr.map((p) => p.pod).sort());
    for (const p of rr) expect(Math.abs(c[p.pod] - 20)).toBeLessThanOrEqual(1);
    expect(repeatsWithin3(seq)).toBe(0);
  });

  it('Random: 60 sequential calls reach every pod, not in a cycle', async () => {
    const seq = await sequence('echo-lb-random.example.com', 60);
    const c = counts(seq);
    expect(Object.keys(c).sort()).toEqual(random.map((p) => p.pod).sort());
    // Round robin never repeats a pod within 3 calls; random does, about 7 windows in 9.
    expect(repeatsWithin3(seq)).toBeGreaterThan(0);
  });

  it(`LeastRequest: a pod answering ${SLOW_MS} ms late gets at most half its even share of ${CALLS} calls; round robin gives it all of it`, async () => {
    const slowLeast = backendOf(s.stack, least[0].pod);
    const slowControl = backendOf(s.stack, control[0].pod);
    slowLeast.delayAll(SLOW_MS);
    slowControl.delayAll(SLOW_MS);
    try {
      const [withPolicy, without] = await Promise.all(
        ['echo-lb-least', 'echo-lb-control'].map(async (svc) =>
          tally(await callMany(CALLS, () => ({ target: s.target, authority: `${svc}.example.com`, timeoutMs: 10_000 }), 4)),
        ),
      );
      process.stderr.write(`least request: ${JSON.stringify(withPolicy)}; round robin: ${JSON.stringify(without)}\n`);
      expect(Object.keys(withPolicy).filter((k) => k.startsWith('!'))).toEqual([]);
      expect(withPolicy[least[0].pod] ?? 0).toBeLessThanOrEqual(SHARE / 2);
      expect(Math.abs((without[control[0].pod] ?? 0) - SHARE)).toBeLessThanOrEqual(1);
    } finally {
      slowLeast.delayAll(0);
      slowControl.delayAll(0);
    }
  });
});
