/**
 * The input of translation: every object the store holds, grouped by kind.
 * Translation reads only this value (no I/O), so the same Resources always give the same output.
 */
import { EndpointSlice, Namespace, Secret, Service } from '../apis/core';
import { Gateway, GatewayClass, GRPCRoute, HTTPRoute, ReferenceGrant } from '../apis/gateway-api';
import { KubernetesObject } from '../apis/meta';

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
} as const satisfies Record<string, keyof Resources>;

export type SupportedKind = keyof typeof KIND_TO_FIELD;

export function isSupportedKind(kind: string): kind is SupportedKind {
  return Object.prototype.hasOwnProperty.call(KIND_TO_FIELD, kind);
}

export function emptyResources(): Resources {
  return groupByKind([]);
}

/** Groups a flat list of (already validated) objects by kind. Unsupported kinds are ignored. */
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
  };
  for (const obj of objects) {
    if (isSupportedKind(obj.kind)) out[KIND_TO_FIELD[obj.kind]].push(obj);
  }
  // The cast is the one place kinds meet their types: isSupportedKind + KIND_TO_FIELD guarantee it.
  return out as unknown as Resources;
}
