/**
 * A Pod of images we can run (container-images.ts), run the kubelet's way: in its own network
 * namespace (pod-network.ts), its init containers one after the other, each to a successful
 * exit (retried with back-off when it fails), then all its containers together, restarted per
 * the restartPolicy; a container is ready when its readinessProbe succeeds (probes.ts), or,
 * without one, while it runs.
 *
 * Probes run every `periodSeconds`, but at least every 2 s: the local cluster serves tests, and
 * a 10 s default would make every readiness wait 10 s longer without making anything truer.
 */
import type { Logger } from 'pino';
import { type ContainerLog } from './container-logs';
import { type ContainerState, ContainerProcess } from './container-process';
import { type Container, type Pod } from './pod';
import { type PodSandbox } from './pod-network';
import { probeOnce } from './probes';

export interface GenericContainer {
  spec: Container;
  argv: string[];
  env: Record<string, string>;
  cwd: string;
}

export interface GenericPodOptions {
  key: string;
  pod: Pod;
  sandbox: PodSandbox;
  initContainers: GenericContainer[];
  containers: GenericContainer[];
  log: Logger;
  onChange: () => void;
}

export interface ContainerFacts {
  name: string;
  image: string;
  state: ContainerState;
  lastState?: ContainerState;
  ready: boolean;
  restartCount: number;
  started: boolean;
}

const MAX_PROBE_PERIOD_S = 2;
const MAX_GRACE_S = 5;

interface Main {
  c: GenericContainer;
  process: ContainerProcess;
  ready: boolean;
  successes: number;
  failures: number;
  probeTimer?: NodeJS.Timeout;
}

export class GenericPod {
  private readonly inits: Array<{ c: GenericContainer; process: ContainerProcess }>;
  private readonly mains: Main[];
  private initialized = false;
  private stopping = false;

  constructor(private readonly o: GenericPodOptions) {
    const grace = Math.min(MAX_GRACE_S, o.pod.spec.terminationGracePeriodSeconds ?? 30);
    const policy = o.pod.spec.restartPolicy ?? 'Always';
    const make = (c: GenericContainer, restart: 'Always' | 'OnFailure' | 'Never'): ContainerProcess =>
      new ContainerProcess({
        name: `${o.key}/${c.spec.name}`,
        argv: o.sandbox.wrap(c.argv),
        env: c.env,
        cwd: c.cwd,
        restart,
        gracePeriodSeconds: grace,
        log: o.log,
        onChange: o.onChange,
      });
    // An init container that fails is retried unless the Pod's policy is Never.
    this.inits = o.initContainers.map((c) => ({ c, process: make(c, policy === 'Never' ? 'Never' : 'OnFailure') }));
    this.mains = o.containers.map((c) => ({ c, process: make(c, policy), ready: false, successes: 0, failures: 0 }));
  }

  get podIP(): string {
    return this.o.sandbox.ip;
  }

  start(): void {
    void this.run().catch((e: Error) => this.o.log.error({ pod: this.o.key, err: e.message }, 'pod failed'));
  }

  private async run(): Promise<void> {
    for (const init of this.inits) {
      if (this.stopping) return;
      init.process.start();
      await Promise.race([init.process.completed, this.stopped]);
    }
    if (this.stopping) return;
    this.initialized = true;
    this.o.onChange();
    for (const m of this.mains) {
      m.process.start();
      this.scheduleProbe(m, m.c.spec.readinessProbe?.initialDelaySeconds ?? 0);
    }
  }

  private resolveStopped!: () => void;
  private readonly stopped = new Promise<void>((resolve) => (this.resolveStopped = resolve));

  private scheduleProbe(m: Main, delayS: number): void {
    if (this.stopping) return;
    m.probeTimer = setTimeout(() => void this.probe(m), delayS * 1000);
  }

  private async probe(m: Main): Promise<void> {
    const probe = m.c.spec.readinessProbe;
    let ready: boolean;
    if (!m.process.running) {
      ready = false;
      m.successes = 0;
    } else if (!probe) {
      ready = true;
    } else {
      const result = await probeOnce(probe, this.o.sandbox.ip, m.c.spec);
      if (result === 'success' || result === 'unsupported') {
        m.successes++;
        m.failures = 0;
      } else {
        m.failures++;
        m.successes = 0;
      }
      if (m.successes >= (probe.successThreshold ?? 1)) ready = true;
      else if (m.failures >= (probe.failureThreshold ?? 3) || !m.ready) ready = false;
      else ready = m.ready;
    }
    if (this.stopping) return;
    if (ready !== m.ready) {
      m.ready = ready;
      this.o.onChange();
    }
    this.scheduleProbe(m, Math.min(MAX_PROBE_PERIOD_S, probe?.periodSeconds ?? 10));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.resolveStopped();
    for (const m of this.mains) if (m.probeTimer) clearTimeout(m.probeTimer);
    await Promise.all([...this.inits, ...this.mains].map((c) => c.process.stop()));
    await this.o.sandbox.stop();
  }

  logOf(container: string): ContainerLog | undefined {
    return [...this.inits, ...this.mains].find((c) => c.c.spec.name === container)?.process.output;
  }

  /** The pids of the containers' processes that run now (for tests and logs). */
  pids(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of [...this.inits, ...this.mains]) if (c.process.pid !== undefined) out[c.c.spec.name] = c.process.pid;
    return out;
  }

  facts(): { initialized: boolean; initContainers: ContainerFacts[]; containers: ContainerFacts[] } {
    const fact = (c: GenericContainer, p: ContainerProcess, ready: boolean): ContainerFacts => ({
      name: c.spec.name,
      image: c.spec.image,
      state: p.state,
      ...(p.lastState ? { lastState: p.lastState } : {}),
      ready,
      restartCount: p.restartCount,
      started: p.running,
    });
    return {
      initialized: this.initialized,
      initContainers: this.inits.map((i) => fact(i.c, i.process, 'terminated' in i.process.state && i.process.state.terminated.exitCode === 0)),
      containers: this.mains.map((m) => fact(m.c, m.process, m.ready && m.process.running)),
    };
  }
}
