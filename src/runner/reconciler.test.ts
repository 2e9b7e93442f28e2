/**
 * The reconciler with a real store, translation and cache, and proxy ACKs/NACKs fed in as the
 * xDS server reports them: the EndpointSlice fast path, and what a rejection does to the
 * snapshot (held route, pinned listener) and to status.
 */
import pino from 'pino';
import type { StatusEntry } from '../gatewayapi/status';
import { Store } from '../store/store';
import { PROXY_REJECTED } from '../rejections/proxy-conditions';
import { SnapshotCache } from '../xds/cache/snapshot-cache';
import { TypeUrl } from '../xds/resources';
import { AttacheMetrics } from '../metrics/registry';
import { Reconciler } from './reconciler';

import {
  node,
  GW,
  RC,
  BASE,
  slice,
  route,
  objects,
  setup,
  base,
  versionOf,
  ack,
  nack,
  domains,
  conditionsOf,
  nextTick,
} from '../../test/support/reconciler-fixture';

describe('Reconciler', () => {
  it('rebuilds only the endpoints when only EndpointSlices changed', () => {
    const { store, cache, reconciler } = setup();
    store.replaceAll(objects(BASE, slice('127.0.1.1'), route('a', 'a.example.com')));
    expect(reconciler.reconcile().path).toBe('full');
    const before = cache.getSnapshot(GW)!;
    store.replaceAll(objects(BASE, slice('127.0.1.2'), route('a', 'a.example.com')));
    expect(reconciler.reconcile().path).toBe('endpoints');
    const after = cache.getSnapshot(GW)!;
    for (const t of [TypeUrl.Listener, TypeUrl.RouteConfiguration, TypeUrl.Cluster]) expect(after.typeVersion(t)).toBe(before.typeVersion(t));
    expect(after.typeVersion(TypeUrl.ClusterLoadAssignment)).not.toBe(before.typeVersion(TypeUrl.ClusterLoadAssignment));
    expect(JSON.stringify(reconciler.ir()[0].clusters[0].endpoints)).toContain('127.0.1.2');
    // Anything else goes the full way.
    store.replaceAll(objects(BASE, slice('127.0.1.2'), route('a', 'a.example.com'), route('b', 'b.example.com')));
    expect(reconciler.reconcile().path).toBe('full');
  });

  it('holds a route the proxy rejected out of its RouteConfiguration, lets others through, and retries it when it changes', async () => {
    const { store, cache, reconciler, proxy } = setup();
    store.replaceAll(objects(BASE, slice('127.0.1.1'), route('good', 'good.example.com')));
    reconciler.reconcile();
    const accepted = ack(cache, proxy, TypeUrl.RouteConfiguration, RC);

    store.replaceAll(objects(BASE, slice('127.0.1.1'), route('good', 'good.example.com'), route('bad', 'bad.example.com', 'huge')));
    reconciler.reconcile();
    expect(domains(cache)).toEqual(['bad.example.com', 'good.example.com']);
    nack(
      proxy,
      TypeUrl.RouteConfiguration,
      RC,
      versionOf(cache, TypeUrl.RouteConfiguration, RC),
      accepted,
      "regex '/(?:huge)/[^/]+' RE2 program size of 108009 > max",
    );
    await nextTick();
    expect(domains(cache)).toEqual(['good.example.com']);
    expect(versionOf(cache, TypeUrl.RouteConfiguration, RC)).toBe(accepted);
    expect(conditionsOf(reconciler.status(), 'GRPCRoute', 'bad')).toContain(PROXY_REJECTED);
    expect(conditionsOf(reconciler.status(), 'GRPCRoute', 'good')).not.toContain(PROXY_REJECTED);
    expect(conditionsOf(reconciler.status(), 'Gateway', 'gw')).toContain(PROXY_REJECTED);

    // Another route still gets through while the bad one is held.
    store.replaceAll(
      objects(BASE, slice('127.0.1.1'), route('good', 'good.example.com'), route('bad', 'bad.example.com', 'huge'), route('new', 'new.example.com')),
    );
    reconciler.reconcile();
    expect(domains(cache)).toEqual(['good.example.com', 'new.example.com']);

    // Fixing the bad route ends the hold.
    store.replaceAll(
      objects(BASE, slice('127.0.1.1'), route('good', 'good.example.com'), route('bad', 'bad.example.com', 'fixed'), route('new', 'new.example.com')),
    );
    reconciler.reconcile();
    expect(domains(cache)).toEqual(['bad.example.com', 'good.example.com', 'new.example.com']);
    ack(cache, proxy, TypeUrl.RouteConfiguration, RC);
    expect(conditionsOf(reconciler.status(), 'GRPCRoute', 'bad')).not.toContain(PROXY_REJECTED);
    expect(conditionsOf(reconciler.status(), 'Gateway', 'gw')).not.toContain(PROXY_REJECTED);
  });

  it('serves an edited route at its last accepted version when the edit is rejected', async () => {
    const { store, cache, reconciler, proxy } = setup();
    store.replaceAll(objects(BASE, slice('127.0.1.1'), route('r', 'r.example.com', 'one')));
    reconciler.reconcile();
    const accepted = ack(cache, proxy, TypeUrl.RouteConfiguration, RC);
    store.replaceAll(objects(BASE, slice('127.0.1.1'), route('r', 'r.example.com', 'two')));
    reconciler.reconcile();
    nack(proxy, TypeUrl.RouteConfiguration, RC, versionOf(cache, TypeUrl.RouteConfiguration, RC), accepted, 'no');
    await nextTick();
    expect(versionOf(cache, TypeUrl.RouteConfiguration, RC)).toBe(accepted);
    expect(domains(cache)).toEqual(['r.example.com']);
  });

  it('leaves out a new listener the proxy rejected until it changes, and only reports when the proxy state is unknown', async () => {
    const { store, cache, reconciler, proxy } = setup();
    store.replaceAll(objects(BASE, slice('127.0.1.1'), route('r', 'r.example.com')));
    reconciler.reconcile();
    ack(cache, proxy, TypeUrl.Listener, 'listener/127.0.0.1/10080');
    const twoListeners = BASE.replace('protocol: HTTP}]', 'protocol: HTTP}, {name: other, port: 8081, protocol: HTTP}]');
    store.replaceAll(objects(twoListeners, slice('127.0.1.1'), route('r', 'r.example.com')));
    reconciler.reconcile();
    const listener = 'listener/127.0.0.1/8081';
    nack(proxy, TypeUrl.Listener, listener, versionOf(cache, TypeUrl.Listener, listener), undefined, "cannot bind '127.0.0.1:8081': Address already in use");
    await nextTick();
    expect(cache.getSnapshot(GW, 1)?.resource(TypeUrl.Listener, listener)).toBeUndefined();
    expect(cache.getSnapshot(GW, 1)?.resource(TypeUrl.Listener, 'listener/127.0.0.1/10080')).toBeDefined();
    // Only for the proxy that rejected it: every other proxy is served the listener as written.
    expect(cache.getSnapshot(GW)?.resource(TypeUrl.Listener, listener)).toBeDefined();
    expect(cache.getSnapshot(GW, 7)?.resource(TypeUrl.Listener, listener)).toBeDefined();
    expect(conditionsOf(reconciler.status(), 'Gateway', 'gw')).toContain(PROXY_REJECTED);

    proxy.onNack?.({
      ...base,
      streamId: 2,
      typeUrl: TypeUrl.Cluster,
      names: [],
      rejectedVersion: '',
      errorDetail: { code: 3, message: 'x' },
      rejected: [],
      clientStateKnown: false,
    });
    proxy.onStreamClosed?.({ ...base, streamId: 2 });
    // A different Gateway spec rebuilds the listener with other content: the pin is released.
    store.replaceAll(objects(twoListeners.replace('port: 8081', 'port: 8082'), slice('127.0.1.1'), route('r', 'r.example.com')));
    reconciler.reconcile();
    expect(cache.getSnapshot(GW, 1)?.resource(TypeUrl.Listener, 'listener/127.0.0.1/8082')).toBeDefined();
    expect(cache.proxiesWithOwnSnapshot(GW)).toEqual([]);
  });

  it("after a restart (proxy state unknown) holds out only the route Envoy's message quotes", async () => {
    const { store, cache, reconciler, proxy } = setup();
    store.replaceAll(objects(BASE, slice('127.0.1.1'), route('good', 'good.example.com'), route('bad', 'bad.example.com', 'huge')));
    reconciler.reconcile();
    const rejected = versionOf(cache, TypeUrl.RouteConfiguration, RC);
    const event = {
      ...base,
      typeUrl: TypeUrl.RouteConfiguration,
      names: [RC],
      rejectedVersion: 'x',
      rejected: [{ name: RC, version: rejected }],
      clientStateKnown: false,
    };
    proxy.onNack?.({ ...event, errorDetail: { code: 3, message: 'something without quotes' } });
    await nextTick();
    expect(domains(cache)).toEqual(['bad.example.com', 'good.example.com']);
    proxy.onNack?.({ ...event, errorDetail: { code: 3, message: "regex '/(?:huge)/[^/]+' RE2 program size of 108009 > max" } });
    await nextTick();
    expect(domains(cache)).toEqual(['good.example.com']);
    expect(conditionsOf(reconciler.status(), 'GRPCRoute', 'bad')).toContain(PROXY_REJECTED);
  });
});

describe('Reconciler metrics', () => {
  it('records objects by kind, translation time, snapshot bytes per type, and convergence of the pushes it causes', async () => {
    const metrics = new AttacheMetrics();
    const store = new Store();
    const cache = new SnapshotCache();
    const options = () => ({
      controllerName: 'attache.dev/gateway-controller',
      defaultAddress: '127.0.0.1',
      privilegedPortShift: 10000,
      now: '2026-01-01T00:00:00Z',
    });
    const reconciler = new Reconciler(store, cache, options, pino({ level: 'silent' }), undefined, { metrics });
    // A watcher standing in for a connected proxy's stream: it is pushed to inside setSnapshot.
    const xds = metrics.xdsCallbacks();
    const stream = { streamId: 9, protocol: 'delta' as const, peer: 'p', node, key: GW };
    xds.onStreamIdentified?.(stream);
    cache.watch(GW, () =>
      xds.onPush?.({ ...stream, typeUrl: TypeUrl.Cluster, version: 'v', nonce: '1', names: [], resources: [], removed: [], bytes: 10, durationMs: 0.1 }),
    );
    store.replaceAll(objects(BASE, slice('10.244.0.1'), route('a', 'a.example.com')));
    reconciler.reconcile(Date.now() - 50);
    expect(metrics.convergence.pendingCount(GW)).toBe(1);
    xds.onAck?.({ ...stream, typeUrl: TypeUrl.Cluster, version: 'v', nonce: '1', names: [], resources: [] });
    expect(metrics.convergence.pendingCount(GW)).toBe(0);

    const text = await metrics.text();
    const line = (prefix: string): number =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith(prefix))
          ?.split(' ')
          .pop(),
      );
    expect(line('attache_objects{kind="GRPCRoute"}')).toBe(1);
    expect(line('attache_objects{kind="EndpointSlice"}')).toBe(1);
    expect(line('attache_translation_duration_seconds_count')).toBe(1);
    expect(line(`attache_snapshot_size_bytes{gateway="${GW}",type_url="${TypeUrl.RouteConfiguration}"}`)).toBeGreaterThan(0);
    expect(line('attache_convergence_duration_seconds_count{path="full"}')).toBe(1);
    expect(line('attache_convergence_duration_seconds_sum{path="full"}')).toBeGreaterThanOrEqual(0.05);
  });
});

describe('Reconciler: Programmed from the data plane', () => {
  const programmed = (status: StatusEntry[]): string[] => {
    const gw = status.find((e) => e.kind === 'Gateway');
    if (gw?.kind !== 'Gateway') return [];
    const of = (cs: typeof gw.status.conditions): string => cs.filter((c) => c.type === 'Programmed').map((c) => `${c.status}/${c.reason}`)[0] ?? '';
    return [of(gw.status.conditions), ...gw.status.listeners.map((l) => of(l.conditions))];
  };

  it('keeps status as translated until a data plane is set, then follows it without translating again', () => {
    const { store, reconciler } = setup();
    store.replaceAll(objects(BASE));
    reconciler.reconcile();
    expect(programmed(reconciler.status())).toEqual(['True/Programmed', 'True/Programmed']);
    const seen: StatusEntry[][] = [];
    reconciler.onStatusChange((s) => seen.push(s));
    reconciler.setDataPlane(new Map());
    expect(programmed(reconciler.status())).toEqual(['False/Pending', 'False/Pending']);
    reconciler.setDataPlane(new Map([[GW, { connected: 1, current: true, listeners: new Set(['listener/127.0.0.1/10080']) }]]));
    expect(programmed(reconciler.status())).toEqual(['True/Programmed', 'True/Programmed']);
    expect(seen).toHaveLength(2);
    // A rebuild keeps the data plane's verdict.
    store.replaceAll(objects(BASE, route('r', 'a.example.com')));
    reconciler.reconcile();
    expect(programmed(reconciler.status())).toEqual(['True/Programmed', 'True/Programmed']);
  });
});
