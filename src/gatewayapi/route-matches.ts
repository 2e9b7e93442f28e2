/**
 * The match parts GRPCRouteMatch and HTTPRouteMatch share, translated and checked once for both
 * kinds (grpcroute.ts, httproute.ts):
 * - headers: names are case-insensitive, and when one name repeats only the first entry counts
 *   (GRPCHeaderMatch, HTTPHeaderMatch); query params (HTTPRoute only) are the same but for
 *   case-sensitive names (HTTPQueryParamMatch.name);
 * - string matches are `Exact` or `RegularExpression`; a pattern is checked with the RE2 Envoy
 *   compiles it with (`validateRegex`), so a bad one drops its rule here instead of making Envoy
 *   NACK the whole RouteConfiguration. Any other type is UnsupportedValue (the route status docs
 *   name it for "an enum value not recognized"; the CRD enum normally stops it earlier).
 */
import type { HeaderMatch } from '../apis/gateway-api';
import type { HeaderMatchIR } from '../ir/types';
import { type TranslationIssue, unsupportedValue } from './conditions';
import { validateRegex } from './regex';

/** A header or query param match, of either route kind. */
interface NamedStringMatch {
  type?: string;
  name: string;
  value: string;
}

/** The entries that count: the first per name, names compared by `key`. */
export function firstPerName<M extends { name: string }>(matches: readonly M[] | undefined, key: (name: string) => string = (n) => n): M[] {
  const seen = new Set<string>();
  return (matches ?? []).filter((m) => {
    const name = key(m.name);
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
}

function headerName(name: string): string {
  return name.toLowerCase();
}

/** The header matches that count, as Envoy header matchers (lower-case names). */
export function headerMatches(headers: readonly HeaderMatch[] | undefined): HeaderMatchIR[] {
  return firstPerName(headers, headerName).map((h) => ({
    name: headerName(h.name),
    kind: h.type === 'RegularExpression' ? 'regex' : 'exact',
    value: h.value,
  }));
}

/** Problems of the header matches that count, each at `field.headers[i]`. */
export function headerMatchIssues(headers: readonly HeaderMatch[] | undefined, field: string): TranslationIssue[] {
  return namedMatchIssues(headers, firstPerName(headers, headerName), `${field}.headers`, 'header');
}

/** Problems of the `kept` entries of `all`, each at `field[i]` (its index in `all`). */
export function namedMatchIssues<M extends NamedStringMatch>(
  all: readonly M[] | undefined,
  kept: readonly M[],
  field: string,
  what: string,
): TranslationIssue[] {
  return (all ?? []).flatMap((m, i) => (kept.includes(m) ? stringMatchIssues(m.type, m.value, `${field}[${i}]`, what) : []));
}

/** An `Exact` or `RegularExpression` string match: a pattern RE2 refuses, or another type. */
function stringMatchIssues(type: string | undefined, value: string, field: string, what: string): TranslationIssue[] {
  const t = type ?? 'Exact';
  if (t === 'RegularExpression') return regexIssues(value, `${field}.value`);
  return t === 'Exact' ? [] : [unsupportedValue(`${field}.type`, `${what} match type "${t}" is not supported`)];
}

export function regexIssues(pattern: string, field: string): TranslationIssue[] {
  const r = validateRegex(pattern);
  return r.ok ? [] : [unsupportedValue(field, `invalid regular expression ${JSON.stringify(pattern)}: ${r.error}`)];
}
