/**
 * Propagation times at 10 and 1000 routes, over SotW and Delta: how long from writing a file
 * to the change being live in Envoy. Printed, never asserted (speed is measured, not tested):
 *  - route added: route file written → first OK RPC on it;
 *  - endpoint added: EndpointSlice written → first RPC served by the new endpoint;
 *  - endpoint removed: EndpointSlice written → Envoy no longer lists the host.
 * Each is the median (and max) of several samples on an otherwise idle Gateway.
 */
import * as grpc from '@grpc/grpc-js';
import { callEcho, waitFor } from '../../test/harness';
import { clusterHosts } from './envoy-state';
import { percentile } from './load';
import { routeYaml, Stack } from '../../test/harness/xds-stack';

const SAMPLES = 8;
const SERVICES = ['svc-0', 'svc-1', 'svc-2', 'svc-3'];
const SCALED = 'service/default/svc-0/8080/h2c';

function summary(values: number[]): string {
  return `median ${percentile(values, 50).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms (${values.length} samples)`;
}

async function timeRouteAdded(stack: Stack, i: number): Promise<number> {
  const host = `new-${i}.example.com`;
  const start = performance.now();
  stack.write(`60-new-${i}.yaml`, routeYaml(`new-${i}`, host, [{ service: 'svc-1' }]));
  await waitFor(async () => (await callEcho({ target: stack.target, authority: host, timeoutMs: 2000 })).code === grpc.status.OK, {
    timeoutMs: 20_000,
    intervalMs: 1,
    description: `${host} to answer`,
  });
  return performance.now() - start;
}

/** Adds a pod to svc-0 and removes it again; returns [added → first RPC on it, removed → gone from Envoy]. */
async function timeEndpoint(stack: Stack, i: number): Promise<[number, number]> {
  const pod = `svc-0-extra-${i}`;
  const start = performance.now();
  await stack.setPods('svc-0', ['svc-0-0', pod]);
  await waitFor(async () => (await callEcho({ target: stack.target, authority: 'r0.example.com', timeoutMs: 2000 })).pod === pod, {
    timeoutMs: 20_000,
    intervalMs: 1,
    description: `${pod} to serve`,
  });
  const added = performance.now() - start;
  const address = stack.podsOf('svc-0').find((p) => p.name === pod)?.address ?? '';
  const removedAt = performance.now();
  await stack.setPods('svc-0', ['svc-0-0']);
  await waitFor(async () => !(await clusterHosts(stack.envoy))[SCALED]?.includes(address), { timeoutMs: 20_000, intervalMs: 2, description: `${pod} removed` });
  const removed = performance.now() - removedAt;
  await stack.stopPod(pod);
  return [added, removed];
}

describe.each([
  ['SotW', false, 240],
  ['Delta', true, 270],
])('propagation over %s', (mode, delta, addressBase) => {
  it.each([10, 1000])(
    'with %i routes',
    async (routes) => {
      const files: Record<string, string> = {};
      for (let i = 0; i < routes; i++) files[`50-route-${i}.yaml`] = routeYaml(`r${i}`, `r${i}.example.com`, [{ service: SERVICES[i % SERVICES.length] }]);
      const stack = await Stack.start({ delta, addressBase: addressBase + (routes > 10 ? 15 : 0), services: SERVICES }, files);
      try {
        await waitFor(async () => (await callEcho({ target: stack.target, authority: `r${routes - 1}.example.com` })).code === grpc.status.OK, {
          timeoutMs: 60_000,
          description: 'every route to be served',
        });
        const routeTimes: number[] = [];
        for (let i = 0; i < SAMPLES; i++) routeTimes.push(await timeRouteAdded(stack, i));
        const added: number[] = [];
        const removed: number[] = [];
        for (let i = 0; i < SAMPLES; i++) {
          const [a, r] = await timeEndpoint(stack, i);
          added.push(a);
          removed.push(r);
        }
        process.stdout.write(
          `propagation ${mode}, ${routes} routes:\n` +
            `  route file written → first OK RPC:               ${summary(routeTimes)}\n` +
            `  EndpointSlice (added) → first RPC on the new pod:  ${summary(added)}\n` +
            `  EndpointSlice (removed) → host gone from Envoy:    ${summary(removed)}\n`,
        );
        expect(routeTimes).toHaveLength(SAMPLES);
      } finally {
        await stack.stop();
      }
    },
    180_000,
  );
});
