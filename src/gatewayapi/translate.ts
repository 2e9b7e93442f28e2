/**
 * Gateway API → IR, the whole stage. It only orders the steps: pick our GatewayClasses and
 * Gateways (listeners, their certificates and conflicts), attach routes to listeners, translate
 * route rules, then build each Gateway's IR (gateway.ts). Pure: the same Resources and
 * options give the same result, and inputs are never mutated. Problems become status
 * conditions, never exceptions.
 */
import { type GRPCRoute, type HTTPRoute } from '../apis/gateway-api';
import { namespacedName } from '../apis/meta';
import { type ClusterIR, type GatewayIR } from '../ir/types';
import { type Resources } from '../store/resources';
import type { GatewayContext, HostedCandidate, ListenerContext, ParentAttachment } from './contexts';
import { buildGatewayContexts, buildGatewayIR, envoyListeners, gatewayStatus } from './gateway';
import { type ListenerResources } from './programmed';
import { gatewayClassStatus, ownedGatewayClasses } from './gateway-class';
import { translateGRPCRoute } from './grpcroute';
import type { TranslatedRoute } from './route-candidates';
import { translateHTTPRoute } from './httproute';
import { type TranslateOptions } from './options';
import { attachRoute } from './parent-refs';
import { ResourceIndex } from './resource-index';
import { isAcceptedByParent, routeParentStatus } from './route-status';
import { type RouteFinding, routeFindings } from './route-findings';
import { type RouteStatusEntry, type StatusEntry } from './status';

export interface TranslateResult {
  gateways: GatewayIR[];
  status: StatusEntry[];
  /** Problems of routes no status covers, and parentRefs to Gateways not in the input (`attache validate` prints them). */
  routeFindings: RouteFinding[];
  /** Per Gateway key, the Envoy Listener of each served Gateway listener (programmed.ts reads it). */
  listenerResources: ListenerResources;
}

/** Every route kind Attaché translates; one attacher and one status builder serve them all. */
type Route = GRPCRoute | HTTPRoute;

interface AttachedRoute {
  route: Route;
  translated: TranslatedRoute;
  attachments: ParentAttachment[];
}

export function translate(resources: Resources, options: TranslateOptions, bundleVersion?: string): TranslateResult {
  const classes = ownedGatewayClasses(resources.gatewayClasses, options);
  const index = new ResourceIndex(resources);
  const gateways = buildGatewayContexts(resources.gateways, classes, options, index);
  const byKey = new Map(gateways.map((g) => [g.key, g]));
  const all: Route[] = [...resources.grpcRoutes, ...resources.httpRoutes];
  const routes: AttachedRoute[] = sortByKindAndName(all).map((route) => ({
    route,
    translated: route.kind === 'GRPCRoute' ? translateGRPCRoute(route, index) : translateHTTPRoute(route, index),
    attachments: attachRoute(route, byKey, resources.namespaces),
  }));
  const attachedCount = countAttachments(routes);
  const status: StatusEntry[] = [
    ...classes.map((c) => gatewayClassStatus(c, options, bundleVersion, resources.gatewayParameters)),
    ...gateways.map((g) => gatewayStatus(g, attachedCount, options)),
    ...routes.filter((r) => r.attachments.length > 0).map((r) => routeStatus(r, options)),
  ];
  const findings = routeFindings(
    routes.map((r) => ({ route: r.route, translated: r.translated, hasStatus: r.attachments.length > 0 })),
    resources.gateways,
  );
  return {
    gateways: gateways.map((g) => gatewayIR(g, routes)),
    status,
    routeFindings: findings,
    listenerResources: new Map(gateways.map((g) => [g.key, envoyListeners(g)])),
  };
}

function gatewayIR(gateway: GatewayContext, routes: readonly AttachedRoute[]): GatewayIR {
  const attached = new Map<ListenerContext, HostedCandidate[]>();
  const clusters = new Map<string, ClusterIR>();
  for (const { translated, attachments } of routes) {
    for (const a of attachments) {
      if (a.gateway !== gateway || a.issue) continue;
      for (const { listener, hostnames } of a.listeners) {
        const hosted = attached.get(listener) ?? [];
        for (const hostname of hostnames) for (const candidate of translated.candidates) hosted.push({ hostname, candidate });
        attached.set(listener, hosted);
      }
      for (const c of translated.clusters) clusters.set(c.name, c);
    }
  }
  const sortedClusters = [...clusters.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  return buildGatewayIR(gateway, attached, sortedClusters);
}

/**
 * attachedRoutes per listener: each route once per listener it is Accepted=True on. Routes with
 * Accepted=False (no listener allows them, or none of their rules is valid) are not counted.
 */
function countAttachments(routes: readonly AttachedRoute[]): Map<ListenerContext, number> {
  const counts = new Map<ListenerContext, number>();
  for (const r of routes) {
    const seen = new Set<ListenerContext>();
    for (const a of r.attachments) {
      if (!isAcceptedByParent(a, r.translated.rules)) continue;
      for (const l of a.listeners) seen.add(l.listener);
    }
    for (const l of seen) counts.set(l, (counts.get(l) ?? 0) + 1);
  }
  return counts;
}

function routeStatus(r: AttachedRoute, options: TranslateOptions): RouteStatusEntry {
  const gen = r.route.metadata.generation;
  return {
    kind: r.route.kind,
    namespace: r.route.metadata.namespace,
    name: r.route.metadata.name,
    generation: gen,
    status: { parents: r.attachments.map((a) => routeParentStatus(a, gen, r.translated.issues, options, r.translated.rules)) },
  };
}

/** Status lists routes by kind, then `namespace/name` (keys built once, not per comparison). */
function sortByKindAndName(routes: readonly Route[]): Route[] {
  const keyed = routes.map((route) => ({ route, key: `${route.kind}/${namespacedName(route.metadata.namespace, route.metadata.name)}` }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((k) => k.route);
}
