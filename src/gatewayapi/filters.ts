/**
 * Route filters → IR, for any route kind: GRPCRouteFilter is the header, mirror and extension
 * part of HTTPRouteFilter, so HTTPRoute reuses this as is and adds its own types beside it.
 * The same function serves rule-level `filters` and `backendRefs[].filters`; the caller decides
 * where the result applies (the route, or one weighted cluster).
 *
 * Three outcomes, as the spec asks:
 * - invalid configuration (a header Envoy will not modify, an unknown type): `invalid` — the
 *   caller drops the rule (route status PartiallyInvalid, "Dropped Rule", GEP-1364);
 * - an unresolvable reference (mirror backend, extension): ResolvedRefs=False, the rule stays;
 * - an ExtensionRef we cannot resolve: `unresolved` — "the filter MUST NOT be skipped. Instead,
 *   requests that would have been processed by that filter MUST receive a HTTP error response"
 *   (GRPCRouteFilter.type). Attaché has no extension kinds, so every ExtensionRef is unresolved.
 */
import { type HTTPHeaderFilter, type HTTPRequestMirrorFilter, type RouteFilter } from '../apis/gateway-api';
import { type ClusterIR, type HeaderModifierIR, type MirrorIR } from '../ir/types';
import { type BackendContext, resolveBackendRef } from './backend-refs';
import { ConditionType, Reason, type TranslationIssue, unsupportedValue } from './conditions';

export interface FilterResult {
  requestHeaders?: HeaderModifierIR;
  responseHeaders?: HeaderModifierIR;
  mirrors: MirrorIR[];
  /** Clusters the mirrors send to; they must reach CDS/EDS like any backend's. */
  clusters: ClusterIR[];
  /** An ExtensionRef could not be resolved: the requests it applies to must get an error. */
  unresolved: boolean;
  /** ResolvedRefs=False problems that leave the rule in place (mirror backends, extensions). */
  refIssues: TranslationIssue[];
  /** Problems that make the rule invalid: the caller drops it (reason UnsupportedValue). */
  invalid: TranslationIssue[];
}

/**
 * `own` takes the filter types only one route kind has (HTTPRoute: RequestRedirect, URLRewrite)
 * and returns whether it took the filter; a type nobody takes makes the rule invalid.
 */
export function translateFilters<F extends RouteFilter>(
  filters: readonly F[] | undefined,
  field: string,
  ctx: BackendContext,
  own?: (filter: F, at: string) => boolean,
): FilterResult {
  const out: FilterResult = { mirrors: [], clusters: [], unresolved: false, refIssues: [], invalid: [] };
  (filters ?? []).forEach((f, i) => {
    const at = `${field}[${i}]`;
    switch (f.type) {
      case 'RequestHeaderModifier':
      case 'ResponseHeaderModifier': {
        const request = f.type === 'RequestHeaderModifier';
        const spec = request ? f.requestHeaderModifier : f.responseHeaderModifier;
        const key = request ? 'requestHeaderModifier' : 'responseHeaderModifier';
        // CEL allows each at most once per list; a second one would silently replace the first.
        if ((request ? out.requestHeaders : out.responseHeaders) !== undefined) {
          out.invalid.push(unsupportedValue(at, `${f.type} may appear only once`));
          return;
        }
        const r = headerModifier(spec ?? {}, `${at}.${key}`);
        out.invalid.push(...r.issues);
        if (request) out.requestHeaders = r.modifier;
        else out.responseHeaders = r.modifier;
        return;
      }
      case 'RequestMirror':
        if (f.requestMirror) addMirror(out, f.requestMirror, `${at}.requestMirror`, ctx);
        return;
      case 'ExtensionRef': {
        const ref = f.extensionRef;
        const what = ref ? `${ref.group ? `${ref.group}/` : ''}${ref.kind} ${ref.name}` : '(none)';
        out.unresolved = true;
        out.refIssues.push({
          type: ConditionType.ResolvedRefs,
          reason: Reason.InvalidKind,
          message: `${at}.extensionRef: ${what} cannot be resolved (no extension filter kinds are supported); matching requests get an error response`,
          field: `${at}.extensionRef`,
        });
        return;
      }
      default:
        if (own?.(f, at)) return;
        out.invalid.push(unsupportedValue(`${at}.type`, `filter type "${f.type}" is not supported`));
    }
  });
  return out;
}

/**
 * HTTPHeaderFilter → HeaderModifierIR, names lower-cased (HTTP/2 and gRPC metadata keys are
 * lower case; matching is case-insensitive). Invalid, per the HTTPHeaderFilter type doc: "Only
 * one action for a given header name is permitted. Filters specifying multiple actions of the
 * same or different type for any one header name are invalid." Also refused: what Envoy's
 * HeaderParser throws on ("':-prefixed or host headers may not be modified/removed"), and
 * values with NUL, CR or LF (HeaderValue.value, HTTP_HEADER_VALUE), so no NACK ever follows.
 */
export function headerModifier(filter: HTTPHeaderFilter, field: string): { modifier?: HeaderModifierIR; issues: TranslationIssue[] } {
  const issues: TranslationIssue[] = [];
  const seen = new Set<string>();
  const checkName = (raw: string, at: string): string | undefined => {
    const name = raw.toLowerCase();
    // The schema leaves `remove` names unchecked; Envoy refuses an empty one (and NUL, CR, LF).
    if (name === '' || /[\0\r\n]/.test(name)) issues.push(unsupportedValue(at, 'header names may not be empty or contain NUL, CR or LF'));
    else if (seen.has(name)) issues.push(unsupportedValue(at, `header "${name}" is named by more than one action of this filter`));
    else if (name.startsWith(':') || name === 'host')
      issues.push(unsupportedValue(at, `header "${name}" cannot be modified (Envoy refuses pseudo-headers and host)`));
    else {
      seen.add(name);
      return name;
    }
    return undefined;
  };
  const pairs = (list: HTTPHeaderFilter['set'], kind: 'set' | 'add'): Array<{ name: string; value: string }> => {
    const kept: Array<{ name: string; value: string }> = [];
    (list ?? []).forEach((h, i) => {
      const at = `${field}.${kind}[${i}]`;
      const name = checkName(h.name, `${at}.name`);
      if (/[\0\r\n]/.test(h.value)) issues.push(unsupportedValue(`${at}.value`, 'header values may not contain NUL, CR or LF'));
      else if (name !== undefined) kept.push({ name, value: h.value });
    });
    return kept;
  };
  const set = pairs(filter.set, 'set');
  const add = pairs(filter.add, 'add');
  const remove = (filter.remove ?? []).flatMap((h, i) => checkName(h, `${field}.remove[${i}]`) ?? []);
  if (issues.length > 0) return { issues };
  if (set.length + add.length + remove.length === 0) return { issues };
  return { modifier: { set, add, remove }, issues };
}

/**
 * A mirror backend is resolved like a backendRef (ReferenceGrant included). When it cannot be,
 * the controller "must ensure the ResolvedRefs condition ... is set to status: False ... and not
 * configure this backend" (HTTPRequestMirrorFilter.backendRef): the rule itself stays.
 */
function addMirror(out: FilterResult, mirror: HTTPRequestMirrorFilter, field: string, ctx: BackendContext): void {
  const resolved = resolveBackendRef({ ...mirror.backendRef, weight: 1 }, `${field}.backendRef`, ctx);
  if (resolved.issue) {
    out.refIssues.push(resolved.issue);
    return;
  }
  const percent = mirrorPercent(mirror);
  // 0 % mirrors nothing; configuring it would only add an idle policy and cluster.
  if (percent <= 0 || !resolved.cluster) return;
  out.clusters.push(resolved.cluster);
  out.mirrors.push({ cluster: resolved.cluster.name, percent });
}

/**
 * `percent` (0–100) or `fraction` (numerator/denominator, denominator default 100); neither means
 * 100 %. Rounded to 1e-4 %, one in a million: the finest share Envoy's FractionalPercent has.
 */
export function mirrorPercent(mirror: Pick<HTTPRequestMirrorFilter, 'percent' | 'fraction'>): number {
  if (mirror.percent !== undefined) return mirror.percent;
  if (!mirror.fraction) return 100;
  return Math.round((mirror.fraction.numerator * 1_000_000) / (mirror.fraction.denominator ?? 100)) / 10_000;
}
