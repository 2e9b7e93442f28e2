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

export function virtualHostName(hostname: string): string {
  return hostname === '*' ? 'any-host' : hostname;
}

export function routeName(kind: string, namespace: string, name: string, rule: number, match: number): string {
  return `${kind.toLowerCase()}/${namespace}/${name}/rule/${rule}/match/${match}`;
}

/** One cluster per Service port and protocol, shared by every route that sends there. */
export function serviceClusterName(namespace: string, name: string, port: number, protocol: string): string {
  return `service/${namespace}/${name}/${port}/${protocol}`;
}

/** The snapshot key of a Gateway: what its proxies put in `node.cluster`. */
export function gatewayKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}
