/**
 * Item 5: churn under load. Under continuous gRPC load (raw-load.ts), routes are added one file
 * at a time (each joins the load once it answered), then each is changed (to two other
 * Services and other weights; done once an answer comes from the new Services), then each is
 * removed (it leaves the load first, as a client would stop calling a route being retired).
 * Any failed call of the load is a dropped request.
 */
import { sleep } from '../test/harness/wait';
import { BASE_PATH } from './backends';
import { benchRouteYaml, routeFile, routePath, serviceName, SERVICES } from './fixtures';
import { RawClient } from './raw-grpc';
import { RawLoad, type RawLoadReport } from './raw-load';
import { quantiles, round, type Quantiles } from './stats';
import { isNotOk, isOk, pollUntil, startBenchStack } from './stack';

const HOST = 'churn.bench.example.com';

export interface ChurnReading {
  routes: number;
  /** False when the time budget ran out: `routes` were added; changes and removals covered as many as time allowed. */
  completed: boolean;
  load: RawLoadReport;
  seconds: number;
  added_ms: Quantiles;
  changed_ms: Quantiles;
  removed_ms: Quantiles;
}

function baseRoute(): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: base, namespace: default}
spec:
  parentRefs: [{name: gw}]
  hostnames: [${HOST}]
  rules:
  - matches: [{method: {service: bench.Base, method: Call}}]
    backendRefs: [{name: ${serviceName(0)}, port: 8080}]
`;
}

/** The Services variant 1 of route `i` sends to (fixtures.ts: 17 Services further on). */
function changedServices(i: number): Set<string> {
  return new Set([serviceName((i + 17) % SERVICES), serviceName((i + 18) % SERVICES)]);
}

/**
 * `budgetMs` bounds the whole scenario on a slow or busy machine: each phase gets its share
 * (add half, change and remove a quarter each) and stops early when it is used up.
 */
export async function runChurnScenario(opts: { routes: number; addressBase: number; budgetMs: number }): Promise<ChurnReading> {
  const stack = await startBenchStack(opts.addressBase, { '40-base.yaml': baseRoute() });
  const probe = new RawClient(stack.target);
  const load = new RawLoad(stack.target);
  const started = performance.now();
  try {
    await pollUntil(probe, BASE_PATH, HOST, isOk, 30_000);
    load.add({ path: BASE_PATH, host: HOST });
    load.start();
    const phaseEnd = (share: number): number => performance.now() + opts.budgetMs * share;
    let completed = true;
    const added: number[] = [];
    let end = phaseEnd(0.5);
    for (let i = 0; i < opts.routes; i++) {
      if (performance.now() > end) {
        completed = false;
        break;
      }
      const t = performance.now();
      stack.write(routeFile(i), benchRouteYaml(i, { host: HOST }));
      await pollUntil(probe, routePath(i), HOST, isOk, 20_000);
      added.push(performance.now() - t);
      load.add({ path: routePath(i), host: HOST });
    }
    const routes = added.length;
    const changed: number[] = [];
    end = phaseEnd(0.25);
    for (let i = 0; i < routes; i++) {
      if (performance.now() > end) {
        completed = false;
        break;
      }
      const t = performance.now();
      const wanted = changedServices(i);
      stack.write(routeFile(i), benchRouteYaml(i, { host: HOST, variant: 1 }));
      await pollUntil(probe, routePath(i), HOST, (r) => isOk(r) && wanted.has(r.pod ?? ''), 20_000);
      changed.push(performance.now() - t);
    }
    const removed: number[] = [];
    end = phaseEnd(0.25);
    for (let i = 0; i < routes; i++) {
      if (performance.now() > end) {
        completed = false;
        break;
      }
      load.remove(routePath(i));
      // Calls already in flight on the route finish before its file goes.
      await sleep(5);
      const t = performance.now();
      stack.remove(routeFile(i));
      await pollUntil(probe, routePath(i), HOST, isNotOk, 20_000);
      removed.push(performance.now() - t);
    }
    const report = await load.stop();
    return {
      routes,
      completed,
      load: report,
      seconds: round((performance.now() - started) / 1000),
      added_ms: quantiles(added),
      changed_ms: quantiles(changed),
      removed_ms: quantiles(removed),
    };
  } finally {
    await load.stop();
    probe.close();
    await stack.stop();
  }
}
