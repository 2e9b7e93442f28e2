/**
 * Route precedence, the one home for ordering. Envoy takes the first route of a virtual host
 * that matches, so the routes are sorted by:
 *
 * 1. Route kind: GRPCRoute matches before HTTPRoute matches. The two kinds share a virtual host
 *    when their hostnames meet (see virtual-hosts.ts); GRPCRoute matches only take gRPC
 *    requests (content-type application/grpc*), so a gRPC request is tried against every
 *    GRPCRoute rule first and then against the HTTPRoute rules, and any other request sees only
 *    the HTTPRoute rules. Neither kind's order is merged into the other's ("Merging MUST not be
 *    done between GRPCRoutes and HTTPRoutes", GRPCRouteRule.matches).
 * 2. Hostname, for both kinds (GRPCRouteSpec.hostnames, HTTPRouteSpec.hostnames): the most
 *    characters in a matching non-wildcard hostname, then in a matching hostname.
 * 3. The kind's own criteria, counted per matching match (as the conformance suite asserts):
 *    - GRPCRouteRule.matches: characters in the service, then in the method, then header matches;
 *    - HTTPRouteRule.matches: an Exact path, then the longest PathPrefix, then a method match,
 *      then the most header matches, then the most query param matches. RegularExpression
 *      paths are implementation-specific: they rank between Exact and PathPrefix, longer
 *      patterns first, as in Envoy Gateway and Contour.
 * 4. Ties: the oldest route, then `namespace/name` alphabetical, then the first rule and match.
 */
import { namespacedName } from '../apis/meta';
import { hostnamePrecedence } from './hostnames';

/** GRPCRouteRule.matches criteria; `kind` may be omitted. */
export interface GRPCMatchPrecedence {
  kind?: 'GRPCRoute';
  serviceChars: number;
  methodChars: number;
  headerCount: number;
}

/** HTTPRouteRule.matches criteria. */
export interface HTTPMatchPrecedence {
  kind: 'HTTPRoute';
  pathType: 'exact' | 'regex' | 'prefix';
  /** Characters of the path value (of the pattern, for a regex; without a PathPrefix's trailing `/`). */
  pathChars: number;
  hasMethod: boolean;
  headerCount: number;
  queryParamCount: number;
}

export type MatchPrecedence = GRPCMatchPrecedence | HTTPMatchPrecedence;

/** The route object a candidate comes from, for the cross-route tie-breaks (creation time, namespace/name). */
export interface RouteSource {
  namespace: string;
  name: string;
  creationTimestamp?: string;
}

/** What ranks a route candidate (contexts.ts RouteCandidate) on one hostname. */
export interface Ranked {
  hostname: string;
  precedence: MatchPrecedence;
  source: RouteSource;
  ruleIndex: number;
  matchIndex: number;
}

const PATH_TYPE_RANK: Record<HTTPMatchPrecedence['pathType'], number> = { exact: 0, regex: 1, prefix: 2 };

/** Negative when `a` takes precedence over `b`. */
export function comparePrecedence(a: Ranked, b: Ranked): number {
  const byKind = kindRank(a.precedence) - kindRank(b.precedence);
  if (byKind !== 0) return byKind;
  const ha = hostnamePrecedence(a.hostname);
  const hb = hostnamePrecedence(b.hostname);
  const byCount = hb.nonWildcardChars - ha.nonWildcardChars || hb.chars - ha.chars || compareMatches(a.precedence, b.precedence);
  if (byCount !== 0) return byCount;
  return compareRouteAge(a.source, b.source) || a.ruleIndex - b.ruleIndex || a.matchIndex - b.matchIndex;
}

function kindRank(p: MatchPrecedence): number {
  return p.kind === 'HTTPRoute' ? 1 : 0;
}

function compareMatches(a: MatchPrecedence, b: MatchPrecedence): number {
  if (a.kind === 'HTTPRoute' && b.kind === 'HTTPRoute') return compareHTTPMatches(a, b);
  if (a.kind !== 'HTTPRoute' && b.kind !== 'HTTPRoute') {
    return b.serviceChars - a.serviceChars || b.methodChars - a.methodChars || b.headerCount - a.headerCount;
  }
  return 0; // different kinds were ordered by kindRank already
}

function compareHTTPMatches(a: HTTPMatchPrecedence, b: HTTPMatchPrecedence): number {
  return (
    PATH_TYPE_RANK[a.pathType] - PATH_TYPE_RANK[b.pathType] ||
    b.pathChars - a.pathChars ||
    Number(b.hasMethod) - Number(a.hasMethod) ||
    b.headerCount - a.headerCount ||
    b.queryParamCount - a.queryParamCount
  );
}

function compareRouteAge(a: RouteSource, b: RouteSource): number {
  // Equal timestamps (routes created together) are common: skip parsing them.
  if (a.creationTimestamp !== b.creationTimestamp) {
    const ta = a.creationTimestamp ? Date.parse(a.creationTimestamp) : Number.POSITIVE_INFINITY;
    const tb = b.creationTimestamp ? Date.parse(b.creationTimestamp) : Number.POSITIVE_INFINITY;
    if (ta !== tb) return ta < tb ? -1 : 1;
  }
  const ka = namespacedName(a.namespace, a.name);
  const kb = namespacedName(b.namespace, b.name);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
