/**
 * What the local cluster's service proxy should listen on, from Services and EndpointSlices —
 * the part of kube-proxy (ClusterIPs) and of a load-balancer controller such as
 * cloud-provider-kind or MetalLB (`type: LoadBalancer`) that the tests need, in user space:
 * one TCP listener per Service port on each of the Service's addresses, forwarding to the ready
 * endpoints of that port (EndpointSlices labelled `kubernetes.io/service-name`, the port
 * matched by name, as kube-proxy does; the EndpointSlice controller has already resolved
 * `targetPort`). Services with `spec.loadBalancerClass` belong to another implementation and
 * get no load-balancer address. Only TCP ports: UDP and SCTP are left out. Pure.
 */
import { type KubernetesObject, type ObjectMeta } from '../../src/apis/meta';

export interface ServicePort {
  name?: string;
  protocol?: string;
  port: number;
}

export interface Service extends KubernetesObject {
  metadata: ObjectMeta;
  spec: { type?: string; clusterIP?: string; ports?: ServicePort[]; loadBalancerClass?: string; loadBalancerIP?: string };
  status?: { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> } };
}

export interface EndpointSlice extends KubernetesObject {
  metadata: ObjectMeta;
  addressType?: string;
  ports?: Array<{ name?: string; port?: number; protocol?: string }> | null;
  endpoints?: Array<{ addresses: string[]; conditions?: { ready?: boolean; terminating?: boolean } }> | null;
}

export interface Backend {
  ip: string;
  port: number;
}

export interface PlannedListener {
  /** `ip:port`, unique. */
  key: string;
  ip: string;
  port: number;
  /** namespace/name:port-name, for logs. */
  service: string;
  backends: Backend[];
}

export function serviceKey(s: { metadata: ObjectMeta }): string {
  return `${s.metadata.namespace ?? 'default'}/${s.metadata.name}`;
}

/** Whether the local load balancer gives `s` an address. */
export function wantsLoadBalancer(s: Service): boolean {
  return s.spec.type === 'LoadBalancer' && !s.spec.loadBalancerClass;
}

/**
 * `lbAddress`: the address given to each LoadBalancer Service (by key); `clusterIPs`: whether
 * ClusterIPs are served too; `fixed`: Services (by key) whose every port goes to the given
 * backends instead of their EndpointSlices' (`default/kubernetes` → the API server, whose
 * endpoints the local API server does not publish). A listener address taken twice (two
 * Services, one ClusterIP: cannot happen; two ports alike: the API server refuses) keeps the first.
 */
export function planListeners(
  services: readonly Service[],
  slices: readonly EndpointSlice[],
  lbAddress: ReadonlyMap<string, string>,
  clusterIPs: boolean,
  fixed: ReadonlyMap<string, Backend[]> = new Map(),
): PlannedListener[] {
  const bySvc = new Map<string, EndpointSlice[]>();
  for (const slice of slices) {
    const name = slice.metadata.labels?.['kubernetes.io/service-name'];
    if (!name || (slice.addressType ?? 'IPv4') !== 'IPv4') continue;
    const key = `${slice.metadata.namespace ?? 'default'}/${name}`;
    bySvc.set(key, [...(bySvc.get(key) ?? []), slice]);
  }
  const out = new Map<string, PlannedListener>();
  for (const svc of services) {
    const key = serviceKey(svc);
    const addresses: string[] = [];
    const lb = lbAddress.get(key);
    if (lb && wantsLoadBalancer(svc)) addresses.push(lb);
    if (clusterIPs && svc.spec.clusterIP && svc.spec.clusterIP !== 'None') addresses.push(svc.spec.clusterIP);
    for (const port of svc.spec.ports ?? []) {
      if ((port.protocol ?? 'TCP') !== 'TCP') continue;
      const backends = fixed.get(key) ?? readyBackends(bySvc.get(key) ?? [], port.name ?? '');
      for (const ip of addresses) {
        const k = `${ip}:${port.port}`;
        if (!out.has(k)) out.set(k, { key: k, ip, port: port.port, service: `${key}:${port.name ?? port.port}`, backends });
      }
    }
  }
  return [...out.values()];
}

function readyBackends(slices: readonly EndpointSlice[], portName: string): Backend[] {
  const seen = new Set<string>();
  const out: Backend[] = [];
  for (const slice of slices) {
    const port = (slice.ports ?? []).find((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === 'TCP');
    if (!port?.port) continue;
    for (const e of slice.endpoints ?? []) {
      if (e.conditions?.ready === false) continue; // unset means ready (discovery.k8s.io/v1)
      const ip = e.addresses[0];
      const k = `${ip}:${port.port}`;
      if (!ip || seen.has(k)) continue;
      seen.add(k);
      out.push({ ip, port: port.port });
    }
  }
  return out.sort((a, b) => `${a.ip}:${a.port}`.localeCompare(`${b.ip}:${b.port}`));
}

/**
 * The status a LoadBalancer Service should have, or undefined when it already has it. No `ip`:
 * it has none (its requested spec.loadBalancerIP cannot be given), so no ingress.
 */
export function loadBalancerStatusPatch(svc: Service, ip: string | undefined): object | undefined {
  const ingress = svc.status?.loadBalancer?.ingress ?? [];
  if (ip === undefined) return ingress.length === 0 ? undefined : { status: { loadBalancer: { ingress: [] } } };
  if (ingress.length === 1 && ingress[0].ip === ip) return undefined;
  return { status: { loadBalancer: { ingress: [{ ip, ipMode: 'VIP' }] } } };
}
