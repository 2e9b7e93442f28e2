/**
 * FilterChainIR → RouteConfiguration: virtual hosts in order, routes in precedence order.
 * Invalid backend shares go to a cluster name that does not exist, answered with 503
 * (`cluster_not_found_response_code`), which gRPC clients see as UNAVAILABLE as the GRPCRoute
 * spec requires (Envoy Gateway answers 500, which becomes UNKNOWN).
 */
import { DestinationIR, FilterChainIR, RouteActionIR, RouteIR, RouteMatchIR } from '../../ir/types';
import type { RouteConfiguration } from '../../generated/envoy/config/route/v3/RouteConfiguration';
import type { Route } from '../../generated/envoy/config/route/v3/Route';
import type { RouteMatch } from '../../generated/envoy/config/route/v3/RouteMatch';
import type { RouteAction } from '../../generated/envoy/config/route/v3/RouteAction';
import type { HeaderMatcher } from '../../generated/envoy/config/route/v3/HeaderMatcher';
import { seconds } from './typed-config';

/** The name weighted_clusters uses for the share of invalid backendRefs. It is never a real cluster. */
export const INVALID_BACKEND_CLUSTER = 'attache/invalid-backend';

export function buildRouteConfiguration(l: FilterChainIR): RouteConfiguration {
  return {
    name: l.routeConfigName,
    // `:authority` may carry a port (`example.com:8080`); hostnames match without it.
    ignore_port_in_host_matching: true,
    virtual_hosts: l.virtualHosts.map((vh) => ({ name: vh.name, domains: vh.domains, routes: vh.routes.map(buildRoute) })),
  };
}

function buildRoute(r: RouteIR): Route {
  const base: Route = { name: r.name, match: buildMatch(r.match) };
  const action = r.action;
  if (action.kind === 'direct') return { ...base, direct_response: { status: action.status } };
  return { ...base, route: buildRouteAction(action) };
}

function buildMatch(m: RouteMatchIR): RouteMatch {
  const out: RouteMatch = {};
  if (m.path.kind === 'exact') out.path = m.path.value;
  else if (m.path.kind === 'prefix') out.prefix = m.path.value;
  else out.safe_regex = { regex: m.path.value };
  if (m.headers.length > 0) out.headers = m.headers.map(buildHeaderMatcher);
  if (m.grpcOnly) out.grpc = {};
  return out;
}

function buildHeaderMatcher(h: RouteMatchIR['headers'][number]): HeaderMatcher {
  return {
    name: h.name,
    string_match: h.kind === 'exact' ? { exact: h.value } : { safe_regex: { regex: h.value } },
  };
}

function buildRouteAction(action: Extract<RouteActionIR, { kind: 'forward' }>): RouteAction {
  const common: RouteAction = {
    cluster_not_found_response_code: 'SERVICE_UNAVAILABLE',
    // gRPC streams may last for minutes: no route timeout (Envoy's default is 15 s).
    timeout: seconds(0),
  };
  const [only] = action.destinations;
  if (action.destinations.length === 1 && only.cluster) return { ...common, cluster: only.cluster };
  return { ...common, weighted_clusters: { clusters: mergeInvalid(action.destinations) } };
}

function mergeInvalid(destinations: readonly DestinationIR[]): Array<{ name: string; weight: { value: number } }> {
  const byName = new Map<string, number>();
  for (const d of destinations) {
    const name = d.cluster ?? INVALID_BACKEND_CLUSTER;
    byName.set(name, (byName.get(name) ?? 0) + d.weight);
  }
  return [...byName.entries()].map(([name, weight]) => ({ name, weight: { value: weight } }));
}
