/**
 * Starts `attache serve` (the compiled CLI, as users run it) on free loopback ports, on a
 * private copy of a manifests folder so tests can edit files freely.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { freePort } from './ports';
import { spawnTracked, TrackedProcess, waitForLine } from './processes';
import { ROOT } from './envoy';

export interface RunningControlPlane {
  proc: TrackedProcess;
  /** The folder it serves (a copy; edit it). */
  dir: string;
  xds: { host: string; port: number };
  debugUrl: string;
  stop(): Promise<void>;
  /** GET a debug endpoint path as text. */
  debug(pathAndQuery: string): Promise<string>;
}

export function copyManifests(from: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attache-e2e-'));
  for (const f of fs.readdirSync(from)) fs.copyFileSync(path.join(from, f), path.join(dir, f));
  return dir;
}

export async function startControlPlane(opts: { manifests: string; defaultAddress: string; extraArgs?: string[] }): Promise<RunningControlPlane> {
  const dir = copyManifests(opts.manifests);
  const xdsPort = await freePort();
  const debugPort = await freePort();
  const proc = spawnTracked('attache', process.execPath, [
    path.join(ROOT, 'dist/src/cli/main.js'),
    'serve',
    '--path', dir,
    '--xds-address', `127.0.0.1:${xdsPort}`,
    '--debug-address', `127.0.0.1:${debugPort}`,
    '--default-address', opts.defaultAddress,
    '--log-level', 'debug',
    ...(opts.extraArgs ?? []),
  ]);
  await waitForLine(proc, /attache: xDS on/, 20_000);
  const debugUrl = `http://127.0.0.1:${debugPort}`;
  return {
    proc,
    dir,
    xds: { host: '127.0.0.1', port: xdsPort },
    debugUrl,
    stop: async () => {
      await proc.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
    debug: async (p) => (await fetch(debugUrl + p, { signal: AbortSignal.timeout(5000) })).text(),
  };
}
