import { TypeUrl } from '../xds/resources';
import { AttacheMetrics } from './registry';

const node = {
  id: 'envoy-1',
  cluster: 'default/gw',
  metadata: null,
  locality: null,
  user_agent_name: '',
  extensions: [],
  client_features: [],
  listening_addresses: [],
  dynamic_parameters: {},
};
const stream = { streamId: 7, protocol: 'delta' as const, peer: 'ipv4:127.0.0.1:1' };

async function value(metrics: AttacheMetrics, line: string): Promise<string | undefined> {
  return (await metrics.text()).split('\n').find((l) => l.startsWith(line));
}

describe('AttacheMetrics', () => {
  it('counts NACKs per type URL and proxies per Gateway, from the xDS server callbacks', async () => {
    const metrics = new AttacheMetrics({ gateways: () => ['default/gw'] });
    const cb = metrics.xdsCallbacks();
    cb.onStreamOpen?.(stream);
    cb.onStreamIdentified?.({ ...stream, node, key: 'default/gw' });
    expect(await value(metrics, 'attache_xds_connected_proxies{gateway="default/gw"}')).toMatch(/ 1$/);
    const nack = { ...stream, node, key: 'default/gw', typeUrl: TypeUrl.RouteConfiguration, version: '', nonce: '1', names: [], rejectedVersion: '' };
    cb.onNack?.({ ...nack, errorDetail: { code: 3, message: 'no' }, rejected: [], clientStateKnown: true });
    expect(await value(metrics, `attache_xds_nacks_total{type_url="${TypeUrl.RouteConfiguration}"}`)).toMatch(/ 1$/);
    cb.onStreamClosed?.({ ...stream, node, key: 'default/gw' });
    expect(await value(metrics, 'attache_xds_connected_proxies{gateway="default/gw"}')).toMatch(/ 0$/);
    expect(await value(metrics, 'attache_xds_stream_disconnects_total{protocol="delta"}')).toMatch(/ 1$/);
  });

  it('labels proxies only with Gateways that exist: whatever else a proxy names is counted as unknown', async () => {
    const gateways = ['default/gw'];
    const metrics = new AttacheMetrics({ gateways: () => gateways });
    const cb = metrics.xdsCallbacks();
    const names = ['default/gw', 'attacker/1', 'attacker/2', 'x'.repeat(300), 'default/later'];
    names.forEach((key, i) => cb.onStreamIdentified?.({ ...stream, streamId: i, node: { ...node, cluster: key }, key }));
    const lines = (await metrics.text()).split('\n').filter((l) => l.startsWith('attache_xds_connected_proxies{'));
    expect(lines).toEqual(['attache_xds_connected_proxies{gateway="default/gw"} 1', 'attache_xds_connected_proxies{gateway="unknown"} 4']);
    // A Gateway created after its proxies connected: they count under it from then on.
    gateways.push('default/later');
    expect(await value(metrics, 'attache_xds_connected_proxies{gateway="default/later"}')).toMatch(/ 1$/);
    expect(await value(metrics, 'attache_xds_connected_proxies{gateway="unknown"}')).toMatch(/ 3$/);
  });

  it('keeps a registry per instance', async () => {
    const a = new AttacheMetrics();
    a.recordRebuild('endpoints', 2);
    expect(await value(a, 'attache_rebuilds_total{path="endpoints"}')).toMatch(/ 1$/);
    expect(await value(new AttacheMetrics(), 'attache_rebuilds_total{path="endpoints"}')).toBeUndefined();
  });
});

describe('AttacheMetrics families', () => {
  it('times pushes and counts their bytes per type URL', async () => {
    const metrics = new AttacheMetrics();
    const cb = metrics.xdsCallbacks();
    cb.onPush?.({
      ...stream,
      node,
      key: 'default/gw',
      typeUrl: TypeUrl.Listener,
      version: 'v',
      nonce: '1',
      names: ['l'],
      resources: [],
      removed: [],
      bytes: 321,
      durationMs: 2,
    });
    expect(await value(metrics, `attache_xds_push_bytes_total{type_url="${TypeUrl.Listener}"}`)).toMatch(/ 321$/);
    expect(await value(metrics, `attache_xds_push_duration_seconds_sum{type_url="${TypeUrl.Listener}"}`)).toMatch(/ 0\.002$/);
  });

  it('drops the snapshot size of a Gateway that is gone', async () => {
    const metrics = new AttacheMetrics();
    metrics.snapshotBytes.set({ gateway: 'default/gw', type_url: TypeUrl.Cluster }, 10);
    metrics.recordSnapshot('default/gw', undefined);
    expect(await value(metrics, 'attache_snapshot_size_bytes{')).toBeUndefined();
  });

  it('counts status writes by kind and result', async () => {
    const metrics = new AttacheMetrics();
    metrics.recordStatusWrite('GRPCRoute', 'written');
    metrics.recordStatusWrite('GRPCRoute', 'conflict');
    expect(await value(metrics, 'attache_status_writes_total{kind="GRPCRoute",result="conflict"}')).toMatch(/ 1$/);
  });

  it('adds process metrics on request only', async () => {
    expect(await value(new AttacheMetrics({ processMetrics: true }), 'process_cpu_user_seconds_total')).toBeDefined();
    expect(await value(new AttacheMetrics(), 'process_cpu_user_seconds_total')).toBeUndefined();
  });
});
