/**
 * A route's rules → route candidates, the loop every route kind runs alike: one candidate per
 * `matches[]` entry (matches are ORed), named after the route, rule and match, with per-rule
 * stats for named rules. A rule that cannot be implemented as written is dropped whole and
 * reported (route status PartiallyInvalid with "Dropped Rule", or Accepted=False when no rule
 * is left, GEP-1364); its siblings are unaffected. What differs per kind (the default match,
 * how a rule and a match translate) comes from grpcroute.ts / httproute.ts.
 */
import type { NamespacedObjectMeta } from '../apis/meta';
import { type ClusterIR, type RouteMatchIR } from '../ir/types';
import { type TranslationIssue } from './conditions';
import type { DroppedRule, RouteCandidate, RuleOutcome } from './contexts';
import { routeName, ruleStatPrefix } from './naming';
import { type MatchPrecedence } from './precedence';
import { type TranslatedRule } from './route-rules';

export interface TranslatedRoute {
  candidates: RouteCandidate[];
  clusters: ClusterIR[];
  /** ResolvedRefs problems, of kept and dropped rules alike: every reference is reported. */
  issues: TranslationIssue[];
  rules: RuleOutcome;
}

/** What a route kind supplies to `translateRouteRules`. */
export interface RouteKindRules<Rule, Match> {
  kind: 'GRPCRoute' | 'HTTPRoute';
  /** The rule's matches (its kind's default when it has none) and the rule translated. */
  translateRule(rule: Rule, field: string): { matches: readonly Match[]; translated: TranslatedRule };
  /** One match as an Envoy route match, with the facts its kind's precedence orders by. */
  translateMatch(match: Match): { match: RouteMatchIR; precedence: MatchPrecedence };
}

export function translateRouteRules<Rule extends { name?: string }, Match>(
  route: { metadata: Pick<NamespacedObjectMeta, 'name' | 'namespace' | 'creationTimestamp'>; spec: { rules?: Rule[] } },
  k: RouteKindRules<Rule, Match>,
): TranslatedRoute {
  const namespace = route.metadata.namespace;
  const name = route.metadata.name;
  const out: TranslatedRoute = { candidates: [], clusters: [], issues: [], rules: { total: 0, dropped: [] } };
  const source = { namespace, name, creationTimestamp: route.metadata.creationTimestamp };
  const rules = route.spec.rules ?? [];
  out.rules.total = rules.length;
  rules.forEach((rule, ruleIndex) => {
    const { matches, translated: t } = k.translateRule(rule, `spec.rules[${ruleIndex}]`);
    out.issues.push(...t.refIssues);
    if (t.invalid.length > 0) {
      const dropped: DroppedRule = { index: ruleIndex, issues: t.invalid };
      if (rule.name !== undefined) dropped.name = rule.name;
      out.rules.dropped.push(dropped);
      return;
    }
    out.clusters.push(...t.clusters);
    // Named rules (rules[].name, GEP-995) get per-rule Envoy stats; the route name keeps the
    // index, which is unique even where the standard CRD does not enforce unique names.
    const statPrefix = rule.name !== undefined ? ruleStatPrefix(k.kind, namespace, name, rule.name) : undefined;
    matches.forEach((m, matchIndex) => {
      const { match, precedence } = k.translateMatch(m);
      out.candidates.push({
        source,
        ruleIndex,
        matchIndex,
        route: {
          name: routeName(k.kind, namespace, name, ruleIndex, matchIndex),
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
