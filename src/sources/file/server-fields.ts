/**
 * The fields the apiserver sets that file mode must set itself: `metadata.generation` (1 on
 * create, +1 whenever anything but metadata and status changes), `creationTimestamp` (first
 * seen) and `uid`. Status carries `observedGeneration`, and precedence breaks ties by creation
 * time, so both must behave as in a cluster. Values the file sets explicitly win.
 */
import { randomUUID } from 'crypto';
import { type KubernetesObject } from '../../apis/meta';
import { storeKey } from '../../store/store';

interface Tracked {
  fingerprint: string;
  generation: number;
  creationTimestamp: string;
  uid: string;
  /** The object last stamped, and its stamped copy: an unchanged file hands back the same object. */
  source?: KubernetesObject;
  stamped?: KubernetesObject;
}

export class ServerFields {
  private readonly tracked = new Map<string, Tracked>();

  constructor(private readonly clock: () => Date = () => new Date()) {}

  /** Returns copies of `objects` with server fields filled in; forgets objects no longer present. */
  stamp(objects: readonly KubernetesObject[]): KubernetesObject[] {
    const seen = new Set<string>();
    const out = objects.map((o) => {
      const key = storeKey(o.kind, o.metadata.namespace, o.metadata.name);
      seen.add(key);
      let t = this.tracked.get(key);
      // The file source keeps the objects of unread files as they were, so identity means
      // "unchanged": skip the fingerprint (a JSON of the whole object) and hand back the same
      // copy, which the store then recognises without comparing either.
      if (t?.source === o && t.stamped) return t.stamped;
      const fingerprint = specFingerprint(o);
      if (!t) {
        t = { fingerprint, generation: 1, creationTimestamp: this.clock().toISOString(), uid: randomUUID() };
        this.tracked.set(key, t);
      } else if (t.fingerprint !== fingerprint) {
        t.fingerprint = fingerprint;
        t.generation += 1;
      }
      const stamped = {
        ...o,
        metadata: {
          ...o.metadata,
          generation: o.metadata.generation ?? t.generation,
          creationTimestamp: o.metadata.creationTimestamp ?? t.creationTimestamp,
          uid: o.metadata.uid ?? t.uid,
        },
      };
      t.source = o;
      t.stamped = stamped;
      return stamped;
    });
    for (const key of [...this.tracked.keys()]) if (!seen.has(key)) this.tracked.delete(key);
    return out;
  }
}

function specFingerprint(o: KubernetesObject): string {
  const { metadata: _m, status: _s, ...rest } = o as KubernetesObject & { status?: unknown };
  return JSON.stringify(rest);
}
