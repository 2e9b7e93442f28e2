/**
 * The parts of a route rule every route kind translates alike: the rule's filters, its
 * backendRefs with their own filters, and the mirrors and clusters they bring. GRPCRouteRule and
 * HTTPRouteRule share these fields (HTTPRoute's filter union is a superset of GRPCRoute's); what
 * differs per kind (matches, the action, the error codes) stays in grpcroute.ts / httproute.ts.
 */
import { type BackendRef, type RouteFilter } from '../apis/gateway-api';
import { type ClusterIR, type DestinationIR, type MirrorIR, type RouteActionIR, type RouteIR } from '../ir/types';
import { type BackendContext, resolveBackendRef } from './backend-refs';
import { type TranslationIssue, unsupportedValue } from './conditions';
import { type FilterResult, translateFilters } from './filters';

/** One rule, translated: what every match of it shares, and what went wrong. */
export interface TranslatedRule {
  /** The route fields shared by every match of the rule. */
  shared: Omit<RouteIR, 'name' | 'match'>;
  clusters: ClusterIR[];
  refIssues: TranslationIssue[];
  invalid: TranslationIssue[];
}

/** A rule as far as this module reads it. */
export interface RuleWithBackends<F extends RouteFilter> {
  filters?: F[];
  backendRefs?: Array<BackendRef & { filters?: F[] }>;
}

export interface TranslatedBackend {
  destination: DestinationIR;
  mirrors: MirrorIR[];
  clusters: ClusterIR[];
  refIssues: TranslationIssue[];
  invalid: TranslationIssue[];
}

export interface RuleParts {
  /** The rule-level filters. */
  filters: FilterResult;
  /** One per backendRef, in order. */
  backends: TranslatedBackend[];
  /** Rule- and backend-level mirrors that can be implemented as the route's. */
  mirrors: MirrorIR[];
  clusters: ClusterIR[];
  /** ResolvedRefs problems: the rule stays. */
  refIssues: TranslationIssue[];
  /** Problems that drop the rule. */
  invalid: TranslationIssue[];
}

/** `own` takes the filter types only this route kind has (see translateFilters). */
export function translateRuleParts<F extends RouteFilter>(
  rule: RuleWithBackends<F>,
  field: string,
  ctx: BackendContext,
  own?: (filter: F, at: string) => boolean,
): RuleParts {
  const filters = translateFilters(rule.filters, `${field}.filters`, ctx, own);
  const refs = rule.backendRefs ?? [];
  const backends = refs.map((ref, i) => translateBackend(ref, `${field}.backendRefs[${i}]`, ctx));
  const invalid = [...filters.invalid, ...backends.flatMap((b) => b.invalid)];
  const mirrors = [...filters.mirrors, ...backendMirrors(backends, refs, field, invalid)];
  return {
    filters,
    backends,
    mirrors,
    clusters: [...filters.clusters, ...backends.flatMap((b) => b.clusters)],
    refIssues: [...filters.refIssues, ...backends.flatMap((b) => b.refIssues)],
    invalid,
  };
}

/** The route fields every match of a rule shares: the action, the rule's header changes and mirrors. */
export function ruleRouteFields(parts: RuleParts, action: RouteActionIR): Omit<RouteIR, 'name' | 'match'> {
  const shared: Omit<RouteIR, 'name' | 'match'> = { action };
  if (parts.filters.requestHeaders) shared.requestHeaders = parts.filters.requestHeaders;
  if (parts.filters.responseHeaders) shared.responseHeaders = parts.filters.responseHeaders;
  // Mirrors copy forwarded requests; a local reply or a redirect forwards nothing.
  if (parts.mirrors.length > 0 && action.kind === 'forward') shared.mirrors = parts.mirrors;
  return shared;
}

/** A backendRef and its own filters, which apply only to requests sent to it (GRPCBackendRef/HTTPBackendRef.filters). */
function translateBackend<F extends RouteFilter>(ref: BackendRef & { filters?: F[] }, field: string, ctx: BackendContext): TranslatedBackend {
  const resolved = resolveBackendRef(ref, field, ctx);
  const filters = translateFilters(ref.filters, `${field}.filters`, ctx);
  const refIssues = [...(resolved.issue ? [resolved.issue] : []), ...filters.refIssues];
  // An unresolvable ExtensionRef here errors only this backend's share: it joins the invalid
  // share, since Envoy answers every cluster-not-found entry with one status code.
  const destination: DestinationIR = filters.unresolved ? { weight: resolved.destination.weight } : { ...resolved.destination };
  const live = destination.cluster !== undefined && destination.weight > 0;
  if (live && filters.requestHeaders) destination.requestHeaders = filters.requestHeaders;
  if (live && filters.responseHeaders) destination.responseHeaders = filters.responseHeaders;
  const clusters = [...(live && resolved.cluster ? [resolved.cluster] : []), ...(live ? filters.clusters : [])];
  return { destination, mirrors: live ? filters.mirrors : [], clusters, refIssues, invalid: filters.invalid };
}

/**
 * Envoy's weighted_clusters entries carry header changes but no request_mirror_policies, so a
 * backend-level RequestMirror is exact only when that backend gets every request (all other
 * weights 0): then it is the route's mirror. Otherwise the rule cannot be implemented as
 * written and is dropped (pushed onto `invalid`).
 */
function backendMirrors(backends: readonly TranslatedBackend[], refs: readonly BackendRef[], field: string, invalid: TranslationIssue[]): MirrorIR[] {
  const withMirrors = backends.filter((b) => b.mirrors.length > 0);
  if (withMirrors.length === 0) return [];
  const weighted = backends.filter((b) => b.destination.weight > 0);
  if (weighted.length === 1) return withMirrors.flatMap((b) => b.mirrors);
  const i = backends.indexOf(withMirrors[0]);
  invalid.push(
    unsupportedValue(
      `${field}.backendRefs[${i}].filters`,
      `RequestMirror on one of several weighted backendRefs (${refs[i].name}) is not supported; put it on the rule`,
    ),
  );
  return [];
}

/**
 * The forwarding action of a rule from its backends, or the local reply when nothing can be
 * forwarded. `status`: what each route kind's spec asks for a rule without backendRefs
 * (`none`) and for traffic to invalid backends (`invalid`).
 */
export function backendAction(backends: readonly TranslatedBackend[], status: { none: number; invalid: 500 | 503 }): RouteActionIR {
  if (backends.length === 0) return { kind: 'direct', status: status.none };
  const live = backends.map((b) => b.destination).filter((d) => d.weight > 0);
  // Every backend invalid, or every weight 0: all matching requests get the error.
  if (live.length === 0 || live.every((d) => d.cluster === undefined)) return { kind: 'direct', status: status.invalid };
  return { kind: 'forward', destinations: live, ...(status.invalid !== 503 ? { invalidBackendStatus: status.invalid } : {}) };
}
