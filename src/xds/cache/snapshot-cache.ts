/**
 * The last good snapshot per node key, and the interface the xDS server reads it through.
 *
 * The server depends only on `ConfigWatcher` (declared here, implemented here), never on how
 * snapshots are made — the same split as go-control-plane's `pkg/cache` / `pkg/server`. Unlike
 * go-control-plane, `setSnapshot` always runs the consistency check and refuses an inconsistent
 * snapshot, keeping the previous one: serving a Listener whose RouteConfiguration is missing
 * would leave Envoy warming, which is worse than serving slightly old configuration.
 *
 * Per-proxy snapshots: a proxy that rejected something is served its own snapshot (the shared
 * one with what it rejected held at the version it last accepted), so one proxy's NACK never
 * changes what any other proxy of the same key is served. A proxy is one xDS stream, named by
 * the server's stream id: a node id is client-chosen, and a rogue client could claim another
 * proxy's. Proxies without an own snapshot read the key's shared one.
 *
 * No I/O and no clock: the cache is driven entirely by its callers.
 */
import type { Node__Output } from '../../generated/envoy/config/core/v3/Node';
import { checkConsistency } from './consistency';
import { nodeKeyFromCluster, type NodeKey } from './node-key';
import type { Snapshot } from './snapshot';

export { nodeKeyFromCluster, type NodeKey } from './node-key';

/** Called with the new snapshot each time the watched key's snapshot changes. Must not throw. */
export type SnapshotListener = (snapshot: Snapshot) => void;

/** One proxy: the id of its xDS stream (unique per server process). */
export type ProxyId = number;

/** What the xDS server needs from a cache. */
export interface ConfigWatcher {
  /** The snapshot key for a node; see `NodeKey`. */
  nodeKey(node: Node__Output): string;
  /**
   * The current snapshot for a key as `proxy` is to be served it (its own, else the key's
   * shared one), or undefined if none was ever set (requests then wait).
   */
  getSnapshot(key: string, proxy?: ProxyId): Snapshot | undefined;
  /**
   * Registers `listener` for later changes of what `proxy` is served under `key` (not called
   * for the current one; read that with `getSnapshot`). Returns the function that unregisters it.
   */
  watch(key: string, listener: SnapshotListener, proxy?: ProxyId): () => void;
}

export type SetSnapshotResult = { ok: true } | { ok: false; errors: string[] };

export interface SnapshotCacheOptions {
  /** Defaults to `nodeKeyFromCluster`. */
  nodeKey?: NodeKey;
}

export class SnapshotCache implements ConfigWatcher {
  private readonly snapshots = new Map<string, Snapshot>();
  /** Per key, the proxies served a snapshot of their own. */
  private readonly proxySnapshots = new Map<string, Map<ProxyId, Snapshot>>();
  /** Per key, each listener with the proxy it watches for (undefined: the shared snapshot). */
  private readonly listeners = new Map<string, Map<SnapshotListener, ProxyId | undefined>>();
  private readonly nodeKeyFn: NodeKey;

  constructor(options: SnapshotCacheOptions = {}) {
    this.nodeKeyFn = options.nodeKey ?? nodeKeyFromCluster;
  }

  nodeKey(node: Node__Output): string {
    return this.nodeKeyFn(node);
  }

  /**
   * Stores `snapshot` for `key` if it is consistent and tells the key's watchers. An
   * inconsistent snapshot is refused with its errors and the previous one stays in place.
   * A snapshot with the same content as the current one is accepted without waking anyone.
   * Kept even while no proxy of that key is connected, for when one connects.
   */
  setSnapshot(key: string, snapshot: Snapshot): SetSnapshotResult {
    const errors = checkConsistency(snapshot);
    if (errors.length > 0) return { ok: false, errors };
    const previous = this.snapshots.get(key);
    this.snapshots.set(key, snapshot);
    if (previous?.sameContentAs(snapshot)) return { ok: true };
    const own = this.proxySnapshots.get(key);
    // Copy: a listener may unwatch (its stream closing) while we iterate.
    for (const [listener, proxy] of [...(this.listeners.get(key) ?? [])]) {
      // A proxy served its own snapshot is told when that one changes (setProxySnapshot).
      if (proxy === undefined || !own?.has(proxy)) listener(snapshot);
    }
    return { ok: true };
  }

  /**
   * Serves `proxy` its own snapshot under `key` (undefined: the shared one again) and tells its
   * watchers if what it is served changed. Refused like `setSnapshot` when inconsistent.
   */
  setProxySnapshot(key: string, proxy: ProxyId, snapshot: Snapshot | undefined): SetSnapshotResult {
    if (snapshot) {
      const errors = checkConsistency(snapshot);
      if (errors.length > 0) return { ok: false, errors };
    }
    const before = this.getSnapshot(key, proxy);
    const own = this.proxySnapshots.get(key) ?? new Map<ProxyId, Snapshot>();
    if (snapshot) own.set(proxy, snapshot);
    else own.delete(proxy);
    if (own.size > 0) this.proxySnapshots.set(key, own);
    else this.proxySnapshots.delete(key);
    const after = this.getSnapshot(key, proxy);
    if (!after || (before && before.sameContentAs(after))) return { ok: true };
    for (const [listener, watched] of [...(this.listeners.get(key) ?? [])]) if (watched === proxy) listener(after);
    return { ok: true };
  }

  /** The proxies of `key` served a snapshot of their own. */
  proxiesWithOwnSnapshot(key: string): ProxyId[] {
    return [...(this.proxySnapshots.get(key)?.keys() ?? [])];
  }

  getSnapshot(key: string, proxy?: ProxyId): Snapshot | undefined {
    return (proxy !== undefined ? this.proxySnapshots.get(key)?.get(proxy) : undefined) ?? this.snapshots.get(key);
  }

  /**
   * Forgets the key's snapshot (e.g. its Gateway was deleted). Connected streams keep what
   * they have and new requests wait; nothing is pushed, since an empty configuration would
   * tear down every listener of a proxy that may still be draining.
   */
  clear(key: string): void {
    this.snapshots.delete(key);
    this.proxySnapshots.delete(key);
  }

  /** Keys that currently have a snapshot, sorted (for debug output). */
  keys(): string[] {
    return [...this.snapshots.keys()].sort();
  }

  watch(key: string, listener: SnapshotListener, proxy?: ProxyId): () => void {
    let set = this.listeners.get(key);
    if (!set) {
      set = new Map<SnapshotListener, ProxyId | undefined>();
      this.listeners.set(key, set);
    }
    set.set(listener, proxy);
    return () => {
      const current = this.listeners.get(key);
      current?.delete(listener);
      if (current?.size === 0) this.listeners.delete(key);
    };
  }
}
