/**
 * The xDS resource type URLs Attaché serves, declared once.
 * The order of ADS_PUSH_ORDER is the make-before-break order of the xDS protocol
 * ("Eventual consistency considerations"): secrets and clusters (with their endpoints)
 * exist before the listeners and routes that refer to them.
 */
export const TypeUrl = {
  Secret: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
  Cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  ClusterLoadAssignment: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  Listener: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  RouteConfiguration: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
} as const;

export type TypeUrl = (typeof TypeUrl)[keyof typeof TypeUrl];

export const ADS_PUSH_ORDER: readonly TypeUrl[] = [
  TypeUrl.Secret,
  TypeUrl.Cluster,
  TypeUrl.ClusterLoadAssignment,
  TypeUrl.Listener,
  TypeUrl.RouteConfiguration,
];

/** Short names used in logs, metrics and the CLI (`--type listener|route|...`). */
export const SHORT_NAME: Readonly<Record<TypeUrl, string>> = {
  [TypeUrl.Secret]: 'secret',
  [TypeUrl.Cluster]: 'cluster',
  [TypeUrl.ClusterLoadAssignment]: 'endpoint',
  [TypeUrl.Listener]: 'listener',
  [TypeUrl.RouteConfiguration]: 'route',
};

/**
 * Types whose SotW responses must carry the complete set (a missing name means "delete"),
 * and which Envoy requests by wildcard (xds_protocol "Grouping Resources into Responses").
 */
export const FULL_STATE_TYPES: ReadonlySet<TypeUrl> = new Set<TypeUrl>([TypeUrl.Listener, TypeUrl.Cluster]);

export function isTypeUrl(s: string): s is TypeUrl {
  return (ADS_PUSH_ORDER as readonly string[]).includes(s);
}

/** The message name inside a type URL: `envoy.config.listener.v3.Listener`. */
export function messageName(typeUrl: string): string {
  return typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
}
