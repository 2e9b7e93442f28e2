/**
 * A typed in-memory index of the objects a source has delivered, keyed by kind/namespace/name.
 * `apply` reports whether anything changed, so callers rebuild only when needed (Contour's
 * `KubernetesCache.Insert`). Objects are never mutated; a namespaced object that enters without
 * a namespace is stored as a copy in `default`, so every namespaced object the store hands out
 * has one (the types of Resources say so).
 */
import { type KubernetesObject, namespacedName } from '../apis/meta';
import { groupByKind, isSupportedKind, namespaceOf, type Resources, withNamespace } from './resources';

export type StoreChange = { op: 'upsert'; object: KubernetesObject } | { op: 'delete'; kind: string; namespace?: string; name: string };

/** `Kind/namespace/name` (`Kind//name` for a cluster-scoped kind): an object's identity across kinds. */
export function storeKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespacedName(namespaceOf(kind, namespace) ?? '', name)}`;
}

export class Store {
  private readonly objects = new Map<string, { object: KubernetesObject; fingerprint: string }>();
  private cached: Resources | undefined;
  /** Kinds changed since the last `takeChangedKinds`: lets the reconciler pick a cheaper rebuild. */
  private changedKinds = new Set<string>();

  /** Applies changes; returns true when the stored content differs afterwards. */
  apply(changes: Iterable<StoreChange>): boolean {
    let changed = false;
    for (const change of changes) {
      const kind = change.op === 'upsert' ? change.object.kind : change.kind;
      const one = change.op === 'upsert' ? this.upsert(change.object) : this.remove(change);
      if (one) this.changedKinds.add(kind);
      changed = one || changed;
    }
    if (changed) this.cached = undefined;
    return changed;
  }

  /** The kinds whose objects changed since the previous call (e.g. only `EndpointSlice`), and resets them. */
  takeChangedKinds(): ReadonlySet<string> {
    const kinds = this.changedKinds;
    this.changedKinds = new Set<string>();
    return kinds;
  }

  /** Makes the store hold exactly `objects` (what a full reload of a source produced). */
  replaceAll(objects: Iterable<KubernetesObject>): boolean {
    const wanted = new Map<string, KubernetesObject>();
    for (const o of objects) wanted.set(storeKey(o.kind, o.metadata.namespace, o.metadata.name), o);
    const changes: StoreChange[] = [];
    for (const [key, { object }] of this.objects) {
      if (!wanted.has(key)) {
        changes.push({ op: 'delete', kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name });
      }
    }
    for (const o of wanted.values()) changes.push({ op: 'upsert', object: o });
    return this.apply(changes);
  }

  get(kind: string, namespace: string | undefined, name: string): KubernetesObject | undefined {
    return this.objects.get(storeKey(kind, namespace, name))?.object;
  }

  size(): number {
    return this.objects.size;
  }

  /** The grouped view translation reads; rebuilt lazily after a change. */
  resources(): Resources {
    if (!this.cached) this.cached = groupByKind([...this.objects.values()].map((e) => e.object));
    return this.cached;
  }

  private upsert(given: KubernetesObject): boolean {
    if (!isSupportedKind(given.kind)) return false;
    const object = withNamespace(given);
    const key = storeKey(object.kind, object.metadata.namespace, object.metadata.name);
    // The same object again (sources hand back unchanged objects as they were): nothing to compare.
    if (this.objects.get(key)?.object === object) return false;
    // A fingerprint of the content: sources re-deliver unchanged objects on every reload.
    const fingerprint = JSON.stringify(object);
    if (this.objects.get(key)?.fingerprint === fingerprint) return false;
    this.objects.set(key, { object, fingerprint });
    return true;
  }

  private remove(change: { kind: string; namespace?: string; name: string }): boolean {
    return this.objects.delete(storeKey(change.kind, change.namespace, change.name));
  }
}
