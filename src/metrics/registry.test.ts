import { TypeUrl } from '../xds/resources';
import { AttacheMetrics } from './registry';

const node = { id: 'envoy-1', cluster: 'default/gw', metadata: null, locality: null, user_agent_name: '', extensions: [], client_features: [], listening_addresses: [], dynamic_parameters: {} };
const stream = { streamId: 7, protocol: 'delta' as const, peer: 'ipv4:127.0.0.1:1' };

async function value(metrics: AttacheMetrics, line: string): Promise<string | undefined> {
  return (await metrics.text()).split('\n').find((l) => l.startsWith(line));
}

describe('AttacheMetrics', () => {
  it('counts NACKs per type URL and proxies per Gateway, from the xDS server callbacks', async () => {
    const metrics = new AttacheMetrics();
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

  it('keeps a registry per instance', async () => {
    const a = new AttacheMetrics();
    a.recordRebuild('endpoints', 2);
    expect(await value(a, 'attache_rebuilds_total{path="endpoints"}')).toMatch(/ 1$/);
    expect(await value(new AttacheMetrics(), 'attache_rebuilds_total{path="endpoints"}')).toBeUndefined();
  });
});
