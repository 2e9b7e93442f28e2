/**
 * Tracked child processes for e2e tests: every process a test starts (Envoy, the control
 * plane, out-of-process backends) goes through `spawnTracked`, so that
 *  - its stdout/stderr is kept in a ring buffer, shown when a test fails (see
 *    `printLogsOnFailure`) or on demand via `logsOf(name)`;
 *  - `waitForLine` can wait, bounded, for a readiness line;
 *  - `stopAll()` (SIGTERM, then SIGKILL after 3 s) and a process-exit hook make sure nothing
 *    outlives the test run, even when a test throws before its own cleanup.
 */
import { spawn, type ChildProcess } from 'child_process';

const DEFAULT_RING_LINES = 400;
const KILL_AFTER_MS = 3000;
const PIPE_DRAIN_MS = 500;

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Lines kept per process; older lines are dropped (the count of dropped lines is shown). */
  ringLines?: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface TrackedProcess {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves once the process has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  /** Set once exited. */
  exitInfo: ExitInfo | undefined;
  /** The buffered output, oldest first, prefixed with `[name]`. */
  logs(): string;
  /** SIGTERM, SIGKILL after `killAfterMs`; resolves when the process is gone. */
  stop(killAfterMs?: number): Promise<ExitInfo>;
}

interface Entry {
  proc: TrackedProcess;
  lines: string[];
  dropped: number;
  listeners: Set<(line: string) => void>;
}

/** Every process this module started, including exited ones (their logs stay readable). */
const entries = new Map<string, Entry>();
const live = new Set<TrackedProcess>();

function killLeftovers(): void {
  // 'exit' handlers must be synchronous: a plain SIGKILL is all that can be done here.
  for (const proc of live) proc.child.kill('SIGKILL');
}

// Registered only while something is running, so that each test file (jest gives every file
// a fresh copy of this module) does not leave a listener behind on the shared process.
function updateExitHook(): void {
  if (live.size > 0 && !process.listeners('exit').includes(killLeftovers)) process.on('exit', killLeftovers);
  if (live.size === 0) process.removeListener('exit', killLeftovers);
}

function uniqueName(name: string): string {
  if (!entries.has(name)) return name;
  let i = 2;
  while (entries.has(`${name}#${i}`)) i++;
  return `${name}#${i}`;
}

function capture(entry: Entry, stream: NodeJS.ReadableStream | null, limit: number): void {
  if (!stream) return;
  let partial = '';
  const push = (line: string): void => {
    entry.lines.push(line);
    if (entry.lines.length > limit) {
      entry.lines.shift();
      entry.dropped++;
    }
    for (const listener of entry.listeners) listener(line);
  };
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) push(line);
  });
  stream.on('end', () => {
    if (partial) push(partial);
    partial = '';
  });
}

/**
 * Starts `cmd args` with piped output. The name labels logs; if already used in this test
 * file, `#2`, `#3`... is appended (see `proc.name`).
 */
export function spawnTracked(name: string, cmd: string, args: readonly string[], opts: SpawnOptions = {}): TrackedProcess {
  const child = spawn(cmd, [...args], {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Without a listener, a spawn error (ENOENT, EACCES; reported asynchronously) would be an
  // uncaught 'error' event that kills the test run; the missing pid already tells us.
  child.on('error', () => undefined);
  if (child.pid === undefined) throw new Error(`cannot start ${name}: ${cmd} (is it installed and executable?)`);
  const finalName = uniqueName(name);
  let stopping: Promise<ExitInfo> | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      const info: ExitInfo = { code, signal };
      live.delete(proc);
      updateExitHook();
      // 'exit' can precede the last output; wait for the pipes to close so logs are complete,
      // but not forever (a grandchild may hold them open).
      const done = (): void => {
        clearTimeout(timer);
        proc.exitInfo = info;
        resolve(info);
      };
      const timer = setTimeout(done, PIPE_DRAIN_MS);
      if (child.stdout?.readableEnded !== false && child.stderr?.readableEnded !== false) done();
      else child.once('close', done);
    });
  });
  const proc: TrackedProcess = {
    name: finalName,
    pid: child.pid,
    child,
    exited,
    exitInfo: undefined,
    logs: () => logsOf(finalName),
    stop: (killAfterMs = KILL_AFTER_MS) => (stopping ??= terminate(proc, killAfterMs)),
  };
  const entry: Entry = { proc, lines: [], dropped: 0, listeners: new Set() };
  entries.set(finalName, entry);
  live.add(proc);
  updateExitHook();
  const limit = opts.ringLines ?? DEFAULT_RING_LINES;
  capture(entry, child.stdout, limit);
  capture(entry, child.stderr, limit);
  return proc;
}

async function terminate(proc: TrackedProcess, killAfterMs: number): Promise<ExitInfo> {
  if (proc.exitInfo) return proc.exitInfo;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), killAfterMs);
  try {
    return await proc.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Stops every live tracked process in parallel; bounded by the SIGKILL fallback. */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((proc) => proc.stop()));
}

/** Buffered output of one process (by its final name), or '' if unknown. */
function logsOf(name: string): string {
  const entry = entries.get(name);
  if (!entry) return '';
  const head = entry.dropped > 0 ? [`[${name}] ... ${entry.dropped} earlier lines dropped`] : [];
  const exit = entry.proc.exitInfo;
  const tail = exit ? [`[${name}] exited: code=${exit.code} signal=${exit.signal}`] : [];
  return [...head, ...entry.lines.map((line) => `[${name}] ${line}`), ...tail].join('\n');
}

/** Logs of every process started in this test file, live or exited. */
function allLogs(): string {
  return [...entries.keys()].map(logsOf).join('\n');
}

/** The last `n` lines of a process's log, for error messages. */
function tailOf(name: string, n = 30): string {
  return logsOf(name).split('\n').slice(-n).join('\n');
}

/**
 * Resolves with the first line (already buffered or future) matching `regex`. Rejects on
 * timeout or if the process exits first; the error carries the log tail.
 */
export function waitForLine(proc: TrackedProcess, regex: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  const entry = entries.get(proc.name);
  if (!entry) return Promise.reject(new Error(`waitForLine: ${proc.name} is not tracked`));
  for (const line of entry.lines) {
    const m = line.match(regex);
    if (m) return Promise.resolve(m);
  }
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      entry.listeners.delete(onLine);
    };
    const onLine = (line: string): void => {
      const m = line.match(regex);
      if (!m) return;
      cleanup();
      resolve(m);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${proc.name}: no line matching ${regex} within ${timeoutMs} ms\n${tailOf(proc.name)}`));
    }, timeoutMs);
    entry.listeners.add(onLine);
    void proc.exited.then((exit) => {
      if (!entry.listeners.has(onLine)) return;
      // Let the pipes drain: a readiness line printed just before exit should still count.
      setTimeout(() => {
        if (!entry.listeners.has(onLine)) return;
        cleanup();
        reject(new Error(`${proc.name} exited (code=${exit.code} signal=${exit.signal}) before printing ${regex}\n${tailOf(proc.name)}`));
      }, 50);
    });
  });
}

interface CircusTest {
  errors: unknown[];
}
interface CircusState {
  currentlyRunningTest: CircusTest | null;
}

/**
 * Jest offers no public "did this test fail" in afterEach; jest-circus keeps it in its state
 * object under a private symbol. Reading it is best effort: if the shape changes we simply
 * print nothing rather than break tests.
 */
function currentTestFailed(): boolean {
  const sym = Object.getOwnPropertySymbols(globalThis).find((s) => s.description === 'JEST_STATE_SYMBOL');
  if (!sym) return false;
  const state = (globalThis as unknown as Record<symbol, CircusState | undefined>)[sym];
  const errors = state?.currentlyRunningTest?.errors;
  return Array.isArray(errors) && errors.length > 0;
}

/**
 * After each failed test, prints the buffered logs of every process the file started to
 * stderr. Importing the harness index already does this; call it when importing this module
 * directly.
 */
let printingOnFailure = false;
export function printLogsOnFailure(): void {
  // Idempotent: the harness index registers it too.
  if (printingOnFailure) return;
  printingOnFailure = true;
  afterEach(() => {
    if (entries.size === 0 || !currentTestFailed()) return;
    process.stderr.write(`\n----- process logs (test failed: ${expect.getState().currentTestName ?? '?'}) -----\n${allLogs()}\n-----\n`);
  });
}
