/**
 * The local cluster's Service networking (see service-plan.ts for what it serves): gives every
 * LoadBalancer Service an address from `--load-balancer-addresses` and writes it to
 * `status.loadBalancer.ingress`, and runs a user-space TCP proxy per Service port on that
 * address (and on the ClusterIP, with --service-cidr), forwarding each connection to the next
 * ready endpoint in turn (round robin; an endpoint that refuses is skipped, up to 3 tries).
 *
 * Bounds: at most MAX_LISTENERS listeners (more are logged and left out), at most
 * MAX_CONNECTIONS_PER_LISTENER open connections per listener (more are refused by the kernel's
 * backlog, then reset), CONNECT_TIMEOUT_MS to reach an endpoint; load-balancer addresses are
 * bounded by the pool. Data is piped as is, with Node's stream back-pressure: nothing buffered
 * beyond the sockets' high-water marks.
 */
import { type NamespaceFilter } from './namespaces';
import * as net from 'net';
import type { Logger } from 'pino';
import { KubeApiError, type KubeClient } from '../../src/sources/kubernetes/kube-client';
import { type PodAddressPool } from './pod-addresses';
import { startReconcileLoop, type ReconcileLoop } from './reconcile-loop';
import { type Backend, type EndpointSlice, loadBalancerStatusPatch, planListeners, type Service, serviceKey, wantsLoadBalancer } from './service-plan';

export interface ServiceProxiesOptions {
  client: KubeClient;
  /** Load-balancer addresses (local in our namespace). */
  pool: PodAddressPool;
  /** Serve ClusterIPs too (their range must be local: --service-cidr). */
  clusterIPs: boolean;
  /** Services (namespace/name) served by these backends whatever their EndpointSlices say. */
  fixedBackends?: ReadonlyMap<string, Backend[]>;
  /** The namespaces whose Services get addresses and proxies (namespaces.ts); unset: all. */
  serves?: NamespaceFilter;
  log: Logger;
}

const RESYNC_MS = 5000;
const MAX_LISTENERS = 1024;
const MAX_CONNECTIONS_PER_LISTENER = 512;
const CONNECT_TIMEOUT_MS = 5000;
const MAX_TRIES = 3;

interface Listener {
  server: net.Server;
  service: string;
  backends: Backend[];
  next: number;
  sockets: Set<net.Socket>;
}

export class ServiceProxies {
  private readonly listeners = new Map<string, Listener>();
  private readonly addresses = new Map<string, string>();
  private loop: ReconcileLoop | undefined;

  constructor(private readonly o: ServiceProxiesOptions) {}

  start(): void {
    this.loop = startReconcileLoop(
      this.o.client,
      ['/api/v1/services', '/apis/discovery.k8s.io/v1/endpointslices'],
      () => this.reconcile(),
      RESYNC_MS,
      this.o.log,
    );
  }

  async stop(): Promise<void> {
    await this.loop?.stop();
    await Promise.all([...this.listeners.keys()].map((k) => this.close(k)));
  }

  private async patchStatus(svc: Service, patch: object | undefined): Promise<void> {
    if (!patch) return;
    await this.o.client
      .request('PATCH', `/api/v1/namespaces/${svc.metadata.namespace ?? 'default'}/services/${svc.metadata.name}/status`, {
        contentType: 'application/merge-patch+json',
        body: patch,
      })
      .catch((e: Error) => {
        if (!(e instanceof KubeApiError && (e.status === 404 || e.status === 409))) throw e;
      });
  }

  private async reconcile(): Promise<void> {
    const services = (await this.o.client.request<{ items: Service[] }>('GET', '/api/v1/services')).items.filter(
      (svc) => !this.o.serves || this.o.serves(svc.metadata.namespace ?? 'default'),
    );
    const slices = (await this.o.client.request<{ items: EndpointSlice[] }>('GET', '/apis/discovery.k8s.io/v1/endpointslices')).items;
    const wanted = new Set(services.filter(wantsLoadBalancer).map(serviceKey));
    for (const key of [...this.addresses.keys()]) {
      if (wanted.has(key)) continue;
      this.addresses.delete(key);
      this.o.pool.release(key);
    }
    for (const svc of services.filter(wantsLoadBalancer)) {
      const key = serviceKey(svc);
      let ip = this.addresses.get(key);
      const requested = svc.spec.loadBalancerIP;
      if (requested && ip !== requested) {
        // A requested address (spec.loadBalancerIP): that one or none, as a cloud load balancer does.
        try {
          ip = this.o.pool.allocateAt(key, requested);
          this.addresses.set(key, ip);
          this.o.log.info({ service: key, ip }, 'requested load-balancer address assigned');
        } catch (e) {
          if (ip) this.o.log.warn({ service: key, requested, err: (e as Error).message }, 'requested load-balancer address not given');
          this.o.pool.release(key);
          this.addresses.delete(key);
          ip = undefined;
        }
        if (!ip) {
          await this.patchStatus(svc, loadBalancerStatusPatch(svc, undefined));
          continue;
        }
      }
      if (!ip) {
        try {
          ip = this.o.pool.allocate(key);
        } catch (e) {
          this.o.log.warn({ service: key, err: (e as Error).message }, 'no load-balancer address left');
          continue;
        }
        this.addresses.set(key, ip);
        this.o.log.info({ service: key, ip }, 'load-balancer address assigned');
      }
      await this.patchStatus(svc, loadBalancerStatusPatch(svc, ip));
    }
    const plan = planListeners(services, slices, this.addresses, this.o.clusterIPs, this.o.fixedBackends);
    const planned = new Set(plan.map((l) => l.key));
    for (const key of [...this.listeners.keys()]) if (!planned.has(key)) await this.close(key);
    for (const l of plan) {
      const existing = this.listeners.get(l.key);
      if (existing) {
        existing.backends = l.backends;
        continue;
      }
      if (this.listeners.size >= MAX_LISTENERS) {
        this.o.log.warn({ listener: l.key, service: l.service, max: MAX_LISTENERS }, 'too many service listeners; this one is left out');
        continue;
      }
      try {
        this.listeners.set(l.key, await this.open(l.ip, l.port, l.service, l.backends));
      } catch (e) {
        this.o.log.warn({ listener: l.key, service: l.service, err: (e as Error).message }, 'cannot listen for a Service');
      }
    }
  }

  private async open(ip: string, port: number, service: string, backends: Backend[]): Promise<Listener> {
    const listener: Listener = { server: net.createServer(), service, backends, next: 0, sockets: new Set() };
    listener.server.maxConnections = MAX_CONNECTIONS_PER_LISTENER;
    listener.server.on('connection', (client) => this.forward(listener, client));
    await new Promise<void>((resolve, reject) => {
      listener.server.once('error', reject);
      listener.server.listen(port, ip, () => {
        listener.server.off('error', reject);
        resolve();
      });
    });
    this.o.log.info({ listener: `${ip}:${port}`, service }, 'service listener open');
    return listener;
  }

  private forward(l: Listener, client: net.Socket): void {
    l.sockets.add(client);
    client.pause();
    client.on('error', () => client.destroy());
    client.once('close', () => l.sockets.delete(client));
    const attempt = (tries: number): void => {
      if (l.backends.length === 0 || tries >= Math.min(MAX_TRIES, l.backends.length) || client.destroyed) {
        client.destroy();
        return;
      }
      const b = l.backends[l.next++ % l.backends.length];
      const upstream = net.connect({ host: b.ip, port: b.port, timeout: CONNECT_TIMEOUT_MS });
      upstream.once('error', () => {
        upstream.destroy();
        attempt(tries + 1);
      });
      upstream.once('timeout', () => upstream.destroy(new Error('connect timeout')));
      upstream.once('connect', () => {
        upstream.setTimeout(0);
        upstream.removeAllListeners('error');
        l.sockets.add(upstream);
        const done = (): void => {
          client.destroy();
          upstream.destroy();
          l.sockets.delete(upstream);
        };
        upstream.on('error', done).on('close', done);
        client.on('close', done);
        client.pipe(upstream).pipe(client);
        client.resume();
      });
    };
    attempt(0);
  }

  private async close(key: string): Promise<void> {
    const l = this.listeners.get(key);
    if (!l) return;
    this.listeners.delete(key);
    for (const s of l.sockets) s.destroy();
    await new Promise<void>((resolve) => l.server.close(() => resolve()));
    this.o.log.info({ listener: key, service: l.service }, 'service listener closed');
  }
}
