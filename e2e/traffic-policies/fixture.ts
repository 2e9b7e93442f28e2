/**
 * What the traffic-policy e2e tests share: manifests (a Gateway, GRPCRoutes, Services with
 * several pods, BackendTrafficPolicies written as a user writes them against
 * crds/attache/attache.dev_backendtrafficpolicies.yaml), a stack to run them on, and readers of
 * Envoy's admin (cluster stats, per-host health flags) and of the control plane's policy status,
 * which tests poll instead of sleeping.
 */
import * as grpc from '@grpc/grpc-js';
import {
  awaitConvergence,
  callEcho,
  type BackendPod,
  type EchoCallOptions,
  type EchoBackends,
  type EchoResult,
  type GatewayStack,
  type RunningControlPlane,
  type RunningEnvoy,
  startGatewayStack,
  targetOf,
  toYaml,
  waitFor,
} from '../../test/harness';
import type { RunningGrpcEchoServer } from '../../tools/echo/echo-server';

/** The gRPC controls of the backend of `pod` (the current server, also after a restart). */
export function backendOf(stack: GatewayStack, pod: string): RunningGrpcEchoServer {
  return setOf(stack, pod).grpc(pod);
}

function setOf(stack: GatewayStack, pod: string): EchoBackends {
  const set = stack.backendSets.find((b) => b.backends.some((x) => x.pod === pod));
  if (!set) throw new Error(`no backend for pod ${pod}`);
  return set;
}

/** Stops `pod`'s backend gracefully (grpc-go's GracefulStop: in-flight calls finish). */
export async function stopBackend(stack: GatewayStack, pod: string): Promise<void> {
  await setOf(stack, pod).stopOne(pod);
}

/** Starts `pod`'s stopped backend again on its address and port, SERVING. */
export async function startBackend(stack: GatewayStack, pod: string): Promise<void> {
  await setOf(stack, pod).startOne(pod);
}

const BACKEND_PORT = 3000;

type Plain = Record<string, unknown>;
const list = (v: unknown): Plain[] => (Array.isArray(v) ? (v as Plain[]) : []);
const obj = (v: unknown): Plain => (typeof v === 'object' && v !== null ? (v as Plain) : {});

export function gatewayDocs(gateway: string): object[] {
  return [
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: 'attache' },
      spec: { controllerName: 'attache.dev/gateway-controller' },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: gateway, namespace: 'default' },
      spec: { gatewayClassName: 'attache', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
    },
  ];
}

/** A GRPCRoute sending every call for `hostname` to `service`:8080, its one rule named `rule`. */
export function grpcRoute(name: string, gateway: string, hostname: string, service: string): object {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GRPCRoute',
    metadata: { name, namespace: 'default' },
    spec: { parentRefs: [{ name: gateway }], hostnames: [hostname], rules: [{ name: 'rule', backendRefs: [{ name: service, port: 8080 }] }] },
  };
}

/** One Service (port 8080 → 3000, named grpc) and one EndpointSlice with every pod of it. */
export function serviceWithPods(service: string, pods: readonly BackendPod[]): object[] {
  return serviceWithEndpoints(
    service,
    pods.filter((p) => p.service === service).map((p) => ({ addresses: [p.address], conditions: { ready: true }, targetRef: { kind: 'Pod', name: p.pod } })),
  );
}

/** A Service (port 8080 → 3000) whose one endpoint is `address`:3000, not a harness backend (a blackhole, a relay). */
export function serviceAt(service: string, address: string): object[] {
  return serviceWithEndpoints(service, [{ addresses: [address], conditions: { ready: true } }]);
}

function serviceWithEndpoints(service: string, endpoints: readonly object[]): object[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: service, namespace: 'default' },
      spec: { ports: [{ name: 'grpc', port: 8080, targetPort: BACKEND_PORT }] },
    },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${service}-tp`, namespace: 'default', labels: { 'kubernetes.io/service-name': service } },
      addressType: 'IPv4',
      ports: [{ name: 'grpc', port: BACKEND_PORT }],
      endpoints,
    },
  ];
}

export interface TargetRef {
  kind: 'Gateway' | 'GRPCRoute' | 'HTTPRoute' | 'Service';
  name: string;
  sectionName?: string;
}

export function policy(name: string, targetRef: TargetRef, spec: object): object {
  const group = targetRef.kind === 'Service' ? '' : 'gateway.networking.k8s.io';
  return {
    apiVersion: 'attache.dev/v1alpha1',
    kind: 'BackendTrafficPolicy',
    metadata: { name, namespace: 'default' },
    spec: { targetRefs: [{ group, ...targetRef }], ...spec },
  };
}

/** The Envoy cluster of a Service port (one per port, shared by every route). */
export function clusterOf(service: string): string {
  return `service/default/${service}/8080/h2c`;
}

export interface PolicyStack {
  stack: GatewayStack;
  cp: RunningControlPlane;
  envoy: RunningEnvoy;
  target: string;
}

/** Backends, the control plane on these documents, one Envoy for `gateway`. */
export async function startPolicyStack(o: {
  gateway: string;
  address: string;
  pods: readonly BackendPod[];
  docs: readonly object[];
  id: string;
}): Promise<PolicyStack> {
  const stack = await startGatewayStack({
    manifests: { '00-all.yaml': [...o.docs] },
    backends: o.pods,
    defaultAddress: o.address,
    envoys: [{ id: o.id, gateway: `default/${o.gateway}` }],
  });
  return { stack, cp: stack.cp, envoy: stack.envoy, target: targetOf(o.address) };
}

/** Writes (or replaces) one manifest file of documents where the control plane watches. */
export function writeDocs(stack: GatewayStack, file: string, docs: readonly object[]): void {
  stack.write(file, toYaml(docs));
}

/** Calls until `authority` answers OK from one of `pods` three times in a row (config arrived). */
export async function converge(target: string, authority: string, pods: readonly string[]): Promise<void> {
  await awaitConvergence(async () => {
    const r = await callEcho({ target, authority });
    expect(r.code).toBe(grpc.status.OK);
    expect(pods).toContain(r.pod);
  });
}

/** A cluster's stat (counter or gauge), 0 when absent. */
export async function clusterStat(envoy: RunningEnvoy, cluster: string, stat: string): Promise<number> {
  const name = `cluster.${cluster}.${stat}`;
  const escaped = name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return (await envoy.stats(`^${escaped}$`))[name] ?? 0;
}

export interface HostHealth {
  address: string;
  /** Envoy's health_status flags that are set (failed_active_health_check, failed_outlier_check, ...). */
  flags: string[];
  /** Every flag clear, and the EDS status HEALTHY (or absent). */
  healthy: boolean;
}

/** The hosts of `cluster` and their health flags, from /clusters?format=json. */
export async function hostHealth(envoy: RunningEnvoy, cluster: string): Promise<HostHealth[]> {
  const json = JSON.parse(await envoy.admin('/clusters?format=json')) as { cluster_statuses?: Plain[] };
  const c = (json.cluster_statuses ?? []).find((s) => s.name === cluster);
  return list(c?.host_statuses).map((h) => {
    const status = obj(h.health_status);
    const flags = Object.entries(status)
      .filter(([k, v]) => k !== 'eds_health_status' && v === true)
      .map(([k]) => k);
    const eds = status.eds_health_status;
    return { address: String(obj(obj(h.address).socket_address).address), flags, healthy: flags.length === 0 && (eds === undefined || eds === 'HEALTHY') };
  });
}

/** Waits (bounded) until Envoy sees the host at `address` of `cluster` healthy (or not). */
export async function waitForHost(envoy: RunningEnvoy, cluster: string, address: string, healthy: boolean, timeoutMs = 15_000): Promise<void> {
  let last: HostHealth[] = [];
  try {
    await waitFor(
      async () => {
        last = await hostHealth(envoy, cluster);
        const h = last.find((x) => x.address === address);
        return h !== undefined && h.healthy === healthy;
      },
      { timeoutMs },
    );
  } catch (err) {
    // The hosts as last seen say why (which flags were set), more than "timed out".
    throw new Error(`host ${address} of ${cluster} not ${healthy ? 'healthy' : 'unhealthy'}: ${String(err)}; last seen: ${JSON.stringify(last)}`, {
      cause: err,
    });
  }
}

interface PolicyCondition {
  type: string;
  status: string;
  reason: string;
  message?: string;
}

interface PolicyStatusJson {
  kind: string;
  name: string;
  namespace?: string;
  status?: { ancestors?: Array<{ ancestorRef?: Plain; conditions?: PolicyCondition[] }> };
}

/** Every condition of every ancestor of a BackendTrafficPolicy, from the control plane's /status. */
export async function policyConditions(cp: RunningControlPlane, name: string): Promise<PolicyCondition[]> {
  const status = JSON.parse(await cp.debug('/status?format=json')) as PolicyStatusJson[];
  const entry = status.find((s) => s.kind === 'BackendTrafficPolicy' && s.name === name);
  return (entry?.status?.ancestors ?? []).flatMap((a) => a.conditions ?? []);
}

/** Route entries of every dynamic RouteConfiguration Envoy holds. */
export async function envoyRoutes(envoy: RunningEnvoy): Promise<Plain[]> {
  const dump = await envoy.configDump({ resource: 'dynamic_route_configs' });
  return dump.configs.flatMap((c) => list(obj(c.route_config).virtual_hosts).flatMap((vh) => list(vh.routes)));
}

/** The routes of the virtual host serving `hostname` (its domains include it), from Envoy's RDS. */
export async function envoyRoutesFor(envoy: RunningEnvoy, hostname: string): Promise<Plain[]> {
  const dump = await envoy.configDump({ resource: 'dynamic_route_configs' });
  const hosts = dump.configs.flatMap((c) => list(obj(c.route_config).virtual_hosts));
  return hosts
    .filter((vh) => Array.isArray(vh.domains) && (vh.domains as unknown[]).some((d) => String(d).split(':')[0] === hostname))
    .flatMap((vh) => list(vh.routes));
}

/** The dynamic cluster `name` as Envoy holds it (active, not warming), or undefined. */
export async function envoyCluster(envoy: RunningEnvoy, name: string): Promise<Plain | undefined> {
  const dump = await envoy.configDump({ resource: 'dynamic_active_clusters' });
  return dump.configs.map((c) => obj(c.cluster)).find((c) => c.name === name);
}

/** `n` calls, `concurrency` at a time; the results in order of completion. */
export async function callMany(n: number, call: (i: number) => EchoCallOptions, concurrency = 8): Promise<EchoResult[]> {
  const out: EchoResult[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      out.push(await callEcho(call(i)));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, n)) }, worker));
  return out;
}

/** Calls per pod (`!CODE` for failures). */
export function tally(results: readonly EchoResult[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of results) {
    const key = r.code === grpc.status.OK ? (r.pod ?? '?') : `!${grpc.status[r.code]}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}
