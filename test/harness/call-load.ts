/**
 * Continuous gRPC load while configuration changes, whatever client makes the calls: a bounded
 * set of loops, most on one shared connection (as a long-lived client would hold), one opening a
 * fresh connection per call (which catches listeners being drained or rebuilt), a short pause
 * after each call. Every call that does not end OK is a failure, counted and sampled for the
 * report. The e2e tests' `Load` (echo client) and the benchmark's `RawLoad` (raw client) differ
 * only in how one call is made and named.
 *
 * Targets can be added and removed while the load runs (a route joins once it answered, and
 * leaves before it is deleted on purpose); with none, the loops wait.
 */
import * as grpc from '@grpc/grpc-js';
import { sleep } from './wait';

export interface CallLoadOptions {
  /** Loops on the shared connection (default 3). */
  shared?: number;
  /** Loops opening a connection per call (default 1). */
  fresh?: number;
  /** Pause after each call, per loop: keeps Envoy, the control plane and the client on 2 cores (default 2 ms). */
  pauseMs?: number;
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

/** What a load needs to know of one call's outcome. */
export interface CallOutcome {
  code: grpc.status;
  details?: string;
}

const MAX_SAMPLES = 10;

export abstract class CallLoad<T> {
  protected readonly targets: T[] = [];
  private readonly byCode: Record<string, number> = {};
  private readonly samples: string[] = [];
  private calls = 0;
  private failures = 0;
  private next = 0;
  private running = false;
  private loops: Array<Promise<void>> = [];
  private startedAt = 0;

  constructor(private readonly loadOptions: CallLoadOptions = {}) {}

  /** One call to `target`, on the shared connection or a fresh one. */
  protected abstract call(target: T, fresh: boolean): Promise<CallOutcome>;

  /** How a failure sample names the target (its authority and path). */
  protected abstract describe(target: T): string;

  add(...targets: T[]): this {
    this.targets.push(...targets);
    return this;
  }

  /** Stops sending to the targets `matches` selects (before deleting them on purpose). */
  protected removeWhere(matches: (target: T) => boolean): void {
    for (let i = this.targets.length - 1; i >= 0; i--) if (matches(this.targets[i])) this.targets.splice(i, 1);
  }

  start(): this {
    this.running = true;
    this.startedAt = performance.now();
    const shared = this.loadOptions.shared ?? 3;
    const fresh = this.loadOptions.fresh ?? 1;
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
    if (this.calls < target) throw new Error(`load: ${n} calls did not complete within 10 s`);
  }

  /** Stops every loop (each finishes its call in flight) and returns the final counts. */
  async stop(): Promise<LoadReport> {
    this.running = false;
    await Promise.all(this.loops);
    return this.report();
  }

  private async loop(fresh: boolean): Promise<void> {
    while (this.running) {
      if (this.targets.length === 0) {
        await sleep(5);
        continue;
      }
      const t = this.targets[this.next++ % this.targets.length];
      const r = await this.call(t, fresh);
      const code = grpc.status[r.code] ?? String(r.code);
      this.calls++;
      this.byCode[code] = (this.byCode[code] ?? 0) + 1;
      if (r.code !== grpc.status.OK) {
        this.failures++;
        const at = Math.round(performance.now() - this.startedAt);
        if (this.samples.length < MAX_SAMPLES) this.samples.push(`+${at} ms ${this.describe(t)} ${fresh ? 'fresh' : 'shared'}: ${code} ${r.details ?? ''}`);
      }
      await sleep(this.loadOptions.pauseMs ?? 2);
    }
  }
}
