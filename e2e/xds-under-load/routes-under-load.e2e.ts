/**
 * Configuration changes under continuous gRPC load, against real Envoy over SotW and Delta:
 *  (a) 200 routes added one file at a time, each called as soon as its file is written;
 *  (b) a canary weight moved 0 → 100 % in steps;
 *  (c) a route's backend replaced by another Service (a cluster Envoy does not have yet);
 *  (f) endpoints added and removed (the EndpointSlice fast path).
 * Each prints its RPC count and failures and asserts there are none. Times are printed, never
 * asserted.
 */
import * as grpc from '@grpc/grpc-js';
import { awaitConvergence, callEcho, waitFor } from '../../test/harness';
import { clusterHosts, routeWeights } from './envoy-state';
import { Load, percentile, printReport } from './load';
import { routeYaml, Stack } from '../../test/harness/xds-stack';

const ROUTES = 200;
const SERVICES = Array.from({ length: 10 }, (_, i) => `svc-${i}`);
const OK = grpc.status.OK;

describe.each([
  ['SotW', false, 110],
  ['Delta', true, 150],
])('under load over %s', (mode, delta, addressBase) => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await Stack.start(
      { delta, addressBase, services: [...SERVICES, 'canary-a', 'canary-b', 'swap-old', 'swap-new', 'scale'] },
      {
        '20-base.yaml': routeYaml('base', 'base.example.com', [{ service: 'svc-0' }]),
        '20-canary.yaml': routeYaml('canary', 'canary.example.com', [
          { service: 'canary-a', weight: 100 },
          { service: 'canary-b', weight: 0 },
        ]),
        '20-swap.yaml': routeYaml('swap', 'swap.example.com', [{ service: 'swap-old' }]),
        '20-scale.yaml': routeYaml('scale', 'scale.example.com', [{ service: 'scale' }]),
      },
    );
    await awaitConvergence(async () => expect((await callEcho({ target: stack.target, authority: 'base.example.com' })).code).toBe(OK));
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it(`(a) adds ${ROUTES} routes one at a time, each answering as soon as its file is written`, async () => {
    const load = new Load(stack.target).add({ authority: 'base.example.com' }).start();
    const firstOk: number[] = [];
    for (let i = 0; i < ROUTES; i++) {
      const host = `r${i}.example.com`;
      const start = performance.now();
      // Services in turn: the first ten routes each bring a cluster Envoy does not have yet.
      stack.write(`50-route-${i}.yaml`, routeYaml(`r${i}`, host, [{ service: SERVICES[i % SERVICES.length] }]));
      await waitFor(async () => (await callEcho({ target: stack.target, authority: host, timeoutMs: 2000 })).code === OK, {
        timeoutMs: 15_000,
        intervalMs: 1,
        description: `route ${host} to answer`,
      });
      firstOk.push(performance.now() - start);
      load.add({ authority: host });
    }
    const report = await load.stop();
    printReport(`(a) ${mode}: ${ROUTES} routes added under load`, report);
    process.stdout.write(
      `(a) ${mode}: route file written → first OK RPC: p50 ${percentile(firstOk, 50).toFixed(1)} ms, p99 ${percentile(firstOk, 99).toFixed(1)} ms, max ${Math.max(...firstOk).toFixed(1)} ms\n`,
    );
    expect(report.failures).toBe(0);
  });

  it('(b) moves a canary from 0 to 100 % in steps of 20', async () => {
    const load = new Load(stack.target).add({ authority: 'canary.example.com' }, { authority: 'base.example.com' }).start();
    const a = 'service/default/canary-a/8080/h2c';
    const b = 'service/default/canary-b/8080/h2c';
    for (const w of [20, 40, 60, 80, 100]) {
      stack.write(
        '20-canary.yaml',
        routeYaml('canary', 'canary.example.com', [
          { service: 'canary-a', weight: 100 - w },
          { service: 'canary-b', weight: w },
        ]),
      );
      await waitFor(
        async () => {
          // A backend at weight 0 may be left out; a single one becomes a plain `cluster`.
          const weights = await routeWeights(stack.envoy, 'grpcroute/default/canary/');
          const total = (weights[a] ?? 0) + (weights[b] ?? 0);
          return total > 0 && (weights[b] ?? 0) * 100 === w * total;
        },
        { timeoutMs: 10_000, intervalMs: 5, description: `canary at ${w} %` },
      );
      await load.settle(50);
    }
    const pods = new Set<string>();
    for (let i = 0; i < 20; i++) pods.add((await callEcho({ target: stack.target, authority: 'canary.example.com' })).pod ?? '?');
    const report = await load.stop();
    printReport(`(b) ${mode}: canary 0 → 100 % in 5 steps`, report);
    expect([...pods]).toEqual(['canary-b-0']);
    expect(report.failures).toBe(0);
  });

  it("(c) replaces a route's backend by another Service, then removes the old cluster", async () => {
    const load = new Load(stack.target).add({ authority: 'swap.example.com' }).start();
    stack.write('20-swap.yaml', routeYaml('swap', 'swap.example.com', [{ service: 'swap-new' }]));
    await awaitConvergence(async () => expect((await callEcho({ target: stack.target, authority: 'swap.example.com' })).pod).toBe('swap-new-0'), {
      consecutive: 5,
      intervalMs: 5,
    });
    // Make-before-break: the old cluster goes only after no route refers to it.
    await waitFor(async () => !('service/default/swap-old/8080/h2c' in (await clusterHosts(stack.envoy))), {
      timeoutMs: 10_000,
      description: 'old cluster removed',
    });
    await load.settle(200);
    const report = await load.stop();
    printReport(`(c) ${mode}: backend replaced by another Service`, report);
    expect(report.failures).toBe(0);
  });

  it('(f) adds and removes endpoints through the EndpointSlice fast path', async () => {
    const load = new Load(stack.target).add({ authority: 'scale.example.com' }).start();
    const fastBefore = await stack.metric('attache_rebuilds_total', { path: 'endpoints' });
    const rdsBefore = await stack.metric('attache_xds_pushes_total', { type_url: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration' });
    const start = performance.now();
    await stack.setPods('scale', ['scale-0', 'scale-1']);
    await waitFor(async () => (await callEcho({ target: stack.target, authority: 'scale.example.com', freshConnection: true })).pod === 'scale-1', {
      timeoutMs: 10_000,
      intervalMs: 1,
      description: 'new endpoint to serve',
    });
    process.stdout.write(`(f) ${mode}: EndpointSlice written → first RPC on the new endpoint: ${(performance.now() - start).toFixed(1)} ms\n`);
    const removed = stack.podsOf('scale')[0];
    await stack.setPods('scale', ['scale-1']);
    await waitFor(async () => !(await clusterHosts(stack.envoy))['service/default/scale/8080/h2c']?.includes(removed.address), {
      timeoutMs: 10_000,
      description: 'removed endpoint gone from Envoy',
    });
    // As Kubernetes does: the pod stops after it left the EndpointSlice.
    await stack.stopPod(removed.name);
    await load.settle(200);
    const report = await load.stop();
    printReport(`(f) ${mode}: endpoints added and removed`, report);
    expect(report.failures).toBe(0);
    expect(await stack.metric('attache_rebuilds_total', { path: 'endpoints' })).toBeGreaterThanOrEqual(fastBefore + 2);
    expect(await stack.metric('attache_xds_pushes_total', { type_url: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration' })).toBe(rdsBefore);
  });
});
