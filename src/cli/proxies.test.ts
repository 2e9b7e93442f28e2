import { MAX_PAGE, proxyPage } from '../debug/proxy-page';
import type { ProxyView } from '../debug/proxy-view';
import { leftOutNote, proxiesTable } from './proxies';
import { manyProxies, manyProxiesBySync } from '../../test/support/proxy-views';

const base = { cluster: 'default/gw', gateway: 'default/gw', peer: 'ipv4:127.0.0.1:1', connectedSince: '2026-01-01T00:00:00.000Z', rejected: [] };
const type = { type: 'route', typeUrl: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration', wildcard: false, resources: 1, accepted: 1 };
const synced: ProxyView = {
  ...base,
  nodeId: 'envoy-a',
  protocol: 'Delta',
  sync: 'SYNCED',
  inSync: true,
  types: [{ ...type, lastVersionSent: 'v1', lastVersionAcked: 'v1' }],
};
const nacked: ProxyView = {
  ...base,
  nodeId: 'envoy-b',
  protocol: 'SotW',
  sync: 'NACKED',
  inSync: false,
  types: [
    {
      ...type,
      lastVersionSent: 'v2',
      lastVersionAcked: 'v1',
      lastNack: { at: 't', nonce: '2', code: 3, message: `bad regex ${'a'.repeat(500)}`, resources: ['routes/x'] },
    },
  ],
};
const held: ProxyView = {
  ...base,
  nodeId: 'envoy-c',
  protocol: 'Delta',
  sync: 'NACKED',
  inSync: false,
  types: [{ ...type, lastVersionSent: 'v3', lastVersionAcked: 'v3' }],
  rejected: [{ object: 'GRPCRoute default/bad', served: 'left out', message: 'RE2 program size', since: 't' }],
};

describe('attache proxies table', () => {
  it('prints one line per proxy: SYNCED, or NACKED with the type, resources and Envoy’s message (clipped)', () => {
    const table = proxiesTable([synced, nacked, held]);
    const lines = table.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NODE\s+GATEWAY\s+PROTOCOL\s+SYNC\s+DETAIL$/);
    expect(lines[1]).toMatch(/^envoy-a\s+default\/gw\s+Delta\s+SYNCED$/);
    expect(lines[2]).toMatch(/^envoy-b\s+default\/gw\s+SotW\s+NACKED\s+NACK route routes\/x: bad regex a+…$/);
    expect(lines[2].length).toBeLessThan(330);
    expect(lines[3]).toMatch(/envoy-c.*NACKED\s+GRPCRoute default\/bad rejected, left out: RE2 program size$/);
  });

  it('says what a STALE proxy waits for', () => {
    const stale: ProxyView = {
      ...synced,
      sync: 'STALE',
      inSync: false,
      types: [
        { ...type, type: 'cluster', lastVersionSent: 'v2', lastVersionAcked: 'v1' },
        { ...type, type: 'endpoint', lastVersionSent: '', lastVersionAcked: '' },
      ],
    };
    expect(proxiesTable([stale])).toMatch(/STALE\s+waiting for ACK: cluster; nothing sent yet: endpoint\n$/);
  });
});

const many = manyProxies;
const counts = manyProxiesBySync;

describe('attache proxies, when proxies are left out', () => {
  it('says which were shown, how many were left out, and the state of all of them', () => {
    expect(leftOutNote(proxyPage(many, { offset: 0, limit: 500 }))).toBe(
      `showing 1-500 of 1200 proxies (700 left out; --offset, --limit up to ${MAX_PAGE}); all of them: ${counts.SYNCED} SYNCED, ${counts.STALE} STALE, 12 NACKED`,
    );
    expect(leftOutNote(proxyPage(many.slice(0, 3), { offset: 0, limit: 500 }))).toBeUndefined();
  });
});
