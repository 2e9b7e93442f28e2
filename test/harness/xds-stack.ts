/**
 * One Gateway served by `attache serve` to real Envoys, with echo backends behind Services,
 * all on loopback, written as files the way a user would: the fixture of the xds-under-load
 * tests.
 *
 * Each Service `svc-<x>` has one pod `svc-<x>-0` on its own loopback address (port 3000); more
 * pods can be added and removed (`setPods`). Routes are separate files, one per route, so a test
 * can add them one at a time.
 */
import { GatewayStack, loopbackAddress, manifestsDir, writeManifests, type StartControlPlaneOptions } from './index';

const GATEWAY_PORT = 80;
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

/** The harness's GatewayStack around one file-written Gateway, whose Services' pods come and go. */
export class Stack extends GatewayStack {
  readonly target: string;
  private readonly pods = new Map<string, Pod[]>();
  private nextAddress: number;

  private constructor(
    readonly options: StackOptions,
    dir: string,
    readonly address: string,
  ) {
    super(dir, true);
    this.target = `${address}:${ENVOY_PORT}`;
    this.nextAddress = options.addressBase + 1;
  }

  get gateway(): string {
    return this.options.gateway ?? 'gw';
  }

  /** Backends, manifests, control plane, then the Envoys (listening on the Gateway's port). */
  static async start(options: StackOptions, files: Readonly<Record<string, string>> = {}): Promise<Stack> {
    const address = loopbackAddress(options.addressBase);
    const stack = new Stack(options, manifestsDir('load'), address);
    writeManifests(stack.dir, { '00-gateway.yaml': gatewayYaml(stack.gateway, address), ...files });
    for (const service of options.services) await stack.setPods(service, [`${service}-0`]);
    const gateway = `default/${stack.gateway}`;
    const envoys = Array.from({ length: options.envoys ?? 1 }, (_, i) => ({
      id: `${stack.gateway}-${options.delta ? 'delta' : 'sotw'}-${i}`,
      gateway,
      delta: options.delta,
      listenerPorts: [ENVOY_PORT],
      logLevel: 'warning' as const,
      extraArgs: options.envoyArgs,
    }));
    await stack.bringUp({ defaultAddress: address, controlPlane: options.controlPlane, envoys }, { dir: stack.dir });
    return stack;
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
    await this.startBackends(added.map((p) => ({ pod: p.name, service, address: p.address, port: BACKEND_PORT })));
    this.pods.set(service, pods);
    this.write(`10-${service}.yaml`, serviceYaml(service, pods));
  }

  async stopPod(name: string): Promise<void> {
    for (const set of this.backendSets) if (set.backends.some((b) => b.pod === name)) await set.stopOne(name);
  }
}
