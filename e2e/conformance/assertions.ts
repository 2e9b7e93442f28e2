/**
 * The upstream suite's assertions, reproduced (conformance/utils/kubernetes/helpers.go,
 * utils/grpc/grpc.go, utils/weight/weight.go): readiness of Gateways and routes, listener
 * status, gRPC expectations with three consecutive successes, and weighted distribution.
 */
import * as grpc from '@grpc/grpc-js';
import type { Condition } from '../../src/apis/meta';
import type { GatewayStatusEntry, ListenerStatus, StatusEntry } from '../../src/gatewayapi/status';
import { awaitConvergence, callEcho, countBackends, type EchoMethod, waitFor } from '../../test/harness';
import { CONTROLLER_NAME } from './manifests';
import type { LocalCluster } from './local-cluster';

export function findCondition(conditions: readonly Condition[], type: string): Condition | undefined {
  return conditions.find((c) => c.type === type);
}

function hasCondition(conditions: readonly Condition[], type: string, status: string, reason?: string, generation?: number): boolean {
  const c = findCondition(conditions, type);
  return !!c && c.status === status && (reason === undefined || c.reason === reason) && (generation === undefined || c.observedGeneration === generation);
}

/** GatewayAndRoutesMustBeAccepted: returns the Gateway's status once it and every route are ready. */
export async function gatewayAndRoutesMustBeAccepted(
  cluster: LocalCluster,
  gateway: { namespace: string; name: string },
  routes: Array<{ kind: string; namespace: string; name: string }>,
): Promise<GatewayStatusEntry> {
  return waitFor(
    async () => {
      const all = await cluster.status();
      const gw = all.find((e): e is GatewayStatusEntry => e.kind === 'Gateway' && e.namespace === gateway.namespace && e.name === gateway.name);
      if (!gw || gw.status.addresses.length === 0 || !gw.status.addresses[0].type) return undefined;
      if (!gw.status.conditions.every((c) => c.observedGeneration === gw.generation)) return undefined;
      for (const l of gw.status.listeners) {
        for (const t of ['ResolvedRefs', 'Accepted', 'Programmed']) if (!hasCondition(l.conditions, t, 'True')) return undefined;
      }
      for (const r of routes) if (!routeAccepted(all, r, gateway)) return undefined;
      return gw;
    },
    { timeoutMs: 60_000, intervalMs: 100, description: `Gateway ${gateway.namespace}/${gateway.name} and routes accepted` },
  );
}

function routeAccepted(all: StatusEntry[], r: { kind: string; namespace: string; name: string }, gw: { namespace: string; name: string }): boolean {
  const entry = all.find((e) => e.kind === r.kind && e.namespace === r.namespace && e.name === r.name);
  if (!entry || !('parents' in entry.status)) return false;
  return entry.status.parents.some(
    (p) =>
      p.controllerName === CONTROLLER_NAME &&
      p.parentRef.group === 'gateway.networking.k8s.io' &&
      p.parentRef.kind === 'Gateway' &&
      p.parentRef.name === gw.name &&
      (p.parentRef.namespace ?? r.namespace) === gw.namespace &&
      hasCondition(p.conditions, 'Accepted', 'True', 'Accepted', entry.generation),
  );
}

export interface ExpectedListener {
  name: string;
  supportedKinds?: string[];
  attachedRoutes: number;
  conditions: Array<{ type: string; status: string; reason?: string }>;
}

/** GatewayStatusMustHaveListeners: same count; supportedKinds ⊇ expected; attachedRoutes equal; conditions present. */
export async function gatewayStatusMustHaveListeners(cluster: LocalCluster, namespace: string, name: string, expected: ExpectedListener[]): Promise<void> {
  let last: ListenerStatus[] | undefined;
  try {
    await waitFor(
      async () => {
        const gw = await cluster.statusOf('Gateway', namespace, name);
        if (!gw || gw.kind !== 'Gateway') return false;
        last = gw.status.listeners;
        return listenersMatch(gw.status.listeners, expected);
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
  } catch {
    throw new Error(`listeners of ${namespace}/${name}:\n${JSON.stringify(last, null, 2)}\nwant:\n${JSON.stringify(expected, null, 2)}`);
  }
}

function listenersMatch(actual: readonly ListenerStatus[], expected: readonly ExpectedListener[]): boolean {
  if (actual.length !== expected.length) return false;
  return expected.every((want) => {
    const got = actual.find((l) => l.name === want.name);
    if (!got || got.attachedRoutes !== want.attachedRoutes) return false;
    const kinds = got.supportedKinds.map((k) => k.kind);
    if (want.supportedKinds && want.supportedKinds.length === 0 && kinds.length > 0) return false;
    if (want.supportedKinds && !want.supportedKinds.every((k) => kinds.includes(k))) return false;
    return want.conditions.every((c) => hasCondition(got.conditions, c.type, c.status, c.reason));
  });
}

export interface GrpcCase {
  method: EchoMethod;
  authority?: string;
  metadata?: Record<string, string>;
  /** Expected backend (pod-name prefix); omit for an expected error code. */
  backend?: string;
  namespace?: string;
  code?: grpc.status;
}

/** MakeRequestAndExpectEventuallyConsistentResponse for gRPC: three consecutive matching answers within 30 s. */
export async function expectGrpc(target: string, c: GrpcCase): Promise<void> {
  const want = c.code ?? grpc.status.OK;
  await awaitConvergence(async () => {
    const r = await callEcho({ target, method: c.method, authority: c.authority, metadata: c.metadata });
    if (r.code !== want)
      throw new Error(
        `${c.method} ${JSON.stringify(c.metadata ?? {})} @${c.authority ?? target}: got ${grpc.status[r.code]} (${r.details ?? ''}), want ${grpc.status[want]}`,
      );
    if (want !== grpc.status.OK) return;
    if (r.method !== `/gateway_api_conformance.echo_basic.grpcecho.GrpcEcho/${c.method}`) throw new Error(`method echoed ${r.method}`);
    if (c.namespace && r.namespace !== c.namespace) throw new Error(`namespace ${r.namespace}, want ${c.namespace}`);
    if (c.backend && !r.pod?.startsWith(c.backend))
      throw new Error(`${c.method} ${JSON.stringify(c.metadata ?? {})} @${c.authority ?? target}: pod ${r.pod}, want ${c.backend}`);
  });
}

/** weight.go: 500 calls, fresh connections, half with x-jitter; each share within ±0.05; weight-0 backends get none; 10 tries. */
export async function expectWeights(target: string, want: Record<string, number>): Promise<void> {
  let lastError = '';
  for (let attempt = 0; attempt < 10; attempt++) {
    let i = 0;
    const counts = await countBackends(
      500,
      () => callEcho({ target, freshConnection: true, metadata: i++ % 2 === 0 ? { 'x-jitter': String(Math.floor(Math.random() * 10000)) } : undefined }),
      { concurrency: 10 },
    );
    const byBackend: Record<string, number> = {};
    for (const [pod, n] of Object.entries(counts)) {
      const backend = pod.startsWith('!') ? pod : pod.split('-').slice(0, -2).join('-');
      byBackend[backend] = (byBackend[backend] ?? 0) + n;
    }
    const total = 500;
    const expected = Object.entries(want).filter(([, w]) => w > 0);
    const ok =
      Object.keys(byBackend).every((b) => (want[b] ?? 0) > 0) &&
      Object.keys(byBackend).length === expected.length &&
      expected.every(([b, w]) => Math.abs((byBackend[b] ?? 0) / total - w) <= 0.05);
    if (ok) return;
    lastError = JSON.stringify(byBackend);
  }
  throw new Error(`weighted distribution never matched ${JSON.stringify(want)}; last ${lastError}`);
}
