/**
 * The one Node of the local cluster: registered on start, reported Ready, and kept alive the way
 * kubelets do since Kubernetes 1.17, by renewing a Lease named after the Node in
 * `kube-node-lease` (and refreshing the Ready condition's heartbeat less often).
 */
import type { Logger } from 'pino';
import { KubeApiError, type KubeClient } from '../../src/sources/kubernetes/kube-client';

const LEASE_SECONDS = 40;
const RENEW_EVERY_MS = 10_000;

export interface NodeHeartbeat {
  stop(): void;
}

/** `kubeletPort`: where kubelet-server.ts listens on `address` (the API server proxies `pods/log` there). */
export async function registerNode(client: KubeClient, name: string, address: string, kubeletPort: number, log: Logger): Promise<NodeHeartbeat> {
  const labels = { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' };
  try {
    await client.request('POST', '/api/v1/nodes', { body: { apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: {} } });
  } catch (e) {
    if (!(e instanceof KubeApiError && e.status === 409)) throw e;
  }
  const beat = async (): Promise<void> => {
    const now = new Date().toISOString();
    await client.request('PATCH', `/api/v1/nodes/${name}/status`, {
      contentType: 'application/merge-patch+json',
      body: {
        status: {
          // No Hostname address: the API server would try it first, and nothing resolves it.
          addresses: [{ type: 'InternalIP', address }],
          daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } },
          capacity: { cpu: '64', memory: '256Gi', pods: '1000' },
          allocatable: { cpu: '64', memory: '256Gi', pods: '1000' },
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'KubeletReady',
              message: 'local kubelet (Attaché conformance harness) is posting ready status',
              lastHeartbeatTime: now,
              lastTransitionTime: now,
            },
          ],
          nodeInfo: {
            kubeletVersion: 'v1.36.3-local',
            operatingSystem: 'linux',
            architecture: 'amd64',
            containerRuntimeVersion: 'local-process://1',
            kernelVersion: '',
            osImage: '',
            kubeProxyVersion: '',
            machineID: '',
            systemUUID: '',
            bootID: '',
          },
        },
      },
    });
    await renewLease(client, name);
  };
  await beat();
  const timer = setInterval(() => void beat().catch((e: Error) => log.warn({ err: e.message }, 'node heartbeat failed')), RENEW_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

async function renewLease(client: KubeClient, node: string): Promise<void> {
  const path = `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${node}`;
  const spec = { holderIdentity: node, leaseDurationSeconds: LEASE_SECONDS, renewTime: microTime(new Date()) };
  try {
    await client.request('PATCH', path, { contentType: 'application/merge-patch+json', body: { spec } });
  } catch (e) {
    if (!(e instanceof KubeApiError && e.status === 404)) throw e;
    await client.request('POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', {
      body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: node, namespace: 'kube-node-lease' }, spec },
    });
  }
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
