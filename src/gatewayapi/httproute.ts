/**
 * HTTPRoute rules → route candidates, beside GRPCRoute's (grpcroute.ts) and in the same shape:
 * one candidate per `matches[]` entry (matches are ORed), each with its Envoy match, the rule's
 * action and filters, and the precedence facts HTTPRouteRule.matches orders by. A rule that
 * cannot be implemented as written is dropped whole and reported (PartiallyInvalid, "Dropped
 * Rule", or Accepted=False when no rule is left, GEP-1364); its siblings are unaffected.
 *
 * What differs from GRPCRoute, each as HTTPRouteRule asks:
 * - errors are HTTP statuses: a rule without backendRefs answers 500 ("explicitly respond with
 *   500", HTTPRouteNoBackendRefs), and so does the share of invalid backendRefs ("500 status codes
 *   MUST be returned for requests that would have otherwise been routed to an invalid backend");
 * - RequestRedirect replaces forwarding; URLRewrite changes the forwarded request (httproute-filters.ts);
 * - the backend protocol comes from the Service port: `appProtocol: kubernetes.io/h2c` is HTTP/2
 *   with prior knowledge, anything else HTTP/1.1 (GRPCRoute backends are always h2c);
 * - matches take no `grpc` flag: an HTTPRoute rule matches gRPC requests too, after every
 *   GRPCRoute rule on the same host (precedence.ts).
 *
 * Matches (HTTPRouteMatch → Envoy route match):
 * - path: `Exact` is an exact `:path` match (without the query); `PathPrefix` matches whole path
 *   elements, ignoring a trailing `/` (`/abc` matches `/abc`, `/abc/`, `/abc/def`, not `/abcd`,
 *   HTTPPathMatch), which is Envoy's `path_separated_prefix`, except `/`, a plain prefix;
 *   `RegularExpression` is RE2, full match, like every Envoy `safe_regex`.
 * - headers: as GRPCRoute's (case-insensitive names, the first entry per name counts).
 * - queryParams: names are case-sensitive; "only the first entry with an equivalent name MUST be
 *   considered" (HTTPQueryParamMatch.name).
 * - method: the `:method` pseudo-header.
 *
 * Regular expressions are checked with the RE2 Envoy compiles them with (`validateRegex`), so a
 * bad pattern drops its rule here instead of making Envoy NACK the whole RouteConfiguration.
 */
import { type ServicePort } from '../apis/core';
import { type HTTPPathMatch, type HTTPQueryParamMatch, type HTTPRoute, type HTTPRouteMatch, type HTTPRouteRule } from '../apis/gateway-api';
import { type ClusterIR, type PathMatchIR, type QueryParamMatchIR, type RouteActionIR, type RouteMatchIR } from '../ir/types';
import { type BackendContext } from './backend-refs';
import { type TranslationIssue, unsupportedValue } from './conditions';
import { forwardRewrite, type HTTPOnlyFilters, httpOnlyFilters, redirectAction } from './httproute-filters';
import { ruleTimeouts } from './httproute-timeouts';
import { type HTTPMatchPrecedence } from './precedence';
import { type ResourceIndex } from './resource-index';
import { translateRouteRules, type TranslatedRoute } from './route-candidates';
import { firstPerName, headerMatches, headerMatchIssues, namedMatchIssues, regexIssues } from './route-matches';
import { backendAction, type RuleParts, ruleRouteFields, type TranslatedRule, translateRuleParts } from './route-rules';

/** The Service port's appProtocol for h2c (KEP-3726's standard value). */
const H2C_APP_PROTOCOL = 'kubernetes.io/h2c';

/** HTTPRoute's status codes: no backendRefs, and invalid backendRefs, both 500 (HTTPRouteRule.backendRefs). */
const ERROR_STATUS = { none: 500, invalid: 500 } as const;

/** What a rule without `matches` gets (the CRD default): every request. */
const MATCH_ALL: HTTPRouteMatch = { path: { type: 'PathPrefix', value: '/' } };

export function translateHTTPRoute(route: HTTPRoute, index: ResourceIndex): TranslatedRoute {
  const ctx: BackendContext = { routeKind: 'HTTPRoute', routeNamespace: route.metadata.namespace, protocol: backendProtocol, index };
  return translateRouteRules(route, {
    kind: 'HTTPRoute',
    translateRule: (rule, field) => {
      // `matches` absent is defaulted by the CRD; an explicit empty list also matches every request.
      const matches = rule.matches && rule.matches.length > 0 ? rule.matches : [MATCH_ALL];
      return { matches, translated: translateRule(rule, matches, field, ctx) };
    },
    translateMatch: httpRouteMatch,
  });
}

export function backendProtocol(port: ServicePort): ClusterIR['protocol'] {
  return port.appProtocol === H2C_APP_PROTOCOL ? 'h2c' : 'http1';
}

function translateRule(rule: HTTPRouteRule, matches: readonly HTTPRouteMatch[], field: string, ctx: BackendContext): TranslatedRule {
  const { taken, own } = httpOnlyFilters();
  const parts = translateRuleParts(rule, field, ctx, own);
  const invalid = [...matches.flatMap((m, i) => httpMatchIssues(m, `${field}.matches[${i}]`)), ...parts.invalid, ...taken.invalid];
  const { action, issues } = ruleAction(parts, taken, replaceablePrefix(matches), field);
  invalid.push(...issues);
  const timeouts = ruleTimeouts(rule, field);
  invalid.push(...timeouts.issues);
  if (action.kind === 'forward' && timeouts.timeouts) action.timeouts = timeouts.timeouts;
  // Clusters only a forwarded request reaches (backends, mirrors) are left out of a local reply.
  const clusters = action.kind === 'forward' ? parts.clusters : [];
  return { shared: ruleRouteFields(parts, action), clusters, refIssues: parts.refIssues, invalid };
}

function ruleAction(
  parts: RuleParts,
  taken: HTTPOnlyFilters,
  prefix: string | undefined,
  field: string,
): { action: RouteActionIR; issues: TranslationIssue[] } {
  // An unresolvable ExtensionRef: "requests that would have been processed by that filter MUST
  // receive a HTTP error response" (HTTPRouteFilter.type), 500 as for invalid backends. (With
  // issues, the rule is dropped and the action never reaches Envoy.)
  const error: RouteActionIR = { kind: 'direct', status: 500 };
  if (taken.redirect) {
    // CEL: "RequestRedirect filter must not be used together with backendRefs".
    if (parts.backends.length > 0) {
      return { action: error, issues: [unsupportedValue(`${field}.backendRefs`, 'backendRefs cannot be combined with a RequestRedirect filter')] };
    }
    const r = redirectAction(taken.redirect, prefix);
    return { action: parts.filters.unresolved || !r.action ? error : r.action, issues: r.issues };
  }
  const rewrite = taken.rewrite ? forwardRewrite(taken.rewrite, prefix) : { issues: [] };
  if (parts.filters.unresolved) return { action: error, issues: rewrite.issues };
  const action = backendAction(parts.backends, ERROR_STATUS);
  if (action.kind === 'forward' && rewrite.rewrite) action.rewrite = rewrite.rewrite;
  return { action, issues: rewrite.issues };
}

/**
 * The path prefix ReplacePrefixMatch replaces: "ReplacePrefixMatch is only compatible with a
 * `PathPrefix` HTTPRouteMatch", and CEL asks for exactly one match. Undefined when the rule has
 * another shape.
 */
export function replaceablePrefix(matches: readonly HTTPRouteMatch[]): string | undefined {
  if (matches.length !== 1) return undefined;
  const path = matches[0].path ?? {};
  return (path.type ?? 'PathPrefix') === 'PathPrefix' ? segmentPrefix(path.value ?? '/') : undefined;
}

export function httpRouteMatch(m: HTTPRouteMatch): { match: RouteMatchIR; precedence: HTTPMatchPrecedence } {
  const path = m.path ?? {};
  const headers = headerMatches(m.headers);
  const queryParams = queryParamMatches(m.queryParams);
  const match: RouteMatchIR = {
    path: pathMatch(path),
    headers,
    ...(queryParams.length > 0 ? { queryParams } : {}),
    ...(m.method !== undefined ? { method: m.method } : {}),
    grpcOnly: false,
  };
  const type = path.type ?? 'PathPrefix';
  return {
    match,
    precedence: {
      kind: 'HTTPRoute',
      pathType: type === 'Exact' ? 'exact' : type === 'RegularExpression' ? 'regex' : 'prefix',
      // A PathPrefix's trailing `/` is ignored when matching, so it is not counted either.
      pathChars: (type === 'PathPrefix' ? segmentPrefix(path.value ?? '/') : (path.value ?? '/')).length,
      hasMethod: m.method !== undefined,
      headerCount: headers.length,
      queryParamCount: queryParams.length,
    },
  };
}

export function pathMatch(path: HTTPPathMatch): PathMatchIR {
  const value = path.value ?? '/';
  switch (path.type ?? 'PathPrefix') {
    case 'Exact':
      return { kind: 'exact', value };
    case 'RegularExpression':
      return { kind: 'regex', value };
    default: {
      const prefix = segmentPrefix(value);
      return prefix === '/' ? { kind: 'prefix', value: '/' } : { kind: 'segmentPrefix', value: prefix };
    }
  }
}

/** A PathPrefix value as whole path elements: without its trailing `/` (`/` stays `/`). */
function segmentPrefix(value: string): string {
  return value.replace(/\/+$/, '') || '/';
}

function queryParamMatches(params: readonly HTTPQueryParamMatch[] | undefined): QueryParamMatchIR[] {
  return firstPerName(params).map((q) => ({ name: q.name, kind: q.type === 'RegularExpression' ? 'regex' : 'exact', value: q.value }));
}

/** Why a match cannot be implemented, if it cannot: a pattern RE2 refuses, or an unknown match type. */
export function httpMatchIssues(m: HTTPRouteMatch, field: string): TranslationIssue[] {
  const issues: TranslationIssue[] = [];
  const pathType = m.path?.type ?? 'PathPrefix';
  if (pathType === 'RegularExpression') issues.push(...regexIssues(m.path?.value ?? '', `${field}.path.value`));
  else if (pathType !== 'Exact' && pathType !== 'PathPrefix')
    issues.push(unsupportedValue(`${field}.path.type`, `path match type "${pathType}" is not supported`));
  // Only the first entry per name is used, so only it is checked.
  issues.push(...headerMatchIssues(m.headers, field));
  issues.push(...namedMatchIssues(m.queryParams, firstPerName(m.queryParams), `${field}.queryParams`, 'query param'));
  return issues;
}
