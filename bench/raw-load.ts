/**
 * Continuous gRPC load through Envoy for the churn scenario, on the raw client (raw-grpc.ts): the
 * loops of `CallLoad` (test/harness/call-load.ts, as the xds-under-load tests' Load), over routes
 * that join once they answered and leave before they are deleted. Every call that does not end
 * OK is a failure and counted.
 */
import { CallLoad, type CallLoadOptions, type CallOutcome, type LoadReport } from '../test/harness/call-load';
import { callFresh, RawClient } from './raw-grpc';

export interface RawTarget {
  path: string;
  host: string;
}

export type RawLoadReport = LoadReport;

export class RawLoad extends CallLoad<RawTarget> {
  private readonly shared: RawClient;

  constructor(
    private readonly target: string,
    options: CallLoadOptions = {},
  ) {
    super(options);
    this.shared = new RawClient(target);
  }

  /** Stops sending to a route (before its file is deleted on purpose). */
  remove(path: string): void {
    this.removeWhere((t) => t.path === path);
  }

  override async stop(): Promise<RawLoadReport> {
    const report = await super.stop();
    this.shared.close();
    return report;
  }

  // A slow call on a loaded machine is not a dropped one: a generous deadline.
  protected call(t: RawTarget, fresh: boolean): Promise<CallOutcome> {
    return fresh ? callFresh(this.target, t.path, t.host, 10_000) : this.shared.call(t.path, t.host, 10_000);
  }

  protected describe(t: RawTarget): string {
    return `${t.host}${t.path}`;
  }
}
