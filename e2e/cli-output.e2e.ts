/**
 * The `attache` executable never loses output (issue #13, item 10): a translation of 500
 * routes (about 290 KB, several times a pipe's 64 KiB) read through a pipe by a slow
 * reader is byte for byte what the same command writes to a file, and a reader that goes away
 * (`| head`, `| true`) ends the command quietly with its own exit code, no EPIPE stack trace.
 * Before the fix, the pipe got the first 64 or 128 KiB and the exit code was 0.
 */
import { type ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { manifestsDir, ROOT, writeManifests } from '../test/harness';
import { gatewayYaml, routeYaml, serviceYaml } from '../test/harness/xds-stack';

const ROUTES = 500;
/** Milliseconds the slow reader waits before taking each chunk the pipe hands it. */
const READ_PAUSE_MS = 10;
const COMMAND_TIMEOUT_MS = 60_000;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

const running = new Set<ChildProcess>();
let dir: string;

beforeAll(() => {
  dir = manifestsDir('cli-output');
  const files: Record<string, string> = {
    '00-gateway.yaml': gatewayYaml('gw', '127.0.0.1'),
    '10-service.yaml': serviceYaml('svc', [{ name: 'svc-0', address: '127.0.0.2' }]),
  };
  for (let i = 0; i < ROUTES; i++) files[`50-route-${i}.yaml`] = routeYaml(`r${i}`, `h${i}.example.com`, [{ service: 'svc' }]);
  writeManifests(dir, files);
});

afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * `attache ARGS` as a shell runs it; `stdout` is a file descriptor (the file case), or a pipe
 * handed to `reader`, which decides how (and whether) to read it.
 */
function attache(args: readonly string[], stdout: number | ((pipe: NodeJS.ReadableStream, chunks: Buffer[]) => void)): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, 'bin/attache.js'), args, { cwd: ROOT, stdio: ['ignore', typeof stdout === 'number' ? stdout : 'pipe', 'pipe'] });
    running.add(child);
    const chunks: Buffer[] = [];
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`attache ${args.join(' ')}: still running after ${COMMAND_TIMEOUT_MS} ms`));
    }, COMMAND_TIMEOUT_MS);
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    if (typeof stdout !== 'number') stdout(child.stdout!, chunks);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, signal, stdout: Buffer.concat(chunks), stderr });
    });
  });
}

/** Takes one chunk, waits, takes the next: the pipe stays full while the command finishes. */
function slowReader(pipe: NodeJS.ReadableStream, chunks: Buffer[]): void {
  pipe.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    pipe.pause();
    setTimeout(() => pipe.resume(), READ_PAUSE_MS);
  });
}

async function toFile(args: readonly string[]): Promise<{ run: Run; bytes: Buffer }> {
  const file = path.join(dir, '..', `${path.basename(dir)}.out`);
  const fd = fs.openSync(file, 'w');
  try {
    const run = await attache(args, fd);
    return { run, bytes: fs.readFileSync(file) };
  } finally {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
  }
}

describe('attache writes all its output before exiting', () => {
  it('translate of 500 routes through a slow pipe equals the file output', async () => {
    const args = ['translate', '-f', dir];
    const file = await toFile(args);
    expect(file.run).toMatchObject({ code: 0, stderr: '' });
    // Several pipe buffers: a lost tail cannot hide in one.
    expect(file.bytes.length).toBeGreaterThan(4 * 65_536);

    const piped = await attache(args, slowReader);
    expect({ code: piped.code, stderr: piped.stderr, bytes: piped.stdout.length }).toEqual({ code: 0, stderr: '', bytes: file.bytes.length });
    expect(piped.stdout.equals(file.bytes)).toBe(true);
  });

  it('ends quietly with exit code 0 when the reader has gone before the first write (| true)', async () => {
    const run = await attache(['translate', '-f', path.join(ROOT, 'examples')], (pipe) => (pipe as NodeJS.ReadableStream & { destroy(): void }).destroy());
    expect(run).toMatchObject({ code: 0, signal: null, stderr: '' });
  });

  it('ends quietly with exit code 0 when the reader stops after the first chunk (| head)', async () => {
    const run = await attache(['translate', '-f', dir], (pipe, chunks) => {
      pipe.once('data', (chunk: Buffer) => {
        chunks.push(chunk);
        (pipe as NodeJS.ReadableStream & { destroy(): void }).destroy();
      });
    });
    expect(run).toMatchObject({ code: 0, signal: null, stderr: '' });
    expect(run.stdout.subarray(0, 4).toString()).toBe('---\n');
  });

  it('says on one line, exit code 1, when stdout cannot be written (a full disk: /dev/full)', async () => {
    const fd = fs.openSync('/dev/full', 'w');
    try {
      const run = await attache(['translate', '-f', path.join(ROOT, 'examples')], fd);
      expect(run).toMatchObject({ code: 1, signal: null, stderr: 'attache: cannot write stdout: ENOSPC: no space left on device, write\n' });
    } finally {
      fs.closeSync(fd);
    }
  });

  it('keeps its own exit code when the reader has gone: validate with problems still exits 1', async () => {
    const bad = manifestsDir('cli-output-bad');
    try {
      // One schema problem: a listener port above 65535.
      writeManifests(bad, {
        'gateway.yaml':
          'apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: g, namespace: default}\nspec: {gatewayClassName: x, listeners: [{name: h, port: 70000, protocol: HTTP}]}\n',
      });
      const run = await attache(['validate', '-f', bad], (pipe) => (pipe as NodeJS.ReadableStream & { destroy(): void }).destroy());
      expect(run).toMatchObject({ code: 1, signal: null, stderr: '' });
    } finally {
      fs.rmSync(bad, { recursive: true, force: true });
    }
  });
});
