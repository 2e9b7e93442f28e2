/**
 * The zero-failure drain (issue 15, item 4): gRPC load runs through a real Envoy while each
 * backend of a Service, one by one, does what a draining grpc-go server does — health status
 * NOT_SERVING, wait until the proxy stops sending to it, GracefulStop (in-flight calls finish),
 * come back SERVING. With an active gRPC health check policy on the Service, 0 RPCs fail. The
 * same scenario on a Service without the policy fails RPCs (while a pod is down Envoy still sends
 * it calls), so the test can fail.
 *
 * "Wait until the proxy stops sending" is polled, not slept: first Envoy's /clusters health flags
 * (interval 200 ms × unhealthyThreshold 2 is the least it takes), then the backend itself until
 * the load's next calls no longer reach it — /clusters shows the main thread's view, and Envoy
 * delivers health changes to the load balancers up to `update_merge_window` (1 s by default)
 * later: stopping at the first sight of the flag failed ~20 calls per pod. The health checks carry the
 * Service's DNS name as :authority, never the cluster name (grpc-go resets streams whose
 * :authority has slashes: Envoy Gateway's bug).
 */
import { loopbackAddress, type BackendPod } from '../../test/harness';
import type { GatewayStack } from '../../test/harness';
import { Load, type LoadReport } from '../xds-under-load/load';
import {
  backendOf,
  clusterOf,
  converge,
  gatewayDocs,
  grpcRoute,
  hostHealth,
  policy,
  type PolicyStack,
  serviceWithPods,
  startBackend,
  startPolicyStack,
  stopBackend,
  waitForHost,
} from './fixture';

const GATEWAY = 'drain-gateway';
const checked = ['a1', 'a2', 'a3'].map((p, i) => ({ pod: `echo-hc-tp-${p}`, service: 'echo-hc', address: loopbackAddress(160 + i) }));
const plain = ['a1', 'a2', 'a3'].map((p, i) => ({ pod: `echo-plain-tp-${p}`, service: 'echo-plain', address: loopbackAddress(163 + i) }));
/** Calls each phase lets complete, so each state (pod leaving, gone, back) carries load. */
const CALLS_PER_PHASE = 40;

let s: PolicyStack;

beforeAll(async () => {
  s = await startPolicyStack({
    gateway: GATEWAY,
    address: loopbackAddress(166),
    id: 'drain-166',
    pods: [...checked, ...plain],
    docs: [
      ...gatewayDocs(GATEWAY),
      ...serviceWithPods('echo-hc', checked),
      ...serviceWithPods('echo-plain', plain),
      grpcRoute('hc', GATEWAY, 'hc.example.com', 'echo-hc'),
      grpcRoute('plain', GATEWAY, 'plain.example.com', 'echo-plain'),
      policy(
        'hc',
        { kind: 'Service', name: 'echo-hc' },
        { healthCheck: { active: { type: 'GRPC', interval: '200ms', timeout: '1s', unhealthyThreshold: 2, healthyThreshold: 1 } } },
      ),
    ],
  });
  await converge(
    s.target,
    'hc.example.com',
    checked.map((p) => p.pod),
  );
  await converge(
    s.target,
    'plain.example.com',
    plain.map((p) => p.pod),
  );
});

afterAll(async () => {
  await s?.stack.stop();
});

/**
 * One pod after the other: NOT_SERVING, (wait for Envoy to see it), graceful stop, load while it
 * is gone, back SERVING, (wait for Envoy to see it healthy), load. `watch`: poll Envoy's health
 * flags for the Service's cluster (only meaningful with health checks).
 */
async function drainEach(stack: GatewayStack, load: Load, pods: readonly BackendPod[], cluster: string | undefined): Promise<LoadReport> {
  load.start();
  await load.settle(CALLS_PER_PHASE);
  for (const p of pods) {
    backendOf(stack, p.pod).setServingStatus('NOT_SERVING');
    if (cluster) {
      await waitForHost(s.envoy, cluster, p.address, false);
      await waitUntilIdle(load, p.pod);
    } else await load.settle(CALLS_PER_PHASE);
    await stopBackend(stack, p.pod);
    await load.settle(CALLS_PER_PHASE);
    await startBackend(stack, p.pod);
    if (cluster) await waitForHost(s.envoy, cluster, p.address, true);
    await load.settle(CALLS_PER_PHASE);
  }
  return load.stop();
}

/**
 * Waits (bounded) until `CALLS_PER_PHASE` load calls in a row completed without one reaching
 * `pod`: with 3 endpoints in round robin, a pod still in rotation gets a third of them.
 */
async function waitUntilIdle(load: Load, pod: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const before = backendOf(s.stack, pod).served().length;
    await load.settle(CALLS_PER_PHASE);
    if (backendOf(s.stack, pod).served().length === before) return;
  }
  throw new Error(`${pod}: Envoy still sends it calls after ${20 * CALLS_PER_PHASE} calls`);
}

describe('draining backends one by one under gRPC load', () => {
  it('with an active gRPC health check: 0 failed RPCs', async () => {
    const cluster = clusterOf('echo-hc');
    // Every endpoint healthy before the load starts.
    for (const p of checked) await waitForHost(s.envoy, cluster, p.address, true);
    expect((await hostHealth(s.envoy, cluster)).map((h) => h.healthy)).toEqual([true, true, true]);
    const checks = backendOf(s.stack, checked[0].pod).healthChecks();
    expect(checks.count).toBeGreaterThan(0);
    expect(new Set(checks.authorities)).toEqual(new Set(['echo-hc.default.svc']));
    const report = await drainEach(s.stack, new Load(s.target).add({ authority: 'hc.example.com' }), checked, cluster);
    process.stdout.write(`drain with health checks: ${JSON.stringify(report)}\n`);
    expect(report.samples).toEqual([]);
    expect(report.failures).toBe(0);
    expect(report.calls).toBeGreaterThan(CALLS_PER_PHASE * 10);
  });

  it('without it the same drain fails RPCs', async () => {
    const report = await drainEach(s.stack, new Load(s.target).add({ authority: 'plain.example.com' }), plain, undefined);
    process.stdout.write(`drain without health checks: ${JSON.stringify(report)}\n`);
    expect(report.failures).toBeGreaterThan(0);
  });
});
