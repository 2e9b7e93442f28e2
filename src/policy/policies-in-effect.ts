/**
 * The policies in effect for each route, read back from the IR (`attache status`): the
 * route-level ones on its Envoy routes, and the connection-level ones on the clusters it forwards
 * to (a circuit breaker on a Service shapes every route that sends there). The IR is the truth
 * of what proxies get, so this reads it rather than recomputing attachment.
 */
import { parseRouteName } from '../gatewayapi/naming';
import { type GatewayIR } from '../ir/types';
import { routeKey } from './context';

/** `Kind namespace/name` of each route that some policy reaches → `namespace/name` of those policies, sorted. */
export function policiesInEffect(gateways: readonly GatewayIR[]): Map<string, string[]> {
  const sets = new Map<string, Set<string>>();
  for (const g of gateways) {
    const clusterPolicies = new Map(g.clusters.map((c) => [c.name, c.trafficPolicy?.policies ?? []]));
    for (const l of g.listeners) {
      for (const chain of l.filterChains) {
        for (const vh of chain.virtualHosts) {
          for (const r of vh.routes) {
            const origin = parseRouteName(r.name);
            if (!origin) continue;
            const names = [...(r.trafficPolicy?.policies ?? [])];
            const clusters = r.action.kind === 'forward' ? r.action.destinations.map((d) => d.cluster) : [];
            for (const c of [...clusters, ...(r.mirrors ?? []).map((m) => m.cluster)]) if (c !== undefined) names.push(...(clusterPolicies.get(c) ?? []));
            if (names.length === 0) continue;
            const key = routeKey(origin.kind, origin.namespace, origin.name);
            const set = sets.get(key) ?? new Set<string>();
            for (const n of names) set.add(n);
            sets.set(key, set);
          }
        }
      }
    }
  }
  return new Map([...sets].map(([k, s]) => [k, [...s].sort()]));
}
