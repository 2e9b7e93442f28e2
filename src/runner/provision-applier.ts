/**
 * Writes what the provisioner wants (provisioner/provision.ts) to the API server:
 *  - server-side apply (PATCH application/apply-patch+yaml, field manager `attache`, force: we
 *    own these objects) of each desired object whose content changed: every object carries the
 *    hash of what we last applied (annotation attache.dev/provisioned-hash), so an unchanged
 *    object is never written, not even after a restart;
 *  - DELETE of objects we own that are no longer wanted (the HorizontalPodAutoscaler after a
 *    switch to fixed replicas; everything of a Gateway that left our GatewayClasses). Deleting a
 *    Gateway needs nothing from us: its objects' owner references let the garbage collector
 *    (kube-controller-manager) delete them.
 * "Ours" is what a label-selected list (app.kubernetes.io/managed-by=attache,
 * app.kubernetes.io/name=envoy) finds with a Gateway as controlling owner, plus what we applied
 * since. Objects of a Gateway the provisioner keeps as they are (its parameters do not resolve)
 * are neither applied nor deleted.
 *
 * One pass at a time; a sync asked for during a pass runs after it with the latest wanted state
 * (intermediate ones are skipped). A failed write is logged and retried by the next pass (the
 * next change, or `retryMs` later).
 *
 * What this does not do: notice hand edits of the fields we set (nothing re-reads the objects;
 * a change of the desired object, or deleting the object, puts ours back).
 */
import { listLabelled } from './labelled-list';
import { createHash } from 'crypto';
import type { Logger } from 'pino';
import { type KubernetesObject } from '../apis/meta';
import { GATEWAY_NAME_LABEL, MANAGED_BY, MANAGED_BY_LABEL, NAME_LABEL, type ProvisionedObject } from '../provisioner/objects';
import { type ProvisionResult } from '../provisioner/provision';
import { KubeApiError, type KubeClient } from '../sources/kubernetes/kube-client';

const FIELD_MANAGER = 'attache';
export const HASH_ANNOTATION = 'attache.dev/provisioned-hash';

/** The kinds the provisioner writes, and their REST collections (what the chart's RBAC grants, and no more). */
const PROVISIONED_KINDS = [
  { kind: 'ServiceAccount', apiVersion: 'v1', plural: 'serviceaccounts' },
  { kind: 'Service', apiVersion: 'v1', plural: 'services' },
  { kind: 'Deployment', apiVersion: 'apps/v1', plural: 'deployments' },
  { kind: 'PodDisruptionBudget', apiVersion: 'policy/v1', plural: 'poddisruptionbudgets' },
  { kind: 'HorizontalPodAutoscaler', apiVersion: 'autoscaling/v2', plural: 'horizontalpodautoscalers' },
] as const;

/** One list per kind, all namespaces, bounded by listLabelled (labelled-list.ts). */

interface Known {
  kind: string;
  namespace: string;
  name: string;
  /** The hash annotation it carries ('' when none). */
  hash: string;
  /** `namespace/name` of the owning Gateway. */
  gateway: string;
}

function collection(kind: string, namespace?: string): string {
  const k = PROVISIONED_KINDS.find((p) => p.kind === kind);
  if (!k) throw new Error(`not a provisioned kind: ${kind}`);
  const prefix = k.apiVersion.includes('/') ? `/apis/${k.apiVersion}` : `/api/${k.apiVersion}`;
  return namespace === undefined ? `${prefix}/${k.plural}` : `${prefix}/namespaces/${encodeURIComponent(namespace)}/${k.plural}`;
}

function objectPath(kind: string, namespace: string, name: string): string {
  return `${collection(kind, namespace)}/${encodeURIComponent(name)}`;
}

const keyOf = (kind: string, namespace: string, name: string): string => `${kind}/${namespace}/${name}`;

/** The object with the hash of its content in an annotation (stable: the same object, the same hash). */
function withHash(object: ProvisionedObject): { object: ProvisionedObject; hash: string } {
  const hash = createHash('sha256').update(JSON.stringify(object)).digest('hex').slice(0, 16);
  const annotations = { ...(object.metadata.annotations ?? {}), [HASH_ANNOTATION]: hash };
  return { object: { ...object, metadata: { ...object.metadata, annotations } }, hash };
}

function gatewayOf(
  object: KubernetesObject & { metadata: { ownerReferences?: Array<{ kind?: string; name?: string; controller?: boolean }> } },
): string | undefined {
  const owner = object.metadata.ownerReferences?.find((r) => r.kind === 'Gateway' && r.controller === true);
  return owner?.name ? `${object.metadata.namespace}/${owner.name}` : undefined;
}

export interface ProvisionApplierOptions {
  client: KubeClient;
  log: Logger;
  /** A failed pass is tried again after this long (also without a change). */
  retryMs?: number;
}

export interface ProvisionCounters {
  applied: number;
  deleted: number;
  unchanged: number;
  failed: number;
}

export class ProvisionApplier {
  private known = new Map<string, Known>();
  private listed = false;
  private wanted: ProvisionResult | undefined;
  private running: Promise<void> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly counts: ProvisionCounters = { applied: 0, deleted: 0, unchanged: 0, failed: 0 };

  constructor(private readonly o: ProvisionApplierOptions) {}

  /** Makes the cluster hold `result` (soon: one pass at a time, the latest result wins). */
  sync(result: ProvisionResult): void {
    if (this.stopped) return;
    this.wanted = result;
    this.running ??= this.loop();
  }

  /** Resolves when no pass is running or pending, or after `withinMs` (a pass waits for the API server's answers). */
  async idle(withinMs?: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const done = (async (): Promise<void> => {
      while (this.running) await this.running;
    })();
    const late = withinMs === undefined ? done : new Promise<void>((resolve) => (timer = setTimeout(resolve, withinMs)));
    await Promise.race([done, late]);
    if (timer) clearTimeout(timer);
  }

  counters(): ProvisionCounters {
    return { ...this.counts };
  }

  /** Forget what is known (e.g. leadership lost): the next pass lists again. */
  reset(): void {
    this.known.clear();
    this.listed = false;
  }

  stop(): void {
    this.stopped = true;
    this.wanted = undefined;
    if (this.retry) clearTimeout(this.retry);
  }

  private async loop(): Promise<void> {
    try {
      while (this.wanted && !this.stopped) {
        const result = this.wanted;
        this.wanted = undefined;
        const ok = await this.pass(result);
        if (!ok && !this.stopped) this.scheduleRetry(result);
      }
    } finally {
      this.running = undefined;
    }
  }

  private scheduleRetry(result: ProvisionResult): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (!this.wanted) this.sync(result);
    }, this.o.retryMs ?? 5000);
    this.retry.unref();
  }

  /** One pass; false when something failed (to be tried again). */
  private async pass(result: ProvisionResult): Promise<boolean> {
    if (!this.listed && !(await this.list())) return false;
    let ok = true;
    const kept = new Set(result.kept.map((k) => k.gateway));
    const desired = new Set<string>();
    for (const raw of result.objects) {
      const { object, hash } = withHash(raw);
      const { namespace, name } = object.metadata;
      const key = keyOf(object.kind, namespace, name);
      desired.add(key);
      if (this.known.get(key)?.hash === hash) {
        this.counts.unchanged++;
        continue;
      }
      try {
        await this.o.client.request('PATCH', objectPath(object.kind, namespace, name), {
          body: object,
          contentType: 'application/apply-patch+yaml',
          query: { fieldManager: FIELD_MANAGER, force: true },
        });
        this.known.set(key, { kind: object.kind, namespace, name, hash, gateway: gatewayOf(object) ?? '' });
        this.counts.applied++;
        this.o.log.info({ kind: object.kind, namespace, name }, 'provisioned');
      } catch (e) {
        ok = false;
        this.counts.failed++;
        this.o.log.warn({ kind: object.kind, namespace, name, err: (e as Error).message }, 'provisioning failed; tried again');
      }
    }
    for (const [key, k] of [...this.known]) {
      if (desired.has(key) || kept.has(k.gateway)) continue;
      try {
        await this.o.client.request('DELETE', objectPath(k.kind, k.namespace, k.name), { query: { propagationPolicy: 'Background' } });
        this.o.log.info({ kind: k.kind, namespace: k.namespace, name: k.name }, 'deleted: no longer provisioned');
        this.counts.deleted++;
      } catch (e) {
        if (!(e instanceof KubeApiError && e.status === 404)) {
          ok = false;
          this.counts.failed++;
          this.o.log.warn({ kind: k.kind, namespace: k.namespace, name: k.name, err: (e as Error).message }, 'delete failed; tried again');
          continue;
        }
      }
      this.known.delete(key);
    }
    return ok;
  }

  /** What we own, from a label-selected list of each kind. */
  private async list(): Promise<boolean> {
    const known = new Map<string, Known>();
    const labelSelector = `${MANAGED_BY_LABEL}=${MANAGED_BY},${NAME_LABEL}=envoy,${GATEWAY_NAME_LABEL}`;
    try {
      for (const k of PROVISIONED_KINDS) {
        for (const item of await listLabelled(this.o.client, collection(k.kind), labelSelector)) {
          const object = { ...item, kind: k.kind } as unknown as ProvisionedObject;
          const gateway = gatewayOf(object);
          if (!gateway) continue; // our labels, but not owned by a Gateway: not ours to touch
          const { namespace, name, annotations } = object.metadata;
          known.set(keyOf(k.kind, namespace, name), { kind: k.kind, namespace, name, hash: annotations?.[HASH_ANNOTATION] ?? '', gateway });
        }
      }
    } catch (e) {
      this.o.log.warn({ err: (e as Error).message }, 'could not list provisioned objects; tried again');
      return false;
    }
    this.known = known;
    this.listed = true;
    return true;
  }
}
