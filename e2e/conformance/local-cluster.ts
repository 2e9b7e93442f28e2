/**
 * A "cluster" for the local conformance suite, in file mode: one control plane serving a
 * folder (kubectl apply = write a file, kubectl delete = remove it), one echo backend per pod,
 * and one real Envoy per Gateway that traffic is sent to (node.cluster = the Gateway), bound to
 * the address the control plane reports in the Gateway's status.addresses.
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { renderBootstrap } from '../../src/cli/bootstrap';
import type { StatusEntry } from '../../src/gatewayapi/status';
import { type EchoBackends, type RunningControlPlane, type RunningEnvoy, startControlPlane, startEchoBackends, startEnvoy, waitFor } from '../../test/harness';
import { CONTROLLER_NAME, type Doc, endpointSlicesFor, fileModeObjects, GATEWAY_CLASS, type Pod, podsOf } from './manifests';

/** Root can bind the real ports (80, 443), as the upstream suite expects; others get them shifted. */
const PORT_SHIFT = process.getuid?.() === 0 ? 0 : 10000;

export class LocalCluster {
  private readonly envoys = new Map<string, RunningEnvoy>();
  private readonly backends: EchoBackends[] = [];
  private addressCounter = 0;

  private constructor(readonly cp: RunningControlPlane) {}

  static async start(): Promise<LocalCluster> {
    const empty = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'attache-conf-'));
    const cp = await startControlPlane({
      manifests: empty,
      defaultAddress: '127.0.0.1',
      extraArgs: ['--address-pool', '127.0.100.0/24', '--port-shift', String(PORT_SHIFT), '--log-level', 'info'],
    });
    fs.rmSync(empty, { recursive: true, force: true });
    const cluster = new LocalCluster(cp);
    // The upstream suite does not ship the GatewayClass; it is the implementation's (--gateway-class).
    cluster.write('gatewayclass', [
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: GATEWAY_CLASS }, spec: { controllerName: CONTROLLER_NAME } },
    ]);
    return cluster;
  }

  /** Applies manifests under a name (one file); Deployments become pods and EndpointSlices. */
  async apply(name: string, docs: readonly Doc[]): Promise<Pod[]> {
    const pods = podsOf(docs, () => this.nextPodAddress());
    const objects = [...fileModeObjects(docs), ...endpointSlicesFor(docs, pods)];
    const grpcPods = pods.filter((p) => p.grpc);
    if (grpcPods.length > 0) {
      this.backends.push(
        await startEchoBackends(
          grpcPods.map((p) => ({
            pod: p.name,
            namespace: p.namespace,
            service: p.name.replace(/-local-\d+$/, ''),
            address: p.address,
            port: [...p.ports.values()][0],
          })),
        ),
      );
    }
    this.write(name, objects);
    return pods;
  }

  write(name: string, objects: readonly object[]): void {
    const text = objects.map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join('');
    fs.writeFileSync(path.join(this.cp.dir, `${name}.yaml`), text);
  }

  /** kubectl delete -f: removes the file and stops the Envoys of the Gateways it held. */
  async delete(name: string, docs: readonly Doc[]): Promise<void> {
    fs.rmSync(path.join(this.cp.dir, `${name}.yaml`), { force: true });
    for (const d of docs.filter((x) => x.kind === 'Gateway')) {
      const key = `${d.metadata.namespace ?? 'default'}/${d.metadata.name}`;
      await this.envoys.get(key)?.stop();
      this.envoys.delete(key);
    }
  }

  async status(): Promise<StatusEntry[]> {
    return JSON.parse(await this.cp.debug('/status?format=json')) as StatusEntry[];
  }

  async statusOf(kind: string, namespace: string | undefined, name: string): Promise<StatusEntry | undefined> {
    return (await this.status()).find((e) => e.kind === kind && e.name === name && (e.namespace ?? undefined) === namespace);
  }

  /** Starts (once) an Envoy for the Gateway and returns `address:port` of its listener on `port`. */
  async gatewayTarget(namespace: string, name: string, port = 80): Promise<string> {
    const key = `${namespace}/${name}`;
    const gw = await waitFor(
      async () => {
        const s = await this.statusOf('Gateway', namespace, name);
        return s && s.kind === 'Gateway' && s.status.addresses.length > 0 ? s : undefined;
      },
      { timeoutMs: 30_000, description: `Gateway ${key} to have an address` },
    );
    const address = gw.status.addresses[0].value;
    const bound = port < 1024 ? port + PORT_SHIFT : port;
    if (!this.envoys.has(key)) {
      const id = `conformance-${namespace}-${name}`;
      const envoy = await startEnvoy({
        bootstrapYaml: renderBootstrap({ delta: true, gateway: key, nodeId: id, xds: this.cp.xds, admin: { host: '127.0.0.1', port: 0 } }),
        id,
        cluster: key,
        logLevel: 'warning',
      });
      this.envoys.set(key, envoy);
      await envoy.waitForListener(bound, 30_000);
    }
    return `${address}:${bound}`;
  }

  async stop(): Promise<void> {
    for (const e of this.envoys.values()) await e.stop();
    for (const b of this.backends) await b.stop();
    await this.cp.stop();
  }

  private nextPodAddress(): string {
    this.addressCounter++;
    return `127.0.20.${this.addressCounter}`;
  }
}
