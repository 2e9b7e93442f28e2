/**
 * What the policy stage looks up, indexed once per translation: the objects policies may target
 * (from the store's Resources) and what gatewayapi made of them (which Gateways are ours, which
 * Gateways each route is a child of, which Gateways send to each Service port, which Gateway
 * listeners are programmed). Pure: built from values, never mutated after.
 */
import { type Service } from '../apis/core';
import { type Gateway, type GRPCRoute, type HTTPRoute } from '../apis/gateway-api';
import { namespacedName } from '../apis/meta';
import { type BackendTrafficPolicy } from '../apis/policy';
import { parseServiceClusterName } from '../gatewayapi/naming';
import { type TranslateOptions } from '../gatewayapi/options';
import { type TranslateResult } from '../gatewayapi/translate';
import { type Resources } from '../store/resources';

/** Translation's options: who we are (controllerName), the time (now), the port shift listeners are bound with. */
export type PolicyOptions = TranslateOptions;

export type TargetRoute = GRPCRoute | HTTPRoute;

export interface PolicyContext {
  options: PolicyOptions;
  policies: readonly BackendTrafficPolicy[];
  gateways: ReadonlyMap<string, Gateway>;
  routes: ReadonlyMap<string, TargetRoute>;
  services: ReadonlyMap<string, Service>;
  /** Keys (`namespace/name`) of the Gateways of our GatewayClasses: those translation built an IR for. */
  ourGateways: ReadonlySet<string>;
  /** `Kind namespace/name` of a route → keys of the Gateways of ours among its parents. */
  routeParents: ReadonlyMap<string, readonly string[]>;
  /** `namespace/name` of a Service → port → keys of the Gateways that have a cluster of that port. */
  serviceGateways: ReadonlyMap<string, ReadonlyMap<number, ReadonlySet<string>>>;
  /** Gateway key → names of its listeners that are Programmed (served: they have a filter chain). */
  programmedListeners: ReadonlyMap<string, ReadonlySet<string>>;
}

/** `Kind namespace/name` of a route, the key of `PolicyContext.routes`. */
export function routeKey(kind: string, namespace: string, name: string): string {
  return `${kind} ${namespacedName(namespace, name)}`;
}

function byNamespacedName<T extends { metadata: { namespace: string; name: string } }>(objects: readonly T[]): Map<string, T> {
  return new Map(objects.map((o) => [namespacedName(o.metadata.namespace, o.metadata.name), o]));
}

export function buildPolicyContext(resources: Resources, result: TranslateResult, options: PolicyOptions): PolicyContext {
  const routes = new Map<string, TargetRoute>();
  for (const r of [...resources.grpcRoutes, ...resources.httpRoutes]) routes.set(routeKey(r.kind, r.metadata.namespace, r.metadata.name), r);
  const routeParents = new Map<string, string[]>();
  const programmedListeners = new Map<string, Set<string>>();
  for (const entry of result.status) {
    if (entry.kind === 'GRPCRoute' || entry.kind === 'HTTPRoute') {
      const parents = entry.status.parents.map((p) => namespacedName(p.parentRef.namespace ?? entry.namespace, p.parentRef.name));
      routeParents.set(routeKey(entry.kind, entry.namespace, entry.name), [...new Set(parents)]);
    } else if (entry.kind === 'Gateway') {
      const programmed = entry.status.listeners.filter((l) => l.conditions.some((c) => c.type === 'Programmed' && c.status === 'True')).map((l) => l.name);
      programmedListeners.set(namespacedName(entry.namespace, entry.name), new Set(programmed));
    }
  }
  const serviceGateways = new Map<string, Map<number, Set<string>>>();
  for (const gateway of result.gateways) {
    for (const cluster of gateway.clusters) {
      const service = parseServiceClusterName(cluster.name);
      if (!service) continue;
      const key = namespacedName(service.namespace, service.name);
      const ports = serviceGateways.get(key) ?? new Map<number, Set<string>>();
      const keys = ports.get(service.port) ?? new Set<string>();
      keys.add(gateway.key);
      ports.set(service.port, keys);
      serviceGateways.set(key, ports);
    }
  }
  return {
    options,
    policies: resources.backendTrafficPolicies,
    gateways: byNamespacedName(resources.gateways),
    routes,
    services: byNamespacedName(resources.services),
    ourGateways: new Set(result.gateways.map((g) => g.key)),
    routeParents,
    serviceGateways,
    programmedListeners,
  };
}
