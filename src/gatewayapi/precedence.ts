/**
 * Route precedence, the one home for ordering (GRPCRouteRule.matches spec): within a virtual
 * host, the match with the most characters in a matching non-wildcard hostname wins, then in a
 * matching hostname, then in the service, then in the method, then the most header matches.
 * Ties: the oldest route, then `namespace/name` alphabetical, then the first rule and match.
 * Counting is per matching GRPCRouteMatch, as the conformance suite asserts.
 */
import { hostnamePrecedence } from './hostnames';

export interface MatchPrecedence {
  serviceChars: number;
  methodChars: number;
  headerCount: number;
}

export interface Ranked {
  hostname: string;
  precedence: MatchPrecedence;
  source: { namespace: string; name: string; creationTimestamp?: string };
  ruleIndex: number;
  matchIndex: number;
}

/** Negative when `a` takes precedence over `b`. */
export function comparePrecedence(a: Ranked, b: Ranked): number {
  const ha = hostnamePrecedence(a.hostname);
  const hb = hostnamePrecedence(b.hostname);
  const byCount =
    hb.nonWildcardChars - ha.nonWildcardChars ||
    hb.chars - ha.chars ||
    b.precedence.serviceChars - a.precedence.serviceChars ||
    b.precedence.methodChars - a.precedence.methodChars ||
    b.precedence.headerCount - a.precedence.headerCount;
  if (byCount !== 0) return byCount;
  return compareRouteAge(a.source, b.source) || a.ruleIndex - b.ruleIndex || a.matchIndex - b.matchIndex;
}

function compareRouteAge(a: Ranked['source'], b: Ranked['source']): number {
  const ta = a.creationTimestamp ? Date.parse(a.creationTimestamp) : Number.POSITIVE_INFINITY;
  const tb = b.creationTimestamp ? Date.parse(b.creationTimestamp) : Number.POSITIVE_INFINITY;
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ka = `${a.namespace}/${a.name}`;
  const kb = `${b.namespace}/${b.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
