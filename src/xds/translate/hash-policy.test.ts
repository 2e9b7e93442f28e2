import type { ClusterIR } from '../../ir/types';
import { hashPoliciesByCluster, routeHashPolicy } from './hash-policy';

const cluster = (name: string, trafficPolicy?: ClusterIR['trafficPolicy']): ClusterIR => ({ name, protocol: 'h2c', endpoints: [], trafficPolicy });

describe('hash policies', () => {
  const policies = hashPoliciesByCluster([
    cluster('by-header', { loadBalancer: { kind: 'ringHash', hashOn: { kind: 'header', name: 'x-user' } }, policies: [] }),
    cluster('by-cookie', { loadBalancer: { kind: 'ringHash', hashOn: { kind: 'cookie', name: 'session', ttlMs: 1500 } }, policies: [] }),
    cluster('session-cookie', { loadBalancer: { kind: 'ringHash', hashOn: { kind: 'cookie', name: 'sid' } }, policies: [] }),
    cluster('least', { loadBalancer: { kind: 'leastRequest' }, policies: [] }),
    cluster('plain'),
  ]);

  it('exist only for ring-hash clusters', () => {
    expect([...policies.keys()]).toEqual(['by-header', 'by-cookie', 'session-cookie']);
  });

  it('hash on the header, or the cookie with its TTL when one is set', () => {
    expect(policies.get('by-header')).toEqual({ header: { header_name: 'x-user' } });
    expect(policies.get('by-cookie')).toEqual({ cookie: { name: 'session', ttl: { seconds: '1', nanos: 500_000_000 } } });
    expect(policies.get('session-cookie')).toEqual({ cookie: { name: 'sid' } });
  });

  it('give a route each distinct policy of its destinations once, in destination order', () => {
    expect(routeHashPolicy(['plain', 'by-cookie', undefined, 'by-header', 'by-cookie'], policies)).toEqual([
      { cookie: { name: 'session', ttl: { seconds: '1', nanos: 500_000_000 } } },
      { header: { header_name: 'x-user' } },
    ]);
    expect(routeHashPolicy(['plain', 'least'], policies)).toEqual([]);
  });
});
