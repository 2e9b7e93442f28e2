/**
 * Gateway API kinds (standard channel, v1.6.1) as Attaché reads them. `spec` and `status` are
 * generated from the bundled CRDs (./generated/gateway-api.ts, `make types`); this module adds
 * what a CRD schema leaves open (the metadata and kind of the envelope) and names the parts the
 * code reads, picked out of the generated types so they cannot drift from the schema. Defaults
 * the apiserver would apply are applied by sources/ before objects reach the store, which also
 * fills in the namespace of namespaced kinds.
 */
import type * as Generated from './generated/gateway-api';
import type { KubernetesObject, NamespacedObjectMeta } from './meta';

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** The element type of an optional list field. */
type Item<L> = NonNullable<L> extends ReadonlyArray<infer T> ? T : never;

/** Cluster-scoped: no namespace. */
export interface GatewayClass extends KubernetesObject {
  kind: 'GatewayClass';
  spec: Generated.GatewayClassSpec;
  status?: Generated.GatewayClassStatus;
}

export interface Gateway extends KubernetesObject {
  kind: 'Gateway';
  metadata: NamespacedObjectMeta;
  spec: Generated.GatewaySpec;
  status?: Generated.GatewayStatus;
}

export interface GRPCRoute extends KubernetesObject {
  kind: 'GRPCRoute';
  metadata: NamespacedObjectMeta;
  spec: Generated.GRPCRouteSpec;
  status?: Generated.GRPCRouteStatus;
}

export interface HTTPRoute extends KubernetesObject {
  kind: 'HTTPRoute';
  metadata: NamespacedObjectMeta;
  spec: Generated.HTTPRouteSpec;
  status?: Generated.HTTPRouteStatus;
}

export interface ReferenceGrant extends KubernetesObject {
  kind: 'ReferenceGrant';
  metadata: NamespacedObjectMeta;
  spec: Generated.ReferenceGrantSpec;
}

// Gateway
export type GatewayListener = Item<Generated.GatewaySpec['listeners']>;
type AllowedRoutes = NonNullable<GatewayListener['allowedRoutes']>;
export type LabelSelector = NonNullable<NonNullable<AllowedRoutes['namespaces']>['selector']>;
type GatewayTLSConfig = NonNullable<GatewayListener['tls']>;
export type SecretObjectReference = Item<GatewayTLSConfig['certificateRefs']>;

// Routes: what GRPCRoute and HTTPRoute share has the same shape in both CRDs.
export type ParentReference = Item<Generated.HTTPRouteSpec['parentRefs']> | Item<Generated.GRPCRouteSpec['parentRefs']>;

// GRPCRoute
export type GRPCRouteRule = Item<Generated.GRPCRouteSpec['rules']>;
export type GRPCRouteMatch = Item<GRPCRouteRule['matches']>;
export type GRPCMethodMatch = NonNullable<GRPCRouteMatch['method']>;
export type GRPCHeaderMatch = Item<GRPCRouteMatch['headers']>;
export type GRPCRouteFilter = Item<GRPCRouteRule['filters']>;

// HTTPRoute
export type HTTPRouteRule = Item<Generated.HTTPRouteSpec['rules']>;
export type HTTPRouteMatch = Item<HTTPRouteRule['matches']>;
export type HTTPPathMatch = NonNullable<HTTPRouteMatch['path']>;
export type HTTPHeaderMatch = Item<HTTPRouteMatch['headers']>;
export type HTTPQueryParamMatch = Item<HTTPRouteMatch['queryParams']>;
export type HTTPRouteFilter = Item<HTTPRouteRule['filters']>;
export type HTTPBackendRef = Item<HTTPRouteRule['backendRefs']>;
export type HTTPRequestRedirectFilter = NonNullable<HTTPRouteFilter['requestRedirect']>;
export type HTTPURLRewriteFilter = NonNullable<HTTPRouteFilter['urlRewrite']>;
/** HTTPPathModifier, shared by RequestRedirect and URLRewrite. */
export type HTTPPathModifier = NonNullable<HTTPRequestRedirectFilter['path']> | NonNullable<HTTPURLRewriteFilter['path']>;

/** A header match of either route kind (GRPCRoute's is HTTPRoute's without the method). */
export type HeaderMatch = HTTPHeaderMatch | GRPCHeaderMatch;

/** A filter of either route kind: GRPCRoute's filters are a subset of HTTPRoute's. */
export type RouteFilter = HTTPRouteFilter | GRPCRouteFilter;
/** HTTPHeaderFilter: RequestHeaderModifier and ResponseHeaderModifier (shared by both kinds). */
export type HTTPHeaderFilter = NonNullable<RouteFilter['requestHeaderModifier']>;
/** HTTPRequestMirrorFilter: `percent` or `fraction` (CEL: not both); neither means 100 %. */
export type HTTPRequestMirrorFilter = NonNullable<RouteFilter['requestMirror']>;

/**
 * A backendRef of either route kind without its filters (BackendRef in the Gateway API's Go
 * types); a mirror filter's backendRef is one without a weight.
 */
export type BackendRef = Omit<HTTPBackendRef, 'filters'>;
