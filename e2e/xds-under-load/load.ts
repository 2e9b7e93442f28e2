/**
 * Continuous gRPC load through Envoy for the xds-under-load tests, on the echo client: the loops
 * of `CallLoad` (test/harness/call-load.ts). Every call that does not end OK is a failure; tests
 * assert there are none. A test that fails before `stop()` must not leave its loops calling
 * forever, so every load still running is stopped after each test.
 */
import { callEcho, type EchoMethod } from '../../test/harness';
import { CallLoad, type CallLoadOptions, type CallOutcome, type LoadReport } from '../../test/harness/call-load';

export type { LoadReport } from '../../test/harness/call-load';

export interface LoadTarget {
  authority: string;
  method?: EchoMethod;
}

export interface LoadOptions extends CallLoadOptions {
  /** Per-call deadline (default 10 s: a slow call on a loaded machine is not a dropped one). */
  timeoutMs?: number;
}

const running = new Set<Load>();
if (typeof afterEach === 'function') {
  afterEach(async () => {
    await Promise.all([...running].map((load) => load.stop()));
  });
}

export class Load extends CallLoad<LoadTarget> {
  constructor(
    private readonly target: string,
    private readonly options: LoadOptions = {},
  ) {
    super(options);
  }

  /** Stops sending to a route (before deleting it on purpose). */
  removeAuthority(authority: string): void {
    this.removeWhere((t) => t.authority === authority);
  }

  override start(): this {
    if (this.targets.length === 0) throw new Error('Load.start: no targets');
    running.add(this);
    return super.start();
  }

  override async stop(): Promise<LoadReport> {
    running.delete(this);
    return super.stop();
  }

  protected call(t: LoadTarget, fresh: boolean): Promise<CallOutcome> {
    return callEcho({ target: this.target, authority: t.authority, method: t.method, freshConnection: fresh, timeoutMs: this.options.timeoutMs ?? 10_000 });
  }

  protected describe(t: LoadTarget): string {
    return t.authority;
  }
}

/** One line for the test log: `label: N RPCs, F failed (OK: n, ...) in S s`. */
export function printReport(label: string, r: LoadReport): void {
  const codes = Object.entries(r.byCode)
    .map(([c, n]) => `${c}: ${n}`)
    .join(', ');
  const samples = r.samples.length > 0 ? `\n  ${r.samples.join('\n  ')}` : '';
  process.stdout.write(`${label}: ${r.calls} RPCs, ${r.failures} failed (${codes}) in ${r.seconds} s${samples}\n`);
}

/** Percentile of a list of numbers (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
