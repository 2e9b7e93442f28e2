/**
 * The report: the machine it ran on, every reading, and the targets checked against them;
 * and the same as a table for people (printed, and pasted into the README's "Benchmarks").
 */
import { execFileSync } from 'child_process';
import * as os from 'os';
import { ENVOY_BIN } from '../test/harness/envoy';
import type { ChurnReading } from './churn-scenario';
import type { CyclesReading } from './cycles-scenario';
import type { RoutesReading } from './routes-scenario';
import type { Quantiles } from './stats';
import type { ThroughputReading } from './throughput';

export interface Machine {
  cores: number;
  cpu_model: string;
  memory_gib: number;
  os: string;
  node_version: string;
  /** 1/5/15-minute load averages when the run started and ended: other work on the machine skews every number. */
  load_average_start: number[];
  load_average_end?: number[];
  note?: string;
}

export interface Target {
  what: string;
  limit: string;
  actual: string;
  met: boolean;
}

export interface BenchReport {
  started_at: string;
  duration_s: number;
  machine: Machine;
  envoy_version: string;
  routes: RoutesReading[];
  endpoint_churn_ms?: Quantiles;
  endpoints_total?: number;
  churn_failed_rpcs?: number;
  churn_total_rpcs?: number;
  churn?: ChurnReading;
  memory_growth_pct?: number;
  cycles?: CyclesReading;
  throughput?: ThroughputReading;
  targets: Target[];
}

export function describeMachine(note?: string): Machine {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu_model: cpus[0]?.model.trim() ?? 'unknown',
    memory_gib: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node_version: process.version,
    load_average_start: os.loadavg().map((l) => Math.round(l * 100) / 100),
    note,
  };
}

export function envoyVersion(): string {
  const out = execFileSync(ENVOY_BIN, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  // `envoy  version: <sha>/1.40.0/Clean/RELEASE/BoringSSL` → `1.40.0 (<sha>)`
  const full = /version:\s*(\S+)/.exec(out)?.[1] ?? out.trim();
  const [sha, release] = full.split('/');
  return release ? `${release} (${sha})` : full;
}

/** The issue's targets, checked on whatever the run measured. */
export function checkTargets(r: BenchReport): Target[] {
  const out: Target[] = [];
  const at = (n: number): RoutesReading | undefined => r.routes.find((x) => x.n === n);
  const add = (what: string, limit: number, actual: number | undefined, unit: string): void => {
    if (actual === undefined || Number.isNaN(actual)) return;
    out.push({ what, limit: `≤ ${limit} ${unit}`, actual: `${actual} ${unit}`, met: actual <= limit });
  };
  add('translate + encode, 1,000 routes', 50, at(1000)?.translate_encode_ms, 'ms');
  add('control-plane RSS, 1,000 routes', 100, at(1000)?.rss_mib, 'MiB');
  add('propagation p99, 1,000 routes', 100, at(1000)?.propagation_ms.p99, 'ms');
  add('propagation p99, 5,000 routes', 1000, at(5000)?.propagation_ms.p99, 'ms');
  add('failed RPCs during churn', 0, r.churn_failed_rpcs, 'RPCs');
  add('memory (heap after GC) growth across cycles', 10, r.memory_growth_pct, '%');
  return out;
}

function table(header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row: string[]): string => `| ${row.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

/** Markdown: per-N table, the scenario lines, then the targets. */
export function summary(r: BenchReport): string {
  const m = r.machine;
  const parts = [
    `Machine: ${m.cores} cores (${m.cpu_model}), ${m.memory_gib} GiB, ${m.os}; Node ${m.node_version}, Envoy ${r.envoy_version}; load average at start ${m.load_average_start.join(' / ')}${m.note ? `; ${m.note}` : ''}`,
    '',
    table(
      [
        'routes',
        'translate+encode ms',
        'snapshot bytes',
        'RSS MiB',
        'heap MiB',
        'propagation p50 / p99 ms',
        'Envoy apply p50 / p99 ms',
        'our rebuild p50 / p99 ms',
        'first changes after start ms',
      ],
      r.routes.map((x) => [
        x.n,
        x.translate_encode_ms,
        x.snapshot_bytes,
        x.rss_mib,
        x.heap_mib,
        `${x.propagation_ms.p50} / ${x.propagation_ms.p99}`,
        `${x.envoy_apply_ms.p50} / ${x.envoy_apply_ms.p99}`,
        `${x.control_plane_rebuild_ms.p50} / ${x.control_plane_rebuild_ms.p99}`,
        (x.first_changes_ms ?? []).join(', '),
      ]),
    ),
    '',
  ];
  if (r.endpoint_churn_ms)
    parts.push(
      `- Endpoint churn (EndpointSlice written → first RPC on the new endpoint, ${r.endpoints_total} endpoints): p50 ${r.endpoint_churn_ms.p50} ms, p99 ${r.endpoint_churn_ms.p99} ms`,
    );
  if (r.churn) {
    parts.push(
      `- Churn under load (routes one file at a time: ${r.churn.added_ms.samples} added, ${r.churn.changed_ms.samples} changed, ${r.churn.removed_ms.samples} removed, in ${r.churn.seconds} s${r.churn.completed ? '' : '; a phase was cut short by its time budget'}): ${r.churn.load.failures} failed of ${r.churn.load.calls} RPCs; ` +
        `added p50/p99 ${r.churn.added_ms.p50}/${r.churn.added_ms.p99} ms, changed ${r.churn.changed_ms.p50}/${r.churn.changed_ms.p99} ms, removed ${r.churn.removed_ms.p50}/${r.churn.removed_ms.p99} ms`,
    );
  }
  if (r.cycles) {
    const c = r.cycles;
    parts.push(
      `- Memory after ${c.cycles.length} cycles of 0 → ${c.routes} → 0 routes: RSS ${c.cycles.map((x) => x.rss_mib).join(' → ')} MiB (${c.rss_growth_pct} %), heap ${c.cycles.map((x) => x.heap_mib).join(' → ')} MiB (${c.heap_growth_pct} %)`,
    );
  }
  if (r.throughput) {
    const t = r.throughput;
    parts.push(
      `- Throughput (ghz, ${t.concurrency} concurrent, ${t.seconds} s each): via Envoy ${t.via_envoy_rps} RPS (p99 ${t.via_envoy_p99_ms} ms), direct ${t.direct_rps} RPS (p99 ${t.direct_p99_ms} ms); ` +
        `calls not OK: ${t.via_envoy_errors} / ${t.direct_errors}`,
    );
  }
  parts.push(
    '',
    table(
      ['target', 'limit', 'measured', 'met'],
      r.targets.map((t) => [t.what, t.limit, t.actual, t.met ? 'yes' : 'NO']),
    ),
  );
  return parts.join('\n');
}
