/**
 * The benchmark's Gateway: the xds-under-load Stack (test/harness/xds-stack.ts: gateway file,
 * `attache serve` from dist/, one real Envoy) with the bulk Services, started with a quiet log,
 * `--expose-gc` (so memory is read after a full GC) and Envoy flushing its stats histograms on
 * every admin read (so `update_duration` is current).
 */
import * as grpc from '@grpc/grpc-js';
import { sleep, waitFor } from '../test/harness/wait';
import { Stack } from '../test/harness/xds-stack';
import { serviceFiles } from './fixtures';
import { type RawClient, type RawResult } from './raw-grpc';

/** BENCH_CP_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof': profile the control plane under the benchmark. */
function profilingArgs(): string[] {
  return (process.env.BENCH_CP_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
}

export async function startBenchStack(addressBase: number, files: Readonly<Record<string, string>>, services: readonly string[] = []): Promise<Stack> {
  return Stack.start(
    {
      delta: false,
      addressBase,
      services,
      controlPlane: { extraArgs: ['--log-level', 'warn'], nodeArgs: ['--expose-gc', ...profilingArgs()] },
      envoyArgs: ['--config-yaml', '{stats_flush_on_admin: true}'],
    },
    { ...serviceFiles(), ...files },
  );
}

/**
 * Calls until `accept` holds, as fast as a 1 ms pause allows (a busy loop would take a core
 * from the processes being measured). Resolves with the time it took and the last result.
 */
export async function pollUntil(client: RawClient, path: string, host: string, accept: (r: RawResult) => boolean, timeoutMs: number): Promise<RawResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await client.call(path, host, Math.max(100, Math.min(2000, deadline - Date.now())));
    if (accept(r)) return r;
    if (Date.now() > deadline)
      throw new Error(`${host}${path}: not as expected within ${timeoutMs} ms (last: ${grpc.status[r.code]} ${r.pod ?? r.details ?? ''})`);
    await sleep(1);
  }
}

export const isOk = (r: RawResult): boolean => r.code === grpc.status.OK;
export const isNotOk = (r: RawResult): boolean => r.code !== grpc.status.OK;

/** Waits until route `path` on `host` answers through Envoy (after a bulk write). */
export async function waitServed(stack: Stack, client: RawClient, path: string, host: string, timeoutMs: number): Promise<void> {
  await waitFor(async () => isOk(await client.call(path, host, 2000)), { timeoutMs, intervalMs: 20, description: `${host}${path} served via ${stack.target}` });
}
