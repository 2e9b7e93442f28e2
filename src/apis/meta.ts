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
  /** Who owns the object; the provisioner's objects name their Gateway as controller. */
  ownerReferences?: OwnerReference[];
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/**
 * The metadata of a namespaced kind as the store hands it out: the store fills in `default` when
 * an object enters without a namespace, as the apiserver and kubectl do.
 */
export interface NamespacedObjectMeta extends ObjectMeta {
  namespace: string;
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

/** `namespace/name`: the one way a namespaced object's identity is written, in keys, logs and names. */
export function namespacedName(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** `namespace/name` of an object (`/name` for a cluster-scoped one), for logs, keys and error messages. */
function objectKey(obj: { metadata: ObjectMeta }): string {
  return namespacedName(obj.metadata.namespace ?? '', obj.metadata.name);
}

/** `Kind namespace/name`, for error messages. */
export function describeObject(obj: KubernetesObject): string {
  return `${obj.kind} ${objectKey(obj)}`;
}
