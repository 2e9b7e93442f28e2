import pino from 'pino';
import { type Condition } from '../apis/meta';
import { type GatewayStatusEntry, type PolicyStatusEntry, type RouteStatusEntry, type StatusEntry } from '../gatewayapi/status';
import { storeKey } from '../store/store';
import { KubernetesStatusWriter, type StatusApi } from './kubernetes-writer';
import { type LiveObject } from './status-merge';

const OURS = 'attache.dev/gateway-controller';
const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o)) as T;

/** An in-memory stand-in for the status subresource: resourceVersions, 409 on a stale one, 404. */
class FakeStatusApi implements StatusApi {
  readonly objects = new Map<string, LiveObject>();
  private rv = 100;
  puts = 0;

  add(o: LiveObject): LiveObject {
    const stored = { ...clone(o), metadata: { ...o.metadata, resourceVersion: String(++this.rv) } };
    this.objects.set(storeKey(o.kind, o.metadata.namespace, o.metadata.name), stored);
    return clone(stored);
  }

  async read(kind: string, namespace: string | undefined, name: string): Promise<LiveObject | undefined> {
    const o = this.objects.get(storeKey(kind, namespace, name));
    return o && clone(o);
  }

  async replaceStatus(object: LiveObject): Promise<LiveObject> {
    this.puts++;
    const current = this.objects.get(storeKey(object.kind, object.metadata.namespace, object.metadata.name));
    if (!current) throw Object.assign(new Error('not found'), { status: 404 });
    if (current.metadata.resourceVersion !== object.metadata.resourceVersion) throw Object.assign(new Error('conflict'), { status: 409 });
    return this.add({ ...current, status: clone(object.status) });
  }
}

function fakeRoute(name: string): LiveObject {
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GRPCRoute', metadata: { name, namespace: 'ns', generation: 1 }, status: { parents: [] } };
}

function fakeEntry(name: string, accepted: 'True' | 'False'): RouteStatusEntry {
  const c: Condition = { type: 'Accepted', status: accepted, reason: 'R', message: '', observedGeneration: 1, lastTransitionTime: 't' };
  return {
    kind: 'GRPCRoute',
    namespace: 'ns',
    name,
    generation: 1,
    status: { parents: [{ parentRef: { name: 'gw' }, controllerName: OURS, conditions: [c] }] },
  };
}

function setup(concurrency = 4): { api: FakeStatusApi; view: Map<string, LiveObject>; writer: KubernetesStatusWriter; outcomes: string[] } {
  const api = new FakeStatusApi();
  const outcomes: string[] = [];
  const view = new Map<string, LiveObject>(); // what "the watch" has shown; tests move it on explicitly
  const writer = new KubernetesStatusWriter({
    controllerName: OURS,
    api,
    observed: (kind, ns, name) => view.get(storeKey(kind, ns, name)),
    observedAll: (kind) => [...view.values()].filter((o) => o.kind === kind),
    log: pino({ level: 'silent' }),
    concurrency,
    retryDelayMs: 1,
    onWrite: (kind, result) => outcomes.push(`${kind} ${result}`),
  });
  return { api, view, writer, outcomes };
}

function seed(api: FakeStatusApi, view: Map<string, LiveObject>, names: string[]): void {
  for (const n of names) view.set(storeKey('GRPCRoute', 'ns', n), api.add(fakeRoute(n)));
}

function accepted(api: FakeStatusApi, name: string): string | undefined {
  const parents = api.objects.get(storeKey('GRPCRoute', 'ns', name))?.status?.parents as Array<{ conditions: Condition[] }>;
  return parents?.[0]?.conditions[0]?.status;
}

describe('KubernetesStatusWriter', () => {
  it('writes each changed object once, with bounded concurrency, and nothing for an unchanged rebuild', async () => {
    const { api, view, writer } = setup(2);
    const names = Array.from({ length: 20 }, (_, i) => `r${i}`);
    seed(api, view, names);
    const entries: StatusEntry[] = names.map((n) => fakeEntry(n, 'True'));
    writer.update(entries);
    expect(writer.counters().inFlight).toBeLessThanOrEqual(2);
    writer.update(entries); // the same wish again, before the watch shows anything: no extra write
    expect(await writer.idle(5000)).toBe(true);
    expect(writer.counters()).toMatchObject({ writes: 20, writesByKind: { GRPCRoute: 20 }, conflicts: 0, failures: 0 });
    for (const [key, o] of api.objects) view.set(key, clone(o)); // the watch catches up
    writer.update(entries);
    expect(await writer.idle(5000)).toBe(true);
    expect(api.puts).toBe(20);
  });

  it('on a conflict re-reads, keeps the other controller’s entry, and writes ours once', async () => {
    const { api, view, writer, outcomes } = setup();
    seed(api, view, ['r']);
    // Another controller writes its parent after our view was taken: our PUT carries a stale resourceVersion.
    const theirs = { parentRef: { name: 'other' }, controllerName: 'example.com/other', conditions: [] };
    api.add({ ...fakeRoute('r'), status: { parents: [theirs] } });
    writer.update([fakeEntry('r', 'True')]);
    expect(await writer.idle(5000)).toBe(true);
    expect(writer.counters()).toMatchObject({ writes: 1, conflicts: 1 });
    expect(outcomes).toEqual(['GRPCRoute conflict', 'GRPCRoute written']);
    const parents = api.objects.get(storeKey('GRPCRoute', 'ns', 'r'))?.status?.parents as Array<{ controllerName: string }>;
    expect(parents.map((p) => p.controllerName)).toEqual(['example.com/other', OURS]);
  });

  it('does not lose A→B→A while the watched view is stale', async () => {
    const { api, view, writer } = setup();
    seed(api, view, ['r']);
    for (const wish of ['True', 'False', 'True'] as const) {
      writer.update([fakeEntry('r', wish)]);
      expect(await writer.idle(5000)).toBe(true);
    }
    expect(accepted(api, 'r')).toBe('True');
    expect(writer.counters().writes).toBe(3);
  });

  it('writes a route re-created under the same name, even when its status is what the old one got', async () => {
    const { api, view, writer } = setup();
    view.set(storeKey('GRPCRoute', 'ns', 'r'), api.add({ ...fakeRoute('r'), metadata: { ...fakeRoute('r').metadata, uid: 'first' } }));
    writer.update([fakeEntry('r', 'True')]);
    expect(await writer.idle(5000)).toBe(true);
    // Deleted and created again before the watch showed our write: a new uid, an empty status.
    view.set(storeKey('GRPCRoute', 'ns', 'r'), api.add({ ...fakeRoute('r'), metadata: { ...fakeRoute('r').metadata, uid: 'second' } }));
    writer.update([fakeEntry('r', 'True')]);
    expect(await writer.idle(5000)).toBe(true);
    expect(accepted(api, 'r')).toBe('True');
    expect(writer.counters().writes).toBe(2);
  });

  it('withdraws our entries from routes that no longer reach our Gateways', async () => {
    const { api, view, writer } = setup();
    seed(api, view, ['r']);
    writer.update([fakeEntry('r', 'True')]);
    await writer.idle(5000);
    for (const [key, o] of api.objects) view.set(key, clone(o));
    writer.update([]);
    expect(await writer.idle(5000)).toBe(true);
    expect(api.objects.get(storeKey('GRPCRoute', 'ns', 'r'))?.status?.parents).toEqual([]);
  });

  it('skips objects deleted meanwhile, and retries other failures', async () => {
    const { api, view, writer } = setup();
    seed(api, view, ['gone', 'flaky']);
    api.objects.delete(storeKey('GRPCRoute', 'ns', 'gone'));
    const replace = api.replaceStatus.bind(api);
    let failOnce = true;
    api.replaceStatus = async (o) => {
      if (o.metadata.name === 'flaky' && failOnce) {
        failOnce = false;
        throw new Error('connection reset');
      }
      return replace(o);
    };
    writer.update([fakeEntry('gone', 'True'), fakeEntry('flaky', 'True')]);
    expect(await writer.idle(5000)).toBe(true);
    expect(writer.counters()).toMatchObject({ writes: 1, failures: 1 });
    expect(accepted(api, 'flaky')).toBe('True');
  });
  it('keeps the live Programmed of a Gateway whose proxies may still be reconnecting, writes the rest, and its own once they are settled', async () => {
    const { api, view, writer } = setup();
    const cond = (type: string, status: Condition['status'], reason: string): Condition => ({
      type,
      status,
      reason,
      message: 'm',
      observedGeneration: 1,
      lastTransitionTime: 't',
    });
    const live: LiveObject = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'gw', namespace: 'ns', generation: 1 },
      status: { addresses: [], conditions: [cond('Accepted', 'True', 'Accepted'), cond('Programmed', 'True', 'Programmed')], listeners: [] },
    };
    view.set(storeKey('Gateway', 'ns', 'gw'), api.add(live));
    const entry = (accepted: Condition['status']): StatusEntry => ({
      kind: 'Gateway',
      namespace: 'ns',
      name: 'gw',
      generation: 1,
      status: { addresses: [], conditions: [cond('Accepted', accepted, 'Accepted'), cond('Programmed', 'False', 'Pending')], listeners: [] },
    });
    // Only Programmed differs: nothing to write while proxies may be reconnecting.
    writer.update([{ ...(entry('True') as GatewayStatusEntry), awaitingProxies: true }]);
    expect(await writer.idle(5000)).toBe(true);
    expect(api.puts).toBe(0);
    // Something else changed: written, with the live Programmed kept.
    writer.update([{ ...(entry('False') as GatewayStatusEntry), awaitingProxies: true }]);
    expect(await writer.idle(5000)).toBe(true);
    expect(api.puts).toBe(1);
    const written = api.objects.get(storeKey('Gateway', 'ns', 'gw'))!.status as { conditions: Condition[] };
    expect(written.conditions.map((c) => `${c.type}=${c.status}`)).toEqual(['Accepted=False', 'Programmed=True']);
    view.set(storeKey('Gateway', 'ns', 'gw'), api.objects.get(storeKey('Gateway', 'ns', 'gw'))!);
    writer.update([entry('False')]);
    expect(await writer.idle(5000)).toBe(true);
    expect(api.puts).toBe(2);
  });
});

describe('KubernetesStatusWriter on BackendTrafficPolicy (GEP-713 ancestors)', () => {
  const THEIRS = 'example.com/other-controller';
  const ROUTE_REF = { group: 'gateway.networking.k8s.io', kind: 'GRPCRoute', namespace: 'ns', name: 'r' };
  const SERVICE_REF = { group: '', kind: 'Service', namespace: 'ns', name: 'echo' };

  function livePolicy(ancestors: unknown[]): LiveObject {
    return { apiVersion: 'attache.dev/v1alpha1', kind: 'BackendTrafficPolicy', metadata: { name: 'p', namespace: 'ns', generation: 2 }, status: { ancestors } };
  }

  function policyEntry(reason: string, ancestorRef = ROUTE_REF): PolicyStatusEntry {
    const status = reason === 'Accepted' ? 'True' : 'False';
    const c: Condition = { type: 'Accepted', status, reason, message: reason, observedGeneration: 2, lastTransitionTime: 't' };
    return {
      kind: 'BackendTrafficPolicy',
      namespace: 'ns',
      name: 'p',
      generation: 2,
      status: { ancestors: [{ ancestorRef, controllerName: OURS, conditions: [c] }] },
    };
  }

  const ancestorsOf = (api: FakeStatusApi) =>
    api.objects.get(storeKey('BackendTrafficPolicy', 'ns', 'p'))?.status?.ancestors as Array<{
      controllerName: string;
      ancestorRef: { name: string };
      conditions: Condition[];
    }>;

  it("writes our ancestors, keeps another controller's, and replaces ours on the next change", async () => {
    const { api, view, writer, outcomes } = setup();
    const theirs = { ancestorRef: { ...ROUTE_REF, name: 'theirs' }, controllerName: THEIRS, conditions: [] };
    const stale = { ancestorRef: SERVICE_REF, controllerName: OURS, conditions: [] };
    view.set(storeKey('BackendTrafficPolicy', 'ns', 'p'), api.add(livePolicy([theirs, stale])));
    writer.update([policyEntry('Accepted')]);
    expect(await writer.idle(5000)).toBe(true);
    expect(outcomes).toEqual(['BackendTrafficPolicy written']);
    expect(ancestorsOf(api).map((a) => [a.controllerName, a.ancestorRef.name, a.conditions[0]?.reason])).toEqual([
      [THEIRS, 'theirs', undefined],
      [OURS, 'r', 'Accepted'],
    ]);
    for (const [key, o] of api.objects) view.set(key, clone(o)); // the watch catches up
    writer.update([policyEntry('Accepted')]);
    expect(await writer.idle(5000)).toBe(true);
    expect(api.puts).toBe(1); // unchanged: no write
    writer.update([policyEntry('Conflicted')]);
    expect(await writer.idle(5000)).toBe(true);
    expect(ancestorsOf(api).map((a) => [a.controllerName, a.conditions[0]?.reason])).toEqual([
      [THEIRS, undefined],
      [OURS, 'Conflicted'],
    ]);
  });

  it('keeps the lastTransitionTime of an ancestor condition whose status did not change', async () => {
    const { api, view, writer } = setup();
    const c: Condition = {
      type: 'Accepted',
      status: 'True',
      reason: 'Accepted',
      message: 'old',
      observedGeneration: 1,
      lastTransitionTime: '2026-01-01T00:00:00Z',
    };
    view.set(storeKey('BackendTrafficPolicy', 'ns', 'p'), api.add(livePolicy([{ ancestorRef: ROUTE_REF, controllerName: OURS, conditions: [c] }])));
    writer.update([policyEntry('Accepted')]);
    expect(await writer.idle(5000)).toBe(true);
    expect(ancestorsOf(api)[0].conditions[0]).toMatchObject({ message: 'Accepted', lastTransitionTime: '2026-01-01T00:00:00Z' });
  });

  it('withdraws our ancestors from a policy translation no longer reports, leaving others’', async () => {
    const { api, view, writer } = setup();
    const theirs = { ancestorRef: ROUTE_REF, controllerName: THEIRS, conditions: [] };
    view.set(storeKey('BackendTrafficPolicy', 'ns', 'p'), api.add(livePolicy([theirs, { ancestorRef: ROUTE_REF, controllerName: OURS, conditions: [] }])));
    writer.update([]);
    expect(await writer.idle(5000)).toBe(true);
    expect(ancestorsOf(api).map((a) => a.controllerName)).toEqual([THEIRS]);
  });
});
