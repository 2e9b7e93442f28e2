/**
 * The upstream conformance manifests (sigs.k8s.io/gateway-api/conformance v1.6.1, downloaded by
 * `make setup`: test/support/upstream-conformance.ts), read unchanged
 * except for the placeholders the upstream suite substitutes, and turned into what file mode
 * serves: Gateway API objects, Services and Namespaces as written; Deployments become "pods"
 * (one echo backend each, on its own loopback address) plus the EndpointSlices a cluster would
 * derive for the Services that select them. Kinds file mode does not take are left out.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { upstreamConformanceDir } from '../../test/support/upstream-conformance';

export const GATEWAY_CLASS = 'attache';
export const CONTROLLER_NAME = 'attache.dev/gateway-controller';
export const INFRA_NS = 'gateway-conformance-infra';

export type Doc = Record<string, unknown> & { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } };

const FILE_MODE_KINDS = new Set(['GatewayClass', 'Gateway', 'GRPCRoute', 'HTTPRoute', 'ReferenceGrant', 'Service', 'Secret', 'Namespace']);

export function readManifest(relative: string): Doc[] {
  const text = fs
    .readFileSync(path.join(upstreamConformanceDir(), relative), 'utf8')
    .replaceAll('{GATEWAY_CLASS_NAME}', GATEWAY_CLASS)
    .replaceAll('{GATEWAY_CONTROLLER_NAME}', CONTROLLER_NAME);
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Doc | null)
    .filter((d): d is Doc => d !== null && typeof d === 'object');
}

export function fileModeObjects(docs: readonly Doc[]): Doc[] {
  return docs.filter((d) => FILE_MODE_KINDS.has(d.kind));
}

export interface Pod {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  address: string;
  /** Container ports by name (and by number as a string). */
  ports: Map<string, number>;
  grpc: boolean;
}

interface DeploymentShape {
  metadata: { name: string; namespace?: string };
  spec: {
    replicas?: number;
    template: {
      metadata: { labels?: Record<string, string> };
      spec: { containers: Array<{ env?: Array<{ name: string; value?: string }>; ports?: Array<{ name?: string; containerPort: number }> }> };
    };
  };
}

/** One pod per replica, named `<deployment>-local-<i>` (the weight test strips the last two parts). */
export function podsOf(docs: readonly Doc[], nextAddress: () => string): Pod[] {
  const pods: Pod[] = [];
  for (const d of docs.filter((x) => x.kind === 'Deployment') as unknown as DeploymentShape[]) {
    const container = d.spec.template.spec.containers[0];
    const ports = new Map<string, number>();
    for (const p of container.ports ?? [{ containerPort: 3000 }]) {
      ports.set(String(p.containerPort), p.containerPort);
      if (p.name) ports.set(p.name, p.containerPort);
    }
    if (ports.size === 0) ports.set('3000', 3000);
    const grpc = (container.env ?? []).some((e) => e.name === 'GRPC_ECHO_SERVER');
    for (let i = 0; i < (d.spec.replicas ?? 1); i++) {
      pods.push({
        name: `${d.metadata.name}-local-${i}`,
        namespace: d.metadata.namespace ?? 'default',
        labels: d.spec.template.metadata.labels ?? {},
        address: nextAddress(),
        ports,
        grpc,
      });
    }
  }
  return pods;
}

interface ServiceShape {
  metadata: { name: string; namespace?: string };
  spec: {
    selector?: Record<string, string>;
    ports?: Array<{ name?: string; port: number; targetPort?: number | string; protocol?: string; appProtocol?: string }>;
  };
}

/** The EndpointSlice the endpoint-slice controller would write for each Service with a selector. */
export function endpointSlicesFor(docs: readonly Doc[], pods: readonly Pod[]): Doc[] {
  const out: Doc[] = [];
  for (const s of docs.filter((x) => x.kind === 'Service') as unknown as ServiceShape[]) {
    const selector = s.spec.selector;
    if (!selector) continue;
    const ns = s.metadata.namespace ?? 'default';
    const members = pods.filter((p) => p.namespace === ns && Object.entries(selector).every(([k, v]) => p.labels[k] === v));
    for (const port of s.spec.ports ?? []) {
      if ((port.protocol ?? 'TCP') !== 'TCP') continue;
      const target = port.targetPort ?? port.port;
      out.push({
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: `${s.metadata.name}-${port.name ?? port.port}`, namespace: ns, labels: { 'kubernetes.io/service-name': s.metadata.name } },
        addressType: 'IPv4',
        ports: [{ ...(port.name ? { name: port.name } : {}), port: members[0]?.ports.get(String(target)) ?? Number(target), protocol: 'TCP' }],
        endpoints: members.map((p) => ({ addresses: [p.address], conditions: { ready: true }, targetRef: { kind: 'Pod', name: p.name, namespace: ns } })),
      });
    }
  }
  return out;
}
