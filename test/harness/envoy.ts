/**
 * Real Envoy for e2e tests: start one (or several at once) from a bootstrap, talk to its admin
 * API (config dump, stats, listeners, readiness), stop it; and `validateEnvoyConfig`, which
 * runs `envoy --mode validate` so generated bootstraps are checked by Envoy itself.
 *
 * Flags and why:
 *  - `--disable-hot-restart`: no shared-memory region / domain socket, so any number of Envoys
 *    run side by side without picking distinct base ids (`--base-id-path` is then moot: Envoy
 *    only writes it with `--use-dynamic-base-id`).
 *  - `--admin-address-path`: the bootstrap's admin binds port 0 and Envoy writes the real
 *    address to this file, so no admin port is ever guessed or shared.
 *  - `--concurrency 2` (default): enough to exercise per-worker behaviour without spawning one
 *    worker per core for each of several Envoys.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { execFile } from 'child_process';
import { parse as parseYaml } from 'yaml';
import { PROJECT_ROOT } from '../../src/project-root';
import { spawnTracked, type TrackedProcess } from './processes';
import { sleep, waitFor } from './wait';

// From test/harness (ts-jest) or dist/test/harness (the compiled benchmark): the repository root.
export const ROOT = PROJECT_ROOT;
export const ENVOY_BIN = path.join(ROOT, '.cache/bin/envoy');

const ADMIN_TIMEOUT_MS = 15_000;
const HTTP_TIMEOUT_MS = 5_000;
/** Injected when the bootstrap has no admin block: the harness needs the admin API. */
const DEFAULT_ADMIN_YAML = '{admin: {address: {socket_address: {address: 127.0.0.1, port_value: 0}}}}';

export interface StartEnvoyOptions {
  /** A bootstrap file, or... */
  bootstrapPath?: string;
  /** ...its content (written to a temp file). Exactly one of the two. */
  bootstrapYaml?: string;
  /** --service-node; overrides `node.id` in the bootstrap. */
  id: string;
  /** --service-cluster; defaults to `id`. */
  cluster?: string;
  /** -l; default 'info'. */
  logLevel?: 'trace' | 'debug' | 'info' | 'warning' | 'error' | 'critical' | 'off';
  /** --component-log-level, e.g. 'upstream:debug,config:debug'. */
  componentLogLevel?: string;
  /** Worker threads; default 2. */
  concurrency?: number;
  /** Appended verbatim. */
  extraArgs?: readonly string[];
}

export interface EnvoyConfigDump {
  configs: Array<Record<string, unknown> & { '@type': string }>;
}

export interface RunningEnvoy {
  readonly proc: TrackedProcess;
  /** http://127.0.0.1:PORT of the admin API. */
  readonly adminUrl: string;
  stop(): Promise<void>;
  /** GET /config_dump (with EDS when `includeEds`), optionally narrowed by `resource`. */
  configDump(opts?: { includeEds?: boolean; resource?: string }): Promise<EnvoyConfigDump>;
  /** Counters and gauges whose name matches the regex `filter` (all when omitted). */
  stats(filter?: string): Promise<Record<string, number>>;
  /** Resolves once an active listener bound to `port` accepts TCP connections. */
  waitForListener(port: number, timeoutMs?: number): Promise<void>;
  /** Server state from /ready: LIVE, PRE_INITIALIZING, DRAINING, INITIALIZING. */
  serverState(): Promise<string>;
  /** GET an admin path (e.g. '/clusters?format=json') as text; throws on non-2xx. */
  admin(pathAndQuery: string, method?: 'GET' | 'POST'): Promise<string>;
  logs(): string;
}

function hasAdmin(yamlText: string): boolean {
  const doc: unknown = parseYaml(yamlText);
  return typeof doc === 'object' && doc !== null && 'admin' in doc;
}

/** Envoy writes the admin address once admin listens; an early exit ends the wait at once. */
async function readAdminAddress(file: string, proc: TrackedProcess): Promise<string> {
  const deadline = Date.now() + ADMIN_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (proc.exitInfo) throw new Error(`${proc.name} exited before its admin came up:\n${proc.logs()}`);
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
    if (text) return text;
    await sleep(50);
  }
  throw new Error(`${proc.name}: admin address not written within ${ADMIN_TIMEOUT_MS} ms:\n${proc.logs()}`);
}

async function httpText(url: string, method: 'GET' | 'POST' = 'GET'): Promise<string> {
  const res = await fetch(url, { method, signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  const body = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: HTTP ${res.status}: ${body.slice(0, 500)}`);
  return body;
}

interface StatsJson {
  stats: Array<{ name?: string; value?: number | string; histograms?: unknown }>;
}

interface ListenersJson {
  listener_statuses?: Array<{ name: string; local_address?: { socket_address?: { address?: string; port_value?: number } } }>;
}

function tcpProbe(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function startEnvoy(opts: StartEnvoyOptions): Promise<RunningEnvoy> {
  if ((opts.bootstrapPath === undefined) === (opts.bootstrapYaml === undefined)) {
    throw new Error('startEnvoy: pass exactly one of bootstrapPath, bootstrapYaml');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `attache-envoy-${opts.id.replace(/[^\w.-]/g, '_')}-`));
  const configPath = opts.bootstrapPath ?? path.join(dir, 'bootstrap.yaml');
  if (opts.bootstrapYaml !== undefined) fs.writeFileSync(configPath, opts.bootstrapYaml);
  const adminPath = path.join(dir, 'admin-address');
  const args = [
    '-c',
    configPath,
    '--service-node',
    opts.id,
    '--service-cluster',
    opts.cluster ?? opts.id,
    '--disable-hot-restart',
    '--admin-address-path',
    adminPath,
    '--concurrency',
    String(opts.concurrency ?? 2),
    '-l',
    opts.logLevel ?? 'info',
  ];
  if (!hasAdmin(fs.readFileSync(configPath, 'utf8'))) args.push('--config-yaml', DEFAULT_ADMIN_YAML);
  if (opts.componentLogLevel) args.push('--component-log-level', opts.componentLogLevel);
  args.push(...(opts.extraArgs ?? []));

  const proc = spawnTracked(`envoy:${opts.id}`, ENVOY_BIN, args);
  // However Envoy ends (stop(), stopAll(), a crash), its temp dir goes with it.
  void proc.exited.then(() => fs.rmSync(dir, { recursive: true, force: true }));
  let adminUrl: string;
  try {
    adminUrl = `http://${await readAdminAddress(adminPath, proc)}`;
  } catch (err) {
    await proc.stop();
    throw err;
  }
  const admin = (p: string, method: 'GET' | 'POST' = 'GET'): Promise<string> => httpText(adminUrl + p, method);

  return {
    proc,
    adminUrl,
    // proc.stop() is idempotent, so this is too.
    async stop() {
      await proc.stop();
    },
    admin,
    logs: () => proc.logs(),
    async configDump({ includeEds = false, resource }: { includeEds?: boolean; resource?: string } = {}) {
      const query = new URLSearchParams();
      if (includeEds) query.set('include_eds', '');
      if (resource) query.set('resource', resource);
      const text = await admin(`/config_dump${query.size > 0 ? `?${query}` : ''}`);
      return JSON.parse(text) as EnvoyConfigDump;
    },
    async stats(filter?: string) {
      const query = filter ? `&filter=${encodeURIComponent(filter)}` : '';
      const json = JSON.parse(await admin(`/stats?format=json${query}`)) as StatsJson;
      const out: Record<string, number> = {};
      for (const s of json.stats) {
        if (s.name !== undefined && s.value !== undefined) out[s.name] = Number(s.value);
      }
      return out;
    },
    async serverState() {
      // /ready answers 503 with the state name until LIVE; the state is what we want.
      const res = await fetch(`${adminUrl}/ready`, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
      return (await res.text()).trim();
    },
    async waitForListener(port: number, timeoutMs = 15_000) {
      await waitFor(
        async () => {
          const json = JSON.parse(await admin('/listeners?format=json')) as ListenersJson;
          const found = (json.listener_statuses ?? []).find((l) => l.local_address?.socket_address?.port_value === port);
          if (!found) return false;
          // Admin lists a listener as soon as it is active; probing proves workers accept on it.
          const host = found.local_address?.socket_address?.address ?? '127.0.0.1';
          return tcpProbe(host === '0.0.0.0' ? '127.0.0.1' : host, port);
        },
        { timeoutMs, intervalMs: 100, description: `envoy ${opts.id} listener on port ${port}` },
      );
    },
  };
}

/** Runs `envoy --mode validate` on a bootstrap; `output` is Envoy's own explanation. */
export async function validateEnvoyConfig(
  bootstrapYaml: string,
  opts: { id?: string; cluster?: string; timeoutMs?: number } = {},
): Promise<{ ok: boolean; output: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attache-validate-'));
  const file = path.join(dir, 'bootstrap.yaml');
  fs.writeFileSync(file, bootstrapYaml);
  // ADS bootstraps are rejected without a node id and cluster; the flags supply them.
  const args = [
    '--mode',
    'validate',
    '-c',
    file,
    '--disable-hot-restart',
    '-l',
    'warning',
    '--service-node',
    opts.id ?? 'attache-validate',
    '--service-cluster',
    opts.cluster ?? 'attache-validate',
  ];
  try {
    return await new Promise((resolve) => {
      execFile(ENVOY_BIN, args, { timeout: opts.timeoutMs ?? 30_000, encoding: 'utf8' }, (err, stdout, stderr) => {
        resolve({ ok: err === null, output: `${stdout}${stderr}`.trim() });
      });
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
