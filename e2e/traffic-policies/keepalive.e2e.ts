/**
 * Keepalive to backends (`connection` on a Service policy) through a real Envoy.
 *
 * HTTP/2 PING (`http2Keepalive`): Envoy's connection to the backend runs through a TCP relay in
 * this test, which can go silent — it stops forwarding bytes both ways without closing anything,
 * as a dead peer or a dropped NAT entry looks. Envoy's PING (every 1 s) then gets no answer within
 * its 1 s timeout, so Envoy closes the connection (`http2.keepalive_timeout` counts it, the relay
 * sees Envoy close its end), and the next call succeeds on a new connection. Control: a Service
 * without the policy behind a relay that goes silent at the same moment keeps its dead connection
 * (nothing counted, the relay sees no close), and a call on it hangs until the client's deadline.
 *
 * TCP keepalive (`tcpKeepalive`): observed on the kernel's socket itself. /proc/net/tcp shows
 * for Envoy's connection to the backend the keepalive timer armed (`tr` 2; `ss -tno` shows the
 * same timer as `timer:(keepalive,…)`) and due within the policy's idle time (measured: 29.6 s of
 * 30 s); Envoy's connection to the control's backend has no timer (SO_KEEPALIVE off, Envoy's
 * default). /proc rather than ss: no dependency on iproute2 being installed.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { callEcho, loopbackAddress, waitFor } from '../../test/harness';
import { clusterOf, clusterStat, converge, gatewayDocs, grpcRoute, policy, type PolicyStack, serviceAt, startPolicyStack } from './fixture';

const GATEWAY = 'keepalive-gateway';
const PORT = 3000;
const KEEPALIVE_RELAY = loopbackAddress(237);
const CONTROL_RELAY = loopbackAddress(238);
const PODS = [
  { pod: 'echo-ka-tp-a1', service: 'echo-ka-backend', address: loopbackAddress(239) },
  { pod: 'echo-ka-control-tp-a1', service: 'echo-ka-control-backend', address: loopbackAddress(240) },
];
const TCP_IDLE_S = 30;

/** A TCP relay that can go silent: existing connections stop forwarding (bytes dropped), nothing is closed. */
interface Relay {
  /** Connections accepted so far. */
  accepted(): number;
  /** Connections whose client (Envoy) closed its end. */
  closedByClient(): number;
  /** From now on the connections open now forward nothing; new ones work. */
  goSilent(): void;
  stop(): Promise<void>;
}

/** Bounds: the relay keeps at most this many connections (a test opens a handful). */
const MAX_RELAY_CONNECTIONS = 64;

async function startRelay(address: string, to: { host: string; port: number }): Promise<Relay> {
  const sockets = new Set<net.Socket>();
  const silent = new WeakSet<net.Socket>();
  let accepted = 0;
  let closedByClient = 0;
  const server = net.createServer((client) => {
    accepted++;
    if (sockets.size >= MAX_RELAY_CONNECTIONS) {
      client.destroy();
      return;
    }
    const upstream = net.connect(to);
    sockets.add(client);
    sockets.add(upstream);
    const forward = (from: net.Socket, dest: net.Socket): void => {
      from.on('data', (chunk) => {
        if (!silent.has(from)) dest.write(chunk);
      });
    };
    forward(client, upstream);
    forward(upstream, client);
    client.on('end', () => {
      closedByClient++;
      upstream.end();
    });
    upstream.on('end', () => client.end());
    for (const s of [client, upstream]) {
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: address, port: PORT }, resolve);
  });
  return {
    accepted: () => accepted,
    closedByClient: () => closedByClient,
    goSilent: () => {
      for (const s of sockets) silent.add(s);
    },
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An IPv4 address:port as /proc/net/tcp writes it (address in host byte order, little-endian here). */
function procAddress(address: string, port: number): string {
  const hex = address
    .split('.')
    .reverse()
    .map((b) => Number(b).toString(16).padStart(2, '0'))
    .join('');
  return `${hex.toUpperCase()}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
}

interface TcpSocket {
  /** `tr`: 0 no timer, 1 retransmit, 2 keepalive (sk_timer), 3 TIME_WAIT, 4 zero-window probe. */
  timer: number;
  /** Clock ticks until the timer fires. */
  whenTicks: number;
}

/** ESTABLISHED connections to `address`:`port` in this network namespace (client side: Envoy's upstream sockets). */
function connectionsTo(address: string, port: number): TcpSocket[] {
  const remote = procAddress(address, port);
  return fs
    .readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length > 6 && f[2] === remote && f[3] === '01')
    .map((f) => {
      const [tr, when] = f[5].split(':');
      return { timer: parseInt(tr, 16), whenTicks: parseInt(when, 16) };
    });
}

let s: PolicyStack;
let keepaliveRelay: Relay | undefined;
let controlRelay: Relay | undefined;

beforeAll(async () => {
  keepaliveRelay = await startRelay(KEEPALIVE_RELAY, { host: PODS[0].address, port: PORT });
  controlRelay = await startRelay(CONTROL_RELAY, { host: PODS[1].address, port: PORT });
  s = await startPolicyStack({
    gateway: GATEWAY,
    address: loopbackAddress(241),
    id: 'keepalive-241',
    pods: PODS,
    docs: [
      ...gatewayDocs(GATEWAY),
      ...serviceAt('echo-ka', KEEPALIVE_RELAY),
      ...serviceAt('echo-ka-control', CONTROL_RELAY),
      grpcRoute('ka', GATEWAY, 'ka.example.com', 'echo-ka'),
      grpcRoute('ka-control', GATEWAY, 'ka-control.example.com', 'echo-ka-control'),
      policy(
        'keepalive',
        { kind: 'Service', name: 'echo-ka' },
        { connection: { http2Keepalive: { interval: '1s', timeout: '1s' }, tcpKeepalive: { idleTime: `${TCP_IDLE_S}s`, interval: '5s', probes: 3 } } },
      ),
    ],
  });
  await converge(s.target, 'ka.example.com', [PODS[0].pod]);
  await converge(s.target, 'ka-control.example.com', [PODS[1].pod]);
});

afterAll(async () => {
  await s?.stack.stop();
  await keepaliveRelay?.stop();
  await controlRelay?.stop();
});

describe('connection keepalive to backends', () => {
  it('tcpKeepalive: the kernel has the keepalive timer armed on Envoy’s upstream socket, due within the idle time; none without the policy', () => {
    const withPolicy = connectionsTo(KEEPALIVE_RELAY, PORT);
    const without = connectionsTo(CONTROL_RELAY, PORT);
    process.stderr.write(`tcp keepalive: with policy ${JSON.stringify(withPolicy)}; without ${JSON.stringify(without)}\n`);
    expect(withPolicy.length).toBeGreaterThan(0);
    for (const c of withPolicy) {
      expect(c.timer).toBe(2);
      // Clock ticks are 1/100 s (USER_HZ) on Linux.
      expect(c.whenTicks).toBeLessThanOrEqual(TCP_IDLE_S * 100);
    }
    expect(without.length).toBeGreaterThan(0);
    for (const c of without) expect(c.timer).toBe(0);
  });

  it('http2Keepalive: a backend connection gone silent is closed at the PING timeout and the next call succeeds on a new one; without it the dead connection stays and eats the call', async () => {
    const acceptedBefore = keepaliveRelay!.accepted();
    keepaliveRelay!.goSilent();
    controlRelay!.goSilent();
    await waitFor(async () => (await clusterStat(s.envoy, clusterOf('echo-ka'), 'http2.keepalive_timeout')) > 0 && keepaliveRelay!.closedByClient() > 0, {
      timeoutMs: 15_000,
    });
    const next = await callEcho({ target: s.target, authority: 'ka.example.com', timeoutMs: 3000 });
    expect(next).toMatchObject({ code: grpc.status.OK, pod: PODS[0].pod });
    expect(keepaliveRelay!.accepted()).toBeGreaterThan(acceptedBefore);
    // The control went silent at the same moment: nothing noticed it.
    expect(await clusterStat(s.envoy, clusterOf('echo-ka-control'), 'http2.keepalive_timeout')).toBe(0);
    expect(controlRelay!.closedByClient()).toBe(0);
    const stuck = await callEcho({ target: s.target, authority: 'ka-control.example.com', timeoutMs: 1500 });
    expect(stuck.code).toBe(grpc.status.DEADLINE_EXCEEDED);
  });
});
