/**
 * Continuous gRPC load through Envoy while configuration changes: a bounded set of client
 * loops, most on one shared connection (as a long-lived client would hold), one opening a
 * fresh connection per call (which catches listeners being drained or rebuilt). Every call
 * that does not end OK is a failure and is kept for the report; tests assert there are none.
 *
 * Targets can be added while the load runs (a route joins once it answered), so each route is
 * exercised from the moment it works until the end.
 */
import * as grpc from '@grpc/grpc-js';
import { callEcho, sleep, type EchoMethod } from '../harness';

export interface LoadTarget {
  authority: string;
  method?: EchoMethod;
}

export interface LoadOptions {
  /** Loops on the shared connection (default 3). */
  shared?: number;
  /** Loops opening a connection per call (default 1). */
  fresh?: number;
  /** Pause after each call, per loop: keeps Envoy, the control plane and the test on 2 cores (default 2 ms). */
  pauseMs?: number;
  /** Per-call deadline (default 10 s: a slow call on a loaded machine is not a dropped one). */
  timeoutMs?: number;
}

export interface LoadReport {
  calls: number;
  failures: number;
  /** Calls per status name (`OK`, `UNAVAILABLE`, ...). */
  byCode: Record<string, number>;
  /** The first failures: when (ms since start), which route, what. */
  samples: string[];
  seconds: number;
}

const MAX_SAMPLES = 10;

/** Loads still running: a test that fails before `stop()` must not leave its loops calling forever. */
const running = new Set<Load>();
if (typeof afterEach === 'function') {
  afterEach(async () => {
    await Promise.all([...running].map((load) => load.stop()));
  });
}

export class Load {
  private readonly targets: LoadTarget[] = [];
  private readonly byCode: Record<string, number> = {};
  private readonly samples: string[] = [];
  private calls = 0;
  private failures = 0;
  private next = 0;
  private running = false;
  private loops: Array<Promise<void>> = [];
  private startedAt = 0;

  constructor(
    private readonly target: string,
    private readonly options: LoadOptions = {},
  ) {}

  add(...targets: LoadTarget[]): this {
    this.targets.push(...targets);
    return this;
  }

  /** Stops sending to a route (before deleting it on purpose). */
  removeAuthority(authority: string): void {
    for (let i = this.targets.length - 1; i >= 0; i--) if (this.targets[i].authority === authority) this.targets.splice(i, 1);
  }

  start(): this {
    if (this.targets.length === 0) throw new Error('Load.start: no targets');
    this.running = true;
    running.add(this);
    this.startedAt = performance.now();
    const shared = this.options.shared ?? 3;
    const fresh = this.options.fresh ?? 1;
    this.loops = [...Array.from({ length: shared }, () => this.loop(false)), ...Array.from({ length: fresh }, () => this.loop(true))];
    return this;
  }

  /** The counts so far (the load keeps running). */
  report(): LoadReport {
    return {
      calls: this.calls,
      failures: this.failures,
      byCode: { ...this.byCode },
      samples: [...this.samples],
      seconds: Math.round((performance.now() - this.startedAt) / 100) / 10,
    };
  }

  /** Resolves once `n` more calls have completed (bounded: 10 s), so a change is exercised for a while. */
  async settle(n: number): Promise<void> {
    const target = this.calls + n;
    const deadline = Date.now() + 10_000;
    while (this.calls < target && Date.now() < deadline) await sleep(5);
    if (this.calls < target) throw new Error(`Load.settle: ${n} calls did not complete within 10 s`);
  }

  /** Stops every loop (each finishes its call in flight) and returns the final counts. */
  async stop(): Promise<LoadReport> {
    this.running = false;
    running.delete(this);
    await Promise.all(this.loops);
    return this.report();
  }

  private async loop(fresh: boolean): Promise<void> {
    while (this.running) {
      const t = this.targets[this.next++ % this.targets.length];
      const r = await callEcho({ target: this.target, authority: t.authority, method: t.method, freshConnection: fresh, timeoutMs: this.options.timeoutMs ?? 10_000 });
      const code = grpc.status[r.code] ?? String(r.code);
      this.calls++;
      this.byCode[code] = (this.byCode[code] ?? 0) + 1;
      if (r.code !== grpc.status.OK) {
        this.failures++;
        const at = Math.round(performance.now() - this.startedAt);
        if (this.samples.length < MAX_SAMPLES) this.samples.push(`+${at} ms ${t.authority} ${fresh ? 'fresh' : 'shared'}: ${code} ${r.details ?? ''}`);
      }
      await sleep(this.options.pauseMs ?? 2);
    }
  }
}

/** One line for the test log: `label: N RPCs, F failed (OK: n, ...) in S s`. */
export function printReport(label: string, r: LoadReport): void {
  const codes = Object.entries(r.byCode).map(([c, n]) => `${c}: ${n}`).join(', ');
  const samples = r.samples.length > 0 ? `\n  ${r.samples.join('\n  ')}` : '';
  process.stdout.write(`${label}: ${r.calls} RPCs, ${r.failures} failed (${codes}) in ${r.seconds} s${samples}\n`);
}

/** Percentile of a list of numbers (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
