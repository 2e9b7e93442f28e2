/**
 * One container of a generic Pod as a process in the Pod's network namespace: started with its
 * argv and environment, its output kept as its log, restarted after it exits when the Pod's
 * restartPolicy says so, with the kubelet's doubling back-off (here from 1 s up to 30 s instead
 * of 10 s up to 5 min, so tests do not wait minutes; reset after 60 s of running), and its
 * state (waiting, running, terminated) as containerStatuses report it.
 */
import { spawn, type ChildProcess } from 'child_process';
import type { Logger } from 'pino';
import { track } from './children';
import { ContainerLog } from './container-logs';

export interface ContainerProcessOptions {
  /** For logs: namespace/pod/container. */
  name: string;
  argv: readonly string[];
  env: Record<string, string>;
  cwd: string;
  /** 'Always' for containers of most Pods; init containers: 'OnFailure' (or 'Never'). */
  restart: 'Always' | 'OnFailure' | 'Never';
  /** Seconds between SIGTERM and SIGKILL when stopping (bounded by the caller). */
  gracePeriodSeconds: number;
  log: Logger;
  onChange: () => void;
}

export type ContainerState =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: string } }
  | { terminated: { exitCode: number; reason: string; startedAt?: string; finishedAt: string; signal?: number } };

const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30_000;
const BACKOFF_RESET_AFTER_MS = 60_000;
const STDERR_TAIL = 2000;

export class ContainerProcess {
  restartCount = 0;
  state: ContainerState = { waiting: { reason: 'ContainerCreating' } };
  lastState: ContainerState | undefined;
  readonly output = new ContainerLog();
  /** Resolves when the container exited 0 and will not be restarted (init containers wait on it). */
  readonly completed: Promise<void>;
  private resolveCompleted!: () => void;
  private child: ChildProcess | undefined;
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  private backoffMs = FIRST_BACKOFF_MS;

  constructor(private readonly o: ContainerProcessOptions) {
    this.completed = new Promise((resolve) => (this.resolveCompleted = resolve));
  }

  get running(): boolean {
    return 'running' in this.state;
  }

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  start(): void {
    if (this.stopping) return;
    const startedAt = new Date().toISOString();
    const child = track(spawn(this.o.argv[0], this.o.argv.slice(1), { env: this.o.env, cwd: this.o.cwd, stdio: ['ignore', 'pipe', 'pipe'] }));
    this.child = child;
    let tail = '';
    let spawnError: string | undefined;
    child.stdout?.on('data', (d: Buffer) => this.output.write(d.toString('utf8'), new Date()));
    child.stderr?.on('data', (d: Buffer) => {
      tail = (tail + d.toString('utf8')).slice(-STDERR_TAIL);
      this.output.write(d.toString('utf8'), new Date());
    });
    child.once('error', (e) => (spawnError = e.message)); // 'exit' or 'close' follows
    child.once('spawn', () => {
      this.state = { running: { startedAt } };
      this.o.onChange();
    });
    child.once('close', (code, signal) => {
      if (this.child !== child) return;
      const exitCode = code ?? 128 + signalNumber(signal);
      const finishedAt = new Date().toISOString();
      this.state = {
        terminated: {
          exitCode,
          reason: exitCode === 0 ? 'Completed' : spawnError ? 'StartError' : 'Error',
          startedAt,
          finishedAt,
          ...(signal ? { signal: signalNumber(signal) } : {}),
        },
      };
      if (this.stopping) return;
      const again = this.o.restart === 'Always' || (this.o.restart === 'OnFailure' && exitCode !== 0);
      this.o.log.warn(
        { container: this.o.name, exitCode, signal, stderr: spawnError ?? tail.slice(-500) },
        again ? 'container exited; restarting after a back-off' : 'container exited',
      );
      if (!again) {
        if (exitCode === 0) this.resolveCompleted();
        this.o.onChange();
        return;
      }
      if (Date.now() - Date.parse(startedAt) > BACKOFF_RESET_AFTER_MS) this.backoffMs = FIRST_BACKOFF_MS;
      this.lastState = this.state;
      this.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${this.backoffMs / 1000}s restarting failed container ${this.o.name}` } };
      this.o.onChange();
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.restartCount++;
        this.start();
      }, this.backoffMs);
      this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), this.o.gracePeriodSeconds * 1000);
    await exited;
    clearTimeout(kill);
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGTERM: 15 };
  return (signal && numbers[signal]) ?? 0;
}
