/**
 * IR → Envoy resources for one Gateway's proxies, grouped by type URL: the input of a snapshot.
 * Pure; knows nothing of Gateway API.
 */
import { type GatewayIR } from '../../ir/types';
import { TypeUrl } from '../resources';
import { buildCluster, buildClusterLoadAssignment } from './cluster';
import { hashPoliciesByCluster } from './hash-policy';
import { buildListener } from './listener';
import { buildRouteConfiguration } from './route';
import { buildSecret } from './secret';

export interface NamedResource {
  name: string;
  resource: object;
}

export type EnvoyResources = Record<TypeUrl, NamedResource[]>;

export function translateGateway(ir: GatewayIR): EnvoyResources {
  const hashPolicies = hashPoliciesByCluster(ir.clusters);
  return {
    [TypeUrl.Secret]: (ir.secrets ?? []).map((s) => ({ name: s.name, resource: buildSecret(s) })),
    [TypeUrl.Cluster]: ir.clusters.map((c) => ({ name: c.name, resource: buildCluster(c) })),
    [TypeUrl.ClusterLoadAssignment]: ir.clusters.map((c) => ({ name: c.name, resource: buildClusterLoadAssignment(c) })),
    [TypeUrl.Listener]: ir.listeners.map((l) => ({ name: l.name, resource: buildListener(l) })),
    [TypeUrl.RouteConfiguration]: ir.listeners.flatMap((l) =>
      l.filterChains.map((chain) => ({ name: chain.routeConfigName, resource: buildRouteConfiguration(chain, hashPolicies) })),
    ),
  };
}
