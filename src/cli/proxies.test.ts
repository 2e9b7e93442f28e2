import { inSync, proxiesTable } from './proxies';

const synced = { nodeId: 'envoy-a', key: 'default/gw', protocol: 'delta', types: [{ typeUrl: 'type.googleapis.com/envoy.config.listener.v3.Listener', lastVersionSent: 'v1', lastVersionAcked: 'v1' }] };
const nacked = {
  nodeId: 'envoy-b',
  key: 'default/gw',
  protocol: 'sotw',
  types: [{ typeUrl: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration', lastVersionSent: 'v2', lastVersionAcked: 'v1', lastNack: { errorDetail: { message: 'bad regex' } } }],
};

describe('attache proxies', () => {
  it('tells synced proxies from those that NACKed', () => {
    expect(inSync(synced)).toBe(true);
    expect(inSync(nacked)).toBe(false);
    const table = proxiesTable([synced, nacked]);
    expect(table).toMatch(/envoy-a\s+default\/gw\s+delta\s+SYNCED/);
    expect(table).toMatch(/envoy-b\s+default\/gw\s+sotw\s+NACKED\s+NACK RouteConfiguration: bad regex/);
  });
});
