/**
 * Kubernetes mode: one informer per watched kind (kinds.ts) feeding the same Store as file mode.
 *
 * The source keeps two views of every object:
 *  - observed: exactly as the API server has it (status, resourceVersion), which the status
 *    writer diffs and merges against;
 *  - delivered: what the store gets, without `status`, `managedFields` and `resourceVersion`,
 *    so that our own status writes (which bump the resourceVersion) are not a change to
 *    translate: Store.apply finds the content equal and no rebuild follows.
 *
 * Secrets reach the store only while a Gateway listener's certificateRefs name them: the watch
 * is already narrowed to `kubernetes.io/tls` Secrets on the server, and this keeps the private
 * keys of every other TLS Secret in the cluster out of translation and the debug endpoint.
 */
import type { Logger } from 'pino';
import { type Gateway } from '../../apis/gateway-api';
import { type KubernetesObject } from '../../apis/meta';
import { type StoreChange, storeKey } from '../../store/store';
import { DEFAULT_INFORMER_TIMING, Informer, type InformerHandlers, type InformerTiming } from './informer';
import { type KubeClient } from './kube-client';
import { WATCHED_KINDS, type WatchedKind } from './kinds';

export class KubernetesSource {
  private readonly informers: Informer[];
  /** kind → storeKey → the object as the API server has it. */
  private readonly observed = new Map<string, Map<string, KubernetesObject>>();
  /** Secrets currently in the store (those some Gateway references). */
  private readonly deliveredSecrets = new Set<string>();
  private pending: StoreChange[] = [];
  private notify: () => void = () => undefined;

  constructor(
    client: KubeClient,
    private readonly log: Logger,
    timing: InformerTiming = DEFAULT_INFORMER_TIMING,
  ) {
    const handlers: InformerHandlers = {
      onReplace: (kind, objects) => this.replace(kind, objects),
      onUpsert: (kind, object) => this.upsert(kind, object),
      onDelete: (kind, object) => this.remove(kind, object),
      onError: (kind, error, retryInMs) => this.log.warn({ kind: kind.kind, err: error.message, retryInMs }, 'list/watch failed; retrying'),
    };
    this.informers = WATCHED_KINDS.map((k) => new Informer(k, client, handlers, timing));
    for (const k of WATCHED_KINDS) this.observed.set(k.kind, new Map());
  }

  /** Starts every informer; `onChange` is called after each batch of changes (callers coalesce). */
  start(onChange: () => void): void {
    this.notify = onChange;
    for (const i of this.informers) i.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.stop()));
  }

  /** True once every kind has been listed: translating earlier would publish a partial view. */
  hasSynced(): boolean {
    return this.informers.every((i) => i.hasSynced());
  }

  unsyncedKinds(): string[] {
    return this.informers.filter((i) => !i.hasSynced()).map((i) => i.kind.kind);
  }

  /** The store changes since the last call, in arrival order. */
  drain(): StoreChange[] {
    return this.pending.splice(0);
  }

  /** The object as last seen from the API server (with its status), if it exists. */
  observedObject(kind: string, namespace: string | undefined, name: string): KubernetesObject | undefined {
    return this.observed.get(kind)?.get(storeKey(kind, namespace, name));
  }

  observedObjects(kind: string): KubernetesObject[] {
    return [...(this.observed.get(kind)?.values() ?? [])];
  }

  private replace(kind: WatchedKind, objects: KubernetesObject[]): void {
    const byKey = this.observed.get(kind.kind)!;
    const fresh = new Set(objects.map(keyOf));
    for (const [key, old] of byKey) if (!fresh.has(key)) this.forget(kind, byKey, key, old);
    for (const o of objects) this.record(kind, byKey, o);
    this.afterChange(kind);
  }

  private upsert(kind: WatchedKind, object: KubernetesObject): void {
    this.record(kind, this.observed.get(kind.kind)!, object);
    this.afterChange(kind);
  }

  private remove(kind: WatchedKind, object: KubernetesObject): void {
    const byKey = this.observed.get(kind.kind)!;
    const key = keyOf(object);
    const old = byKey.get(key);
    if (old) this.forget(kind, byKey, key, old);
    this.afterChange(kind);
  }

  private record(kind: WatchedKind, byKey: Map<string, KubernetesObject>, object: KubernetesObject): void {
    byKey.set(keyOf(object), object);
    if (kind.kind !== 'Secret') this.pending.push({ op: 'upsert', object: forStore(object) });
  }

  private forget(kind: WatchedKind, byKey: Map<string, KubernetesObject>, key: string, old: KubernetesObject): void {
    byKey.delete(key);
    if (kind.kind !== 'Secret') this.pending.push({ op: 'delete', kind: old.kind, namespace: old.metadata.namespace, name: old.metadata.name });
  }

  private afterChange(kind: WatchedKind): void {
    if (kind.kind === 'Secret' || kind.kind === 'Gateway') this.syncSecrets();
    if (this.pending.length > 0) this.notify();
  }

  /** Delivers the referenced Secrets (again when changed), withdraws the ones no longer referenced. */
  private syncSecrets(): void {
    const wanted = referencedSecrets(this.observedObjects('Gateway') as Gateway[]);
    const secrets = this.observed.get('Secret')!;
    for (const key of [...this.deliveredSecrets]) {
      if (wanted.has(key) && secrets.has(key)) continue;
      const [, namespace, name] = key.split('/');
      this.pending.push({ op: 'delete', kind: 'Secret', namespace, name });
      this.deliveredSecrets.delete(key);
    }
    for (const key of wanted) {
      const secret = secrets.get(key);
      if (!secret) continue;
      // Store.apply drops unchanged content, so re-delivering every referenced Secret is cheap.
      this.pending.push({ op: 'upsert', object: forStore(secret) });
      this.deliveredSecrets.add(key);
    }
  }
}

function keyOf(o: KubernetesObject): string {
  return storeKey(o.kind, o.metadata.namespace, o.metadata.name);
}

/** Store keys of the core Secrets that Gateway listeners name in `tls.certificateRefs`. */
function referencedSecrets(gateways: readonly Gateway[]): Set<string> {
  const out = new Set<string>();
  for (const g of gateways) {
    for (const l of g.spec?.listeners ?? []) {
      for (const ref of l.tls?.certificateRefs ?? []) {
        if ((ref.group ?? '') !== '' || (ref.kind ?? 'Secret') !== 'Secret') continue;
        out.add(storeKey('Secret', ref.namespace ?? g.metadata.namespace, ref.name));
      }
    }
  }
  return out;
}

/**
 * The object without what the server maintains and translation never reads. A Service keeps
 * `status.loadBalancer`: a provisioned Gateway's addresses come from its Service (gatewayapi/addresses.ts).
 */
export function forStore(o: KubernetesObject): KubernetesObject {
  const { status, ...rest } = o as KubernetesObject & { status?: { loadBalancer?: unknown } };
  const { managedFields: _managed, resourceVersion: _rv, ...metadata } = o.metadata as KubernetesObject['metadata'] & { managedFields?: unknown };
  const kept = o.kind === 'Service' && status?.loadBalancer !== undefined ? { status: { loadBalancer: status.loadBalancer } } : {};
  return { ...rest, metadata, ...kept };
}
