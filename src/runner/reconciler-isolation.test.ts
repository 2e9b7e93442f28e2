/**
 * One proxy's rejection is that proxy's alone: a NACK from a client that never accepted anything,
 * or from a rogue stream claiming another proxy's node id, holds nothing back from anyone else.
 */
import { PROXY_REJECTED } from '../rejections/proxy-conditions';
import { TypeUrl } from '../xds/resources';

import { GW, RC, BASE, slice, route, objects, setup, base, versionOf, ack, nack, domains, conditionsOf, nextTick } from '../../test/support/reconciler-fixture';

describe("Reconciler: one proxy's rejection is that proxy's alone", () => {
  const ROGUE = 2;
  const listener = 'listener/127.0.0.1/10080';

  it('a client that never accepted anything NACKing the first Listener takes nothing from anyone', async () => {
    const { store, cache, reconciler, proxy } = setup();
    store.replaceAll(objects(BASE, slice('127.0.1.1'), route('r', 'r.example.com')));
    reconciler.reconcile();
    ack(cache, proxy, TypeUrl.Listener, listener);
    nack(proxy, TypeUrl.Listener, listener, versionOf(cache, TypeUrl.Listener, listener, ROGUE), undefined, 'rogue', ROGUE);
    await nextTick();
    expect(cache.getSnapshot(GW, 1)?.resource(TypeUrl.Listener, listener)).toBeDefined();
    expect(cache.getSnapshot(GW, ROGUE)?.resource(TypeUrl.Listener, listener)).toBeDefined();
    expect(cache.proxiesWithOwnSnapshot(GW)).toEqual([]);
    // Reported all the same, naming the proxy, until its stream ends.
    expect(JSON.stringify(reconciler.status())).toContain('proxy envoy-1 rejected Listener listener/127.0.0.1/10080: rogue');
    proxy.onStreamClosed?.({ ...base, streamId: ROGUE });
    expect(conditionsOf(reconciler.status(), 'Gateway', 'gw')).not.toContain(PROXY_REJECTED);
  });

  it('a client that never accepted anything NACKing a RouteConfiguration that quotes a hostname holds no route', async () => {
    const { store, cache, reconciler, proxy } = setup();
    store.replaceAll(objects(BASE, slice('127.0.1.1'), route('good', 'good.example.com'), route('other', 'other.example.com')));
    reconciler.reconcile();
    ack(cache, proxy, TypeUrl.RouteConfiguration, RC);
    nack(proxy, TypeUrl.RouteConfiguration, RC, versionOf(cache, TypeUrl.RouteConfiguration, RC, ROGUE), undefined, "domain 'good.example.com' refused", ROGUE);
    await nextTick();
    expect(domains(cache, 1)).toEqual(['good.example.com', 'other.example.com']);
    expect(domains(cache, ROGUE)).toEqual(['good.example.com', 'other.example.com']);
    expect(conditionsOf(reconciler.status(), 'GRPCRoute', 'good')).not.toContain(PROXY_REJECTED);
  });

  it('holds a rejected route for the proxy that rejected it only, until its stream ends', async () => {
    const { store, cache, reconciler, proxy } = setup();
    store.replaceAll(objects(BASE, slice('127.0.1.1'), route('good', 'good.example.com')));
    reconciler.reconcile();
    ack(cache, proxy, TypeUrl.RouteConfiguration, RC, 1);
    const accepted = ack(cache, proxy, TypeUrl.RouteConfiguration, RC, ROGUE);
    store.replaceAll(objects(BASE, slice('127.0.1.1'), route('good', 'good.example.com'), route('bad', 'bad.example.com', 'huge')));
    reconciler.reconcile();
    nack(proxy, TypeUrl.RouteConfiguration, RC, versionOf(cache, TypeUrl.RouteConfiguration, RC, ROGUE), accepted, "regex '/(?:huge)/[^/]+' too big", ROGUE);
    await nextTick();
    expect(domains(cache, ROGUE)).toEqual(['good.example.com']);
    expect(domains(cache, 1)).toEqual(['bad.example.com', 'good.example.com']);
    expect(domains(cache, 3)).toEqual(['bad.example.com', 'good.example.com']);
    expect(JSON.stringify(reconciler.status())).toContain('other proxies get it as written');

    // Other changes reach the holding proxy too; the hold stays.
    store.replaceAll(
      objects(BASE, slice('127.0.1.1'), route('good', 'good.example.com'), route('bad', 'bad.example.com', 'huge'), route('new', 'new.example.com')),
    );
    reconciler.reconcile();
    expect(domains(cache, ROGUE)).toEqual(['good.example.com', 'new.example.com']);
    // Its ACK of its own snapshot is traced like any other.
    ack(cache, proxy, TypeUrl.RouteConfiguration, RC, ROGUE);

    proxy.onStreamClosed?.({ ...base, streamId: ROGUE });
    expect(cache.proxiesWithOwnSnapshot(GW)).toEqual([]);
    expect(conditionsOf(reconciler.status(), 'GRPCRoute', 'bad')).not.toContain(PROXY_REJECTED);
    expect(conditionsOf(reconciler.status(), 'Gateway', 'gw')).not.toContain(PROXY_REJECTED);
  });

  it("a rogue stream claiming the real proxy's node id changes nothing for the real one", async () => {
    const { store, cache, reconciler, proxy } = setup();
    store.replaceAll(objects(BASE, slice('127.0.1.1'), route('r', 'r.example.com', 'one')));
    reconciler.reconcile();
    ack(cache, proxy, TypeUrl.RouteConfiguration, RC, 1);
    const accepted = ack(cache, proxy, TypeUrl.RouteConfiguration, RC, ROGUE);
    store.replaceAll(objects(BASE, slice('127.0.1.1'), route('r', 'r.example.com', 'two')));
    reconciler.reconcile();
    const current = versionOf(cache, TypeUrl.RouteConfiguration, RC, 1);
    nack(proxy, TypeUrl.RouteConfiguration, RC, current, accepted, 'no', ROGUE);
    await nextTick();
    expect(versionOf(cache, TypeUrl.RouteConfiguration, RC, ROGUE)).toBe(accepted);
    expect(versionOf(cache, TypeUrl.RouteConfiguration, RC, 1)).toBe(current);
  });
});
