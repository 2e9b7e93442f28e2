/**
 * One Pod's container, run as a local echo-basic process: its environment (container-env.ts),
 * its ports moved to free host ports, and a forwarder per port from the Pod's IP. `ready`
 * resolves once every port answers. A process that exits by itself is restarted after a second,
 * as the kubelet would under `restartPolicy: Always`, and `onChange` reports it.
 */
import { spawn, type ChildProcess } from 'child_process';
import type { Logger } from 'pino';
import { track } from './children';
import { ContainerLog } from './container-logs';
import { type ListenPort } from './echo-basic-ports';
import { type Forwarder, forwardTcp, freePort, waitForListener } from './tcp-forward';

export interface PodProcessOptions {
  key: string;
  binary: string;
  podIP: string;
  env: Record<string, string>;
  log: Logger;
  /** Called when readiness or the restart count changes. */
  onChange: () => void;
}

const READY_TIMEOUT_MS = 20_000;
const RESTART_DELAY_MS = 1000;
const MAX_RESTART_DELAY_MS = 30_000;
const KILL_AFTER_MS = 3000;

export class PodProcess {
  ready = false;
  restartCount = 0;
  readonly startedAt = new Date().toISOString();
  /** stdout and stderr, across restarts (served as the container's log). */
  readonly output = new ContainerLog();
  private child: ChildProcess | undefined;
  private forwarders: Forwarder[] = [];
  private stopping = false;
  private hostEnv: Record<string, string> = {};

  /** `ports`: from echoBasicPorts. */
  constructor(
    private readonly o: PodProcessOptions,
    private readonly ports: readonly ListenPort[],
  ) {}

  async start(): Promise<void> {
    const ports = this.ports;
    const targets: Array<{ podPort: number; hostPort: number }> = [];
    for (const p of ports) {
      const hostPort = await freePort();
      this.hostEnv[p.envVar] = String(hostPort);
      targets.push({ podPort: p.podPort, hostPort });
    }
    for (const t of targets) this.forwarders.push(await forwardTcp({ host: this.o.podIP, port: t.podPort }, { host: '127.0.0.1', port: t.hostPort }));
    this.spawnChild();
    try {
      for (const t of targets) await waitForListener('127.0.0.1', t.hostPort, READY_TIMEOUT_MS, () => this.child?.exitCode === null);
      this.ready = !this.stopping;
    } catch (e) {
      this.o.log.warn({ pod: this.o.key, err: (e as Error).message }, 'pod not ready');
    }
    this.o.onChange();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.ready = false;
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
      await exited;
      clearTimeout(timer);
    }
    await Promise.all(this.forwarders.map((f) => f.close()));
    this.forwarders = [];
  }

  private spawnChild(): void {
    const child = track(
      spawn(this.o.binary, [], {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...this.o.env, ...this.hostEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    this.child = child;
    let tail = '';
    child.stdout?.on('data', (d: Buffer) => this.output.write(d.toString('utf8'), new Date()));
    child.stderr?.on('data', (d: Buffer) => {
      tail = (tail + d.toString('utf8')).slice(-2000);
      this.output.write(d.toString('utf8'), new Date());
    });
    child.on('exit', (code, signal) => {
      if (this.stopping) return;
      this.o.log.warn({ pod: this.o.key, code, signal, stderr: tail }, 'container exited; restarting');
      this.ready = false;
      this.restartCount++;
      this.o.onChange();
      setTimeout(
        () => {
          if (this.stopping) return;
          this.spawnChild();
          const ports = Object.values(this.hostEnv).map(Number);
          void Promise.all(ports.map((p) => waitForListener('127.0.0.1', p, READY_TIMEOUT_MS, () => this.child?.exitCode === null)))
            .then(() => {
              this.ready = !this.stopping;
              this.o.onChange();
            })
            .catch(() => undefined);
        },
        Math.min(MAX_RESTART_DELAY_MS, RESTART_DELAY_MS * 2 ** Math.min(this.restartCount - 1, 5)),
      ).unref();
    });
  }
}
