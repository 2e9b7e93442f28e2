/**
 * Items 1–4 for one N: N routes served from files by a fresh control plane and Envoy.
 *  1. translate + encode time and snapshot size (in this process, bench/translate.ts);
 *  2. control-plane RSS and heap once settled (idle until V8 gave back memory, then a full GC);
 *  3. propagation: route file written → first OK RPC on it through Envoy, per sample, with
 *     Envoy's own apply time (`update_duration`) and our rebuild time read alongside; the
 *     first changes after the start are kept apart (first_changes_ms);
 *  4. (when asked) endpoint churn: svc-churn's EndpointSlice swaps its one pod → the first RPC
 *     answered by the new pod, with 1,000 bulk endpoints in Envoy besides.
 */
import type { Stack } from '../test/harness/xds-stack';
import { serviceYaml } from '../test/harness/xds-stack';
import { benchRouteYaml, routeFile, routeFiles, routeHost, routePath } from './fixtures';
import { CHURN_PATH, CHURN_PODS } from './backends';
import { RawClient } from './raw-grpc';
import { controlPlaneMemory, envoyApplyMs, quantiles, rebuildMs, round, settle, type Quantiles } from './stats';
import { isOk, pollUntil, startBenchStack, waitServed } from './stack';
import { measureTranslate, type TranslateReading } from './translate';
import { sleep } from '../test/harness/wait';

export interface RoutesReading extends TranslateReading {
  n: number;
  rss_mib: number;
  heap_mib: number;
  /** Files written → every route served, from a cold start. */
  initial_sync_ms: number;
  /** Propagation of the first changes after the start (not among the samples of propagation_ms). */
  first_changes_ms: number[];
  /** Route file written → first OK RPC through Envoy, once warm (after the first changes). */
  propagation_ms: Quantiles;
  envoy_apply_ms: Quantiles;
  /** The control plane's rebuild time within each propagation sample. */
  control_plane_rebuild_ms: Quantiles;
}

const CHURN_HOST = 'churn.bench.example.com';
/** Changes made after the start before propagation samples are taken (see first_changes_ms). */
const WARMUP_CHANGES = 5;

function churnFiles(pod: number): Record<string, string> {
  return {
    '10-svc-churn.yaml': serviceYaml('svc-churn', [CHURN_PODS[pod]]),
    '40-churn.yaml': `apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: churn, namespace: default}
spec:
  parentRefs: [{name: gw}]
  hostnames: [${CHURN_HOST}]
  rules: [{backendRefs: [{name: svc-churn, port: 8080}]}]
`,
  };
}

async function propagationSample(stack: Stack, client: RawClient, i: number): Promise<[number, number, number]> {
  const [envoyBefore, cpBefore] = await Promise.all([envoyApplyMs(stack.envoy), rebuildMs(stack.cp)]);
  const start = performance.now();
  stack.write(routeFile(i), benchRouteYaml(i));
  await pollUntil(client, routePath(i), routeHost(i), isOk, 20_000);
  const total = performance.now() - start;
  const [envoyAfter, cpAfter] = await Promise.all([envoyApplyMs(stack.envoy), rebuildMs(stack.cp)]);
  return [total, envoyAfter - envoyBefore, cpAfter - cpBefore];
}

/** Swaps svc-churn's pod `samples` times; ms from the slice written to the new pod answering. */
async function measureEndpointChurn(stack: Stack, client: RawClient, samples: number): Promise<Quantiles> {
  const times: number[] = [];
  for (let k = 1; k <= samples; k++) {
    const pod = CHURN_PODS[k % 2];
    const start = performance.now();
    stack.write('10-svc-churn.yaml', serviceYaml('svc-churn', [pod]));
    await pollUntil(client, CHURN_PATH, CHURN_HOST, (r) => r.pod === pod.name, 20_000);
    times.push(performance.now() - start);
    await sleep(20);
  }
  return quantiles(times);
}

export interface RoutesScenarioOptions {
  n: number;
  addressBase: number;
  samples: number;
  /** Endpoint-churn samples (0: skip item 4). */
  endpointSamples: number;
}

export async function runRoutesScenario(opts: RoutesScenarioOptions): Promise<{ reading: RoutesReading; endpointChurn?: Quantiles }> {
  const started = performance.now();
  const stack = await startBenchStack(opts.addressBase, { ...routeFiles(0, opts.n), ...(opts.endpointSamples > 0 ? churnFiles(0) : {}) });
  const client = new RawClient(stack.target);
  try {
    const last = opts.n - 1;
    await waitServed(stack, client, routePath(last), routeHost(last), 120_000);
    const initialSync = performance.now() - started;
    const translate = await measureTranslate(stack.dir);
    await settle(stack.cp);
    const memory = await controlPlaneMemory(stack.cp);
    // The first changes after a start are reported apart: they run code paths that the
    // initial build never took (memo hits in the encoder, status carried over from the build
    // before), which V8 has not optimized yet; at 1,000 routes they take 1.5–3× as long.
    const warmup: number[] = [];
    for (let k = 0; k < WARMUP_CHANGES; k++) {
      warmup.push((await propagationSample(stack, client, opts.n + k))[0]);
      await sleep(20);
    }
    const totals: number[] = [];
    const envoy: number[] = [];
    const cp: number[] = [];
    for (let k = 0; k < opts.samples; k++) {
      const [t, e, c] = await propagationSample(stack, client, opts.n + WARMUP_CHANGES + k);
      totals.push(t);
      envoy.push(e);
      cp.push(c);
      await sleep(20);
    }
    const endpointChurn = opts.endpointSamples > 0 ? await measureEndpointChurn(stack, client, opts.endpointSamples) : undefined;
    const reading: RoutesReading = {
      n: opts.n,
      ...translate,
      ...memory,
      initial_sync_ms: round(initialSync),
      first_changes_ms: warmup.map((t) => round(t)),
      propagation_ms: quantiles(totals),
      envoy_apply_ms: quantiles(envoy),
      control_plane_rebuild_ms: quantiles(cp),
    };
    return { reading, endpointChurn };
  } finally {
    client.close();
    await stack.stop();
  }
}
