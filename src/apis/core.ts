/** The core Kubernetes kinds Attaché reads: Service, EndpointSlice, Secret, Namespace. */
import type { KubernetesObject, NamespacedObjectMeta } from './meta';

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
  appProtocol?: string;
}

export interface Service extends KubernetesObject {
  kind: 'Service';
  metadata: NamespacedObjectMeta;
  spec: { type?: string; ports?: ServicePort[]; externalName?: string };
}

export interface EndpointSlice extends KubernetesObject {
  kind: 'EndpointSlice';
  metadata: NamespacedObjectMeta;
  addressType: 'IPv4' | 'IPv6' | 'FQDN';
  endpoints?: Array<{
    addresses: string[];
    conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
    targetRef?: { kind?: string; name?: string; namespace?: string };
    hostname?: string;
  }>;
  ports?: Array<{ name?: string; port?: number; protocol?: string; appProtocol?: string }>;
}

export interface Secret extends KubernetesObject {
  kind: 'Secret';
  metadata: NamespacedObjectMeta;
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

/** Cluster-scoped: no namespace. */
export interface Namespace extends KubernetesObject {
  kind: 'Namespace';
}

/** The label that ties an EndpointSlice to its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
