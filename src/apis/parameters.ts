/**
 * Attaché's GatewayParameters (attache.dev/v1alpha1): how the provisioner runs a Gateway's Envoys.
 * `spec` is generated from the CRD in crds/attache (./generated/attache.ts, `make types`); this
 * module adds the envelope.
 */
import type * as Generated from './generated/attache';
import type { KubernetesObject, NamespacedObjectMeta } from './meta';

export const GATEWAY_PARAMETERS_API_VERSION = 'attache.dev/v1alpha1';
export const GATEWAY_PARAMETERS_KIND = 'GatewayParameters';

export interface GatewayParameters extends KubernetesObject {
  kind: 'GatewayParameters';
  metadata: NamespacedObjectMeta;
  spec: Generated.GatewayParametersSpec;
}

export type GatewayParametersSpec = Generated.GatewayParametersSpec;
