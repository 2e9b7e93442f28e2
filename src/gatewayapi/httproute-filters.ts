/**
 * The HTTPRoute-only filters, RequestRedirect and URLRewrite → IR. The filters GRPCRoute shares
 * (header modifiers, mirrors, ExtensionRef) go through filters.ts; these two are taken by its
 * `own` hook and turned into the rule's action here; ReplacePrefixMatch is given the prefix the
 * rule's one PathPrefix match matched (httproute.ts `replaceablePrefix`).
 *
 * - RequestRedirect (HTTPRequestRedirectFilter): a redirect answered by the proxy. Its port is
 *   the given one, else the well-known port of a given scheme ("http" 80, "https" 443: "the
 *   redirect port MUST be the well-known port associated with the redirect scheme"). It is always
 *   written into Location then: Envoy otherwise keeps the port of the request's Host, which is
 *   wrong behind a shifted port (`--port-shift`), even though the spec would rather omit 80/443.
 *   With neither scheme nor port, "the redirect port MUST be the Gateway Listener port": known
 *   only once the route is placed on a listener (redirectOnListener), and written (Envoy would
 *   keep the port of the request's Host, or with a new hostname write none). Only a new hostname
 *   on the listener scheme's well-known port goes without: Envoy then writes no port, as the spec
 *   prefers for 80 and 443.
 * - URLRewrite (HTTPURLRewriteFilter): the hostname (the `Host`/`:authority` sent upstream) and
 *   the path, changed before forwarding.
 */
import { type HTTPPathModifier, type HTTPRequestRedirectFilter, type HTTPRouteFilter, type HTTPURLRewriteFilter } from '../apis/gateway-api';
import { type ForwardActionIR, type PathRewriteIR, type RedirectActionIR, type RouteIR } from '../ir/types';
import { type TranslationIssue, unsupportedValue } from './conditions';

const REDIRECT_CODES = [301, 302, 303, 307, 308] as const;
const WELL_KNOWN_PORTS = { http: 80, https: 443 } as const;

/** The RequestRedirect and URLRewrite filters of a rule, as translateFilters' `own` hook collects them. */
export interface HTTPOnlyFilters {
  redirect?: { filter: HTTPRequestRedirectFilter; field: string };
  rewrite?: { filter: HTTPURLRewriteFilter; field: string };
  invalid: TranslationIssue[];
}

/** A collector and the hook that fills it; pass `own` to translateFilters (or translateRuleParts). */
export function httpOnlyFilters(): { taken: HTTPOnlyFilters; own: (f: HTTPRouteFilter, at: string) => boolean } {
  const taken: HTTPOnlyFilters = { invalid: [] };
  // CEL allows one of each and never both; the apiserver may predate the CRDs, so recheck.
  const take = (at: string, set: () => void): true => {
    if (taken.redirect || taken.rewrite) taken.invalid.push(unsupportedValue(at, 'only one RequestRedirect or URLRewrite filter may be used per rule'));
    else set();
    return true;
  };
  const own = (f: HTTPRouteFilter, at: string): boolean => {
    const { requestRedirect, urlRewrite } = f;
    if (f.type === 'RequestRedirect' && requestRedirect) return take(at, () => (taken.redirect = { filter: requestRedirect, field: `${at}.requestRedirect` }));
    if (f.type === 'URLRewrite' && urlRewrite) return take(at, () => (taken.rewrite = { filter: urlRewrite, field: `${at}.urlRewrite` }));
    return false;
  };
  return { taken, own };
}

export function redirectAction(
  taken: NonNullable<HTTPOnlyFilters['redirect']>,
  prefix: string | undefined,
): { action?: RedirectActionIR; issues: TranslationIssue[] } {
  const { filter, field } = taken;
  const status = filter.statusCode ?? 302;
  const code = REDIRECT_CODES.find((c) => c === status);
  if (code === undefined) return { issues: [unsupportedValue(`${field}.statusCode`, `redirect status ${status} is not supported`)] };
  const path = filter.path ? pathRewrite(filter.path, `${field}.path`, prefix) : {};
  if (path.issue) return { issues: [path.issue] };
  const port = filter.port ?? (filter.scheme ? WELL_KNOWN_PORTS[filter.scheme] : undefined);
  const action: RedirectActionIR = {
    kind: 'redirect',
    ...(filter.scheme ? { scheme: filter.scheme } : {}),
    ...(filter.hostname ? { hostname: filter.hostname } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(path.rewrite ? { path: path.rewrite } : {}),
    status: code,
  };
  return { action, issues: [] };
}

/** The route as served on a Gateway listener (port, and scheme of its protocol): see RequestRedirect above. */
export function redirectOnListener(route: RouteIR, listener: { port: number; scheme: 'http' | 'https' }): RouteIR {
  const a = route.action;
  if (a.kind !== 'redirect' || a.scheme !== undefined || a.port !== undefined) return route;
  if (a.hostname !== undefined && WELL_KNOWN_PORTS[listener.scheme] === listener.port) return route;
  const listenerPort = listener.port;
  return { ...route, action: { ...a, port: listenerPort } };
}

export function forwardRewrite(
  taken: NonNullable<HTTPOnlyFilters['rewrite']>,
  prefix: string | undefined,
): { rewrite?: ForwardActionIR['rewrite']; issues: TranslationIssue[] } {
  const { filter, field } = taken;
  const path = filter.path ? pathRewrite(filter.path, `${field}.path`, prefix) : {};
  if (path.issue) return { issues: [path.issue] };
  const rewrite: NonNullable<ForwardActionIR['rewrite']> = {};
  if (filter.hostname) rewrite.hostname = filter.hostname;
  if (path.rewrite) rewrite.path = path.rewrite;
  return { rewrite: Object.keys(rewrite).length > 0 ? rewrite : undefined, issues: [] };
}

/**
 * HTTPPathModifier → PathRewriteIR. The new path must be absolute (`/…`; ReplacePrefixMatch may
 * also be empty, which its table treats as `/`) and hold no NUL, CR or LF: Envoy takes it as a
 * header value and would NACK the RouteConfiguration otherwise.
 */
function pathRewrite(mod: HTTPPathModifier, field: string, prefix: string | undefined): { rewrite?: PathRewriteIR; issue?: TranslationIssue } {
  const full = mod.type === 'ReplaceFullPath';
  const value = (full ? mod.replaceFullPath : mod.replacePrefixMatch) ?? '';
  const at = `${field}.${full ? 'replaceFullPath' : 'replacePrefixMatch'}`;
  if (/[\0\r\n]/.test(value) || !(value.startsWith('/') || (!full && value === ''))) {
    return { issue: unsupportedValue(at, `path ${JSON.stringify(value)} must be absolute (start with "/")`) };
  }
  if (full) return { rewrite: { kind: 'full', value } };
  if (mod.type !== 'ReplacePrefixMatch') return { issue: unsupportedValue(`${field}.type`, `path modifier type "${String(mod.type)}" is not supported`) };
  if (prefix === undefined) {
    return { issue: unsupportedValue(at, 'ReplacePrefixMatch needs the rule to have exactly one match, of type PathPrefix') };
  }
  return { rewrite: { kind: 'prefix', prefix, value } };
}
