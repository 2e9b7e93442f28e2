/**
 * Issues each provisioned Gateway's xDS client certificate: keeps, in the Gateway's namespace,
 * the `kubernetes.io/tls` Secret its Envoys mount (provisioner/xds-client-secret.ts) holding
 * tls.crt/tls.key (a key of its own, a certificate naming only that Gateway, see
 * xds-client-certificate.ts) and ca.crt (the issuer CA: the one the control plane's own xDS
 * certificate chains to, as in the chart), owned by the Gateway so the garbage collector
 * deletes it with the Gateway.
 *
 * Lifetime and renewal: a certificate is valid for `validityMs` (30 days by default) and made
 * again once two thirds of its life are gone (day 20 of 30), so a certificate in use always has
 * at least a third of its life left; Envoy reloads it from the Secret volume (the kubelet
 * updates it within about a minute). Also made again: when it was signed by another CA (the CA
 * changed), names anything but its Gateway, belongs to an earlier Gateway of that name (another
 * uid: deleted and made again), or the Secret cannot be read.
 *
 * Writes, leader only (the runner calls us only while leading): one pass at a time; per pass
 * at most one issuance per Gateway, and none for a Gateway whose certificate is fresh, which is
 * known without reading the API server (what we wrote, or found in the label-selected list at
 * start). Create is a POST: a Secret of that name that we did not make (no
 * app.kubernetes.io/component=xds-client-certificate label, e.g. cert-manager's) answers 409 and
 * is left alone (logged once). A renewal replaces ours by server-side apply. A Gateway leaving
 * our GatewayClasses loses its Secret (DELETE); a deleted Gateway's goes with it (owner reference).
 * A pass runs on every provisioning change and every `checkMs` (renewals are due then).
 *
 * Bounds: the list is paged and bounded like the provisioner's (labelled-list.ts); the known map holds one
 * entry per Secret of ours. Key material is never logged: log lines name namespace, Secret,
 * Gateway and dates only.
 *
 * What this does not do: notice a Secret deleted or edited by hand (a leadership change or a
 * restart re-lists; then it is made again).
 */
import { listLabelled } from './labelled-list';
import type { Logger } from 'pino';
import { MANAGED_BY, MANAGED_BY_LABEL } from '../provisioner/objects';
import { type ProvisionResult } from '../provisioner/provision';
import { COMPONENT_LABEL, XDS_CLIENT_CERTIFICATE, type WantedXdsClientSecret } from '../provisioner/xds-client-secret';
import { KubeApiError, type KubeClient } from '../sources/kubernetes/kube-client';
import { certificateFacts, type IssuerCa, issueXdsClientCertificate } from './xds-client-certificate';

const FIELD_MANAGER = 'attache';
/** The Gateway a Secret of ours is for (`namespace/name`): what the list at start reads back. */
const GATEWAY_ANNOTATION = 'attache.dev/gateway';
export const DEFAULT_VALIDITY_MS = 30 * 24 * 3600 * 1000;
const DEFAULT_CHECK_MS = 10 * 60 * 1000;

interface Known {
  namespace: string;
  name: string;
  gateway: string;
  /** The uid of the Gateway that owns it: a Gateway deleted and made again under the same name needs a Secret of its own. */
  uid: string;
  /** When to make it again (two thirds of its life); 0: now. */
  renewAt: number;
}

export interface XdsClientIssuerOptions {
  client: KubeClient;
  log: Logger;
  ca: IssuerCa;
  trustDomain: string;
  validityMs?: number;
  /** How often renewals are looked for without a change. */
  checkMs?: number;
  /** A failed pass is tried again after this long. */
  retryMs?: number;
  now?: () => Date;
}

export interface IssuerCounters {
  issued: number;
  unchanged: number;
  deleted: number;
  foreign: number;
  failed: number;
}

const secretPath = (namespace: string, name?: string): string =>
  `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
/** The uid of the controlling owner in `metadata` ('' when none). */
function ownerUid(metadata: { ownerReferences?: unknown }): string {
  const refs = Array.isArray(metadata.ownerReferences) ? (metadata.ownerReferences as Array<{ controller?: boolean; uid?: string }>) : [];
  return refs.find((r) => r.controller === true)?.uid ?? '';
}
const b64 = (text: string): string => Buffer.from(text).toString('base64');
const unb64 = (value: unknown): string => (typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : '');

export class XdsClientIssuer {
  private known = new Map<string, Known>();
  /** Secrets of that name we did not make: left alone, warned about once. */
  private foreign = new Set<string>();
  private listed = false;
  private wanted: ProvisionResult | undefined;
  private last: ProvisionResult | undefined;
  private running: Promise<void> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private readonly check: NodeJS.Timeout;
  private stopped = false;
  private readonly counts: IssuerCounters = { issued: 0, unchanged: 0, deleted: 0, foreign: 0, failed: 0 };
  private readonly validityMs: number;
  private readonly now: () => Date;

  constructor(private readonly o: XdsClientIssuerOptions) {
    this.validityMs = o.validityMs ?? DEFAULT_VALIDITY_MS;
    this.now = o.now ?? ((): Date => new Date());
    this.check = setInterval(() => this.recheck(), o.checkMs ?? DEFAULT_CHECK_MS);
    this.check.unref();
  }

  /** Makes the cluster hold a fresh certificate for every Gateway of `result` (soon; the latest result wins). */
  sync(result: ProvisionResult): void {
    if (this.stopped) return;
    this.wanted = result;
    this.last = result;
    this.running ??= this.loop();
  }

  /** Runs a pass with the last result (renewals due). */
  recheck(): void {
    if (this.last && !this.wanted) this.sync(this.last);
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  counters(): IssuerCounters {
    return { ...this.counts };
  }

  /** Forget what is known (leadership lost): the next pass lists again. */
  reset(): void {
    this.known.clear();
    this.foreign.clear();
    this.listed = false;
    this.last = undefined;
  }

  stop(): void {
    this.stopped = true;
    this.wanted = undefined;
    clearInterval(this.check);
    if (this.retry) clearTimeout(this.retry);
  }

  private async loop(): Promise<void> {
    try {
      while (this.wanted && !this.stopped) {
        const result = this.wanted;
        this.wanted = undefined;
        if (!(await this.pass(result)) && !this.stopped) {
          if (this.retry) clearTimeout(this.retry);
          this.retry = setTimeout(() => {
            this.retry = undefined;
            if (!this.wanted) this.sync(result);
          }, this.o.retryMs ?? 5000);
          this.retry.unref();
        }
      }
    } finally {
      this.running = undefined;
    }
  }

  private async pass(result: ProvisionResult): Promise<boolean> {
    if (!this.listed && !(await this.list())) return false;
    let ok = true;
    const now = this.now().getTime();
    const desired = new Set<string>();
    for (const want of result.xdsClientSecrets) {
      const key = `${want.metadata.namespace}/${want.metadata.name}`;
      desired.add(key);
      if (this.foreign.has(key)) continue;
      const k = this.known.get(key);
      if (k && k.gateway === want.gateway && k.uid === ownerUid(want.metadata) && now < k.renewAt) {
        this.counts.unchanged++;
        continue;
      }
      try {
        await this.issue(want, k !== undefined);
      } catch (e) {
        ok = false;
        this.counts.failed++;
        this.o.log.warn(
          { namespace: want.metadata.namespace, secret: want.metadata.name, err: (e as Error).message },
          'xDS client certificate not written; tried again',
        );
      }
    }
    const kept = new Set(result.kept.map((k) => k.gateway));
    for (const [key, k] of [...this.known]) {
      if (desired.has(key) || kept.has(k.gateway)) continue;
      try {
        await this.o.client.request('DELETE', secretPath(k.namespace, k.name));
        this.counts.deleted++;
        this.o.log.info({ namespace: k.namespace, secret: k.name, gateway: k.gateway }, 'xDS client certificate deleted: Gateway no longer provisioned');
      } catch (e) {
        if (!(e instanceof KubeApiError && e.status === 404)) {
          ok = false;
          this.counts.failed++;
          this.o.log.warn({ namespace: k.namespace, secret: k.name, err: (e as Error).message }, 'xDS client certificate not deleted; tried again');
          continue;
        }
      }
      this.known.delete(key);
    }
    for (const key of [...this.foreign]) if (!desired.has(key)) this.foreign.delete(key);
    return ok;
  }

  private async issue(want: WantedXdsClientSecret, ours: boolean): Promise<void> {
    const { namespace, name } = want.metadata;
    const now = this.now();
    const cert = await issueXdsClientCertificate(this.o.ca, want.gateway, this.o.trustDomain, now, this.validityMs);
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        ...want.metadata,
        annotations: { ...((want.metadata.annotations as Record<string, string> | undefined) ?? {}), [GATEWAY_ANNOTATION]: want.gateway },
      },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': b64(cert.certPem), 'tls.key': b64(cert.keyPem), 'ca.crt': b64(this.o.ca.certPem) },
    };
    if (ours) {
      await this.o.client.request('PATCH', secretPath(namespace, name), {
        body: secret,
        contentType: 'application/apply-patch+yaml',
        query: { fieldManager: FIELD_MANAGER, force: true },
      });
    } else {
      try {
        await this.o.client.request('POST', secretPath(namespace), { body: secret, query: { fieldManager: FIELD_MANAGER } });
      } catch (e) {
        if (!(e instanceof KubeApiError && e.status === 409)) throw e;
        this.foreign.add(`${namespace}/${name}`);
        this.counts.foreign++;
        this.o.log.warn(
          { namespace, secret: name, gateway: want.gateway },
          'a Secret of that name exists and was not made by attache: left as it is (its certificate must name this Gateway)',
        );
        return;
      }
    }
    const renewAt = now.getTime() + (2 * (cert.notAfter.getTime() - now.getTime())) / 3;
    this.known.set(`${namespace}/${name}`, { namespace, name, gateway: want.gateway, uid: ownerUid(want.metadata), renewAt });
    this.counts.issued++;
    this.o.log.info({ namespace, secret: name, gateway: want.gateway, notAfter: cert.notAfter.toISOString() }, 'xDS client certificate issued');
  }

  /** The Secrets we made, from a label-selected list; each one's renewal time from its certificate. */
  private async list(): Promise<boolean> {
    const known = new Map<string, Known>();
    const labelSelector = `${MANAGED_BY_LABEL}=${MANAGED_BY},${COMPONENT_LABEL}=${XDS_CLIENT_CERTIFICATE}`;
    try {
      for (const item of await listLabelled(this.o.client, '/api/v1/secrets', labelSelector)) {
        const meta = (item.metadata ?? {}) as { namespace?: string; name?: string; annotations?: Record<string, string>; ownerReferences?: unknown };
        const data = (item.data ?? {}) as Record<string, unknown>;
        if (!meta.namespace || !meta.name) continue;
        const gateway = meta.annotations?.[GATEWAY_ANNOTATION] ?? '';
        const facts = certificateFacts(this.o.ca, unb64(data['tls.crt']), unb64(data['ca.crt']), this.o.trustDomain);
        const good = facts && facts.fromCa && facts.namesOnly(gateway) && unb64(data['tls.key']).length > 0;
        const renewAt = good ? facts.notBefore.getTime() + 60_000 + (2 * (facts.notAfter.getTime() - facts.notBefore.getTime() - 60_000)) / 3 : 0;
        known.set(`${meta.namespace}/${meta.name}`, { namespace: meta.namespace, name: meta.name, gateway, uid: ownerUid(meta), renewAt });
      }
    } catch (e) {
      this.o.log.warn({ err: (e as Error).message }, 'could not list xDS client certificate Secrets; tried again');
      return false;
    }
    this.known = known;
    this.listed = true;
    return true;
  }
}
