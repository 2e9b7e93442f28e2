/**
 * The input of translation: every object the store holds, grouped by kind.
 * Translation reads only this value (no I/O), so the same Resources always give the same output.
 */
import { type EndpointSlice, type Namespace, type Secret, type Service } from '../apis/core';
import { type Gateway, type GatewayClass, type GRPCRoute, type HTTPRoute, type ReferenceGrant } from '../apis/gateway-api';
import { type KubernetesObject } from '../apis/meta';
import { type GatewayParameters } from '../apis/parameters';
import { type BackendTrafficPolicy } from '../apis/policy';

export interface Resources {
  gatewayClasses: readonly GatewayClass[];
  gateways: readonly Gateway[];
  grpcRoutes: readonly GRPCRoute[];
  httpRoutes: readonly HTTPRoute[];
  referenceGrants: readonly ReferenceGrant[];
  services: readonly Service[];
  endpointSlices: readonly EndpointSlice[];
  secrets: readonly Secret[];
  namespaces: readonly Namespace[];
  backendTrafficPolicies: readonly BackendTrafficPolicy[];
  gatewayParameters: readonly GatewayParameters[];
}

/** The kinds the store accepts, and which Resources list each goes into. */
export const KIND_TO_FIELD = {
  GatewayClass: 'gatewayClasses',
  Gateway: 'gateways',
  GRPCRoute: 'grpcRoutes',
  HTTPRoute: 'httpRoutes',
  ReferenceGrant: 'referenceGrants',
  Service: 'services',
  EndpointSlice: 'endpointSlices',
  Secret: 'secrets',
  Namespace: 'namespaces',
  BackendTrafficPolicy: 'backendTrafficPolicies',
  GatewayParameters: 'gatewayParameters',
} as const satisfies Record<string, keyof Resources>;

export type SupportedKind = keyof typeof KIND_TO_FIELD;

export function isSupportedKind(kind: string): kind is SupportedKind {
  return Object.prototype.hasOwnProperty.call(KIND_TO_FIELD, kind);
}

/** The kinds without a namespace; every other kind lives in one. */
const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set<SupportedKind>(['GatewayClass', 'Namespace']);

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED_KINDS.has(kind);
}

/**
 * The namespace an object of `kind` lives in: as given, `default` when a namespaced object
 * names none (as the apiserver and kubectl do), none for a cluster-scoped kind without one.
 */
export function namespaceOf(kind: string, namespace: string | undefined): string | undefined {
  return namespace ?? (isClusterScoped(kind) ? undefined : 'default');
}

/** The object with its namespace filled in, or the object itself when it has one (or needs none). */
export function withNamespace(object: KubernetesObject): KubernetesObject {
  const namespace = namespaceOf(object.kind, object.metadata.namespace);
  return namespace === object.metadata.namespace ? object : { ...object, metadata: { ...object.metadata, namespace } };
}

export function emptyResources(): Resources {
  return groupByKind([]);
}

/**
 * Groups a flat list of (already validated) objects by kind, namespaced ones with their namespace
 * filled in (see withNamespace). Unsupported kinds are ignored.
 */
export function groupByKind(objects: Iterable<KubernetesObject>): Resources {
  const out: { [F in keyof Resources]: KubernetesObject[] } = {
    gatewayClasses: [],
    gateways: [],
    grpcRoutes: [],
    httpRoutes: [],
    referenceGrants: [],
    services: [],
    endpointSlices: [],
    secrets: [],
    namespaces: [],
    backendTrafficPolicies: [],
    gatewayParameters: [],
  };
  for (const obj of objects) {
    if (isSupportedKind(obj.kind)) out[KIND_TO_FIELD[obj.kind]].push(withNamespace(obj));
  }
  // The cast is the one place kinds meet their types: isSupportedKind + KIND_TO_FIELD guarantee
  // the kind, withNamespace the namespace of namespaced kinds.
  return out as unknown as Resources;
}
