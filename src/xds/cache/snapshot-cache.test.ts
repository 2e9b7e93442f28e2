import type { Node__Output } from '../../generated/envoy/config/core/v3/Node';
import { TypeUrl } from '../resources';
import { fakeGateway } from '../../../test/support/fake-resources';
import { buildSnapshot, type Snapshot } from './snapshot';
import { nodeKeyFromCluster, SnapshotCache } from './snapshot-cache';

function fakeNode(id: string, cluster: string): Node__Output {
  return {
    id,
    cluster,
    metadata: null,
    locality: null,
    user_agent_name: 'test',
    extensions: [],
    client_features: [],
    listening_addresses: [],
    dynamic_parameters: {},
  };
}

describe('SnapshotCache', () => {
  it('keys nodes by cluster by default, or by the injected policy', () => {
    expect(new SnapshotCache().nodeKey(fakeNode('envoy-1', 'gw/default/eg'))).toBe('gw/default/eg');
    expect(nodeKeyFromCluster(fakeNode('envoy-1', 'c'))).toBe('c');
    expect(new SnapshotCache({ nodeKey: (node) => node.id }).nodeKey(fakeNode('envoy-1', 'c'))).toBe('envoy-1');
  });

  it('stores a consistent snapshot, keeps it for a key nobody watches, and tells watchers of later ones', () => {
    const cache = new SnapshotCache();
    const first = buildSnapshot(fakeGateway());
    expect(cache.setSnapshot('gw', first)).toEqual({ ok: true });
    expect(cache.getSnapshot('gw')).toBe(first);

    const seen: Snapshot[] = [];
    const unwatch = cache.watch('gw', (s) => seen.push(s));
    const second = buildSnapshot(fakeGateway({ endpointPort: 9000 }));
    cache.setSnapshot('gw', second);
    cache.setSnapshot('other', buildSnapshot(fakeGateway({ endpointPort: 9001 })));
    expect(seen).toEqual([second]);

    unwatch();
    cache.setSnapshot('gw', buildSnapshot(fakeGateway({ endpointPort: 9002 })));
    expect(seen).toHaveLength(1);
    expect(cache.keys()).toEqual(['gw', 'other']);
  });

  it('refuses an inconsistent snapshot and keeps the last good one', () => {
    const cache = new SnapshotCache();
    const good = buildSnapshot(fakeGateway());
    cache.setSnapshot('gw', good);
    const seen: Snapshot[] = [];
    cache.watch('gw', (s) => seen.push(s));

    const input = fakeGateway();
    input[TypeUrl.RouteConfiguration] = [];
    const result = cache.setSnapshot('gw', buildSnapshot(input));

    expect(result).toEqual({ ok: false, errors: ['listener "listener-80" refers to missing route "listener-80-routes"'] });
    expect(cache.getSnapshot('gw')).toBe(good);
    expect(seen).toEqual([]);
  });

  it('does not wake watchers for a rebuild with identical content', () => {
    const cache = new SnapshotCache();
    cache.setSnapshot('gw', buildSnapshot(fakeGateway()));
    const listener = jest.fn();
    cache.watch('gw', listener);
    expect(cache.setSnapshot('gw', buildSnapshot(fakeGateway()))).toEqual({ ok: true });
    expect(listener).not.toHaveBeenCalled();
  });

  it('forgets a cleared key, and notifies when a snapshot is set again', () => {
    const cache = new SnapshotCache();
    cache.setSnapshot('gw', buildSnapshot(fakeGateway()));
    const listener = jest.fn();
    cache.watch('gw', listener);
    cache.clear('gw');
    expect(cache.getSnapshot('gw')).toBeUndefined();
    cache.setSnapshot('gw', buildSnapshot(fakeGateway()));
    expect(listener).toHaveBeenCalledTimes(1);
  });
});
