/**
 * GRPCRoute rules → route candidates: one per `matches[]` entry (matches are ORed), each with
 * its Envoy match, its action, and the precedence facts GRPCRouteRule.matches orders by.
 * Method matches follow GEP-1016's `:path` equivalences.
 */
import { GRPCMethodMatch, GRPCRoute, GRPCRouteMatch, HeaderMatch } from '../apis/gateway-api';
import { ClusterIR, DestinationIR, HeaderMatchIR, PathMatchIR, RouteActionIR, RouteMatchIR } from '../ir/types';
import { BackendContext, resolveBackendRef } from './backend-refs';
import { TranslationIssue } from './conditions';
import { routeName } from './naming';
import { MatchPrecedence } from './precedence';
import { ResourceIndex } from './resource-index';

export interface RouteCandidate {
  /** The route object, for the cross-route tie-breaks (creation time, namespace/name). */
  source: { namespace: string; name: string; creationTimestamp?: string };
  ruleIndex: number;
  matchIndex: number;
  name: string;
  match: RouteMatchIR;
  action: RouteActionIR;
  precedence: MatchPrecedence;
}

export interface TranslatedRoute {
  candidates: RouteCandidate[];
  clusters: ClusterIR[];
  issues: TranslationIssue[];
}

export function translateGRPCRoute(route: GRPCRoute, index: ResourceIndex): TranslatedRoute {
  const namespace = route.metadata.namespace ?? 'default';
  const ctx: BackendContext = { routeKind: 'GRPCRoute', routeNamespace: namespace, protocol: 'h2c', index };
  const candidates: RouteCandidate[] = [];
  const clusters: ClusterIR[] = [];
  const issues: TranslationIssue[] = [];
  const source = { namespace, name: route.metadata.name, creationTimestamp: route.metadata.creationTimestamp };
  (route.spec.rules ?? []).forEach((rule, ruleIndex) => {
    const resolved = (rule.backendRefs ?? []).map((ref, i) => resolveBackendRef(ref, `spec.rules[${ruleIndex}].backendRefs[${i}]`, ctx));
    for (const r of resolved) {
      if (r.cluster) clusters.push(r.cluster);
      if (r.issue) issues.push(r.issue);
    }
    const action = ruleAction(resolved.map((r) => r.destination), (rule.backendRefs ?? []).length);
    // A rule without matches matches every gRPC request.
    const matches: GRPCRouteMatch[] = rule.matches && rule.matches.length > 0 ? rule.matches : [{}];
    matches.forEach((m, matchIndex) => {
      candidates.push({
        source,
        ruleIndex,
        matchIndex,
        name: routeName('GRPCRoute', namespace, route.metadata.name, ruleIndex, matchIndex),
        match: { path: pathMatch(m.method), headers: headerMatches(m.headers), grpcOnly: true },
        action,
        precedence: {
          serviceChars: m.method?.service?.length ?? 0,
          methodChars: m.method?.method?.length ?? 0,
          headerCount: headerMatches(m.headers).length,
        },
      });
    });
  });
  return { candidates, clusters, issues };
}

function ruleAction(destinations: DestinationIR[], refCount: number): RouteActionIR {
  // No backendRefs: UNIMPLEMENTED (Envoy's 404 local reply maps to it for gRPC).
  if (refCount === 0) return { kind: 'direct', status: 404 };
  const live = destinations.filter((d) => d.weight > 0);
  // Every backend invalid, or every weight 0: all matching RPCs get UNAVAILABLE (503).
  if (live.length === 0 || live.every((d) => d.cluster === undefined)) return { kind: 'direct', status: 503 };
  return { kind: 'forward', destinations: live };
}

export function pathMatch(method: GRPCMethodMatch | undefined): PathMatchIR {
  const service = method?.service;
  const name = method?.method;
  if (!service && !name) return { kind: 'prefix', value: '/' };
  if ((method?.type ?? 'Exact') === 'RegularExpression') {
    return { kind: 'regex', value: `/${service || '[^/]+'}/${name || '[^/]+'}` };
  }
  if (service && name) return { kind: 'exact', value: `/${service}/${name}` };
  if (service) return { kind: 'prefix', value: `/${service}/` };
  // Method only: any service. The method pattern has no RE2 metacharacters (CRD: ^[A-Za-z_][A-Za-z_0-9]*$).
  return { kind: 'regex', value: `/[^/]+/${name}` };
}

/** Header names are case-insensitive; when one name repeats, only the first entry counts (GRPCHeaderMatch). */
export function headerMatches(headers: readonly HeaderMatch[] | undefined): HeaderMatchIR[] {
  const seen = new Set<string>();
  const out: HeaderMatchIR[] = [];
  for (const h of headers ?? []) {
    const name = h.name.toLowerCase();
    if (seen.has(name)) continue;
    seen.add(name);
    out.push({ name, kind: h.type === 'RegularExpression' ? 'regex' : 'exact', value: h.value });
  }
  return out;
}
