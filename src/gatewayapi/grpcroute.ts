/**
 * GRPCRoute rules → route candidates (route-candidates.ts runs the loop): one per `matches[]`
 * entry, each with its Envoy match, its action, its filters, and the precedence facts
 * GRPCRouteRule.matches orders by. A rule with an invalid match or filter is dropped whole.
 *
 * Matches: the method becomes a `:path` match (GEP-1016's equivalences), the headers header
 * matchers. RegularExpression values are checked with the RE2 Envoy compiles them with
 * (`validateRegex`) before anything is sent, so a bad pattern drops its rule here instead of
 * making Envoy NACK the whole RouteConfiguration. They match the way Envoy's `safe_regex` does:
 * RE2, full match (the whole `:path`, the whole header value); `^` and `$` are not needed.
 */
import { type GRPCMethodMatch, type GRPCRoute, type GRPCRouteMatch, type GRPCRouteRule } from '../apis/gateway-api';
import { type PathMatchIR, type RouteActionIR } from '../ir/types';
import { type BackendContext } from './backend-refs';
import { type TranslationIssue, unsupportedValue } from './conditions';
import { type ResourceIndex } from './resource-index';
import { translateRouteRules, type TranslatedRoute } from './route-candidates';
import { headerMatches, headerMatchIssues, regexIssues } from './route-matches';
import { backendAction, ruleRouteFields, type TranslatedRule, translateRuleParts } from './route-rules';

export function translateGRPCRoute(route: GRPCRoute, index: ResourceIndex): TranslatedRoute {
  const ctx: BackendContext = { routeKind: 'GRPCRoute', routeNamespace: route.metadata.namespace, protocol: 'h2c', index };
  return translateRouteRules(route, {
    kind: 'GRPCRoute',
    // A rule without matches matches every gRPC request.
    translateRule: (rule, field) => ({ matches: rule.matches && rule.matches.length > 0 ? rule.matches : [{}], translated: translateRule(rule, field, ctx) }),
    translateMatch: (m: GRPCRouteMatch) => {
      const headers = headerMatches(m.headers);
      return {
        match: { path: pathMatch(m.method), headers, grpcOnly: true },
        precedence: { serviceChars: m.method?.service?.length ?? 0, methodChars: m.method?.method?.length ?? 0, headerCount: headers.length },
      };
    },
  });
}

function translateRule(rule: GRPCRouteRule, field: string, ctx: BackendContext): TranslatedRule {
  const parts = translateRuleParts(rule, field, ctx);
  const invalid = [...(rule.matches ?? []).flatMap((m, i) => matchIssues(m, `${field}.matches[${i}]`)), ...parts.invalid];
  // An unresolvable ExtensionRef on the rule: "requests that would have been processed by that
  // filter MUST receive a HTTP error response" (GRPCRouteFilter.type). 500 (gRPC UNKNOWN), not
  // 503: nothing is unavailable, the configuration is wrong, and UNAVAILABLE invites retries.
  // Otherwise no backendRefs: UNIMPLEMENTED (Envoy's 404 local reply maps to it for gRPC); every
  // backend invalid or weighted 0: UNAVAILABLE (503), as GRPCRouteRule.backendRefs requires.
  const action: RouteActionIR = parts.filters.unresolved ? { kind: 'direct', status: 500 } : backendAction(parts.backends, { none: 404, invalid: 503 });
  return { shared: ruleRouteFields(parts, action), clusters: parts.clusters, refIssues: parts.refIssues, invalid };
}

/** One path segment: gRPC paths are `/<service>/<method>` and neither part contains `/`. */
const ANY_SEGMENT = '[^/]+';

/**
 * GEP-1016 (and the GRPCMethodMatch docs):
 * - Exact service+method: exact `/${SERVICE}/${METHOD}`; service only: prefix `/${SERVICE}/`;
 *   method only (implementation-specific): regex `/[^/]+/${METHOD}`. Exact values cannot hold
 *   RE2 metacharacters other than `.` in the service, which only the prefix form sees.
 * - RegularExpression: regex `/${SERVICE}/${METHOD}`, an unset part being any segment (GEP-1016
 *   writes `.+`; `[^/]+` is the same on a gRPC path and cannot span the separator). Each part
 *   is grouped, so an alternation stays inside its segment: service `a|b` is `/(?:a|b)/…`, not
 *   "`/a` or `b/…`"; a flag such as `(?i)` is scoped by the group too.
 */
export function pathMatch(method: GRPCMethodMatch | undefined): PathMatchIR {
  const service = method?.service;
  const name = method?.method;
  if (!service && !name) return { kind: 'prefix', value: '/' };
  if ((method?.type ?? 'Exact') === 'RegularExpression') {
    const part = (p: string | undefined): string => (p ? `(?:${p})` : ANY_SEGMENT);
    return { kind: 'regex', value: `/${part(service)}/${part(name)}` };
  }
  if (service && name) return { kind: 'exact', value: `/${service}/${name}` };
  if (service) return { kind: 'prefix', value: `/${service}/` };
  return { kind: 'regex', value: `/${ANY_SEGMENT}/${name}` };
}

/**
 * Why a match cannot be implemented, if it cannot: a RegularExpression RE2 refuses, or a match
 * type that is not `Exact` or `RegularExpression` (route-matches.ts checks the headers).
 */
export function matchIssues(m: GRPCRouteMatch, field: string): TranslationIssue[] {
  const issues: TranslationIssue[] = [];
  const method = m.method;
  if (method) {
    const type = method.type ?? 'Exact';
    if (type !== 'Exact' && type !== 'RegularExpression') {
      issues.push(unsupportedValue(`${field}.method.type`, `method match type "${type}" is not supported`));
    } else if (type === 'RegularExpression') {
      for (const part of ['service', 'method'] as const) {
        const value = method[part];
        if (value) issues.push(...regexIssues(value, `${field}.method.${part}`));
      }
      // The parts are valid alone; the composed path must be too (it is what Envoy compiles).
      if (issues.length === 0) issues.push(...regexIssues(pathMatch(method).value, `${field}.method`));
    }
  }
  issues.push(...headerMatchIssues(m.headers, field));
  return issues;
}
