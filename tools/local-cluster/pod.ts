/**
 * The parts of a core/v1 Pod the local kubelet reads and writes. Our own interfaces (as in
 * src/apis/): only the fields a Deployment of the conformance suite's echo servers uses.
 */
import { type KubernetesObject, type ObjectMeta } from '../../src/apis/meta';

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}

export interface Container {
  name: string;
  image: string;
  env?: EnvVar[];
  ports?: Array<{ containerPort: number; protocol?: string }>;
}

export interface PodCondition {
  type: string;
  status: 'True' | 'False';
  lastTransitionTime: string;
}

export interface PodStatus {
  phase?: string;
  podIP?: string;
  conditions?: PodCondition[];
}

export interface Pod extends KubernetesObject {
  metadata: ObjectMeta & { deletionTimestamp?: string; finalizers?: string[] };
  spec: { nodeName?: string; schedulerName?: string; serviceAccountName?: string; containers: Container[] };
  status?: PodStatus;
}

export function podKey(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}
