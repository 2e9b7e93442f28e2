/**
 * Timeouts of a BackendTrafficPolicy through a real Envoy. Every cut is checked against the same
 * call on a route without a policy (plain.example.com), which lives: without that control a
 * test could pass on a cut that has nothing to do with the policy.
 *
 *  - requestTimeout: a unary call answered after 1.5 s is cut at 500 ms by Envoy's route
 *    timeout (its local reply, 504, is UNAVAILABLE for a gRPC client).
 *  - streamIdleTimeout: a Tick stream that goes quiet for 900 ms is reset after 500 ms of
 *    silence; one that ticks every 100 ms is not.
 *  - maxStreamDuration: a stream ticking for 2 s is cut at 1 s.
 *  - maxGrpcTimeout: a client deadline of 5 s is capped at 500 ms, so a call answered after
 *    1.5 s ends DEADLINE_EXCEEDED at Envoy (the client's own deadline is far away).
 *  - requestTimeout beside maxStreamDuration: Envoy's router ignores the route timeout once a
 *    route has max_stream_duration; the policy's requestTimeout must still cut (it is folded into
 *    the stream's duration, so the cut is Envoy's DEADLINE_EXCEEDED).
 *  - maxStreamDuration beside an uncapped maxGrpcTimeout (0s): Envoy bounds a call that carries
 *    grpc-timeout by the header alone once a cap is set; the 1 s duration must still cut a stream
 *    whose client deadline is 5 s.
 *  - connectTimeout (on a Service): an endpoint whose listen queue is full never completes a
 *    handshake (the SYN is dropped), so Envoy's connect attempt ends only at its connect timeout:
 *    250 ms with the policy, the default 5 s without (the client's 2 s deadline comes first).
 *
 * A stream bound (maxStreamDuration, maxGrpcTimeout) is also passed on to the backend: Envoy
 * rewrites the grpc-timeout header to what is left of it, so grpc-js on the backend times the call
 * out at the same moment as Envoy does. Which of the two ends it first is a race: a unary call
 * ends DEADLINE_EXCEEDED either way (message "downstream duration timeout" from Envoy, "Deadline
 * exceeded" from the backend); a stream already sending is reset by Envoy (INTERNAL at the
 * client) or ended by the backend (DEADLINE_EXCEEDED). Both are the policy's bound: the client's
 * own deadline is 5 s, and the same call without the policy lives.
 *
 * No timed assertions: each case is told apart by its status, its message and what arrived.
 */
import * as net from 'node:net';
import { Worker } from 'node:worker_threads';
import * as grpc from '@grpc/grpc-js';
import { callEcho, callTick, loopbackAddress, waitFor } from '../../test/harness';
import {
  clusterOf,
  clusterStat,
  converge,
  envoyCluster,
  gatewayDocs,
  grpcRoute,
  policy,
  type PolicyStack,
  serviceAt,
  serviceWithPods,
  startPolicyStack,
} from './fixture';

const GATEWAY = 'timeout-gateway';
const POD = 'echo-timeout-tp-a1';
const PODS = [{ pod: POD, service: 'echo-timeout', address: loopbackAddress(200) }];
/** Where nothing ever accepts a connection (see `startBlackhole`). */
const BLACKHOLE = loopbackAddress(202);
const BACKEND_PORT = 3000;

const HOSTS = ['plain', 'request', 'idle', 'duration', 'grpc-timeout', 'request-and-duration', 'duration-and-grpc'].map((h) => `${h}.example.com`);

interface Blackhole {
  stop(): Promise<void>;
}

/**
 * A listener on `address`:`port` whose accept queue is full, so a new connection's SYN is dropped
 * and connect() hangs until the caller's connect timeout. It listens in a worker thread that then
 * blocks (Atomics.wait, no CPU) and so never accepts; this thread fills the queue with
 * connections of its own until one no longer completes its handshake.
 */
async function startBlackhole(address: string, port: number): Promise<Blackhole> {
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const server = require('node:net').createServer();
     server.listen({ host: workerData.address, port: workerData.port, backlog: 1 }, () => {
       parentPort.postMessage('listening');
       Atomics.wait(workerData.signal, 0, 0, 120000);
       server.close();
     });`,
    { eval: true, workerData: { address, port, signal } },
  );
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  const sockets: net.Socket[] = [];
  const stop = async (): Promise<void> => {
    for (const s of sockets) s.destroy();
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
    await worker.terminate();
  };
  for (let i = 0; i < 16; i++) {
    const socket = net.connect({ host: address, port });
    socket.on('error', () => undefined);
    sockets.push(socket);
    const connected = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 300);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!connected) return { stop };
  }
  await stop();
  throw new Error(`blackhole ${address}:${port}: 16 connections completed, the accept queue never filled`);
}

let s: PolicyStack;
let blackhole: Blackhole | undefined;

beforeAll(async () => {
  blackhole = await startBlackhole(BLACKHOLE, BACKEND_PORT);
  s = await startPolicyStack({
    gateway: GATEWAY,
    address: loopbackAddress(201),
    id: 'timeout-201',
    pods: PODS,
    docs: [
      ...gatewayDocs(GATEWAY),
      ...serviceWithPods('echo-timeout', PODS),
      ...HOSTS.map((h) => grpcRoute(h.split('.')[0], GATEWAY, h, 'echo-timeout')),
      policy('request', { kind: 'GRPCRoute', name: 'request' }, { timeout: { http: { requestTimeout: '500ms' } } }),
      policy('idle', { kind: 'GRPCRoute', name: 'idle' }, { timeout: { http: { streamIdleTimeout: '500ms' } } }),
      policy('duration', { kind: 'GRPCRoute', name: 'duration' }, { timeout: { http: { maxStreamDuration: '1s' } } }),
      policy('grpc-timeout', { kind: 'GRPCRoute', name: 'grpc-timeout' }, { timeout: { http: { maxGrpcTimeout: '500ms' } } }),
      policy(
        'request-and-duration',
        { kind: 'GRPCRoute', name: 'request-and-duration' },
        { timeout: { http: { requestTimeout: '500ms', maxStreamDuration: '10s' } } },
      ),
      policy('duration-and-grpc', { kind: 'GRPCRoute', name: 'duration-and-grpc' }, { timeout: { http: { maxStreamDuration: '1s', maxGrpcTimeout: '0s' } } }),
      ...serviceAt('blackhole-connect', BLACKHOLE),
      ...serviceAt('blackhole-plain', BLACKHOLE),
      grpcRoute('connect', GATEWAY, 'connect.example.com', 'blackhole-connect'),
      grpcRoute('connect-plain', GATEWAY, 'connect-plain.example.com', 'blackhole-plain'),
      policy('connect', { kind: 'Service', name: 'blackhole-connect' }, { timeout: { tcp: { connectTimeout: '250ms' } } }),
    ],
  });
  for (const h of HOSTS) await converge(s.target, h, [POD]);
  // Nothing answers behind the blackhole: wait for both clusters instead of for an answer.
  await waitFor(async () => (await envoyCluster(s.envoy, clusterOf('blackhole-connect'))) && (await envoyCluster(s.envoy, clusterOf('blackhole-plain'))));
}, 60_000);

afterAll(async () => {
  await s?.stack.stop();
  await blackhole?.stop();
});

const slowCall = (host: string, key: string, timeoutMs = 5000): ReturnType<typeof callEcho> =>
  callEcho({ target: s.target, authority: host, timeoutMs, metadata: { 'x-echo-delay-ms': '1500', 'x-echo-fail-key': key } });

/** How a call that Envoy bounds by stream duration ends (see above). */
const DURATION_CUT = { code: grpc.status.DEADLINE_EXCEEDED, details: expect.stringMatching(/^(downstream duration timeout|Deadline exceeded)$/) as unknown };
const STREAM_CUT_CODES = [grpc.status.INTERNAL, grpc.status.DEADLINE_EXCEEDED];

const tick = (host: string, count: number, intervalMs: number): ReturnType<typeof callTick> =>
  callTick({ target: s.target, authority: host, count, intervalMs, timeoutMs: 5000 });

describe('timeout.http on a GRPCRoute', () => {
  it('requestTimeout: a slow unary call is cut by Envoy (UNAVAILABLE, "upstream request timeout"); without the policy it answers', async () => {
    const [cut, plain] = await Promise.all([slowCall('request.example.com', 'req1'), slowCall('plain.example.com', 'req2')]);
    expect(cut).toMatchObject({ code: grpc.status.UNAVAILABLE, details: 'upstream request timeout' });
    expect(plain).toMatchObject({ code: grpc.status.OK, pod: POD });
  });

  it('streamIdleTimeout: a stream quiet for longer is reset after its first message; without the policy it ends OK', async () => {
    const [cut, plain, busy] = await Promise.all([tick('idle.example.com', 3, 900), tick('plain.example.com', 3, 900), tick('idle.example.com', 10, 100)]);
    expect(cut.code).toBe(grpc.status.INTERNAL);
    expect(cut.messages.map((m) => m.seq)).toEqual([1]);
    expect(plain.code).toBe(grpc.status.OK);
    expect(plain.messages).toHaveLength(3);
    // Idle is not duration: a stream that keeps ticking outlives the idle timeout twice over.
    expect(busy.code).toBe(grpc.status.OK);
    expect(busy.messages).toHaveLength(10);
  });

  it('maxStreamDuration: a stream still ticking is cut part way; without the policy all of it arrives', async () => {
    const [cut, plain] = await Promise.all([tick('duration.example.com', 20, 100), tick('plain.example.com', 20, 100)]);
    expect(STREAM_CUT_CODES).toContain(cut.code);
    expect(cut.messages.length).toBeGreaterThan(0);
    expect(cut.messages.length).toBeLessThan(20);
    expect(plain.code).toBe(grpc.status.OK);
    expect(plain.messages).toHaveLength(20);
  });

  it('maxGrpcTimeout: a 5 s client deadline is capped, the slow call ends DEADLINE_EXCEEDED at Envoy; without the policy it answers', async () => {
    const [cut, plain] = await Promise.all([slowCall('grpc-timeout.example.com', 'gt1'), slowCall('plain.example.com', 'gt2')]);
    // The answer would come at 1.5 s, the client's deadline at 5 s: only Envoy's cap ends it.
    expect(cut).toMatchObject(DURATION_CUT);
    expect(plain).toMatchObject({ code: grpc.status.OK, pod: POD });
  });

  it('requestTimeout still cuts on a route that also has maxStreamDuration (Envoy would ignore its route timeout)', async () => {
    const r = await slowCall('request-and-duration.example.com', 'rd1');
    expect(r).toMatchObject(DURATION_CUT);
  });

  it('maxStreamDuration still cuts a stream with a longer client deadline when maxGrpcTimeout is 0s (uncapped)', async () => {
    const r = await tick('duration-and-grpc.example.com', 20, 100);
    expect(STREAM_CUT_CODES).toContain(r.code);
    expect(r.messages.length).toBeGreaterThan(0);
    expect(r.messages.length).toBeLessThan(20);
  });
});

describe('timeout.tcp.connectTimeout on a Service', () => {
  it('ends a connect that never completes at the policy timeout (UNAVAILABLE); without it the client deadline comes first', async () => {
    const [cut, plain] = await Promise.all([
      callEcho({ target: s.target, authority: 'connect.example.com', timeoutMs: 2000 }),
      callEcho({ target: s.target, authority: 'connect-plain.example.com', timeoutMs: 2000 }),
    ]);
    expect(cut.code).toBe(grpc.status.UNAVAILABLE);
    expect(cut.details).toContain('connection timeout');
    expect(await clusterStat(s.envoy, clusterOf('blackhole-connect'), 'upstream_cx_connect_timeout')).toBeGreaterThan(0);
    expect(plain.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect(await clusterStat(s.envoy, clusterOf('blackhole-plain'), 'upstream_cx_connect_timeout')).toBe(0);
  });
});
