/**
 * Consistent hashing through a real Envoy: a Service policy `loadBalancer: ConsistentHash` on
 * header `x-user` keeps every call carrying one value on one endpoint (the echo reply names its
 * pod), on shared and fresh connections alike, while different values spread over the endpoints.
 * Without it, the default round robin spreads one user's calls over every pod (checked on a
 * second Service, so the assertion can fail).
 */
import { loopbackAddress } from '../../test/harness';
import { callMany, converge, gatewayDocs, grpcRoute, policy, type PolicyStack, serviceWithPods, startPolicyStack, tally } from './fixture';

const GATEWAY = 'hash-gateway';
const hashed = ['a1', 'a2', 'a3'].map((p, i) => ({ pod: `echo-hash-tp-${p}`, service: 'echo-hash', address: loopbackAddress(170 + i) }));
const rr = ['a1', 'a2', 'a3'].map((p, i) => ({ pod: `echo-rr-tp-${p}`, service: 'echo-rr', address: loopbackAddress(173 + i) }));

let s: PolicyStack;

beforeAll(async () => {
  s = await startPolicyStack({
    gateway: GATEWAY,
    address: loopbackAddress(176),
    id: 'hash-176',
    pods: [...hashed, ...rr],
    docs: [
      ...gatewayDocs(GATEWAY),
      ...serviceWithPods('echo-hash', hashed),
      ...serviceWithPods('echo-rr', rr),
      grpcRoute('hash', GATEWAY, 'hash.example.com', 'echo-hash'),
      grpcRoute('rr', GATEWAY, 'rr.example.com', 'echo-rr'),
      policy('hash', { kind: 'Service', name: 'echo-hash' }, { loadBalancer: { type: 'ConsistentHash', consistentHash: { header: { name: 'x-user' } } } }),
    ],
  });
  await converge(
    s.target,
    'hash.example.com',
    hashed.map((p) => p.pod),
  );
  await converge(
    s.target,
    'rr.example.com',
    rr.map((p) => p.pod),
  );
});

afterAll(async () => {
  await s?.stack.stop();
});

describe('consistent hash on a header', () => {
  it('keeps every call of one x-user value on one endpoint, shared or fresh connection', async () => {
    for (const user of ['alice', 'bob']) {
      const counts = tally(
        await callMany(20, (i) => ({ target: s.target, authority: 'hash.example.com', metadata: { 'x-user': user }, freshConnection: i % 2 === 0 }), 4),
      );
      expect(Object.values(counts)).toEqual([20]);
      expect(hashed.map((p) => p.pod)).toContain(Object.keys(counts)[0]);
    }
  });

  it('spreads different values over the endpoints', async () => {
    const counts = tally(await callMany(30, (i) => ({ target: s.target, authority: 'hash.example.com', metadata: { 'x-user': `user-${i}` } }), 4));
    expect(Object.keys(counts).filter((k) => k.startsWith('!'))).toEqual([]);
    expect(Object.keys(counts).length).toBeGreaterThanOrEqual(2);
  });

  it('without the policy, one value is spread by round robin', async () => {
    const counts = tally(await callMany(20, () => ({ target: s.target, authority: 'rr.example.com', metadata: { 'x-user': 'alice' } }), 1));
    expect(Object.keys(counts).length).toBeGreaterThanOrEqual(2);
  });
});
