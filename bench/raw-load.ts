/**
 * Continuous gRPC load through Envoy for the churn scenario, on the raw client (raw-grpc.ts):
 * the same shape as the xds-under-load tests' Load (e2e/xds-under-load/load.ts: loops on one
 * shared connection, one loop opening a connection per call, a short pause after each call),
 * over routes that join once they answered and leave before they are deleted. Every call that
 * does not end OK is a failure and counted.
 */
import * as grpc from '@grpc/grpc-js';
import { sleep } from '../e2e/harness/wait';
import { callFresh, RawClient } from './raw-grpc';

export interface RawTarget {
  path: string;
  host: string;
}

export interface RawLoadReport {
  calls: number;
  failures: number;
  byCode: Record<string, number>;
  /** The first failures: when (ms since start), which route, what. */
  samples: string[];
}

const MAX_SAMPLES = 10;

export class RawLoad {
  private readonly targets: RawTarget[] = [];
  private readonly byCode: Record<string, number> = {};
  private readonly samples: string[] = [];
  private readonly shared: RawClient;
  private calls = 0;
  private failures = 0;
  private next = 0;
  private running = false;
  private loops: Array<Promise<void>> = [];
  private startedAt = 0;

  constructor(
    private readonly target: string,
    private readonly options: { shared?: number; fresh?: number; pauseMs?: number } = {},
  ) {
    this.shared = new RawClient(target);
  }

  add(target: RawTarget): void {
    this.targets.push(target);
  }

  /** Stops sending to a route (before its file is deleted on purpose). */
  remove(path: string): void {
    for (let i = this.targets.length - 1; i >= 0; i--) if (this.targets[i].path === path) this.targets.splice(i, 1);
  }

  start(): this {
    this.running = true;
    this.startedAt = performance.now();
    const loops = [...Array.from({ length: this.options.shared ?? 3 }, () => false), ...Array.from({ length: this.options.fresh ?? 1 }, () => true)];
    this.loops = loops.map((fresh) => this.loop(fresh));
    return this;
  }

  async stop(): Promise<RawLoadReport> {
    this.running = false;
    await Promise.all(this.loops);
    this.shared.close();
    return { calls: this.calls, failures: this.failures, byCode: { ...this.byCode }, samples: [...this.samples] };
  }

  private async loop(fresh: boolean): Promise<void> {
    while (this.running) {
      if (this.targets.length === 0) {
        await sleep(5);
        continue;
      }
      const t = this.targets[this.next++ % this.targets.length];
      // A slow call on a loaded machine is not a dropped one: a generous deadline.
      const r = fresh ? await callFresh(this.target, t.path, t.host, 10_000) : await this.shared.call(t.path, t.host, 10_000);
      const code = grpc.status[r.code] ?? String(r.code);
      this.calls++;
      this.byCode[code] = (this.byCode[code] ?? 0) + 1;
      if (r.code !== grpc.status.OK) {
        this.failures++;
        const at = Math.round(performance.now() - this.startedAt);
        if (this.samples.length < MAX_SAMPLES) this.samples.push(`+${at} ms ${t.host}${t.path} ${fresh ? 'fresh' : 'shared'}: ${code} ${r.details ?? ''}`);
      }
      await sleep(this.options.pauseMs ?? 2);
    }
  }
}
