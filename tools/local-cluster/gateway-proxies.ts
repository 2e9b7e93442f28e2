/**
 * The local "gateway infrastructure": one real Envoy per Gateway of our GatewayClasses, started
 * when the Gateway appears and stopped when it goes, each with the bootstrap `attache bootstrap`
 * writes (node.cluster = "<namespace>/<name>", so Attaché sends it that Gateway's snapshot).
 * Envoy binds the listener addresses and ports the snapshot names: the address Attaché wrote into
 * the Gateway's status.addresses (`--address-pool`), the listener ports as written (`--port-shift 0`).
 * It is what a Gateway API implementation's provisioner does with Deployments, as processes.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Logger } from 'pino';
import { track } from './children';
import { renderBootstrap } from '../../src/cli/bootstrap';
import { type KubeClient } from '../../src/sources/kubernetes/kube-client';
import { startReconcileLoop, type ReconcileLoop } from './reconcile-loop';

export interface GatewayProxiesOptions {
  client: KubeClient;
  controllerName: string;
  envoyBinary: string;
  xds: { host: string; port: number };
  /** Admin ports are given out from here up, one per Envoy. */
  firstAdminPort: number;
  /** Bootstraps and logs go here. */
  workDir: string;
  log: Logger;
}

interface Proxy {
  child: ChildProcess;
  adminPort: number;
}

interface Named {
  metadata: { name: string; namespace?: string };
}

const RESYNC_MS = 5000;
const KILL_AFTER_MS = 3000;

export class GatewayProxies {
  private readonly proxies = new Map<string, Proxy>();
  private readonly freeAdminPorts: number[] = [];
  private nextAdminPort: number;
  private loop: ReconcileLoop | undefined;
  private stopping = false;

  constructor(private readonly o: GatewayProxiesOptions) {
    this.nextAdminPort = o.firstAdminPort;
    fs.mkdirSync(o.workDir, { recursive: true });
  }

  start(): void {
    const paths = ['/apis/gateway.networking.k8s.io/v1/gateways', '/apis/gateway.networking.k8s.io/v1/gatewayclasses'];
    this.loop = startReconcileLoop(this.o.client, paths, () => this.reconcile(), RESYNC_MS, this.o.log);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop?.stop();
    await Promise.all([...this.proxies.keys()].map((k) => this.stopProxy(k)));
  }

  private async reconcile(): Promise<void> {
    const classes = await this.o.client.request<{ items: Array<Named & { spec: { controllerName: string } }> }>(
      'GET',
      '/apis/gateway.networking.k8s.io/v1/gatewayclasses',
    );
    const ours = new Set(classes.items.filter((c) => c.spec.controllerName === this.o.controllerName).map((c) => c.metadata.name));
    const gateways = await this.o.client.request<{ items: Array<Named & { spec: { gatewayClassName: string } }> }>(
      'GET',
      '/apis/gateway.networking.k8s.io/v1/gateways',
    );
    const wanted = new Set(
      gateways.items.filter((g) => ours.has(g.spec.gatewayClassName)).map((g) => `${g.metadata.namespace ?? 'default'}/${g.metadata.name}`),
    );
    for (const key of wanted) if (!this.proxies.has(key)) this.startProxy(key);
    for (const key of [...this.proxies.keys()]) if (!wanted.has(key)) await this.stopProxy(key);
  }

  private startProxy(gateway: string): void {
    if (this.stopping) return;
    const adminPort = this.freeAdminPorts.shift() ?? this.nextAdminPort++;
    const file = path.join(this.o.workDir, `${gateway.replace('/', '_')}.yaml`);
    fs.writeFileSync(
      file,
      renderBootstrap({ delta: false, gateway, nodeId: `envoy-${gateway.replace('/', '-')}`, xds: this.o.xds, admin: { host: '127.0.0.1', port: adminPort } }),
    );
    const log = fs.openSync(path.join(this.o.workDir, `${gateway.replace('/', '_')}.log`), 'a');
    // One worker thread: a conformance run has a dozen Gateways on two cores.
    const child = track(
      spawn(this.o.envoyBinary, ['-c', file, '--disable-hot-restart', '--concurrency', '1', '--log-level', 'warning'], { stdio: ['ignore', log, log] }),
    );
    fs.closeSync(log);
    this.proxies.set(gateway, { child, adminPort });
    child.on('exit', (code, signal) => {
      if (this.proxies.get(gateway)?.child !== child) return;
      this.proxies.delete(gateway);
      this.freeAdminPorts.push(adminPort);
      this.o.log.warn({ gateway, code, signal }, 'Envoy exited; the next pass starts another');
    });
    this.o.log.info({ gateway, adminPort }, 'Envoy started');
  }

  private async stopProxy(gateway: string): Promise<void> {
    const proxy = this.proxies.get(gateway);
    if (!proxy) return;
    this.proxies.delete(gateway);
    const { child } = proxy;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
      await exited;
      clearTimeout(timer);
    }
    this.freeAdminPorts.push(proxy.adminPort);
    this.o.log.info({ gateway }, 'Envoy stopped');
  }
}
