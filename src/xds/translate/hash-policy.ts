/**
 * Consistent hashing: a Service whose policy asks for a ring hash gets `lb_policy: RING_HASH` on
 * its cluster (cluster-traffic-policy.ts), and every route forwarding to that cluster gets the
 * `hash_policy` that says what to hash: a header, or a cookie (with a TTL, Envoy sets the cookie
 * when the request has none, so a client sticks from its first response on).
 *
 * Envoy's hash_policy is per route, not per weighted cluster; a route whose destinations are
 * several ring-hash clusters hashing on different keys gets each key once (Envoy combines them),
 * and a key only matters to the ring-hash clusters among them.
 */
import type { ClusterIR } from '../../ir/types';
import type { _envoy_config_route_v3_RouteAction_HashPolicy as HashPolicy } from '../../generated/envoy/config/route/v3/RouteAction';
import { millis } from './retry-policy';

/** Cluster name → the hash policy of routes forwarding to it, for the ring-hash clusters. */
export type HashPolicies = ReadonlyMap<string, HashPolicy>;

export function hashPoliciesByCluster(clusters: readonly ClusterIR[]): HashPolicies {
  const out = new Map<string, HashPolicy>();
  for (const c of clusters) {
    const lb = c.trafficPolicy?.loadBalancer;
    if (lb?.kind !== 'ringHash') continue;
    const on = lb.hashOn;
    if (on.kind === 'header') out.set(c.name, { header: { header_name: on.name } });
    else {
      const cookie: HashPolicy['cookie'] = { name: on.name };
      if (on.ttlMs !== undefined) cookie.ttl = millis(on.ttlMs);
      out.set(c.name, { cookie });
    }
  }
  return out;
}

/** The hash policies of a route's destinations, each distinct one once, in destination order. */
export function routeHashPolicy(clusterNames: ReadonlyArray<string | undefined>, policies: HashPolicies): HashPolicy[] {
  const out: HashPolicy[] = [];
  const seen = new Set<string>();
  for (const name of clusterNames) {
    const policy = name === undefined ? undefined : policies.get(name);
    if (!policy) continue;
    const key = JSON.stringify(policy);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(policy);
  }
  return out;
}
