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
 */
import { ServicePort } from '../apis/core';
import { HTTPRoute, HTTPRouteMatch, HTTPRouteRule } from '../apis/gateway-api';
import { ClusterIR, RouteActionIR, RouteIR } from '../ir/types';
import { BackendContext } from './backend-refs';
import { TranslationIssue, unsupportedValue } from './conditions';
import { TranslatedRoute } from './grpcroute';
import { forwardRewrite, HTTPOnlyFilters, httpOnlyFilters, redirectAction, replaceablePrefix } from './httproute-filters';
import { httpMatchIssues, httpRouteMatch, MATCH_ALL } from './httproute-matches';
import { routeName, ruleStatPrefix } from './naming';
import { ResourceIndex } from './resource-index';
import { DroppedRule } from './route-status';
import { backendAction, RuleParts, ruleRouteFields, translateRuleParts } from './route-rules';

/** The Service port's appProtocol for h2c (KEP-3726's standard value). */
export const H2C_APP_PROTOCOL = 'kubernetes.io/h2c';

/** HTTPRoute's status codes: no backendRefs, and invalid backendRefs, both 500 (HTTPRouteRule.backendRefs). */
const ERROR_STATUS = { none: 500, invalid: 500 } as const;

interface TranslatedRule {
  shared: Omit<RouteIR, 'name' | 'match'>;
  clusters: ClusterIR[];
  refIssues: TranslationIssue[];
  invalid: TranslationIssue[];
}

export function translateHTTPRoute(route: HTTPRoute, index: ResourceIndex): TranslatedRoute {
  const namespace = route.metadata.namespace ?? 'default';
  const name = route.metadata.name;
  const ctx: BackendContext = { routeKind: 'HTTPRoute', routeNamespace: namespace, protocol: backendProtocol, index };
  const out: TranslatedRoute = { candidates: [], clusters: [], issues: [], rules: { total: 0, dropped: [] } };
  const source = { namespace, name, creationTimestamp: route.metadata.creationTimestamp };
  const rules = route.spec.rules ?? [];
  out.rules.total = rules.length;
  rules.forEach((rule, ruleIndex) => {
    // `matches` absent is defaulted by the CRD; an explicit empty list also matches every request.
    const matches = rule.matches && rule.matches.length > 0 ? rule.matches : [MATCH_ALL];
    const t = translateRule(rule, matches, `spec.rules[${ruleIndex}]`, ctx);
    out.issues.push(...t.refIssues);
    if (t.invalid.length > 0) {
      const dropped: DroppedRule = { index: ruleIndex, issues: t.invalid };
      if (rule.name !== undefined) dropped.name = rule.name;
      out.rules.dropped.push(dropped);
      return;
    }
    out.clusters.push(...t.clusters);
    // Named rules (rules[].name, GEP-995) get per-rule Envoy stats, as GRPCRoute's do.
    const statPrefix = rule.name !== undefined ? ruleStatPrefix('HTTPRoute', namespace, name, rule.name) : undefined;
    matches.forEach((m, matchIndex) => {
      const { match, precedence } = httpRouteMatch(m);
      out.candidates.push({
        source,
        ruleIndex,
        matchIndex,
        route: {
          name: routeName('HTTPRoute', namespace, name, ruleIndex, matchIndex),
          ...(statPrefix !== undefined ? { statPrefix } : {}),
          match,
          ...t.shared,
        },
        precedence,
      });
    });
  });
  return out;
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
  // Clusters only a forwarded request reaches (backends, mirrors) are left out of a local reply.
  const clusters = action.kind === 'forward' ? parts.clusters : [];
  return { shared: ruleRouteFields(parts, action), clusters, refIssues: parts.refIssues, invalid };
}

function ruleAction(parts: RuleParts, taken: HTTPOnlyFilters, prefix: string | undefined, field: string): { action: RouteActionIR; issues: TranslationIssue[] } {
  // An unresolvable ExtensionRef: "requests that would have been processed by that filter MUST
  // receive a HTTP error response" (HTTPRouteFilter.type), 500 as for invalid backends.
  const unresolved: RouteActionIR = { kind: 'direct', status: 500 };
  if (taken.redirect) {
    // CEL: "RequestRedirect filter must not be used together with backendRefs".
    if (parts.backends.length > 0) {
      return { action: unresolved, issues: [unsupportedValue(`${field}.backendRefs`, 'backendRefs cannot be combined with a RequestRedirect filter')] };
    }
    const r = redirectAction(taken.redirect, prefix);
    return { action: parts.filters.unresolved || !r.action ? unresolved : r.action, issues: r.issues };
  }
  const rewrite = taken.rewrite ? forwardRewrite(taken.rewrite, prefix) : { issues: [] };
  if (parts.filters.unresolved) return { action: unresolved, issues: rewrite.issues };
  const action = backendAction(parts.backends, ERROR_STATUS);
  if (action.kind === 'forward' && rewrite.rewrite) action.rewrite = rewrite.rewrite;
  return { action, issues: rewrite.issues };
}
