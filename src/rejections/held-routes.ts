/**
 * Applies holds (rejections/proxy-rejections.ts) to the translation input: a held route is
 * translated from its last accepted object, or left out if it has none. Everything else is
 * the store's current content. Pure.
 */
import { type GRPCRoute, type HTTPRoute } from '../apis/gateway-api';
import { type Resources } from '../store/resources';
import type { HeldRoute } from './proxy-rejections';
import { ownerKey, type OwnerKey } from './route-owners';

type Route = GRPCRoute | HTTPRoute;

function keyOf(route: Route): OwnerKey {
  return ownerKey(route.kind, route.metadata.namespace, route.metadata.name);
}

/** Every route object of `resources` by `Kind/namespace/name`. */
export function routeObjects(resources: Resources): Map<OwnerKey, Route> {
  const out = new Map<OwnerKey, Route>();
  for (const route of [...resources.grpcRoutes, ...resources.httpRoutes]) out.set(keyOf(route), route);
  return out;
}

/** `resources` with each held route replaced by the object it is served at (or removed). */
export function withHeldRoutes(resources: Resources, held: readonly HeldRoute[]): Resources {
  if (held.length === 0) return resources;
  const byOwner = new Map(held.map((h) => [h.owner, h]));
  const swap = <R extends Route>(routes: readonly R[], kind: R['kind']): R[] => {
    const kept = routes.filter((r) => !byOwner.has(keyOf(r)));
    for (const h of held) {
      const served = h.served as Route | undefined;
      if (served?.kind === kind) kept.push(served as R);
    }
    return kept;
  };
  return { ...resources, grpcRoutes: swap(resources.grpcRoutes, 'GRPCRoute'), httpRoutes: swap(resources.httpRoutes, 'HTTPRoute') };
}
