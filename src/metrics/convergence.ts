/**
 * Convergence time: from the moment a source saw a change (a file event, an informer event, a
 * proxy's NACK) until every connected proxy of the Gateway it changed has ACKed what it was sent
 * because of it. This is the number an operator cares about ("how long until Envoy has it?"),
 * which neither the rebuild duration nor the push duration tells.
 *
 * How it is measured, from the xDS server callbacks and the reconciler:
 *  - the reconciler wraps each `setSnapshot(key)` in `begin(key, seenAt)` … `end()`; the cache
 *    pushes to the watching streams synchronously inside it, so pushes seen in between belong
 *    to the change. A change that pushed nothing (same content, or no proxy connected) is not
 *    measured: nothing had to converge.
 *  - every push leaves its nonce outstanding on its stream and type until an ACK of that nonce
 *    or a later one of the same type (a client answers in order). A NACK settles nothing: the
 *    proxy did not take the change; the rebuild that follows a NACK pushes again, and the ACK of
 *    that push settles both.
 *  - when no stream of the Gateway has anything outstanding, every change pending on it has
 *    converged and is observed. A stream that closes stops counting.
 *
 * Pure bookkeeping with an injected clock (milliseconds), so it is tested without timing.
 */
import type { AckEvent, NodeStreamEvent, PushEvent, StreamClosedEvent, XdsCallbacks } from '../xds/server/callbacks';
import type { TypeUrl } from '../xds/resources';

/** Changes waiting per Gateway, at most: a proxy that never answers must not grow this forever. */
const MAX_PENDING_PER_GATEWAY = 64;

export type ConvergenceObserver = (seconds: number, path: string) => void;

interface StreamState {
  key: string;
  /** Per type, nonces pushed and not yet ACKed. */
  outstanding: Map<TypeUrl, Set<number>>;
}

interface Change {
  seenAt: number;
  path: string;
}

export class ConvergenceTracker {
  private readonly streams = new Map<number, StreamState>();
  private readonly pending = new Map<string, Change[]>();
  private open: (Change & { key: string; pushed: boolean }) | undefined;

  constructor(
    private readonly observe: ConvergenceObserver,
    private readonly now: () => number = Date.now,
  ) {}

  /** A snapshot for `key` is about to be set because of a change seen at `seenAt` (same clock as `now`). */
  begin(key: string, seenAt: number, path: string): void {
    this.open = { key, seenAt, path, pushed: false };
  }

  /** The snapshot is set; the pushes it caused, if any, have been written. */
  end(): void {
    const open = this.open;
    this.open = undefined;
    if (!open?.pushed) return;
    const list = this.pending.get(open.key) ?? [];
    list.push({ seenAt: open.seenAt, path: open.path });
    if (list.length > MAX_PENDING_PER_GATEWAY) list.shift();
    this.pending.set(open.key, list);
  }

  /** How many changes wait for proxies to ACK, per Gateway (for tests and debugging). */
  pendingCount(key: string): number {
    return this.pending.get(key)?.length ?? 0;
  }

  /** No onNack: a NACK settles nothing (see above). */
  callbacks(): XdsCallbacks {
    return {
      onStreamIdentified: (e) => this.identified(e),
      onPush: (e) => this.pushed(e),
      onAck: (e) => this.acked(e),
      onStreamClosed: (e) => this.closed(e),
    };
  }

  private identified(e: NodeStreamEvent): void {
    this.streams.set(e.streamId, { key: e.key, outstanding: new Map() });
  }

  private pushed(e: PushEvent): void {
    const stream = this.streams.get(e.streamId);
    if (!stream) return;
    const nonces = stream.outstanding.get(e.typeUrl) ?? new Set<number>();
    nonces.add(Number(e.nonce));
    stream.outstanding.set(e.typeUrl, nonces);
    if (this.open && this.open.key === e.key) this.open.pushed = true;
  }

  private acked(e: AckEvent): void {
    const stream = this.streams.get(e.streamId);
    const nonces = stream?.outstanding.get(e.typeUrl);
    if (!stream || !nonces) return;
    const acked = Number(e.nonce);
    for (const n of nonces) if (n <= acked) nonces.delete(n);
    if (nonces.size === 0) stream.outstanding.delete(e.typeUrl);
    this.settle(stream.key);
  }

  private closed(e: StreamClosedEvent): void {
    const stream = this.streams.get(e.streamId);
    this.streams.delete(e.streamId);
    if (stream) this.settle(stream.key);
  }

  private settle(key: string): void {
    const changes = this.pending.get(key);
    if (!changes || changes.length === 0) return;
    for (const s of this.streams.values()) if (s.key === key && s.outstanding.size > 0) return;
    this.pending.delete(key);
    const now = this.now();
    for (const c of changes) this.observe(Math.max(0, now - c.seenAt) / 1000, c.path);
  }
}
