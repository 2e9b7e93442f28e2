/**
 * The local kubelet: binds every unscheduled Pod to our Node (there is no kube-scheduler), runs
 * the containers it can as local processes, reports their status, and finishes deletions.
 *  - The conformance suite's echo-basic Pods: one process in the node's own network namespace,
 *    ports moved and forwarded from the Pod IP (pod-process.ts), as before.
 *  - Pods whose every container is an image we have a program for (container-images.ts: Envoy,
 *    the control plane): generic-pod.ts, in a network namespace of their own (pod-network.ts),
 *    volumes as directories (pod-volumes.ts), init containers, restarts, readiness probes.
 *  - Anything else gets an address and is reported Running and Ready without a process, and is
 *    logged, so the suite's waits for readiness do not hang on them.
 *
 * Level-triggered: each pass lists every Pod and makes the world match (reconcile-loop.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Logger } from 'pino';
import { KubeApiError, type KubeClient } from '../../src/sources/kubernetes/kube-client';
import { type ContainerLog } from './container-logs';
import { expandVars, rewriteMountPaths } from './container-command';
import { containerEnv, fieldValue } from './container-env';
import { imageKind, localCommand, type LocalPrograms } from './container-images';
import { echoBasicPorts, isEchoBasicImage } from './echo-basic-ports';
import { type GenericContainer, GenericPod } from './generic-pod';
import { type NamespaceFilter } from './namespaces';
import { type Pod, podKey } from './pod';
import { type PodAddressPool } from './pod-addresses';
import { PodProcess } from './pod-process';
import { type NodeNetwork } from './pod-network';
import { genericPodStatus, runningPodStatus, sameStatus, waitingPodStatus } from './pod-status';
import { referencedObjects, type VolumeContent, volumeContent, writePodFilesystem } from './pod-volumes';
import { startReconcileLoop, type ReconcileLoop } from './reconcile-loop';

export interface KubeletOptions {
  client: KubeClient;
  nodeName: string;
  nodeIP: string;
  pool: PodAddressPool;
  echoBasicBinary: string;
  log: Logger;
  /** Generic Pods (Envoy, the control plane): without these three, they are run as unknown images. */
  programs?: LocalPrograms;
  network?: NodeNetwork;
  /** Pod IPs of generic Pods: addresses of the pod network of `network`. */
  networkPool?: PodAddressPool;
  /** Where generic Pods' volumes are made (<workDir>/pods/<uid>). */
  workDir: string;
  /** The `kubernetes` Service's ClusterIP and port: KUBERNETES_SERVICE_HOST/PORT in generic Pods' containers, as the kubelet sets them. */
  kubernetesService?: { host: string; port: number };
  /** The namespaces whose Pods this kubelet binds and runs (namespaces.ts); unset: all. */
  serves?: NamespaceFilter;
}

interface RunningPod {
  uid: string;
  podIP: string;
  startedAt: string;
  container?: string;
  process?: PodProcess;
  generic?: GenericPod;
  /** The generic Pod's directory, removed with it. */
  dir?: string;
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
    await Promise.all([...this.pods.entries()].map(async ([key, p]) => this.forget(key, p)));
    this.pods.clear();
  }

  /** The log of a container this kubelet runs. */
  logOf(namespace: string, pod: string, container: string): ContainerLog | undefined {
    const running = this.pods.get(`${namespace}/${pod}`);
    if (running?.generic) return running.generic.logOf(container);
    return running?.process && running.container === container ? running.process.output : undefined;
  }

  private async reconcile(): Promise<void> {
    const list = await this.o.client.request<{ items: Pod[] }>('GET', '/api/v1/pods');
    const seen = new Set<string>();
    for (const pod of list.items) {
      if (this.o.serves && !this.o.serves(pod.metadata.namespace ?? 'default')) continue;
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
    let status: Record<string, unknown> | undefined;
    if (!running && this.isGeneric(pod)) {
      const launched = await this.launchGeneric(pod);
      if ('waiting' in launched) status = waitingPodStatus(pod, 'ContainerCreating', launched.waiting, new Date().toISOString());
      else running = launched;
    } else if (!running) running = this.launch(pod);
    if (running?.generic) {
      status = genericPodStatus(pod, {
        podIP: running.podIP,
        hostIP: this.o.nodeIP,
        startedAt: running.startedAt,
        now: new Date().toISOString(),
        ...running.generic.facts(),
      });
    } else if (running) {
      const p = running.process;
      status = runningPodStatus(pod, {
        podIP: running.podIP,
        hostIP: this.o.nodeIP,
        startedAt: running.startedAt,
        ready: p ? p.ready : true,
        now: new Date().toISOString(),
        restartCount: p?.restartCount ?? 0,
      });
    }
    if (!status || sameStatus(pod, status)) return;
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
    const { env, unresolved } = containerEnv(pod, container, { podIP, nodeName: this.o.nodeName, hostIP: this.o.nodeIP });
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

  /** Every container, init containers too, is an image we have a program for. */
  private isGeneric(pod: Pod): boolean {
    const programs = this.o.programs;
    if (!programs || !this.o.network || !this.o.networkPool) return false;
    const all = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
    return all.every((c) => {
      const kind = imageKind(c.image, programs);
      return kind === 'envoy' || kind === 'control-plane';
    });
  }

  /**
   * Makes the Pod's volumes, namespace and processes; or says what it waits for (a Secret or
   * ConfigMap not there yet: the next pass tries again, as the kubelet's volume manager does).
   */
  private async launchGeneric(pod: Pod): Promise<RunningPod | { waiting: string }> {
    const key = podKey(pod);
    const ns = pod.metadata.namespace ?? 'default';
    const volumes = pod.spec.volumes ?? [];
    const refs = referencedObjects(volumes);
    const secrets = new Map<string, Record<string, string>>();
    const configMaps = new Map<string, { data?: Record<string, string>; binaryData?: Record<string, string> }>();
    for (const name of refs.secrets) {
      const s = await this.getOptional<{ data?: Record<string, string> }>(`/api/v1/namespaces/${ns}/secrets/${name}`);
      if (s) secrets.set(name, s.data ?? {});
    }
    for (const name of refs.configMaps) {
      const c = await this.getOptional<{ data?: Record<string, string>; binaryData?: Record<string, string> }>(`/api/v1/namespaces/${ns}/configmaps/${name}`);
      if (c) configMaps.set(name, c);
    }
    const podIP = this.o.networkPool!.allocate(key);
    const facts = { podIP, nodeName: this.o.nodeName, hostIP: this.o.nodeIP };
    const sources = { secret: (n: string) => secrets.get(n), configMap: (n: string) => configMaps.get(n), field: (f: string) => fieldValue(pod, f, facts) };
    const contents = new Map<string, Map<string, Buffer>>();
    for (const v of volumes) {
      const content: VolumeContent = volumeContent(v, sources);
      if ('waiting' in content) {
        this.o.networkPool!.release(key);
        return content;
      }
      contents.set(v.name, content.files);
    }
    const all = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
    const dir = path.join(this.o.workDir, 'pods', safeSegment(pod.metadata.uid ?? key));
    const k = this.o.kubernetesService;
    const kubernetesEnv: Record<string, string> = k ? { KUBERNETES_SERVICE_HOST: k.host, KUBERNETES_SERVICE_PORT: String(k.port) } : {};
    let generic: GenericPod;
    try {
      fs.rmSync(dir, { recursive: true, force: true });
      const mounts = writePodFilesystem(
        dir,
        volumes,
        contents,
        all.flatMap((c) => c.volumeMounts ?? []),
      );
      const prepare = (c: (typeof all)[number]): GenericContainer => {
        const command = localCommand(c, this.o.programs!);
        if ('error' in command) throw new Error(`container ${c.name}: ${command.error}`);
        const { env: declared, unresolved } = containerEnv(pod, c, facts);
        if (unresolved.length) this.o.log.warn({ pod: key, container: c.name, unresolved }, 'environment variables left out');
        const env: Record<string, string> = {};
        for (const [k, v] of Object.entries(declared)) env[k] = rewriteMountPaths(expandVars(v, env), mounts);
        const argv = command.argv.map((a, i) => (i === 0 ? a : rewriteMountPaths(expandVars(a, env), mounts)));
        const workingDir = c.workingDir ? rewriteMountPaths(c.workingDir, mounts) : undefined;
        return {
          spec: c,
          argv,
          // A clean environment, as in a container: PATH (with this node's `node`, which bin/attache.js's first line names), HOSTNAME, then the container's.
          env: { PATH: `${path.dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, HOSTNAME: pod.metadata.name, HOME: dir, ...kubernetesEnv, ...env },
          cwd: workingDir && fs.existsSync(workingDir) ? workingDir : dir,
        };
      };
      const sandbox = await this.o.network!.sandbox(podIP);
      generic = new GenericPod({
        key,
        pod,
        sandbox,
        initContainers: (pod.spec.initContainers ?? []).map(prepare),
        containers: pod.spec.containers.map(prepare),
        log: this.o.log,
        onChange: () => this.loop?.kick(),
      });
    } catch (e) {
      this.o.networkPool!.release(key);
      fs.rmSync(dir, { recursive: true, force: true });
      return { waiting: (e as Error).message };
    }
    const running: RunningPod = { uid: pod.metadata.uid ?? '', podIP, startedAt: new Date().toISOString(), generic, dir };
    this.pods.set(key, running);
    generic.start();
    this.o.log.info({ pod: key, podIP, images: all.map((c) => c.image) }, 'pod started in its own network namespace');
    return running;
  }

  private async getOptional<T>(apiPath: string): Promise<T | undefined> {
    try {
      return await this.o.client.request<T>('GET', apiPath);
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return undefined;
      throw e;
    }
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
    if (running.generic) {
      await running.generic.stop();
      this.o.networkPool?.release(key);
      if (running.dir) fs.rmSync(running.dir, { recursive: true, force: true });
    } else this.o.pool.release(key);
    this.o.log.info({ pod: key }, 'pod stopped');
  }
}

/** A Pod's uid as one path segment (it is one anyway: a UUID). */
function safeSegment(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** 404 (already gone) and 409 (changed meanwhile): the next pass sees the new state. */
function ignoreGoneOrConflict(e: Error): void {
  if (e instanceof KubeApiError && (e.status === 404 || e.status === 409)) return;
  throw e;
}
