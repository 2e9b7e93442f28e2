import { namespacedName } from '../apis/meta';

/**
 * Every Envoy resource name Attaché emits, in one place. Names come from Gateway API identity,
 * except listeners and their route configurations, which are named by address and port only:
 * renaming a listener makes Envoy drain it (Envoy Gateway issue #6534), so no user object may
 * ever change a listener's name.
 */

export function listenerName(address: string, port: number): string {
  return `listener/${address}/${port}`;
}

export function routeConfigName(address: string, port: number): string {
  return `routes/${address}/${port}`;
}

/**
 * An HTTPS Gateway listener gets its own filter chain and RouteConfiguration on the shared
 * Envoy Listener (one per SNI hostname); they are named by address, port and the Gateway
 * listener's name (unique within its Gateway, which is what one Envoy serves).
 */
export function tlsRouteConfigName(address: string, port: number, gatewayListener: string): string {
  return `routes/${address}/${port}/${gatewayListener}`;
}

/** Plain HTTP: one filter chain per port. TLS: one per Gateway listener. */
export function filterChainName(port: number, gatewayListener?: string): string {
  return gatewayListener === undefined ? `http/${port}` : `https/${port}/${gatewayListener}`;
}

/** The SDS name of a certificate Secret: `<namespace>/<name>`, as Envoy Gateway names them. */
export function secretName(namespace: string, name: string): string {
  return namespacedName(namespace, name);
}

export function virtualHostName(hostname: string): string {
  return hostname === '*' ? 'any-host' : hostname;
}

export function routeName(kind: string, namespace: string, name: string, rule: number, match: number): string {
  return `${kind.toLowerCase()}/${namespace}/${name}/rule/${rule}/match/${match}`;
}

/**
 * Route `stat_prefix` of a named rule (`rules[].name`): Envoy counts its requests under
 * `vhost.<virtual host>.route.<prefix>.` (upstream_rq_total, upstream_rq_<code>, timings), one
 * set per rule since every match of the rule shares it.
 */
export function ruleStatPrefix(kind: string, namespace: string, name: string, ruleName: string): string {
  return `${kind.toLowerCase()}/${namespace}/${name}/${ruleName}`;
}

/** One cluster per Service port and protocol, shared by every route that sends there. */
export function serviceClusterName(namespace: string, name: string, port: number, protocol: string): string {
  return `service/${namespace}/${name}/${port}/${protocol}`;
}

/** The snapshot key of a Gateway: what its proxies put in `node.cluster`. */
export function gatewayKey(namespace: string, name: string): string {
  return namespacedName(namespace, name);
}

/** The Service port behind a cluster named by `serviceClusterName`, or undefined for any other name. */
export function parseServiceClusterName(cluster: string): { namespace: string; name: string; port: number; protocol: string } | undefined {
  const m = /^service\/([^/]+)\/([^/]+)\/(\d+)\/([^/]+)$/.exec(cluster);
  return m ? { namespace: m[1], name: m[2], port: Number(m[3]), protocol: m[4] } : undefined;
}

/** Route kinds as `routeName` writes them (lower case), back to their Kubernetes kind. */
const ROUTE_KINDS: Readonly<Record<string, string>> = { grpcroute: 'GRPCRoute', httproute: 'HTTPRoute' };

/**
 * The Gateway API route (and the index of its rule in `spec.rules`) behind an Envoy route named
 * by `routeName`, or undefined for any other name. Used to say which route a proxy's rejection of
 * a RouteConfiguration came from, and which route rule a traffic policy targets.
 */
export function parseRouteName(route: string): { kind: string; namespace: string; name: string; rule: number } | undefined {
  const m = /^([a-z]+)\/([^/]+)\/([^/]+)\/rule\/(\d+)\/match\/\d+$/.exec(route);
  const kind = m ? ROUTE_KINDS[m[1]] : undefined;
  return m && kind ? { kind, namespace: m[2], name: m[3], rule: Number(m[4]) } : undefined;
}

/** The bound port of a filter chain named by `filterChainName`, and its Gateway listener for a TLS chain; undefined for any other name. */
export function parseFilterChainName(chain: string): { port: number; gatewayListener?: string } | undefined {
  const m = /^(?:http\/(\d+)|https\/(\d+)\/([^/]+))$/.exec(chain);
  if (!m) return undefined;
  return m[1] !== undefined ? { port: Number(m[1]) } : { port: Number(m[2]), gatewayListener: m[3] };
}
