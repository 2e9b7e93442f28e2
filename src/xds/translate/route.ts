/**
 * FilterChainIR → RouteConfiguration: virtual hosts in order, routes in precedence order.
 * Invalid backend shares go to a cluster name that does not exist, answered with
 * `cluster_not_found_response_code`: 503 by default, which gRPC clients see as UNAVAILABLE as the
 * GRPCRoute spec requires (Envoy Gateway answers 500, which becomes UNKNOWN); 500 for HTTPRoute.
 * HTTPRoute's own parts (method, query parameters, redirects, rewrites) are in http-route.ts.
 *
 * Header modifiers render as `request_headers_to_add` / `response_headers_to_add` with an
 * explicit `append_action` (set → OVERWRITE_IF_EXISTS_OR_ADD, add → APPEND_IF_EXISTS_OR_ADD) and
 * `*_headers_to_remove`; on the route for rule filters, on the `weighted_clusters` entry for
 * backendRef filters. Mirrors render as `request_mirror_policies`.
 */
import {
  type DestinationIR,
  type FilterChainIR,
  type HeaderModifierIR,
  type MirrorIR,
  type RouteActionIR,
  type RouteIR,
  type RouteMatchIR,
} from '../../ir/types';
import type { RouteConfiguration } from '../../generated/envoy/config/route/v3/RouteConfiguration';
import type { Route } from '../../generated/envoy/config/route/v3/Route';
import type { RouteMatch } from '../../generated/envoy/config/route/v3/RouteMatch';
import type {
  RouteAction,
  _envoy_config_route_v3_RouteAction_RequestMirrorPolicy as RequestMirrorPolicy,
} from '../../generated/envoy/config/route/v3/RouteAction';
import type { _envoy_config_route_v3_WeightedCluster_ClusterWeight as ClusterWeight } from '../../generated/envoy/config/route/v3/WeightedCluster';
import type { HeaderMatcher } from '../../generated/envoy/config/route/v3/HeaderMatcher';
import type { HeaderValueOption } from '../../generated/envoy/config/core/v3/HeaderValueOption';
import type { FractionalPercent } from '../../generated/envoy/type/v3/FractionalPercent';
import { buildQueryParamMatcher, buildRedirect, clusterNotFoundCode, methodMatchers, rewriteFields } from './http-route';
import { type HashPolicies, routeHashPolicy } from './hash-policy';
import { localRateLimitActions, localRateLimitPerRoute } from './local-rate-limit';
import { buildRetryPolicy } from './retry-policy';
import { buildRouteTimeouts } from './route-timeouts';

/** The name weighted_clusters uses for the share of invalid backendRefs. It is never a real cluster. */
const INVALID_BACKEND_CLUSTER = 'attache/invalid-backend';

/** `hashPolicies`: the ring-hash clusters' hash policies (hash-policy.ts), for routes forwarding to them. */
export function buildRouteConfiguration(l: FilterChainIR, hashPolicies: HashPolicies = new Map()): RouteConfiguration {
  return {
    name: l.routeConfigName,
    // `:authority` may carry a port (`example.com:8080`); hostnames match without it.
    ignore_port_in_host_matching: true,
    virtual_hosts: l.virtualHosts.map((vh) => ({
      name: vh.name,
      domains: vh.domains,
      routes: vh.routes.map((r) => buildRoute(r, l.grpc.web, hashPolicies)),
    })),
  };
}

/**
 * gRPC (what `grpc: {}` matches: `application/grpc`, `application/grpc+…`) or one of the four
 * gRPC-Web content types the grpc_web filter translates. That filter asks for the route (for
 * its stats) before it rewrites the content type to `application/grpc`, and never clears the
 * route cache, so with `grpc: {}` a gRPC-Web request would match no GRPCRoute rule.
 */
export const GRPC_OR_GRPC_WEB_CONTENT_TYPE = 'application/grpc(\\+.*)?|application/grpc-web(-text)?(\\+proto)?';

function buildRoute(r: RouteIR, grpcWeb: boolean, hashPolicies: HashPolicies): Route {
  const base: Route = { name: r.name, match: buildMatch(r.match, grpcWeb), ...headerOptions(r) };
  if (r.statPrefix !== undefined) base.stat_prefix = r.statPrefix;
  const action = r.action;
  if (action.kind === 'direct') return { ...base, direct_response: { status: action.status } };
  if (action.kind === 'redirect') return { ...base, redirect: buildRedirect(action) };
  const route: Route = { ...base, route: buildRouteAction(action, r, hashPolicies) };
  const limit = r.trafficPolicy?.localRateLimit;
  if (limit) route.typed_per_filter_config = localRateLimitPerRoute(limit);
  return route;
}

function buildMatch(m: RouteMatchIR, grpcWeb: boolean): RouteMatch {
  const out: RouteMatch = {};
  if (m.path.kind === 'exact') out.path = m.path.value;
  else if (m.path.kind === 'prefix') out.prefix = m.path.value;
  else if (m.path.kind === 'segmentPrefix') out.path_separated_prefix = m.path.value;
  else out.safe_regex = { regex: m.path.value };
  const headers = [...methodMatchers(m.method), ...m.headers.map(buildHeaderMatcher)];
  if (m.grpcOnly && grpcWeb) headers.push({ name: 'content-type', string_match: { safe_regex: { regex: GRPC_OR_GRPC_WEB_CONTENT_TYPE } } });
  if (headers.length > 0) out.headers = headers;
  if (m.queryParams && m.queryParams.length > 0) out.query_parameters = m.queryParams.map(buildQueryParamMatcher);
  if (m.grpcOnly && !grpcWeb) out.grpc = {};
  return out;
}

function buildHeaderMatcher(h: RouteMatchIR['headers'][number]): HeaderMatcher {
  return {
    name: h.name,
    string_match: h.kind === 'exact' ? { exact: h.value } : { safe_regex: { regex: h.value } },
  };
}

function buildRouteAction(action: Extract<RouteActionIR, { kind: 'forward' }>, r: RouteIR, hashPolicies: HashPolicies): RouteAction {
  const policy = r.trafficPolicy;
  const mirrors = r.mirrors ?? [];
  const common: RouteAction = {
    cluster_not_found_response_code: clusterNotFoundCode(action.invalidBackendStatus),
    // gRPC streams may last for minutes: no route timeout (Envoy's default is 15 s), unless the
    // HTTPRoute rule sets timeouts.request or a policy sets one (route-timeouts.ts).
    ...buildRouteTimeouts(policy?.timeouts, action.timeouts?.requestMs),
    ...rewriteFields(action.rewrite),
  };
  // timeouts.backendRequest bounds each upstream attempt (retry-policy.ts).
  const retry = buildRetryPolicy(policy?.retry, action.timeouts?.backendRequestMs);
  if (retry) common.retry_policy = retry;
  const hash = routeHashPolicy(
    action.destinations.map((d) => d.cluster),
    hashPolicies,
  );
  if (hash.length > 0) common.hash_policy = hash;
  const rateLimits = policy?.localRateLimit ? localRateLimitActions(policy.localRateLimit) : [];
  if (rateLimits.length > 0) common.rate_limits = rateLimits;
  if (mirrors.length > 0) common.request_mirror_policies = mirrors.map(buildMirror);
  const [only] = action.destinations;
  // A lone backend with its own filters still needs weighted_clusters: only a ClusterWeight
  // carries per-backend header changes.
  if (action.destinations.length === 1 && only.cluster && !hasHeaderChanges(only)) return { ...common, cluster: only.cluster };
  return { ...common, weighted_clusters: { clusters: clusterWeights(action.destinations) } };
}

/**
 * One entry per destination. Invalid shares merge into one entry for the placeholder cluster;
 * entries for the same cluster merge too, unless they carry their own header changes (two
 * backendRefs to one Service with different filters must stay two entries).
 */
function clusterWeights(destinations: readonly DestinationIR[]): ClusterWeight[] {
  const out: ClusterWeight[] = [];
  const plain = new Map<string, ClusterWeight>();
  for (const d of destinations) {
    const name = d.cluster ?? INVALID_BACKEND_CLUSTER;
    if (d.cluster !== undefined && hasHeaderChanges(d)) {
      out.push({ name, weight: { value: d.weight }, ...headerOptions(d) });
      continue;
    }
    const merged = plain.get(name);
    if (merged?.weight) merged.weight = { value: (merged.weight.value ?? 0) + d.weight };
    else {
      const entry: ClusterWeight = { name, weight: { value: d.weight } };
      plain.set(name, entry);
      out.push(entry);
    }
  }
  return out;
}

/**
 * Mirror policy. The shadow keeps the original `:authority` (`disable_shadow_host_suffix_append`;
 * Envoy would otherwise append `-shadow`): the mirror is to get the same request. A fraction
 * below 100 % becomes `runtime_fraction.default_value` with the smallest denominator that
 * represents it exactly (HUNDRED, TEN_THOUSAND, MILLION), else MILLION rounded.
 */
function buildMirror(m: MirrorIR): RequestMirrorPolicy {
  const policy: RequestMirrorPolicy = { cluster: m.cluster, disable_shadow_host_suffix_append: true };
  if (m.percent < 100) policy.runtime_fraction = { default_value: fractionalPercent(m.percent) };
  return policy;
}

export function fractionalPercent(percent: number): FractionalPercent {
  const denominators = [
    ['HUNDRED', 100],
    ['TEN_THOUSAND', 10_000],
    ['MILLION', 1_000_000],
  ] as const;
  for (const [denominator, per] of denominators) {
    const numerator = (percent * per) / 100;
    if (Math.abs(numerator - Math.round(numerator)) < 1e-9) return { numerator: Math.round(numerator), denominator };
  }
  return { numerator: Math.round(percent * 10_000), denominator: 'MILLION' };
}

function hasHeaderChanges(d: DestinationIR): boolean {
  return d.requestHeaders !== undefined || d.responseHeaders !== undefined;
}

type HeaderFields = Pick<Route, 'request_headers_to_add' | 'request_headers_to_remove' | 'response_headers_to_add' | 'response_headers_to_remove'>;

function headerOptions(h: { requestHeaders?: HeaderModifierIR; responseHeaders?: HeaderModifierIR }): HeaderFields {
  const out: HeaderFields = {};
  if (h.requestHeaders) {
    if (h.requestHeaders.set.length + h.requestHeaders.add.length > 0) out.request_headers_to_add = headersToAdd(h.requestHeaders);
    if (h.requestHeaders.remove.length > 0) out.request_headers_to_remove = [...h.requestHeaders.remove];
  }
  if (h.responseHeaders) {
    if (h.responseHeaders.set.length + h.responseHeaders.add.length > 0) out.response_headers_to_add = headersToAdd(h.responseHeaders);
    if (h.responseHeaders.remove.length > 0) out.response_headers_to_remove = [...h.responseHeaders.remove];
  }
  return out;
}

/**
 * Envoy reads header values as format strings (`%DOWNSTREAM_REMOTE_ADDRESS%`, `%REQ(x)%`): a
 * Gateway API value is literal, so each `%` is written `%%`, else `50%` fails to load and
 * `%REQ(authorization)%` would copy a header the user never named.
 */
function headersToAdd(m: HeaderModifierIR): HeaderValueOption[] {
  const literal = (v: string): string => v.replace(/%/g, '%%');
  return [
    ...m.set.map((h) => ({ header: { key: h.name, value: literal(h.value) }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' as const })),
    ...m.add.map((h) => ({ header: { key: h.name, value: literal(h.value) }, append_action: 'APPEND_IF_EXISTS_OR_ADD' as const })),
  ];
}
