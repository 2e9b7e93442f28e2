/**
 * The parts of a core/v1 Pod the local kubelet reads and writes. Our own interfaces (as in
 * src/apis/): only the fields it acts on — a conformance echo server's, and a generic workload's
 * (command, args, env, volumes, init containers, readiness probes).
 */
import { type KubernetesObject, type ObjectMeta } from '../../src/apis/meta';

export interface FieldRef {
  fieldPath: string;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: FieldRef };
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  subPath?: string;
  readOnly?: boolean;
}

export interface HttpGetAction {
  path?: string;
  port: number | string;
  host?: string;
  scheme?: string;
  httpHeaders?: Array<{ name: string; value: string }>;
}

export interface Probe {
  httpGet?: HttpGetAction;
  tcpSocket?: { port: number | string; host?: string };
  exec?: { command?: string[] };
  grpc?: { port: number };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: EnvVar[];
  ports?: Array<{ name?: string; containerPort: number; protocol?: string }>;
  volumeMounts?: VolumeMount[];
  readinessProbe?: Probe;
}

export interface KeyToPath {
  key: string;
  path: string;
}

export interface DownwardAPIFile {
  path: string;
  fieldRef?: FieldRef;
  resourceFieldRef?: object;
}

export interface Volume {
  name: string;
  emptyDir?: object;
  secret?: { secretName?: string; items?: KeyToPath[]; optional?: boolean };
  configMap?: { name?: string; items?: KeyToPath[]; optional?: boolean };
  downwardAPI?: { items?: DownwardAPIFile[] };
  projected?: {
    sources?: Array<{
      secret?: { name?: string; items?: KeyToPath[]; optional?: boolean };
      configMap?: { name?: string; items?: KeyToPath[]; optional?: boolean };
      downwardAPI?: { items?: DownwardAPIFile[] };
      serviceAccountToken?: object;
    }>;
  };
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

export interface PodSpec {
  nodeName?: string;
  schedulerName?: string;
  serviceAccountName?: string;
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  terminationGracePeriodSeconds?: number;
  initContainers?: Container[];
  containers: Container[];
  volumes?: Volume[];
}

export interface Pod extends KubernetesObject {
  metadata: ObjectMeta & { deletionTimestamp?: string; finalizers?: string[] };
  spec: PodSpec;
  status?: PodStatus;
}

export function podKey(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}
