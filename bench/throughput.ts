/**
 * Item 7: requests per second through Envoy against straight to the backend, measured by ghz
 * (.cache/bin/ghz, installed by `make setup`) on the conformance echo service. The control
 * plane is not on the data path: the two should be close, and what separates them is Envoy's.
 */
import { execFile } from 'child_process';
import * as path from 'path';
import { ROOT } from '../test/harness/envoy';
import { routeYaml } from '../test/harness/xds-stack';
import { startBenchStack } from './stack';
import { round } from './stats';
import { waitFor } from '../test/harness/wait';
import { callEcho } from '../test/harness/grpc-client';
import * as grpc from '@grpc/grpc-js';

const GHZ = path.join(ROOT, '.cache/bin/ghz');
const HOST = 'tput.bench.example.com';

export interface ThroughputReading {
  via_envoy_rps: number;
  direct_rps: number;
  via_envoy_p99_ms: number;
  direct_p99_ms: number;
  /** Calls that did not end OK, through Envoy and direct. */
  via_envoy_errors: number;
  direct_errors: number;
  seconds: number;
  concurrency: number;
}

interface GhzReport {
  rps: number;
  latencyDistribution?: Array<{ percentage: number; latency: number }> | null;
  statusCodeDistribution?: Record<string, number>;
}

function ghz(target: string, seconds: number, concurrency: number, authority?: string): Promise<GhzReport> {
  const args = [
    '--insecure',
    '--proto',
    path.join(ROOT, 'protos/grpcecho.proto'),
    '--call',
    'gateway_api_conformance.echo_basic.grpcecho.GrpcEcho/Echo',
    '-z',
    `${seconds}s`,
    // Let the calls in flight finish when time is up, rather than count them as cancelled.
    '--duration-stop',
    'wait',
    '-c',
    String(concurrency),
    '--connections',
    '2',
    '-O',
    'json',
    ...(authority ? ['--authority', authority] : []),
    target,
  ];
  return new Promise((resolve, reject) => {
    execFile(GHZ, args, { timeout: (seconds + 30) * 1000, maxBuffer: 64 * 2 ** 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`ghz ${target}: ${err.message}\n${stderr}`));
      resolve(JSON.parse(stdout) as GhzReport);
    });
  });
}

function errors(r: GhzReport): number {
  return Object.entries(r.statusCodeDistribution ?? {}).reduce((sum, [code, n]) => (code === 'OK' ? sum : sum + n), 0);
}

function p99(r: GhzReport): number {
  // ghz reports latencies in nanoseconds.
  const entry = r.latencyDistribution?.find((d) => d.percentage === 99);
  return entry ? round(entry.latency / 1e6, 2) : NaN;
}

export async function runThroughput(opts: { addressBase: number; seconds: number; concurrency: number }): Promise<ThroughputReading> {
  const stack = await startBenchStack(opts.addressBase, { '40-tput.yaml': routeYaml('tput', HOST, [{ service: 'svc-echo' }]) }, ['svc-echo']);
  try {
    await waitFor(async () => (await callEcho({ target: stack.target, authority: HOST })).code === grpc.status.OK, {
      timeoutMs: 30_000,
      description: 'throughput route',
    });
    const pod = stack.podsOf('svc-echo')[0];
    const direct = await ghz(`${pod.address}:3000`, opts.seconds, opts.concurrency);
    const via = await ghz(stack.target, opts.seconds, opts.concurrency, HOST);
    return {
      via_envoy_rps: Math.round(via.rps),
      direct_rps: Math.round(direct.rps),
      via_envoy_p99_ms: p99(via),
      direct_p99_ms: p99(direct),
      via_envoy_errors: errors(via),
      direct_errors: errors(direct),
      seconds: opts.seconds,
      concurrency: opts.concurrency,
    };
  } finally {
    await stack.stop();
  }
}
