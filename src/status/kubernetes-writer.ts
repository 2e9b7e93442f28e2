/**
 * Kubernetes mode's status write-back, through the `/status` subresource.
 *
 *  - After each rebuild, `update(entries)` compares what translation computed with the objects as
 *    the watch shows them (status-merge.ts: ours only, ignoring lastTransitionTime) and queues
 *    the objects that differ. A queued object is written once, with its latest wish: a newer
 *    rebuild replaces the queued wish instead of adding a write, and an object is never written
 *    by two workers at once. So: at most one write per object per change.
 *  - Writes run `concurrency` at a time (a burst of 1,000 routes is a batch, not 1,000 requests in
 *    flight) with the resourceVersion the status was computed against. A conflict (409) re-reads
 *    the object, merges our entries into the fresh status again (other controllers' route parents
 *    are kept) and retries, up to `maxAttempts`. Other failures retry after `retryDelayMs`.
 *  - Until the watch shows our own write (same resourceVersion), the wish we wrote stands in for
 *    the stale view, so the echo of a write is not mistaken for a change, and A→B→A is not lost.
 *    A status edited by someone else is corrected at the next change, not at once.
 */
import type { Logger } from 'pino';
import { type Condition } from '../apis/meta';
import { type GatewayStatusEntry, type StatusEntry } from '../gatewayapi/status';
import { storeKey } from '../store/store';
import { hasOurParents, type LiveObject, SHARED_STATUS_KINDS, statusToWrite, wishOf } from './status-merge';

/** What the writer needs from the API server (implemented by sources/kubernetes/kube-client.ts). */
export interface StatusApi {
  /** The object now, from the API server; undefined when it no longer exists. */
  read(kind: string, namespace: string | undefined, name: string): Promise<LiveObject | undefined>;
  /** PUTs `object` to its `/status` subresource; rejects with `{ status: 409 }` on a conflict, `{ status: 404 }` when gone. */
  replaceStatus(object: LiveObject): Promise<LiveObject>;
}

export interface StatusWriterOptions {
  controllerName: string;
  api: StatusApi;
  /** The object as the watch last delivered it (source's observed view). */
  observed(kind: string, namespace: string | undefined, name: string): LiveObject | undefined;
  observedAll(kind: string): LiveObject[];
  log: Logger;
  /** Told of every write attempt's outcome (the `attache_status_writes_total` metric). */
  onWrite?(kind: string, result: 'written' | 'conflict' | 'failed'): void;
  concurrency?: number;
  maxAttempts?: number;
  retryDelayMs?: number;
}

export interface StatusWriteCounters {
  /** Successful status writes since start, and per kind. */
  writes: number;
  writesByKind: Record<string, number>;
  conflicts: number;
  failures: number;
  queued: number;
  inFlight: number;
}

const PROGRAMMED = 'Programmed';

interface Ref {
  kind: string;
  namespace?: string;
  name: string;
}

interface Wish {
  ref: Ref;
  entry: StatusEntry | undefined;
  failures: number;
}

export class KubernetesStatusWriter {
  private readonly queue = new Map<string, Wish>();
  private readonly inFlight = new Set<string>();
  /**
   * Per object, our last write: its wish, the object's uid, and the resourceVersion it produced
   * (undefined while in flight). The uid tells a re-created object of the same name (the
   * conformance suite deletes a route and creates another under its name) from the one written.
   */
  private readonly written = new Map<string, { wish: string; uid?: string; resourceVersion?: string }>();
  private readonly counts = { writes: 0, conflicts: 0, failures: 0 };
  private readonly writesByKind: Record<string, number> = {};
  private retryTimers = new Set<NodeJS.Timeout>();
  private idleWaiters: Array<() => void> = [];
  private readonly concurrency: number;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;

  constructor(private readonly o: StatusWriterOptions) {
    this.concurrency = o.concurrency ?? 8;
    this.maxAttempts = o.maxAttempts ?? 5;
    this.retryDelayMs = o.retryDelayMs ?? 1000;
  }

  /** Queues every object whose status differs from what translation computed. */
  update(entries: readonly StatusEntry[]): void {
    const seen = new Set<string>();
    for (const e of entries) {
      const key = storeKey(e.kind, e.namespace, e.name);
      seen.add(key);
      const entry = e.kind === 'Gateway' && e.awaitingProxies ? withLiveProgrammed(e, this.o.observed(e.kind, e.namespace, e.name)) : e;
      this.consider(key, { kind: e.kind, namespace: e.namespace, name: e.name }, entry);
    }
    // Routes that no longer reach any of our Gateways, policies no longer ours: withdraw our entries.
    for (const kind of SHARED_STATUS_KINDS) {
      for (const live of this.o.observedAll(kind)) {
        const key = storeKey(kind, live.metadata.namespace, live.metadata.name);
        if (!seen.has(key) && hasOurParents(live, this.o.controllerName)) {
          this.consider(key, { kind, namespace: live.metadata.namespace, name: live.metadata.name }, undefined);
        }
      }
    }
    this.pump();
  }

  counters(): StatusWriteCounters {
    return { ...this.counts, writesByKind: { ...this.writesByKind }, queued: this.queue.size, inFlight: this.inFlight.size };
  }

  /** Resolves once nothing is queued, in flight or waiting for a retry (or after `timeoutMs`). */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.isIdle()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Drops queued writes and pending retries; writes in flight finish. */
  stop(): void {
    this.queue.clear();
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
  }

  /**
   * Also forgets what we wrote: after a spell as a follower, another replica may have written
   * since, so the next update compares with the objects as they are (leader election).
   */
  reset(): void {
    this.stop();
    this.written.clear();
  }

  private consider(key: string, ref: Ref, entry: StatusEntry | undefined): void {
    const live = this.o.observed(ref.kind, ref.namespace, ref.name);
    if (!live) {
      this.queue.delete(key);
      return;
    }
    let last = this.written.get(key);
    const caughtUp = last?.resourceVersion !== undefined && last.resourceVersion === live.metadata.resourceVersion;
    if (last && (caughtUp || last.uid !== live.metadata.uid)) {
      // The view has caught up with our write, or this is another object under the same name:
      // compare with the object as it is from now on.
      this.written.delete(key);
      last = undefined;
    }
    const changed = last ? last.wish !== wishOf(entry) : statusToWrite(entry, live, this.o.controllerName) !== undefined;
    if (!changed) {
      this.queue.delete(key);
      return;
    }
    const queued = this.queue.get(key);
    this.queue.set(key, { ref, entry, failures: queued?.failures ?? 0 });
  }

  private pump(): void {
    for (const [key, wish] of this.queue) {
      if (this.inFlight.size >= this.concurrency) break;
      if (this.inFlight.has(key)) continue;
      this.queue.delete(key);
      this.inFlight.add(key);
      void this.write(key, wish).finally(() => {
        this.inFlight.delete(key);
        this.pump();
        if (this.isIdle()) for (const w of this.idleWaiters.splice(0)) w();
      });
    }
  }

  private async write(key: string, wish: Wish): Promise<void> {
    const { ref, entry } = wish;
    try {
      let live = this.o.observed(ref.kind, ref.namespace, ref.name);
      // Our previous write is not in the watched view yet: that view is stale, ask the server.
      if (this.written.has(key)) live = await this.o.api.read(ref.kind, ref.namespace, ref.name);
      for (let attempt = 1; live; attempt++) {
        const status = statusToWrite(entry, live, this.o.controllerName);
        if (!status) return;
        this.written.set(key, { wish: wishOf(entry), uid: live.metadata.uid });
        try {
          const result = await this.o.api.replaceStatus({ ...live, status });
          this.counts.writes++;
          this.writesByKind[ref.kind] = (this.writesByKind[ref.kind] ?? 0) + 1;
          this.o.onWrite?.(ref.kind, 'written');
          this.written.set(key, { wish: wishOf(entry), uid: live.metadata.uid, resourceVersion: result.metadata.resourceVersion });
          return;
        } catch (e) {
          if (statusCode(e) !== 409 || attempt >= this.maxAttempts) throw e;
          this.counts.conflicts++;
          this.o.onWrite?.(ref.kind, 'conflict');
          live = await this.o.api.read(ref.kind, ref.namespace, ref.name);
        }
      }
    } catch (e) {
      this.written.delete(key);
      if (statusCode(e) === 404) return; // deleted meanwhile: nothing to report on
      this.counts.failures++;
      this.o.onWrite?.(ref.kind, 'failed');
      this.retryLater(key, wish, e as Error);
    }
  }

  private retryLater(key: string, wish: Wish, error: Error): void {
    const failures = wish.failures + 1;
    if (failures >= this.maxAttempts) {
      this.o.log.error({ object: key, err: error.message, failures }, 'status write failed; giving up until the next change');
      return;
    }
    this.o.log.warn({ object: key, err: error.message, retryInMs: this.retryDelayMs }, 'status write failed; retrying');
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      // A newer wish queued meanwhile wins; otherwise this one goes again.
      if (!this.queue.has(key)) this.queue.set(key, { ...wish, failures });
      this.pump();
    }, this.retryDelayMs * failures);
    this.retryTimers.add(timer);
  }

  private isIdle(): boolean {
    return this.queue.size === 0 && this.inFlight.size === 0 && this.retryTimers.size === 0;
  }
}

/**
 * A Gateway whose proxies may still be reconnecting to this (just started) control plane
 * (gatewayapi/programmed.ts): its `Programmed` conditions, the Gateway's and each listener's,
 * stay as the API shows them (none where it shows none); the rest is written as computed.
 */
function withLiveProgrammed(entry: GatewayStatusEntry, live: LiveObject | undefined): GatewayStatusEntry {
  type Listed = { name?: string; conditions?: Condition[] };
  const status = (live?.status ?? {}) as { conditions?: Condition[]; listeners?: Listed[] };
  const keep = (ours: readonly Condition[], theirs: readonly Condition[] | undefined): Condition[] => {
    const live = theirs?.find((c) => c.type === PROGRAMMED);
    return ours.flatMap((c) => (c.type !== PROGRAMMED ? [c] : live ? [live] : []));
  };
  const { awaitingProxies: _awaiting, ...rest } = entry;
  return {
    ...rest,
    status: {
      ...entry.status,
      conditions: keep(entry.status.conditions, status.conditions),
      listeners: entry.status.listeners.map((l) => ({ ...l, conditions: keep(l.conditions, status.listeners?.find((x) => x.name === l.name)?.conditions) })),
    },
  };
}

function statusCode(e: unknown): number | undefined {
  return typeof e === 'object' && e !== null && 'status' in e && typeof e.status === 'number' ? e.status : undefined;
}
