/**
 * The local kubelet: binds every unscheduled Pod to our Node (there is no kube-scheduler), runs
 * the containers it can as local processes (pod-process.ts), reports their status, and finishes
 * deletions. Pods whose image it cannot run (anything but echo-basic) get an address and are
 * reported Running and Ready without a process, and are logged, so the suite's waits for
 * readiness do not hang on them.
 *
 * Level-triggered: each pass lists every Pod and makes the world match (reconcile-loop.ts).
 */
import type { Logger } from 'pino';
import { KubeApiError, type KubeClient } from '../../src/sources/kubernetes/kube-client';
import { type ContainerLog } from './container-logs';
import { containerEnv } from './container-env';
import { echoBasicPorts, isEchoBasicImage } from './echo-basic-ports';
import { type Pod, podKey } from './pod';
import { type PodAddressPool } from './pod-addresses';
import { PodProcess } from './pod-process';
import { runningPodStatus, sameStatus } from './pod-status';
import { startReconcileLoop, type ReconcileLoop } from './reconcile-loop';

export interface KubeletOptions {
  client: KubeClient;
  nodeName: string;
  nodeIP: string;
  pool: PodAddressPool;
  echoBasicBinary: string;
  log: Logger;
}

interface RunningPod {
  uid: string;
  podIP: string;
  startedAt: string;
  container?: string;
  process?: PodProcess;
}

const RESYNC_MS = 5000;

export class LocalKubelet {
  private readonly pods = new Map<string, RunningPod>();
  private loop: ReconcileLoop | undefined;

  constructor(private readonly o: KubeletOptions) {}

  start(): void {
    this.loop = startReconcileLoop(this.o.client, ['/api/v1/pods'], () => this.reconcile(), RESYNC_MS, this.o.log);
  }

  async stop(): Promise<void> {
    await this.loop?.stop();
    await Promise.all([...this.pods.values()].map(async (p) => p.process?.stop()));
    this.pods.clear();
  }

  /** The log of a container this kubelet runs (only single-container Pods are run). */
  logOf(namespace: string, pod: string, container: string): ContainerLog | undefined {
    const running = this.pods.get(`${namespace}/${pod}`);
    return running?.process && running.container === container ? running.process.output : undefined;
  }

  private async reconcile(): Promise<void> {
    const list = await this.o.client.request<{ items: Pod[] }>('GET', '/api/v1/pods');
    const seen = new Set<string>();
    for (const pod of list.items) {
      const key = podKey(pod);
      if (!pod.spec.nodeName) {
        if (!pod.metadata.deletionTimestamp) await this.bind(pod);
        continue;
      }
      if (pod.spec.nodeName !== this.o.nodeName) continue;
      seen.add(key);
      if (pod.metadata.deletionTimestamp) await this.finishDeletion(pod);
      else await this.run(pod);
    }
    // Pods deleted outright (grace period 0, or their namespace's objects purged).
    for (const [key, running] of this.pods) if (!seen.has(key)) await this.forget(key, running);
  }

  private async bind(pod: Pod): Promise<void> {
    const ns = pod.metadata.namespace ?? 'default';
    await this.o.client
      .request('POST', `/api/v1/namespaces/${ns}/pods/${pod.metadata.name}/binding`, {
        body: {
          apiVersion: 'v1',
          kind: 'Binding',
          metadata: { name: pod.metadata.name, namespace: ns },
          target: { apiVersion: 'v1', kind: 'Node', name: this.o.nodeName },
        },
      })
      .catch((e: Error) => ignoreGoneOrConflict(e));
  }

  private async run(pod: Pod): Promise<void> {
    const key = podKey(pod);
    let running = this.pods.get(key);
    if (running && running.uid !== pod.metadata.uid) {
      await this.forget(key, running); // same name, new Pod (a StatefulSet-like re-creation)
      running = undefined;
    }
    if (!running) running = this.launch(pod);
    const p = running.process;
    const ready = p ? p.ready : true;
    const status = runningPodStatus(pod, {
      podIP: running.podIP,
      hostIP: this.o.nodeIP,
      startedAt: running.startedAt,
      ready,
      now: new Date().toISOString(),
      restartCount: p?.restartCount ?? 0,
    });
    if (sameStatus(pod, status)) return;
    await this.o.client
      .request('PATCH', `/api/v1/namespaces/${pod.metadata.namespace ?? 'default'}/pods/${pod.metadata.name}/status`, {
        contentType: 'application/merge-patch+json',
        body: { status },
      })
      .catch((e: Error) => ignoreGoneOrConflict(e));
  }

  private launch(pod: Pod): RunningPod {
    const key = podKey(pod);
    const podIP = this.o.pool.allocate(key);
    const running: RunningPod = { uid: pod.metadata.uid ?? '', podIP, startedAt: new Date().toISOString() };
    this.pods.set(key, running);
    const [container, ...sidecars] = pod.spec.containers;
    if (!container || !isEchoBasicImage(container.image) || sidecars.length > 0) {
      this.o.log.warn(
        { pod: key, images: pod.spec.containers.map((c) => c.image) },
        'cannot run this image locally; reporting the Pod Ready without a process',
      );
      return running;
    }
    const { env, unresolved } = containerEnv(pod, container, { podIP, nodeName: this.o.nodeName });
    // Certificates mounted from Secret volumes are not materialized: such a backend serves plain
    // HTTP only (see the README's list of what the local kubelet does not do).
    for (const v of ['TLS_SERVER_CERT', 'TLS_SERVER_PRIVKEY', 'TLS_SERVER_PRIV_KEY', 'TLS_CLIENT_CACERTS']) delete env[v];
    const ports = echoBasicPorts(env);
    if (!ports) {
      this.o.log.warn({ pod: key, image: container.image }, 'echo-basic in TCP or UDP mode is not run locally; reporting the Pod Ready without a process');
      return running;
    }
    if (unresolved.length) this.o.log.warn({ pod: key, unresolved }, 'environment variables left out');
    running.container = container.name;
    running.process = new PodProcess({ key, binary: this.o.echoBasicBinary, podIP, env, log: this.o.log, onChange: () => this.loop?.kick() }, ports);
    running.process.start().catch((e: Error) => this.o.log.error({ pod: key, err: e.message }, 'could not start the pod'));
    this.o.log.info({ pod: key, podIP }, 'pod started');
    return running;
  }

  private async finishDeletion(pod: Pod): Promise<void> {
    const key = podKey(pod);
    const running = this.pods.get(key);
    if (running) await this.forget(key, running);
    if ((pod.metadata.finalizers ?? []).length > 0) return; // whoever added them removes them; the API server then deletes
    const ns = pod.metadata.namespace ?? 'default';
    await this.o.client
      // gracePeriodSeconds as a query parameter: a DELETE with a body confused keep-alive
      // connections (the next request on the socket was answered 400 Bad Request).
      .request('DELETE', `/api/v1/namespaces/${ns}/pods/${pod.metadata.name}`, { query: { gracePeriodSeconds: 0 } })
      .catch((e: Error) => ignoreGoneOrConflict(e));
  }

  private async forget(key: string, running: RunningPod): Promise<void> {
    this.pods.delete(key);
    await running.process?.stop();
    this.o.pool.release(key);
    this.o.log.info({ pod: key }, 'pod stopped');
  }
}

/** 404 (already gone) and 409 (changed meanwhile): the next pass sees the new state. */
function ignoreGoneOrConflict(e: Error): void {
  if (e instanceof KubeApiError && (e.status === 404 || e.status === 409)) return;
  throw e;
}
