/**
 * The fields the apiserver sets that file mode must set itself: `metadata.generation` (1 on
 * create, +1 whenever anything but metadata and status changes), `creationTimestamp` (first
 * seen) and `uid`. Status carries `observedGeneration`, and precedence breaks ties by creation
 * time, so both must behave as in a cluster. Values the file sets explicitly win.
 */
import { randomUUID } from 'crypto';
import { KubernetesObject } from '../../apis/meta';

interface Tracked {
  fingerprint: string;
  generation: number;
  creationTimestamp: string;
  uid: string;
}

export class ServerFields {
  private readonly tracked = new Map<string, Tracked>();

  constructor(private readonly clock: () => Date = () => new Date()) {}

  /** Returns copies of `objects` with server fields filled in; forgets objects no longer present. */
  stamp(objects: readonly KubernetesObject[]): KubernetesObject[] {
    const seen = new Set<string>();
    const out = objects.map((o) => {
      const key = `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      seen.add(key);
      const fingerprint = specFingerprint(o);
      let t = this.tracked.get(key);
      if (!t) {
        t = { fingerprint, generation: 1, creationTimestamp: this.clock().toISOString(), uid: randomUUID() };
        this.tracked.set(key, t);
      } else if (t.fingerprint !== fingerprint) {
        t.fingerprint = fingerprint;
        t.generation += 1;
      }
      return {
        ...o,
        metadata: {
          ...o.metadata,
          generation: o.metadata.generation ?? t.generation,
          creationTimestamp: o.metadata.creationTimestamp ?? t.creationTimestamp,
          uid: o.metadata.uid ?? t.uid,
        },
      };
    });
    for (const key of [...this.tracked.keys()]) if (!seen.has(key)) this.tracked.delete(key);
    return out;
  }
}

function specFingerprint(o: KubernetesObject): string {
  const { metadata: _m, status: _s, ...rest } = o as KubernetesObject & { status?: unknown };
  return JSON.stringify(rest);
}
