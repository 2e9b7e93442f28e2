/**
 * The core Kubernetes kinds Attaché reads: Service, EndpointSlice, Secret, Namespace. Their
 * fields are generated from the apiserver's OpenAPI schemas (./generated/core.ts, `make types`);
 * this module adds the envelope (apis/meta.ts) and what the schema leaves to the apiserver's Go
 * checks (sources/validation/*-rules.ts).
 */
import type * as Generated from './generated/core';
import type { KubernetesObject, NamespacedObjectMeta } from './meta';

export type ServicePort = Generated.ServicePort;

export interface Service extends Generated.Service, KubernetesObject {
  kind: 'Service';
  metadata: NamespacedObjectMeta;
  /** Only `loadBalancer` reaches the store (sources/kubernetes forStore): a provisioned Gateway's addresses. */
  status?: ServiceStatus;
}

/** Service.status as the API server writes it (the generated types leave status out). */
export interface ServiceStatus {
  loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> };
}

export interface EndpointSlice extends Omit<Generated.EndpointSlice, 'addressType'>, KubernetesObject {
  kind: 'EndpointSlice';
  metadata: NamespacedObjectMeta;
  /** A string in the schema; the apiserver allows these three (sources/validation/endpointslice-rules.ts). */
  addressType: 'IPv4' | 'IPv6' | 'FQDN';
}

export interface Secret extends Generated.Secret, KubernetesObject {
  kind: 'Secret';
  metadata: NamespacedObjectMeta;
}

/** Cluster-scoped: no namespace. */
export interface Namespace extends Generated.Namespace, KubernetesObject {
  kind: 'Namespace';
}

/** The label that ties an EndpointSlice to its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
