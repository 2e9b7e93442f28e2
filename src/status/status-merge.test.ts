import { type Condition } from '../apis/meta';
import { type GatewayStatusEntry, type RouteStatusEntry } from '../gatewayapi/status';
import { canonical, hasOurParents, type LiveObject, statusToWrite, wishOf } from './status-merge';

const OURS = 'attache.dev/gateway-controller';
const THEIRS = 'example.com/other';

function cond(type: string, status: 'True' | 'False', time: string, generation = 1): Condition {
  return { type, status, reason: type, message: '', observedGeneration: generation, lastTransitionTime: time };
}

function fakeRoute(parents: unknown[]): LiveObject {
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GRPCRoute', metadata: { name: 'r', namespace: 'ns', resourceVersion: '7' }, status: { parents } };
}

function fakeRouteEntry(conditions: Condition[]): RouteStatusEntry {
  return {
    kind: 'GRPCRoute',
    namespace: 'ns',
    name: 'r',
    generation: 1,
    status: { parents: [{ parentRef: { name: 'gw' }, controllerName: OURS, conditions }] },
  };
}

const theirEntry = {
  parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'other-gw' },
  controllerName: THEIRS,
  conditions: [cond('Accepted', 'True', 't0')],
};

describe('statusToWrite for routes', () => {
  it('adds our parent entry and keeps the other controller’s entry untouched, first', () => {
    const out = statusToWrite(fakeRouteEntry([cond('Accepted', 'True', 't1')]), fakeRoute([theirEntry]), OURS);
    const parents = out?.parents as Array<{ controllerName: string; parentRef: object }>;
    expect(parents.map((p) => p.controllerName)).toEqual([THEIRS, OURS]);
    expect(parents[0]).toBe(theirEntry);
    // Written as the CRD stores it, with group and kind defaulted.
    expect(parents[1].parentRef).toEqual({ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' });
  });

  it('needs no write when only lastTransitionTime differs, and keeps the live time on a write', () => {
    const live = fakeRoute([
      theirEntry,
      { parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' }, controllerName: OURS, conditions: [cond('Accepted', 'True', 't0')] },
    ]);
    expect(statusToWrite(fakeRouteEntry([cond('Accepted', 'True', 't9')]), live, OURS)).toBeUndefined();
    const changed = statusToWrite(fakeRouteEntry([cond('Accepted', 'True', 't9'), cond('ResolvedRefs', 'False', 't9')]), live, OURS);
    const ours = (changed?.parents as Array<{ controllerName: string; conditions: Condition[] }>).find((p) => p.controllerName === OURS)!;
    expect(ours.conditions.map((c) => c.lastTransitionTime)).toEqual(['t0', 't9']);
  });

  it('withdraws only our entries from a route that no longer reaches our Gateways', () => {
    const live = fakeRoute([theirEntry, { parentRef: { name: 'gw' }, controllerName: OURS, conditions: [] }]);
    expect(hasOurParents(live, OURS)).toBe(true);
    expect(statusToWrite(undefined, live, OURS)).toEqual({ parents: [theirEntry] });
    expect(statusToWrite(undefined, fakeRoute([theirEntry]), OURS)).toBeUndefined();
  });

  it('compares regardless of key order and parent order (the API server sorts keys)', () => {
    expect(canonical({ b: 1, a: { d: [1, { f: 1, e: 2 }], c: undefined } })).toBe(canonical({ a: { d: [1, { e: 2, f: 1 }] }, b: 1 }));
    expect(wishOf(fakeRouteEntry([cond('Accepted', 'True', 't1')]))).toBe(wishOf(fakeRouteEntry([cond('Accepted', 'True', 't2')])));
  });
});

describe('statusToWrite for Gateways', () => {
  const entry: GatewayStatusEntry = {
    kind: 'Gateway',
    namespace: 'ns',
    name: 'gw',
    generation: 2,
    status: {
      addresses: [{ type: 'IPAddress', value: '127.0.0.1' }],
      conditions: [cond('Programmed', 'True', 't5', 2)],
      listeners: [{ name: 'grpc', supportedKinds: [], attachedRoutes: 1, conditions: [cond('Programmed', 'True', 't5', 2)] }],
    },
  };
  const live = (status: Record<string, unknown>): LiveObject => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'gw', namespace: 'ns' },
    status,
  });

  it('writes ours over the CRD default, keeping fields we do not compute', () => {
    const out = statusToWrite(entry, live({ conditions: [cond('Programmed', 'False', 't0')], attachedListenerSets: 0 }), OURS);
    expect(out).toMatchObject({ attachedListenerSets: 0, addresses: entry.status.addresses });
    expect((out?.conditions as Condition[])[0]).toMatchObject({ status: 'True', lastTransitionTime: 't5' });
  });

  it('needs no write when the live status says the same', () => {
    expect(statusToWrite(entry, live(JSON.parse(JSON.stringify(entry.status)) as Record<string, unknown>), OURS)).toBeUndefined();
  });

  it('leaves an object alone when translation has no entry for it (another controller’s class)', () => {
    expect(statusToWrite(undefined, live({ conditions: [] }), OURS)).toBeUndefined();
  });
});
