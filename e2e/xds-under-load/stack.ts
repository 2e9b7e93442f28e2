/**
 * One Gateway served by `attache serve` to real Envoys, with echo backends behind Services,
 * all on loopback, written as files the way a user would: the fixture of the xds-under-load
 * tests.
 *
 * Each Service `svc-<x>` has one pod `svc-<x>-0` on its own loopback address (port 3000); more
 * pods can be added and removed (`setPods`). Routes are separate files, one per route, so a test
 * can add them one at a time.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { renderBootstrap } from '../../src/cli/bootstrap';
import {
  EchoBackends,
  loopbackAddress,
  RunningControlPlane,
  RunningEnvoy,
  startControlPlane,
  startEchoBackends,
  startEnvoy,
  type StartControlPlaneOptions,
} from '../harness';

export const GATEWAY_PORT = 80;
/** Where Envoy binds the Gateway's port 80 (`--port-shift` 10000). */
export const ENVOY_PORT = 10080;
const BACKEND_PORT = 3000;

export interface StackOptions {
  delta: boolean;
  /** First loopback address index used: the Gateway's address, then one per pod. */
  addressBase: number;
  services: readonly string[];
  gateway?: string;
  /** Envoys serving the Gateway (default 1). */
  envoys?: number;
  /** Passed to `startControlPlane` (the benchmark quiets the log and exposes GC). */
  controlPlane?: Pick<StartControlPlaneOptions, 'extraArgs' | 'nodeArgs'>;
  /** Appended to each Envoy's command line. */
  envoyArgs?: readonly string[];
}

export interface Pod {
  name: string;
  address: string;
}

export function gatewayYaml(name: string, address: string, listeners = `[{name: http, port: ${GATEWAY_PORT}, protocol: HTTP}]`): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: attache-${name}}
spec: {controllerName: attache.dev/gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: default}
spec:
  gatewayClassName: attache-${name}
  addresses: [{type: IPAddress, value: ${address}}]
  listeners: ${listeners}
`;
}

export function serviceYaml(service: string, pods: readonly Pod[]): string {
  const endpoints = pods.map((p) => `  - addresses: [${p.address}]\n    targetRef: {kind: Pod, name: ${p.name}}`).join('\n');
  return `apiVersion: v1
kind: Service
metadata: {name: ${service}, namespace: default}
spec: {ports: [{name: grpc, port: 8080, targetPort: ${BACKEND_PORT}, appProtocol: kubernetes.io/h2c}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: ${service}-slice, namespace: default, labels: {kubernetes.io/service-name: ${service}}}
addressType: IPv4
ports: [{name: grpc, port: ${BACKEND_PORT}}]
endpoints:${pods.length > 0 ? `\n${endpoints}` : ' []'}
`;
}

/** A GRPCRoute on `host` sending everything to weighted Services. */
export function routeYaml(name: string, host: string, backends: ReadonlyArray<{ service: string; weight?: number }>, gateway = 'gw'): string {
  const refs = backends.map((b) => `{name: ${b.service}, port: 8080${b.weight === undefined ? '' : `, weight: ${b.weight}`}}`).join(', ');
  return `apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: ${name}, namespace: default}
spec:
  parentRefs: [{name: ${gateway}}]
  hostnames: [${host}]
  rules: [{backendRefs: [${refs}]}]
`;
}

export class Stack {
  readonly target: string;
  private readonly pods = new Map<string, Pod[]>();
  private readonly backendSets: EchoBackends[] = [];
  private nextAddress: number;

  /** Replaced by a restart test with the new process. */
  cp!: RunningControlPlane;
  readonly envoys: RunningEnvoy[] = [];

  private constructor(
    readonly options: StackOptions,
    readonly dir: string,
    readonly address: string,
  ) {
    this.target = `${address}:${ENVOY_PORT}`;
    this.nextAddress = options.addressBase + 1;
  }

  get envoy(): RunningEnvoy {
    return this.envoys[0];
  }

  get gateway(): string {
    return this.options.gateway ?? 'gw';
  }

  /** Backends, manifests, control plane, then the Envoys (listening on the Gateway's port). */
  static async start(options: StackOptions, files: Readonly<Record<string, string>> = {}): Promise<Stack> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attache-load-'));
    const address = loopbackAddress(options.addressBase);
    const gateway = options.gateway ?? 'gw';
    fs.writeFileSync(path.join(dir, '00-gateway.yaml'), gatewayYaml(gateway, address));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    const stack = new Stack(options, dir, address);
    for (const service of options.services) await stack.setPods(service, [`${service}-0`]);
    stack.cp = await startControlPlane({ dir, defaultAddress: address, ...options.controlPlane });
    for (let i = 0; i < (options.envoys ?? 1); i++) stack.envoys.push(await stack.startEnvoy(`${gateway}-${options.delta ? 'delta' : 'sotw'}-${i}`));
    await Promise.all(stack.envoys.map((e) => e.waitForListener(ENVOY_PORT, 20_000)));
    return stack;
  }

  startEnvoy(id: string): Promise<RunningEnvoy> {
    const key = `default/${this.gateway}`;
    const bootstrapYaml = renderBootstrap({ delta: this.options.delta, gateway: key, nodeId: id, xds: this.cp.xds, admin: { host: '127.0.0.1', port: 0 } });
    return startEnvoy({ bootstrapYaml, id, cluster: key, logLevel: 'warning', extraArgs: this.options.envoyArgs });
  }

  write(file: string, text: string): void {
    // Write then rename, as editors and `kubectl`-like tools do: the watcher never sees half a file.
    const tmp = path.join(this.dir, `.${file}.tmp`);
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, path.join(this.dir, file));
  }

  remove(file: string): void {
    fs.rmSync(path.join(this.dir, file), { force: true });
  }

  podsOf(service: string): Pod[] {
    return this.pods.get(service) ?? [];
  }

  /**
   * Makes `service` have exactly these pods: new ones are started before the EndpointSlice
   * names them; pods no longer named are only dropped from the slice (stop them with
   * `stopPod` once Envoy stopped sending to them, as Kubernetes does after endpoint removal).
   */
  async setPods(service: string, names: readonly string[]): Promise<void> {
    const known = this.podsOf(service);
    const pods = names.map((name) => known.find((p) => p.name === name) ?? { name, address: loopbackAddress(this.nextAddress++) });
    const added = pods.filter((p) => !known.includes(p));
    if (added.length > 0) {
      const specs = added.map((p) => ({ pod: p.name, namespace: 'default', service, address: p.address, port: BACKEND_PORT }));
      this.backendSets.push(await startEchoBackends(specs));
    }
    this.pods.set(service, pods);
    this.write(`10-${service}.yaml`, serviceYaml(service, pods));
  }

  async stopPod(name: string): Promise<void> {
    for (const set of this.backendSets) if (set.backends.some((b) => b.pod === name)) await set.stopOne(name);
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
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
