/**
 * The stack most e2e tests stand up, in one call: manifests in a folder, echo backends behind
 * them, `attache serve` on that folder, and real Envoys fetching their Gateway from it.
 *
 * `startGatewayStack` runs the steps in the order the system needs them: backends listen before
 * the control plane hands Envoy their addresses (so the first calls do not race the backends),
 * and an Envoy counts as started only once its listeners accept connections (so a test's first
 * call does not race the listener). Tests then call through `targetOf(address)` with the gRPC
 * client of ./grpc-client.ts. `stop` undoes everything it started, newest first.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { renderBootstrap } from '../../src/cli/bootstrap';
import { startEchoBackends, type EchoBackends, type EchoBackendSpec, type RunningBackend } from './backends';
import { startControlPlane, type RunningControlPlane, type StartControlPlaneOptions } from './control-plane';
import { ROOT, startEnvoy, type RunningEnvoy, type StartEnvoyOptions } from './envoy';

/** The bundled examples/ folder (a Gateway, its Services and EndpointSlices, routes). */
export const EXAMPLES = path.join(ROOT, 'examples');
/** Where Envoy binds a Gateway's port 80 (`attache serve` shifts ports by 10000). */
const GATEWAY_HTTP_PORT = 10080;
const BACKEND_PORT = 3000;

/** `address:10080`: what a client dials to reach a Gateway's HTTP listener. */
export function targetOf(address: string, port = GATEWAY_HTTP_PORT): string {
  return `${address}:${port}`;
}

/** Every document of every `.yaml` file of a manifests folder, as plain objects. */
export function readManifestDocs(folder: string): unknown[] {
  return fs
    .readdirSync(folder)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(folder, f), 'utf8')).map((d) => d.toJS() as unknown));
}

/** A simulated pod: its echo backend listens on `address:port` (default 3000) and says `pod`. */
export interface BackendPod {
  pod: string;
  service: string;
  address: string;
  namespace?: string;
  port?: number;
}

function backendSpec(p: BackendPod): EchoBackendSpec {
  return { pod: p.pod, service: p.service, address: p.address, namespace: p.namespace ?? 'default', port: p.port ?? BACKEND_PORT };
}

export interface ServiceDocsOptions {
  /** Appended to each EndpointSlice's name (`<service>-<suffix>`), as tests name theirs apart. */
  sliceSuffix: string;
  /** The Service and EndpointSlice port name (default `grpc`). */
  portName?: string;
  /** The Service port's appProtocol (e.g. `kubernetes.io/h2c`); none by default. */
  appProtocol?: string;
}

/**
 * A Service (port 8080 → 3000) and an EndpointSlice naming the pod, for each pod: the documents
 * that make the control plane send traffic to the backends `startGatewayStack` starts for them.
 */
export function serviceDocs(pods: readonly BackendPod[], o: ServiceDocsOptions): object[] {
  const portName = o.portName ?? 'grpc';
  return pods.flatMap((b) => [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: b.service, namespace: 'default' },
      spec: { ports: [{ name: portName, port: 8080, targetPort: BACKEND_PORT, ...(o.appProtocol ? { appProtocol: o.appProtocol } : {}) }] },
    },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${b.service}-${o.sliceSuffix}`, namespace: 'default', labels: { 'kubernetes.io/service-name': b.service } },
      addressType: 'IPv4',
      ports: [{ name: portName, port: BACKEND_PORT }],
      endpoints: [{ addresses: [b.address], targetRef: { kind: 'Pod', name: b.pod } }],
    },
  ]);
}

/** Manifest documents as one multi-document YAML text. */
export function toYaml(docs: readonly object[]): string {
  return docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
}

/** Writes files (name → text, or → documents) into `dir`. */
export function writeManifests(dir: string, files: Readonly<Record<string, string | readonly object[]>>): void {
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : toYaml(content));
}

export interface StackEnvoyOptions {
  /** node.id and --service-node. */
  id: string;
  /** `namespace/name` of the Gateway it serves (node.cluster: what the control plane keys on). */
  gateway: string;
  /** Delta ADS instead of State-of-the-World. */
  delta?: boolean;
  /** Envoy ports it must be listening on before it counts as started (default: 10080). */
  listenerPorts?: readonly number[];
  /** Run this bootstrap (e.g. what `attache bootstrap` printed) instead of rendering one. */
  bootstrapYaml?: string;
  /** How long each listener may take (default 20 s). */
  listenerTimeoutMs?: number;
  logLevel?: StartEnvoyOptions['logLevel'];
  extraArgs?: readonly string[];
}

/**
 * An Envoy serving one Gateway from the control plane at `xds` (any mode: files or Kubernetes),
 * resolved once its listeners accept connections. `started` sees it before the wait, so a
 * caller that stops what it started also stops an Envoy whose listener never came up.
 */
export async function startGatewayEnvoy(
  xds: { host: string; port: number },
  e: StackEnvoyOptions,
  started: (envoy: RunningEnvoy) => void = () => undefined,
): Promise<RunningEnvoy> {
  const bootstrapYaml =
    e.bootstrapYaml ?? renderBootstrap({ delta: e.delta ?? false, gateway: e.gateway, nodeId: e.id, xds, admin: { host: '127.0.0.1', port: 0 } });
  const envoy = await startEnvoy({ bootstrapYaml, id: e.id, cluster: e.gateway, logLevel: e.logLevel, extraArgs: e.extraArgs });
  started(envoy);
  for (const port of e.listenerPorts ?? [GATEWAY_HTTP_PORT]) await envoy.waitForListener(port, e.listenerTimeoutMs ?? 20_000);
  return envoy;
}

export interface GatewayStackOptions {
  /** A folder whose copy the control plane serves, or files (name → YAML text or documents) written to a fresh one. */
  manifests: string | Readonly<Record<string, string | readonly object[]>>;
  /** `attache serve --default-address`: where Gateways without an address listen. */
  defaultAddress: string;
  /** gRPC echo backends. */
  backends?: readonly BackendPod[];
  /** HTTP/1.1 echo backends (tools/echo/http-echo-server.ts). */
  httpBackends?: readonly BackendPod[];
  controlPlane?: Pick<StartControlPlaneOptions, 'extraArgs' | 'nodeArgs' | 'tls'>;
  /** Started in this order once the control plane is up (none: start them with `startEnvoy`). */
  envoys?: readonly StackEnvoyOptions[];
}

/** Backends, a control plane and Envoys, started in order and stopped together. */
export class GatewayStack {
  /** Replaced by a restart test with the new process. */
  cp!: RunningControlPlane;
  readonly envoys: RunningEnvoy[] = [];
  readonly backendSets: EchoBackends[] = [];

  /**
   * `dir`: the folder the stack writes manifests to; removed by `stop` when `ownsDir`.
   * Write manifests and start backends first, then call `bringUp`.
   */
  constructor(
    readonly dir: string,
    private readonly ownsDir: boolean,
  ) {}

  /** Every backend this stack started, gRPC and HTTP. */
  get backends(): RunningBackend[] {
    return this.backendSets.flatMap((set) => set.backends);
  }

  /** The first Envoy. */
  get envoy(): RunningEnvoy {
    return this.envoys[0];
  }

  /** Starts echo backends for these pods; `stop` stops them. */
  async startBackends(pods: readonly BackendPod[], protocol: 'grpc' | 'http' = 'grpc'): Promise<EchoBackends | undefined> {
    if (pods.length === 0) return undefined;
    const set = await startEchoBackends(pods.map(backendSpec), 'attache', protocol);
    this.backendSets.push(set);
    return set;
  }

  /** The control plane on `source` (this folder in place, or a copy of one), then the Envoys. */
  async bringUp(o: Pick<GatewayStackOptions, 'defaultAddress' | 'controlPlane' | 'envoys'>, source: { dir: string } | { manifests: string }): Promise<void> {
    this.cp = await startControlPlane({ ...source, defaultAddress: o.defaultAddress, ...o.controlPlane });
    for (const e of o.envoys ?? []) await this.startEnvoy(e);
  }

  /** An Envoy fetching its Gateway from this control plane, resolved once its listeners accept connections. */
  async startEnvoy(e: StackEnvoyOptions): Promise<RunningEnvoy> {
    return startGatewayEnvoy(this.cp.xds, e, (started) => this.envoys.push(started));
  }

  /** Stops one Envoy of this stack (a replica going away). */
  async stopEnvoy(envoy: RunningEnvoy): Promise<void> {
    const i = this.envoys.indexOf(envoy);
    if (i >= 0) this.envoys.splice(i, 1);
    await envoy.stop();
  }

  /** The folder the control plane reads: its copy of `dir` when it made one, `dir` itself before it started. */
  private served(file: string): string {
    return path.join(this.cp?.dir ?? this.dir, file);
  }

  /** Adds or replaces a manifest file where the control plane watches. */
  write(file: string, text: string): void {
    // Write then rename, as editors and `kubectl`-like tools do: the watcher never sees half a file.
    const tmp = this.served(`.${file}.tmp`);
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, this.served(file));
  }

  remove(file: string): void {
    fs.rmSync(this.served(file), { force: true });
  }

  /** Metric value from the control plane's /metrics (0 when absent). */
  async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    const text = await this.cp.debug('/metrics');
    const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
    const line = text.split('\n').find((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && wanted.every((w) => l.includes(w)));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  }

  async stop(): Promise<void> {
    await Promise.all(this.envoys.map((e) => e.stop()));
    await this.cp?.stop();
    await Promise.all(this.backendSets.map((b) => b.stop()));
    if (this.ownsDir) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A fresh temporary folder for manifests (`attache-<prefix>-*`). */
export function manifestsDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `attache-${prefix}-`));
}

/** Writes the manifests, starts the backends, the control plane and the Envoys; on failure stops what started. */
export async function startGatewayStack(o: GatewayStackOptions): Promise<GatewayStack> {
  const inPlace = typeof o.manifests !== 'string';
  const stack = new GatewayStack(typeof o.manifests === 'string' ? o.manifests : manifestsDir('stack'), inPlace);
  try {
    if (typeof o.manifests !== 'string') writeManifests(stack.dir, o.manifests);
    await stack.startBackends(o.backends ?? []);
    await stack.startBackends(o.httpBackends ?? [], 'http');
    await stack.bringUp(o, inPlace ? { dir: stack.dir } : { manifests: stack.dir });
  } catch (err) {
    await stack.stop();
    throw err;
  }
  return stack;
}
