/**
 * Item 6: memory across cycles of 0 → N → 0 routes (N files written at once, then all
 * deleted), read after a full GC once each cycle has settled. Growth compares the last cycle
 * with the first: a leak grows with every cycle, while the first cycle already holds whatever
 * is allocated once (code, caches).
 */
import * as fs from 'fs';
import * as path from 'path';
import { sleep } from '../test/harness/wait';
import { routeFile, routeFiles, routeHost, routePath } from './fixtures';
import { RawClient } from './raw-grpc';
import { controlPlaneMemory, round, type ControlPlaneMemory } from './stats';
import { isNotOk, isOk, pollUntil, startBenchStack } from './stack';

export interface CyclesReading {
  routes: number;
  cycles: Array<ControlPlaneMemory & { seconds: number }>;
  /** RSS after the last cycle against after the first, in %. */
  rss_growth_pct: number;
  /** Heap used (after GC), likewise. */
  heap_growth_pct: number;
}

function growth(first: number, last: number): number {
  return round(((last - first) / first) * 100);
}

/** `budgetMs`: no new cycle starts past it (at least two run, to compare). */
export async function runCyclesScenario(opts: { routes: number; cycles: number; addressBase: number; budgetMs: number }): Promise<CyclesReading> {
  const stack = await startBenchStack(opts.addressBase, {});
  const probe = new RawClient(stack.target);
  const last = opts.routes - 1;
  const cycles: CyclesReading['cycles'] = [];
  const deadline = performance.now() + opts.budgetMs;
  try {
    for (let c = 0; c < opts.cycles; c++) {
      if (c >= 2 && performance.now() > deadline) break;
      const started = performance.now();
      for (const [file, text] of Object.entries(routeFiles(0, opts.routes))) fs.writeFileSync(path.join(stack.dir, file), text);
      await pollUntil(probe, routePath(last), routeHost(last), isOk, 180_000);
      for (let i = 0; i < opts.routes; i++) fs.rmSync(path.join(stack.dir, routeFile(i)));
      await pollUntil(probe, routePath(last), routeHost(last), isNotOk, 180_000);
      await sleep(1000);
      cycles.push({ ...(await controlPlaneMemory(stack.cp)), seconds: round((performance.now() - started) / 1000) });
    }
    const first = cycles[0];
    const end = cycles[cycles.length - 1];
    return { routes: opts.routes, cycles, rss_growth_pct: growth(first.rss_mib, end.rss_mib), heap_growth_pct: growth(first.heap_mib, end.heap_mib) };
  } finally {
    probe.close();
    await stack.stop();
  }
}
