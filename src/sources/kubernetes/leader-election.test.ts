import pino from 'pino';
import { KubeApiError, type KubeClient, type RequestOptions } from './kube-client';
import { LeaderElector } from './leader-election';

type Lease = { metadata: { resourceVersion?: string }; spec: { holderIdentity?: string; leaseTransitions?: number } };

/** One Lease in memory: GET, POST (409 if present), PUT (409 on a stale resourceVersion). */
class FakeLeaseApi implements KubeClient {
  lease: Lease | undefined;
  private rv = 1;
  down = false;

  async request<T>(method: string, _path: string, options?: RequestOptions): Promise<T> {
    if (this.down) throw new Error('connection refused');
    const body = options?.body as Lease | undefined;
    if (method === 'GET') {
      if (!this.lease) throw new KubeApiError(404, 'NotFound', 'not found');
      return JSON.parse(JSON.stringify(this.lease)) as T;
    }
    if (method === 'POST' && this.lease) throw new KubeApiError(409, 'AlreadyExists', 'exists');
    if (method === 'PUT' && body?.metadata.resourceVersion !== this.lease?.metadata.resourceVersion) throw new KubeApiError(409, 'Conflict', 'conflict');
    this.lease = { ...body!, metadata: { ...body!.metadata, resourceVersion: String(++this.rv) } };
    return this.lease as T;
  }

  async watch(): Promise<void> {
    throw new Error('not used');
  }
}

function candidates(api: FakeLeaseApi, clock: { t: number }): [LeaderElector, LeaderElector] {
  const make = (identity: string): LeaderElector =>
    new LeaderElector(
      api,
      {
        namespace: 'ns',
        name: 'attache',
        identity,
        leaseDurationMs: 15_000,
        renewDeadlineMs: 10_000,
        retryPeriodMs: 2_000,
        now: () => clock.t,
        wallClock: () => `t${clock.t}`,
      },
      pino({ level: 'silent' }),
    );
  return [make('a'), make('b')];
}

describe('LeaderElector', () => {
  it('lets exactly one candidate lead; the other takes over once the Lease stops changing for a lease duration', async () => {
    const api = new FakeLeaseApi();
    const clock = { t: 0 };
    const [a, b] = candidates(api, clock);
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    // a renews every retry period: b keeps seeing a changing record and never takes over.
    for (clock.t = 2_000; clock.t <= 30_000; clock.t += 2_000) {
      expect(await a.tryAcquireOrRenew()).toBe(true);
      expect(await b.tryAcquireOrRenew()).toBe(false);
    }
    // a goes silent; b's own clock decides when the record has been still for 15 s.
    clock.t = 30_000 + 14_000;
    expect(await b.tryAcquireOrRenew()).toBe(false);
    clock.t = 30_000 + 16_000;
    expect(await b.tryAcquireOrRenew()).toBe(true);
    expect(api.lease?.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    // a comes back, finds b holding a fresh Lease, and steps down at once.
    expect(await a.tryAcquireOrRenew()).toBe(false);
  });

  it('steps down when it cannot renew within the renew deadline, before the Lease expires for others', async () => {
    const api = new FakeLeaseApi();
    const clock = { t: 0 };
    const [a] = candidates(api, clock);
    const changes: boolean[] = [];
    a.onChange((l) => changes.push(l));
    await a.tryAcquireOrRenew();
    api.down = true;
    clock.t = 8_000;
    expect(await a.tryAcquireOrRenew()).toBe(true); // a failed renewal within the deadline: still leader
    clock.t = 10_000;
    expect(await a.tryAcquireOrRenew()).toBe(false);
    expect(changes).toEqual([true, false]);
  });

  it('releases the Lease on stop, so a follower takes over at its next retry', async () => {
    const api = new FakeLeaseApi();
    const clock = { t: 0 };
    const [a, b] = candidates(api, clock);
    await a.tryAcquireOrRenew();
    await b.tryAcquireOrRenew();
    await a.stop();
    expect(a.isLeader()).toBe(false);
    expect(api.lease?.spec.holderIdentity).toBe('');
    clock.t = 2_000;
    expect(await b.tryAcquireOrRenew()).toBe(true);
  });
});
