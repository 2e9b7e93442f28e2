/**
 * Session affinity on a cookie through a real Envoy: a Service policy `loadBalancer:
 * ConsistentHash` on cookie `attache-affinity` with a TTL. A call without the cookie gets a
 * `set-cookie` from Envoy (the value is Envoy's, made from the connection's addresses); a client
 * that sends it back lands on one pod for all its calls — over new connections too, where
 * without the cookie round robin would move it. Different clients' cookies spread over the pods.
 *
 * Controls, so each assertion can fail: the same calls on a Service without the policy get no
 * `set-cookie` and are spread by round robin even when they carry a cookie; and each session's
 * first call (the one that got the cookie) already landed where the cookie sends the rest.
 */
import * as grpc from '@grpc/grpc-js';
import { callEcho, type EchoResult, loopbackAddress } from '../../test/harness';
import { callMany, converge, gatewayDocs, grpcRoute, policy, type PolicyStack, serviceWithPods, startPolicyStack, tally } from './fixture';

const GATEWAY = 'cookie-gateway';
const COOKIE = 'attache-affinity';
const sticky = ['a1', 'a2', 'a3'].map((p, i) => ({ pod: `echo-cookie-tp-${p}`, service: 'echo-cookie', address: loopbackAddress(227 + i) }));
const plain = ['a1', 'a2', 'a3'].map((p, i) => ({ pod: `echo-nocookie-tp-${p}`, service: 'echo-nocookie', address: loopbackAddress(230 + i) }));

let s: PolicyStack;

beforeAll(async () => {
  s = await startPolicyStack({
    gateway: GATEWAY,
    address: loopbackAddress(233),
    id: 'cookie-233',
    pods: [...sticky, ...plain],
    docs: [
      ...gatewayDocs(GATEWAY),
      ...serviceWithPods('echo-cookie', sticky),
      ...serviceWithPods('echo-nocookie', plain),
      grpcRoute('cookie', GATEWAY, 'cookie.example.com', 'echo-cookie'),
      grpcRoute('nocookie', GATEWAY, 'nocookie.example.com', 'echo-nocookie'),
      policy(
        'affinity',
        { kind: 'Service', name: 'echo-cookie' },
        { loadBalancer: { type: 'ConsistentHash', consistentHash: { cookie: { name: COOKIE, ttl: '1h' } } } },
      ),
    ],
  });
  await converge(
    s.target,
    'cookie.example.com',
    sticky.map((p) => p.pod),
  );
  await converge(
    s.target,
    'nocookie.example.com',
    plain.map((p) => p.pod),
  );
});

afterAll(async () => {
  await s?.stack.stop();
});

/** The `name=value` of our cookie in a reply's set-cookie (response headers, or trailers of a trailers-only reply). */
function setCookie(r: EchoResult): string | undefined {
  const values = [...(r.responseHeaders?.['set-cookie'] ?? []), ...(r.trailers?.['set-cookie'] ?? [])];
  const ours = values.find((v) => v.startsWith(`${COOKIE}=`));
  return ours?.split(';')[0];
}

/** A session: a first call on a fresh connection without the cookie, then `n` with it, each on a new connection. */
async function session(authority: string, n: number): Promise<{ first: EchoResult; cookie: string | undefined; counts: Record<string, number> }> {
  const first = await callEcho({ target: s.target, authority, freshConnection: true });
  const cookie = setCookie(first);
  const rest = await callMany(n, () => ({ target: s.target, authority, freshConnection: true, metadata: { cookie: cookie ?? `${COOKIE}=none` } }), 4);
  return { first, cookie, counts: tally(rest) };
}

describe('consistent hash on a cookie (session affinity)', () => {
  it('Envoy sets the cookie on a call without it; every call sending it back lands on the pod of the first call', async () => {
    const pods = new Map<string, number>();
    for (let i = 0; i < 8; i++) {
      const { first, cookie, counts } = await session('cookie.example.com', 12);
      expect(first.code).toBe(grpc.status.OK);
      expect(cookie).toMatch(new RegExp(`^${COOKIE}=.+`));
      expect(counts).toEqual({ [first.pod!]: 12 });
      pods.set(first.pod!, (pods.get(first.pod!) ?? 0) + 1);
    }
    process.stderr.write(`cookie sessions per pod: ${JSON.stringify(Object.fromEntries(pods))}\n`);
    // Eight sessions' cookies (Envoy's values differ by client port) do not all hash to one pod.
    expect(pods.size).toBeGreaterThanOrEqual(2);
  });

  it('without the policy: no cookie is set, and calls carrying one are spread by round robin', async () => {
    const { first, cookie, counts } = await session('nocookie.example.com', 12);
    expect(first.code).toBe(grpc.status.OK);
    expect(cookie).toBeUndefined();
    expect(Object.keys(counts).length).toBeGreaterThanOrEqual(2);
  });
});
