/**
 * The last good snapshot per node key, and the interface the xDS server reads it through.
 *
 * The server depends only on `ConfigWatcher` (declared here, implemented here), never on how
 * snapshots are made — the same split as go-control-plane's `pkg/cache` / `pkg/server`. Unlike
 * go-control-plane, `setSnapshot` always runs the consistency check and refuses an inconsistent
 * snapshot, keeping the previous one: serving a Listener whose RouteConfiguration is missing
 * would leave Envoy warming, which is worse than serving slightly old configuration.
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

/** What the xDS server needs from a cache. */
export interface ConfigWatcher {
  /** The snapshot key for a node; see `NodeKey`. */
  nodeKey(node: Node__Output): string;
  /** The current snapshot for a key, or undefined if none was ever set (requests then wait). */
  getSnapshot(key: string): Snapshot | undefined;
  /**
   * Registers `listener` for later snapshot changes of `key` (not called for the current one;
   * read that with `getSnapshot`). Returns the function that unregisters it.
   */
  watch(key: string, listener: SnapshotListener): () => void;
}

export type SetSnapshotResult = { ok: true } | { ok: false; errors: string[] };

export interface SnapshotCacheOptions {
  /** Defaults to `nodeKeyFromCluster`. */
  nodeKey?: NodeKey;
}

export class SnapshotCache implements ConfigWatcher {
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly listeners = new Map<string, Set<SnapshotListener>>();
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
    // Copy: a listener may unwatch (its stream closing) while we iterate.
    for (const listener of [...(this.listeners.get(key) ?? [])]) listener(snapshot);
    return { ok: true };
  }

  getSnapshot(key: string): Snapshot | undefined {
    return this.snapshots.get(key);
  }

  /**
   * Forgets the key's snapshot (e.g. its Gateway was deleted). Connected streams keep what
   * they have and new requests wait; nothing is pushed, since an empty configuration would
   * tear down every listener of a proxy that may still be draining.
   */
  clear(key: string): void {
    this.snapshots.delete(key);
  }

  /** Keys that currently have a snapshot, sorted (for debug output). */
  keys(): string[] {
    return [...this.snapshots.keys()].sort();
  }

  watch(key: string, listener: SnapshotListener): () => void {
    let set = this.listeners.get(key);
    if (!set) {
      set = new Set<SnapshotListener>();
      this.listeners.set(key, set);
    }
    set.add(listener);
    return () => {
      const current = this.listeners.get(key);
      current?.delete(listener);
      if (current?.size === 0) this.listeners.delete(key);
    };
  }
}
