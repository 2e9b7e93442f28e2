/**
 * Outlier detection (the policy's `healthCheck.passive`) through a real Envoy: of three
 * endpoints of a Service, one fails every call UNAVAILABLE; after 3 consecutive errors Envoy
 * ejects it (waited for on `outlier_detection.ejections_active`, not on time), and from then on
 * its share of calls is 0 and every call succeeds. gRPC statuses count as Envoy maps them to
 * HTTP (UNAVAILABLE → 503), the errors outlier detection sees.
 */
import * as grpc from '@grpc/grpc-js';
import { callEcho, loopbackAddress, waitFor } from '../../test/harness';
import {
  backendOf,
  callMany,
  clusterOf,
  clusterStat,
  converge,
  gatewayDocs,
  grpcRoute,
  hostHealth,
  policy,
  type PolicyStack,
  serviceWithPods,
  startPolicyStack,
  tally,
} from './fixture';

const GATEWAY = 'od-gateway';
const PODS = ['a1', 'a2', 'a3'].map((p, i) => ({ pod: `echo-od-tp-${p}`, service: 'echo-od', address: loopbackAddress(155 + i) }));
const BAD = PODS[2];
const CLUSTER = clusterOf('echo-od');

let s: PolicyStack;

beforeAll(async () => {
  s = await startPolicyStack({
    gateway: GATEWAY,
    address: loopbackAddress(158),
    id: 'od-158',
    pods: PODS,
    docs: [
      ...gatewayDocs(GATEWAY),
      ...serviceWithPods('echo-od', PODS),
      grpcRoute('od', GATEWAY, 'od.example.com', 'echo-od'),
      policy(
        'od',
        { kind: 'Service', name: 'echo-od' },
        { healthCheck: { passive: { consecutive5xxErrors: 3, interval: '1s', baseEjectionTime: '60s', maxEjectionPercent: 50 } } },
      ),
    ],
  });
  await converge(
    s.target,
    'od.example.com',
    PODS.map((p) => p.pod),
  );
});

afterAll(async () => {
  await s?.stack.stop();
});

describe('outlier detection on a Service', () => {
  it('ejects the endpoint that always fails; afterwards it gets no calls and none fail', async () => {
    backendOf(s.stack, BAD.pod).failAll(grpc.status.UNAVAILABLE);
    // Calls until Envoy has ejected it (bounded): it fails each call it gets.
    await waitFor(
      async () => {
        await callEcho({ target: s.target, authority: 'od.example.com' });
        return (await clusterStat(s.envoy, CLUSTER, 'outlier_detection.ejections_active')) >= 1;
      },
      { timeoutMs: 20_000, intervalMs: 10, description: 'an ejection by outlier detection' },
    );
    const ejected = (await hostHealth(s.envoy, CLUSTER)).filter((h) => h.flags.includes('failed_outlier_check')).map((h) => h.address);
    expect(ejected).toEqual([BAD.address]);
    const before = backendOf(s.stack, BAD.pod).served().length;
    const counts = tally(await callMany(60, () => ({ target: s.target, authority: 'od.example.com' }), 4));
    expect(counts[BAD.pod]).toBeUndefined();
    expect(Object.keys(counts).filter((k) => k.startsWith('!'))).toEqual([]);
    expect(counts[PODS[0].pod]).toBeGreaterThan(0);
    expect(counts[PODS[1].pod]).toBeGreaterThan(0);
    expect(backendOf(s.stack, BAD.pod).served().length).toBe(before);
  });
});
