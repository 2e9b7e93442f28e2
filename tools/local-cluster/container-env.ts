/**
 * A container's environment as the kubelet would give it: literal values, and downward-API
 * `fieldRef`s (the suite's echo servers learn their POD_NAME and NAMESPACE that way, and answer
 * with them, which is how every test tells which backend served a request). Pure.
 */
import { type Container, type Pod } from './pod';

export interface PodFacts {
  podIP: string;
  nodeName: string;
  /** The Node's IP (status.hostIP): from a Pod with a namespace of its own, the node's processes are reached there. */
  hostIP: string;
}

export interface ResolvedEnv {
  env: Record<string, string>;
  /** Variables left out, with why: the kubelet logs them. */
  unresolved: string[];
}

export function containerEnv(pod: Pod, container: Container, facts: PodFacts): ResolvedEnv {
  const env: Record<string, string> = {};
  const unresolved: string[] = [];
  for (const v of container.env ?? []) {
    if (v.value !== undefined) {
      env[v.name] = v.value;
      continue;
    }
    const path = v.valueFrom?.fieldRef?.fieldPath;
    const value = path === undefined ? undefined : fieldValue(pod, path, facts);
    if (value === undefined) unresolved.push(`${v.name} (${path ? `fieldRef ${path}` : 'only value and fieldRef are supported'})`);
    else env[v.name] = value;
  }
  return { env, unresolved };
}

/** The downward API's fieldPaths (Kubernetes "Expose Pod Information to Containers"). */
export function fieldValue(pod: Pod, fieldPath: string, facts: PodFacts): string | undefined {
  const m = pod.metadata;
  const keyed = /^metadata\.(labels|annotations)\['([^']+)'\]$/.exec(fieldPath);
  if (keyed) return (keyed[1] === 'labels' ? m.labels : m.annotations)?.[keyed[2]];
  switch (fieldPath) {
    case 'metadata.name':
      return m.name;
    case 'metadata.namespace':
      return m.namespace ?? 'default';
    case 'metadata.uid':
      return m.uid;
    case 'spec.nodeName':
      return facts.nodeName;
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? 'default';
    case 'status.podIP':
    case 'status.podIPs':
      return facts.podIP;
    case 'status.hostIP':
    case 'status.hostIPs':
      return facts.hostIP;
    default:
      return undefined;
  }
}
