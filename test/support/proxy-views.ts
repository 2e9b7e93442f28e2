/** Proxies as the debug endpoint lists them, for the tests of its pages and of `attache proxies`. */
import type { ProxyView, SyncState } from '../../src/debug/proxy-view';

function proxyView(i: number, sync: SyncState): ProxyView {
  return {
    nodeId: `envoy-${i}`,
    cluster: 'default/gw',
    gateway: 'default/gw',
    protocol: 'SotW',
    peer: '127.0.0.1:1',
    connectedSince: 't',
    sync,
    inSync: sync === 'SYNCED',
    types: [],
    rejected: [],
  };
}

/** 1,200 proxies: every 100th NACKED, every 7th STALE, the rest SYNCED; and how many of each. */
export const manyProxies = Array.from({ length: 1200 }, (_, i) => proxyView(i, i % 100 === 0 ? 'NACKED' : i % 7 === 0 ? 'STALE' : 'SYNCED'));
const stale = manyProxies.filter((p) => p.sync === 'STALE').length;
export const manyProxiesBySync = { NACKED: 12, STALE: stale, SYNCED: 1200 - 12 - stale };
