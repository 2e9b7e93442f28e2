/**
 * Kubernetes mode in e2e tests: the real API server started by e2e/kubernetes/global-setup.ts
 * (scripts/kube.sh), driven with the real kubectl built beside it, and `attache serve --source
 * kubernetes` as a process. Nothing here imitates the API: every object goes through
 * kube-apiserver (validation, defaults, CEL rules, resourceVersions, the status subresource).
 */
import { spawn, spawnSync } from 'child_process';
import * as path from 'path';
import { stringify } from 'yaml';
import { ROOT } from './envoy';
import type { StatusWriteCounters } from '../../src/status/kubernetes-writer';
import type { TrackedProcess } from './processes';
import { startServe, type XdsTlsArgs } from './control-plane';

const KUBECTL = path.join(ROOT, '.cache/bin/kubectl');
const KUBECTL_TIMEOUT_MS = 120_000;

/** The kubeconfig global setup wrote (KUBECONFIG is set for the whole jest run). */
export function kubeconfig(): string {
  const file = process.env.KUBECONFIG;
  if (!file) throw new Error('KUBECONFIG is not set: run the e2e-kubernetes project (its global setup starts the API server)');
  return file;
}

/** Runs kubectl (bounded); resolves with stdout, rejects with stderr on a non-zero exit. */
export function kubectl(args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(KUBECTL, ['--kubeconfig', kubeconfig(), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), KUBECTL_TIMEOUT_MS);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      if (code === 0) resolve(stdout);
      else
        reject(
          new Error(`kubectl ${args.join(' ')}: ${signal ?? `exit ${code}`}: ${Buffer.concat(err).toString('utf8').slice(0, 2000)}${stdout.slice(0, 2000)}`),
        );
    });
    child.stdin.end(input ?? '');
  });
}

/** `kubectl apply --server-side` of objects (any number, one request each, done by kubectl). */
export async function apply(objects: readonly unknown[]): Promise<void> {
  const yaml = objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
  await kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager', 'e2e', '-f', '-'], yaml);
}

export async function remove(kind: string, name: string, namespace?: string): Promise<void> {
  await kubectl(['delete', kind, name, '--wait=false', ...(namespace ? ['-n', namespace] : [])]);
}

/**
 * Stops or starts the project's API server (same directory, ports and etcd data) with
 * scripts/kube.sh, to test what the control plane does while it is gone.
 */
export function apiServer(action: 'stop' | 'start'): void {
  const saved = process.env.ATTACHE_E2E_KUBE_ENV;
  if (!saved) throw new Error('ATTACHE_E2E_KUBE_ENV is not set (see e2e/kubernetes/global-setup.ts)');
  const env = { ...process.env, ...(JSON.parse(saved) as Record<string, string>), KUBE_OWNER_PID: String(process.pid) };
  const r = spawnSync(path.join(ROOT, 'scripts/kube.sh'), [action], { env, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`scripts/kube.sh ${action}: ${r.error?.message ?? `exit ${r.status}`}\n${r.stdout}${r.stderr}`);
}

export interface LiveCondition {
  type: string;
  status: string;
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

export interface LiveObject {
  metadata: { name: string; namespace?: string; generation?: number; resourceVersion?: string };
  status?: {
    conditions?: LiveCondition[];
    listeners?: Array<{ name: string; attachedRoutes: number; conditions: LiveCondition[] }>;
    parents?: Array<{ controllerName: string; parentRef: { name: string; namespace?: string }; conditions: LiveCondition[] }>;
  };
}

export async function get(kind: string, name: string, namespace?: string): Promise<LiveObject> {
  return JSON.parse(await kubectl(['get', kind, name, '-o', 'json', ...(namespace ? ['-n', namespace] : [])])) as LiveObject;
}

export async function list(kind: string, namespace: string): Promise<LiveObject[]> {
  return (JSON.parse(await kubectl(['get', kind, '-n', namespace, '-o', 'json'])) as { items: LiveObject[] }).items;
}

export function condition(conditions: readonly LiveCondition[] | undefined, type: string): LiveCondition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** The route's parent entries written by `controllerName`. */
export function parentsOf(route: LiveObject, controllerName: string): NonNullable<NonNullable<LiveObject['status']>['parents']> {
  return (route.status?.parents ?? []).filter((p) => p.controllerName === controllerName);
}

/** What /status_writes reports: the writer's counters, and whether this replica leads. */
export interface StatusWrites extends StatusWriteCounters {
  /** False on a follower under --leader-elect (a standby: it serves no xDS and writes no status). */
  leader: boolean;
}

export interface RunningKubernetesControlPlane {
  proc: TrackedProcess;
  xds: { host: string; port: number };
  debugUrl: string;
  debug(pathAndQuery: string): Promise<string>;
  statusWrites(): Promise<StatusWrites>;
  stop(): Promise<void>;
}

/** `attache serve --source kubernetes` on free loopback ports, for one controllerName. */
export async function startKubernetesControlPlane(opts: {
  controllerName: string;
  defaultAddress: string;
  /** Another identity than the admin's (e.g. a ServiceAccount token with the chart's RBAC). */
  kubeconfig?: string;
  extraArgs?: readonly string[];
  /** Serve xDS over mTLS with these files; plaintext on loopback otherwise. */
  tls?: XdsTlsArgs;
  /** The xDS port (default: a free one); a restart on the same port is one Envoys reconnect to. */
  xdsPort?: number;
}): Promise<RunningKubernetesControlPlane> {
  // Unmanaged (--provision=false): these tests run their Envoys themselves; a test of the
  // provisioner turns it on in extraArgs (the last value of a flag wins).
  const serve = await startServe(
    ['--source', 'kubernetes', '--kubeconfig', opts.kubeconfig ?? kubeconfig(), '--controller-name', opts.controllerName, '--provision=false'],
    opts,
  );
  return {
    proc: serve.proc,
    xds: serve.xds,
    debugUrl: serve.debugUrl,
    debug: serve.debug,
    statusWrites: async () => JSON.parse(await serve.debug('/status_writes?format=json')) as StatusWrites,
    stop: async () => {
      await serve.proc.stop();
    },
  };
}
