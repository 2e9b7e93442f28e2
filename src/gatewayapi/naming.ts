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
  return `${namespace}/${name}`;
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
  return `${namespace}/${name}`;
}
