/**
 * Gateway API → IR, the whole stage. It only orders the steps: pick our GatewayClasses and
 * Gateways, attach routes to listeners, translate route rules, then group by Envoy listener
 * (address:port) into virtual hosts. Pure: the same Resources and options give the same result,
 * and inputs are never mutated. Problems become status conditions, never exceptions.
 */
import { GRPCRoute } from '../apis/gateway-api';
import { ClusterIR, GatewayIR, HTTPListener } from '../ir/types';
import { Resources } from '../store/resources';
import { buildGatewayContexts, GatewayContext, gatewayStatus } from './gateway';
import { gatewayClassStatus, ownedGatewayClasses } from './gateway-class';
import { translateGRPCRoute, TranslatedRoute } from './grpcroute';
import { ListenerContext } from './listener';
import { listenerName, routeConfigName } from './naming';
import { TranslateOptions } from './options';
import { attachRoute, ParentAttachment } from './parent-refs';
import { ResourceIndex } from './resource-index';
import { routeParentStatus } from './route-status';
import { RouteStatusEntry, StatusEntry } from './status';
import { buildVirtualHosts, HostedCandidate } from './virtual-hosts';

export interface TranslateResult {
  gateways: GatewayIR[];
  status: StatusEntry[];
}

interface AttachedRoute {
  route: GRPCRoute;
  translated: TranslatedRoute;
  attachments: ParentAttachment[];
}

export function translate(resources: Resources, options: TranslateOptions, bundleVersion?: string): TranslateResult {
  const classes = ownedGatewayClasses(resources.gatewayClasses, options);
  const gateways = buildGatewayContexts(resources.gateways, classes, options);
  const byKey = new Map(gateways.map((g) => [g.key, g]));
  const index = new ResourceIndex(resources);
  const routes: AttachedRoute[] = [...resources.grpcRoutes].sort(byName).map((route) => ({
    route,
    translated: translateGRPCRoute(route, index),
    attachments: attachRoute(route, byKey, resources.namespaces),
  }));
  const attachedCount = countAttachments(routes);
  const status: StatusEntry[] = [
    ...classes.map((c) => gatewayClassStatus(c, options, bundleVersion)),
    ...gateways.map((g) => gatewayStatus(g, attachedCount, options)),
    ...routes.filter((r) => r.attachments.length > 0).map((r) => routeStatus(r, options)),
  ];
  return { gateways: gateways.map((g) => gatewayIR(g, routes)), status };
}

function gatewayIR(gateway: GatewayContext, routes: readonly AttachedRoute[]): GatewayIR {
  const byPort = new Map<number, { hosted: HostedCandidate[]; grpc: boolean }>();
  const clusters = new Map<string, ClusterIR>();
  for (const l of gateway.listeners) {
    if (l.issues.some((i) => i.type === 'Accepted')) continue;
    if (!byPort.has(l.port)) byPort.set(l.port, { hosted: [], grpc: false });
  }
  for (const { translated, attachments } of routes) {
    for (const a of attachments) {
      if (a.gateway !== gateway || a.issue) continue;
      for (const { listener, hostnames } of a.listeners) {
        const port = byPort.get(listener.port)!;
        port.grpc = true;
        for (const hostname of hostnames) for (const candidate of translated.candidates) port.hosted.push({ hostname, candidate });
      }
      for (const c of translated.clusters) clusters.set(c.name, c);
    }
  }
  const listeners: HTTPListener[] = [...byPort.entries()]
    .sort(([a], [b]) => a - b)
    .map(([port, { hosted, grpc }]) => ({
      name: listenerName(gateway.address, port),
      address: gateway.address,
      port,
      filterChains: [
        {
          name: `http/${port}`,
          serverNames: [],
          routeConfigName: routeConfigName(gateway.address, port),
          virtualHosts: buildVirtualHosts(hosted),
          grpc: { web: grpc, stats: grpc },
        },
      ],
    }));
  const sortedClusters = [...clusters.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  return { key: gateway.key, listeners, clusters: sortedClusters };
}

function countAttachments(routes: readonly AttachedRoute[]): Map<ListenerContext, number> {
  const counts = new Map<ListenerContext, number>();
  for (const r of routes) {
    const seen = new Set<ListenerContext>();
    for (const a of r.attachments) for (const l of a.listeners) seen.add(l.listener);
    for (const l of seen) counts.set(l, (counts.get(l) ?? 0) + 1);
  }
  return counts;
}

function routeStatus(r: AttachedRoute, options: TranslateOptions): RouteStatusEntry {
  const gen = r.route.metadata.generation;
  return {
    kind: 'GRPCRoute',
    namespace: r.route.metadata.namespace,
    name: r.route.metadata.name,
    generation: gen,
    status: { parents: r.attachments.map((a) => routeParentStatus(a, gen, r.translated.issues, options)) },
  };
}

function byName(a: GRPCRoute, b: GRPCRoute): number {
  const ka = `${a.metadata.namespace}/${a.metadata.name}`;
  const kb = `${b.metadata.namespace}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
