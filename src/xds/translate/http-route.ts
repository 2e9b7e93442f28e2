/**
 * The parts of an Envoy Route only HTTPRoute needs, beside route.ts: method and query parameter
 * matchers, redirects, URL rewrites, and the status of the invalid-backend share.
 *
 * Path changes, the same for a redirect (RedirectAction) and a rewrite (RouteAction):
 * - full path → `path_redirect`, or for a rewrite `regex_rewrite` of the whole path (`^/.*$`);
 *   either way the query string is kept.
 * - prefix → `prefix_rewrite`, which replaces what the route's `path_separated_prefix` (or `/`)
 *   matched, with the new prefix's trailing `/` dropped, so `/foo/bar` under `/foo` becomes
 *   `/xyz/bar` for `/xyz` and `/xyz/`. Two cases need more (HTTPPathModifier's table):
 *   - under the root prefix `/` nothing but `/` is matched, so the new prefix gets the `/` back;
 *   - a new prefix of `/` (or empty) would leave `//bar` or an empty path: `regex_rewrite`
 *     `^<prefix>/*` → `/` instead, as Envoy Gateway does (`/foo`, `/foo/` → `/`; `/foo/bar` → `/bar`).
 */
import { type ForwardActionIR, type PathRewriteIR, type QueryParamMatchIR, type RedirectActionIR } from '../../ir/types';
import type { RedirectAction } from '../../generated/envoy/config/route/v3/RedirectAction';
import type { RouteAction } from '../../generated/envoy/config/route/v3/RouteAction';
import type { HeaderMatcher } from '../../generated/envoy/config/route/v3/HeaderMatcher';
import type { QueryParameterMatcher } from '../../generated/envoy/config/route/v3/QueryParameterMatcher';
import type { RegexMatchAndSubstitute } from '../../generated/envoy/type/matcher/v3/RegexMatchAndSubstitute';

const RESPONSE_CODES = {
  301: 'MOVED_PERMANENTLY',
  302: 'FOUND',
  303: 'SEE_OTHER',
  307: 'TEMPORARY_REDIRECT',
  308: 'PERMANENT_REDIRECT',
} as const;

/** The method is the `:method` pseudo-header (HTTPRouteMatch.method). */
export function methodMatchers(method: string | undefined): HeaderMatcher[] {
  return method === undefined ? [] : [{ name: ':method', string_match: { exact: method } }];
}

export function buildQueryParamMatcher(q: QueryParamMatchIR): QueryParameterMatcher {
  return { name: q.name, string_match: q.kind === 'exact' ? { exact: q.value } : { safe_regex: { regex: q.value } } };
}

/** What Envoy answers for the invalid-backend share: each route kind chooses (ForwardActionIR.invalidBackendStatus). */
export function clusterNotFoundCode(status: ForwardActionIR['invalidBackendStatus']): RouteAction['cluster_not_found_response_code'] {
  return status === 500 ? 'INTERNAL_SERVER_ERROR' : 'SERVICE_UNAVAILABLE';
}

type RewriteFields = Pick<RouteAction, 'prefix_rewrite' | 'regex_rewrite' | 'host_rewrite_literal'>;

/** URLRewrite: the host sent upstream (`host_rewrite_literal` sets `:authority`) and the path. */
export function rewriteFields(rewrite: ForwardActionIR['rewrite']): RewriteFields {
  const out: RewriteFields = {};
  if (rewrite?.hostname !== undefined) out.host_rewrite_literal = rewrite.hostname;
  const path = rewrite?.path;
  if (path?.kind === 'full') out.regex_rewrite = { pattern: { regex: '^/.*$' }, substitution: substitution(path.value) };
  else if (path) Object.assign(out, prefixChange(path));
  return out;
}

export function buildRedirect(r: RedirectActionIR): RedirectAction {
  const out: RedirectAction = { response_code: RESPONSE_CODES[r.status] };
  if (r.scheme !== undefined) out.scheme_redirect = r.scheme;
  if (r.hostname !== undefined) out.host_redirect = r.hostname;
  // Envoy writes the port as given, even 80/443; see httproute-filters.ts for why it is always set.
  if (r.port !== undefined) out.port_redirect = r.port;
  if (r.path?.kind === 'full') out.path_redirect = r.path.value;
  else if (r.path) Object.assign(out, prefixChange(r.path));
  return out;
}

function prefixChange(path: Extract<PathRewriteIR, { kind: 'prefix' }>): { prefix_rewrite: string } | { regex_rewrite: RegexMatchAndSubstitute } {
  const value = path.value.replace(/\/+$/, '');
  if (path.prefix === '/') return { prefix_rewrite: `${value}/` };
  if (value === '') return { regex_rewrite: { pattern: { regex: `^${quoteRegex(path.prefix)}/*` }, substitution: '/' } };
  return { prefix_rewrite: value };
}

/** RE2 metacharacters of a literal path (HTTPPathMatch allows `.`, `$`, `(`, `)`, `*`, `+`). */
function quoteRegex(literal: string): string {
  return literal.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

/** In an RE2 substitution `\1` is a capture group: a literal backslash is written `\\`. */
function substitution(literal: string): string {
  return literal.replace(/\\/g, '\\\\');
}
