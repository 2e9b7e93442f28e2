/**
 * Readings the benchmark takes from outside the processes it measures: percentiles, the
 * control plane's memory (/proc and its /metrics) and rebuild time, and Envoy's own time to
 * apply xDS updates (its `*.update_duration` histograms), so our share and Envoy's are apart.
 */
import * as fs from 'fs';
import type { RunningControlPlane, RunningEnvoy } from '../test/harness';

export interface Quantiles {
  p50: number;
  p99: number;
  max: number;
  samples: number;
}

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function quantiles(values: readonly number[]): Quantiles {
  return { p50: round(percentile(values, 50)), p99: round(percentile(values, 99)), max: round(Math.max(...values)), samples: values.length };
}

/** Resident set size of a process, in MiB, from /proc (Linux). */
function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return round(kb / 1024);
}

/** Sum of the samples of every Prometheus series whose name matches (text exposition format). */
function sumSeries(text: string, name: RegExp): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line === '') continue;
    const series = line.slice(0, line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' '));
    if (name.test(series)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

export interface ControlPlaneMemory {
  rss_mib: number;
  heap_mib: number;
}

/**
 * Waits for the control plane to settle: V8 gives back what a heavy phase (the initial load
 * and translation of every route) left behind only once the process has sat idle for a while
 * (its memory reducer compacts the old generation and shrinks the young one, ~8–10 s after the
 * last full GC). Until then a forced full GC does not return it (1,000 routes: ~135 MiB RSS 1 s
 * after the load, ~92 MiB once idle). Waits `minMs`, then until RSS holds still within 1 MiB
 * for 2 s, at most `maxMs` in all.
 */
export async function settle(cp: RunningControlPlane, minMs = 12_000, maxMs = 30_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  await new Promise((resolve) => setTimeout(resolve, minMs));
  let readings = [rssMiB(cp.proc.pid)];
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    readings = [...readings, rssMiB(cp.proc.pid)].slice(-3);
    if (readings.length === 3 && Math.max(...readings) - Math.min(...readings) <= 1) return;
  }
}

/** Memory after a full GC (the control plane runs with --expose-gc in the benchmark). */
export async function controlPlaneMemory(cp: RunningControlPlane): Promise<ControlPlaneMemory> {
  await fetch(`${cp.debugUrl}/gc`, { method: 'POST', signal: AbortSignal.timeout(5000) });
  const text = await cp.debug('/metrics');
  return { rss_mib: rssMiB(cp.proc.pid), heap_mib: round(sumSeries(text, /^nodejs_heap_size_used_bytes$/) / 2 ** 20) };
}

/** Total time the control plane spent in full rebuilds so far, in ms. */
export async function rebuildMs(cp: RunningControlPlane): Promise<number> {
  const text = await cp.debug('/metrics');
  let total = 0;
  for (const line of text.split('\n')) if (line.startsWith('attache_rebuild_duration_seconds_sum')) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  return total * 1000;
}

/**
 * Envoy's time applying configuration so far, in ms: the sums of its `update_duration`
 * histograms for LDS, CDS, EDS and every RDS route configuration. Envoy records each
 * update's duration there (whole milliseconds); the difference across one change is Envoy's
 * share of that change's propagation.
 */
export async function envoyApplyMs(envoy: RunningEnvoy): Promise<number> {
  const text = await envoy.admin('/stats/prometheus?filter=update_duration');
  return sumSeries(text, /update_duration_sum$/);
}
