/**
 * HTTPRouteMatch → Envoy route match, and the precedence facts HTTPRouteRule.matches orders by.
 *
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
import { HTTPPathMatch, HTTPQueryParamMatch, HTTPRouteMatch } from '../apis/gateway-api';
import { PathMatchIR, QueryParamMatchIR, RouteMatchIR } from '../ir/types';
import { TranslationIssue, unsupportedValue } from './conditions';
import { headerMatches } from './grpcroute';
import { HTTPMatchPrecedence } from './precedence';
import { validateRegex } from './regex';

/** What a rule without `matches` gets (the CRD default): every request. */
export const MATCH_ALL: HTTPRouteMatch = { path: { type: 'PathPrefix', value: '/' } };

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
      pathChars: (type === 'PathPrefix' ? segmentPrefix(path.value ?? '/') : path.value ?? '/').length,
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
export function segmentPrefix(value: string): string {
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
  else if (pathType !== 'Exact' && pathType !== 'PathPrefix') issues.push(unsupportedValue(`${field}.path.type`, `path match type "${pathType}" is not supported`));
  const seenHeaders = new Set<string>();
  (m.headers ?? []).forEach((h, i) => {
    // Only the first entry per (case-insensitive) name is used, so only it is checked.
    if (seenHeaders.has(h.name.toLowerCase())) return;
    seenHeaders.add(h.name.toLowerCase());
    issues.push(...stringMatchIssues(h.type, h.value, `${field}.headers[${i}]`, 'header'));
  });
  const kept = firstPerName(m.queryParams);
  (m.queryParams ?? []).forEach((q, i) => {
    if (kept.includes(q)) issues.push(...stringMatchIssues(q.type, q.value, `${field}.queryParams[${i}]`, 'query param'));
  });
  return issues;
}

function stringMatchIssues(type: string | undefined, value: string, field: string, what: string): TranslationIssue[] {
  const t = type ?? 'Exact';
  if (t === 'RegularExpression') return regexIssues(value, `${field}.value`);
  return t === 'Exact' ? [] : [unsupportedValue(`${field}.type`, `${what} match type "${t}" is not supported`)];
}

function regexIssues(pattern: string, field: string): TranslationIssue[] {
  const r = validateRegex(pattern);
  return r.ok ? [] : [unsupportedValue(field, `invalid regular expression ${JSON.stringify(pattern)}: ${r.error}`)];
}

function firstPerName(params: readonly HTTPQueryParamMatch[] | undefined): HTTPQueryParamMatch[] {
  const seen = new Set<string>();
  return (params ?? []).filter((q) => !seen.has(q.name) && seen.add(q.name) !== undefined);
}
