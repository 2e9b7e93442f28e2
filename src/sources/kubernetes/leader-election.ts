/**
 * Leader election on a `coordination.k8s.io/v1` Lease, as client-go's leaderelection does it, so
 * that with several replicas every one serves xDS but only the leader writes status.
 *
 *  - Every `retryPeriodMs` a candidate reads the Lease. It takes it when nobody holds it, when the
 *    holder released it (empty holderIdentity), or when the record has not changed for
 *    `leaseDurationMs` of *our* clock: like client-go, expiry is judged by when we last saw the
 *    record change, never by comparing the holder's renewTime with our clock (clocks differ).
 *  - Taking or renewing is a PUT with the resourceVersion we read, so two candidates cannot both
 *    win: the second gets 409 Conflict and stays a follower.
 *  - A leader that cannot renew within `renewDeadlineMs` steps down before its Lease can expire
 *    for the others (renewDeadline < leaseDuration), so two leaders never write at once.
 *  - `stop()` releases a held Lease (empty holderIdentity, as client-go's ReleaseOnCancel), so a
 *    follower takes over at its next retry instead of after a whole lease duration.
 */
import type { Logger } from 'pino';
import { KubeApiError, type KubeClient } from './kube-client';

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  /** Monotonic milliseconds; injected so tests control time. */
  now?: () => number;
  /** Wall-clock time for the Lease's acquireTime/renewTime (MicroTime, RFC 3339). */
  wallClock?: () => string;
}

export const DEFAULT_LEASE_TIMING = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

interface Lease {
  apiVersion: 'coordination.k8s.io/v1';
  kind: 'Lease';
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

export class LeaderElector {
  private leader = false;
  private lastRenewed = 0;
  private observed: { record: string; at: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly listeners: Array<(leader: boolean) => void> = [];
  private readonly now: () => number;
  private readonly wallClock: () => string;

  constructor(
    private readonly client: KubeClient,
    private readonly o: LeaderElectionOptions,
    private readonly log: Logger,
  ) {
    this.now = o.now ?? (() => performance.now());
    this.wallClock = o.wallClock ?? (() => new Date().toISOString().replace(/Z$/, '000Z'));
  }

  isLeader(): boolean {
    return this.leader;
  }

  /** Called with true on becoming leader, false on losing it. */
  onChange(listener: (leader: boolean) => void): void {
    this.listeners.push(listener);
  }

  start(): void {
    const loop = async (): Promise<void> => {
      await this.tryAcquireOrRenew();
      if (!this.stopped) this.timer = setTimeout(() => void loop(), this.o.retryPeriodMs);
    };
    void loop();
  }

  /** Stops campaigning and releases the Lease if we hold it. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (!this.leader) return;
    this.setLeader(false);
    try {
      const lease = await this.read();
      if (lease?.spec.holderIdentity === this.o.identity) {
        await this.write({ ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1 } });
      }
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'could not release the leader Lease; it expires by itself');
    }
  }

  /** One round: returns whether we hold the Lease afterwards. Exposed for tests. */
  async tryAcquireOrRenew(): Promise<boolean> {
    let outcome: 'held' | 'taken' | 'failed';
    try {
      outcome = (await this.round()) ? 'held' : 'taken';
    } catch (e) {
      // A conflict (someone else wrote first) or an unreachable API server: try again next round.
      outcome = 'failed';
      this.log.debug({ err: (e as Error).message }, 'leader election round failed');
    }
    const now = this.now();
    if (outcome === 'held') this.lastRenewed = now;
    // A leader that could not renew for renewDeadline steps down while its Lease is still valid.
    const holds = outcome === 'held' || (outcome === 'failed' && this.leader && now - this.lastRenewed < this.o.renewDeadlineMs);
    if (!this.stopped) this.setLeader(holds);
    return this.leader;
  }

  /** True when we hold the Lease after this round; false when someone else validly does. */
  private async round(): Promise<boolean> {
    const lease = await this.read();
    const now = this.now();
    const spec = { holderIdentity: this.o.identity, leaseDurationSeconds: Math.ceil(this.o.leaseDurationMs / 1000), renewTime: this.wallClock() };
    if (!lease) {
      await this.create({ ...spec, acquireTime: spec.renewTime, leaseTransitions: 0 });
      return true;
    }
    const record = JSON.stringify([lease.spec.holderIdentity, lease.spec.renewTime]);
    if (this.observed?.record !== record) this.observed = { record, at: now };
    const holder = lease.spec.holderIdentity ?? '';
    const ours = holder === this.o.identity;
    const expired = holder === '' || now - this.observed.at >= this.o.leaseDurationMs;
    if (!ours && !expired) return false;
    const transitions = (lease.spec.leaseTransitions ?? 0) + (ours ? 0 : 1);
    await this.write({
      ...lease,
      spec: { ...lease.spec, ...spec, acquireTime: ours ? lease.spec.acquireTime : spec.renewTime, leaseTransitions: transitions },
    });
    return true;
  }

  private setLeader(leader: boolean): void {
    if (leader === this.leader) return;
    this.leader = leader;
    this.log.info({ lease: `${this.o.namespace}/${this.o.name}`, identity: this.o.identity }, leader ? 'became leader' : 'lost leadership');
    for (const l of this.listeners) l(leader);
  }

  private path(name?: string): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.o.namespace)}/leases${name ? `/${encodeURIComponent(name)}` : ''}`;
  }

  private async read(): Promise<Lease | undefined> {
    try {
      return await this.client.request<Lease>('GET', this.path(this.o.name), { timeoutMs: this.o.retryPeriodMs * 2 });
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return undefined;
      throw e;
    }
  }

  private async create(spec: Lease['spec']): Promise<void> {
    const body: Lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.o.name, namespace: this.o.namespace }, spec };
    await this.client.request('POST', this.path(), { body, timeoutMs: this.o.retryPeriodMs * 2 });
  }

  private async write(lease: Lease): Promise<void> {
    await this.client.request('PUT', this.path(this.o.name), { body: lease, timeoutMs: this.o.retryPeriodMs * 2 });
  }
}
