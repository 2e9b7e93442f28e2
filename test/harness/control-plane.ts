/**
 * Starts `attache serve` (the compiled CLI, as users run it) on free loopback ports, on a
 * private copy of a manifests folder so tests can edit files freely.
 *
 * For restart tests, `dir` serves a folder in place and `xdsPort`/`debugPort` reuse the ports
 * of a control plane that was killed: Envoy reconnects to the same address, as it would to a
 * restarted pod behind a stable Service.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { freePort } from './ports';
import { spawnTracked, type TrackedProcess, waitForLine } from './processes';
import { ROOT } from './envoy';
import { NODE_FLAGS } from '../../src/cli/node-flags';

export interface RunningControlPlane {
  proc: TrackedProcess;
  /** The folder it serves (a copy unless `dir` was given; edit it). */
  dir: string;
  xds: { host: string; port: number };
  debugUrl: string;
  debugPort: number;
  /** SIGTERM (graceful); removes the folder if it is a copy. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash or an OOM kill would end it; keeps the folder. Resolves once it is gone. */
  kill(): Promise<void>;
  /** GET a debug endpoint path as text. */
  debug(pathAndQuery: string): Promise<string>;
}

export interface StartControlPlaneOptions {
  /** A folder to copy and serve... */
  manifests?: string;
  /** ...or one to serve in place (not copied, not removed). Exactly one of the two. */
  dir?: string;
  defaultAddress: string;
  /** Fixed ports (default: free ones). */
  xdsPort?: number;
  debugPort?: number;
  extraArgs?: string[];
  /** Options for node itself, before the script (e.g. `--expose-gc`, `--cpu-prof`). */
  nodeArgs?: string[];
  /** Serve xDS over mTLS with these files (PEM paths); plaintext on loopback otherwise. */
  tls?: XdsTlsArgs;
}

/** PEM files for `attache serve --xds-tls-*`. */
export interface XdsTlsArgs {
  certFile: string;
  keyFile: string;
  clientCaFile: string;
}

/** The xDS transport flags of `attache serve`: mTLS with `tls`, else explicit loopback plaintext. */
function xdsTransportArgs(tls: XdsTlsArgs | undefined): string[] {
  if (!tls) return ['--xds-plaintext'];
  return ['--xds-tls-cert', tls.certFile, '--xds-tls-key', tls.keyFile, '--xds-tls-client-ca', tls.clientCaFile];
}

function copyManifests(from: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attache-e2e-'));
  for (const f of fs.readdirSync(from)) fs.copyFileSync(path.join(from, f), path.join(dir, f));
  return dir;
}

/** A started `attache serve`: its process, xDS address and debug endpoint. */
export interface ServeProcess {
  proc: TrackedProcess;
  xds: { host: string; port: number };
  debugUrl: string;
  debugPort: number;
  /** GET a debug endpoint path as text. */
  debug(pathAndQuery: string): Promise<string>;
}

/**
 * `attache serve` from dist/ with `sourceArgs` (where it reads Gateway API objects), on the
 * given or free loopback ports, logging at debug; resolves once it says it serves xDS. Shared
 * by the file and Kubernetes modes so both run the executable the same way.
 */
export async function startServe(
  sourceArgs: readonly string[],
  opts: { defaultAddress: string; xdsPort?: number; debugPort?: number; extraArgs?: readonly string[]; nodeArgs?: readonly string[]; tls?: XdsTlsArgs },
): Promise<ServeProcess> {
  const xdsPort = opts.xdsPort ?? (await freePort());
  const debugPort = opts.debugPort ?? (await freePort());
  const proc = spawnTracked('attache', process.execPath, [
    // The node flags bin/attache.js runs with, so that tests and the benchmark run it as users do.
    ...NODE_FLAGS,
    ...(opts.nodeArgs ?? []),
    path.join(ROOT, 'dist/src/cli/main.js'),
    'serve',
    ...sourceArgs,
    '--xds-address',
    `127.0.0.1:${xdsPort}`,
    '--debug-address',
    `127.0.0.1:${debugPort}`,
    '--default-address',
    opts.defaultAddress,
    '--log-level',
    'debug',
    ...xdsTransportArgs(opts.tls),
    ...(opts.extraArgs ?? []),
  ]);
  await waitForLine(proc, /attache: xDS on/, 20_000);
  const debugUrl = `http://127.0.0.1:${debugPort}`;
  return {
    proc,
    xds: { host: '127.0.0.1', port: xdsPort },
    debugUrl,
    debugPort,
    debug: async (p) => (await fetch(debugUrl + p, { signal: AbortSignal.timeout(5000) })).text(),
  };
}

export async function startControlPlane(opts: StartControlPlaneOptions): Promise<RunningControlPlane> {
  if ((opts.manifests === undefined) === (opts.dir === undefined)) throw new Error('startControlPlane: pass exactly one of manifests, dir');
  const copied = opts.dir === undefined;
  const dir = opts.dir ?? copyManifests(opts.manifests as string);
  const serve = await startServe(['--path', dir], opts);
  return {
    ...serve,
    dir,
    stop: async () => {
      await serve.proc.stop();
      if (copied) fs.rmSync(dir, { recursive: true, force: true });
    },
    kill: async () => {
      serve.proc.child.kill('SIGKILL');
      await serve.proc.exited;
    },
  };
}
