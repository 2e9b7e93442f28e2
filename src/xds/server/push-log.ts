/**
 * One log line per push. A push is everything one `advance` of a stream writes (xds/server
 * stream.ts): often several types at once (clusters, then their endpoints), which an operator
 * wants to read as one event — which proxy, which types, how many resources of each, how many
 * removed, how many bytes, how long — rather than as one line per response. The per-response
 * detail (versions, nonces) stays at debug level.
 */
import type { Logger } from 'pino';

interface Response {
  type: string;
  count: number;
  removed: number;
  bytes: number;
}

export class PushLog {
  private responses: Response[] = [];

  constructor(private readonly log: Logger) {}

  /** A response was written as part of the current push. */
  add(response: Response): void {
    this.responses.push(response);
  }

  /** Ends the current push: logs it if anything was written. */
  flush(who: { node?: string; gateway?: string }, durationMs: number): void {
    const responses = this.responses;
    this.responses = [];
    if (responses.length === 0) return;
    const resources: Record<string, number> = {};
    const removed: Record<string, number> = {};
    for (const r of responses) {
      resources[r.type] = (resources[r.type] ?? 0) + r.count;
      if (r.removed > 0) removed[r.type] = (removed[r.type] ?? 0) + r.removed;
    }
    this.log.info(
      {
        ...who,
        types: [...new Set(responses.map((r) => r.type))],
        resources,
        ...(Object.keys(removed).length > 0 ? { removed } : {}),
        bytes: responses.reduce((sum, r) => sum + r.bytes, 0),
        durationMs: Math.round(durationMs * 100) / 100,
      },
      'xDS push',
    );
  }
}
