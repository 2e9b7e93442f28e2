/**
 * The Kubernetes object envelope, as far as Attaché reads it. These are our own
 * interfaces for Kubernetes API objects (not Envoy messages), shared by every stage.
 */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

/** `namespace/name`, the identity used in logs, keys and error messages. */
export function objectKey(obj: { metadata: ObjectMeta }): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

/** `Kind namespace/name`, for error messages. */
export function describeObject(obj: KubernetesObject): string {
  return `${obj.kind} ${objectKey(obj)}`;
}
