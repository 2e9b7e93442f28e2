/**
 * The defaults Attaché gives gRPC users, against real Envoy (State-of-the-World ADS):
 *  - no route timeout cuts a stream: a server-streaming RPC of 20 s, longer than Envoy's default
 *    route timeout of 15 s, delivers every message;
 *  - gRPC-Web: an HTTP/1.1 POST in gRPC-Web framing reaches the GRPCRoute's backend, and the
 *    answer comes back in gRPC-Web framing (data frame, then a trailer frame);
 *  - grpc_stats: per-method counters in Envoy's stats;
 *  - a second Gateway with `attache.dev/grpc-web: "false"` and `attache.dev/grpc-stats:
 *    "false"` has neither filter (its own Envoy, so its stats start empty), gRPC-Web requests
 *    find no route there, and plain gRPC keeps working.
 */
import * as http from 'http';
import * as grpc from '@grpc/grpc-js';
import { ECHO_SERVICE } from '../tools/echo/echo-server';
import { TICKER_SERVICE } from '../tools/echo/ticker-service';
import { echoPackageDefinition } from '../src/xds/proto';
import type { ProtoGrpcType } from '../tools/generated/grpcecho';
import {
  awaitConvergence,
  callEcho,
  callTick,
  type GatewayStack,
  loopbackAddress,
  type RunningEnvoy,
  serviceDocs,
  startGatewayStack,
  waitFor,
} from '../test/harness';

const BACKEND = { pod: 'echo-v1-dfl-a1', service: 'echo-v1', address: loopbackAddress(92) };
const CLUSTER = 'service/default/echo-v1/8080/h2c';
const HOST = 'grpc.example.com';
const PORT = 10080;
const ON = { name: 'grpc-defaults', address: loopbackAddress(90) };
const OFF = { name: 'grpc-filters-off', address: loopbackAddress(91) };

function manifestDocs(): object[] {
  const gateway = (name: string, address: string, annotations?: Record<string, string>): object => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace: 'default', ...(annotations ? { annotations } : {}) },
    // Each Gateway on its own address: two Envoys binding one address and port with
    // SO_REUSEPORT would share the connections between them.
    spec: { gatewayClassName: 'attache', addresses: [{ type: 'IPAddress', value: address }], listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
  });
  return [
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: 'attache' },
      spec: { controllerName: 'attache.dev/gateway-controller' },
    },
    gateway(ON.name, ON.address),
    gateway(OFF.name, OFF.address, { 'attache.dev/grpc-web': 'false', 'attache.dev/grpc-stats': 'false' }),
    ...serviceDocs([BACKEND], { sliceSuffix: 'dfl' }),
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GRPCRoute',
      metadata: { name: 'echo-and-ticker', namespace: 'default' },
      spec: {
        parentRefs: [{ name: ON.name }, { name: OFF.name }],
        hostnames: [HOST],
        rules: [
          { matches: [{ method: { service: ECHO_SERVICE } }], backendRefs: [{ name: BACKEND.service, port: 8080 }] },
          { matches: [{ method: { service: TICKER_SERVICE } }], backendRefs: [{ name: BACKEND.service, port: 8080 }] },
        ],
      },
    },
  ];
}

interface GrpcWebAnswer {
  status: number;
  contentType?: string;
  body: Buffer;
}

/** A gRPC-Web frame: flag bit 0x80 marks the trailer frame. */
interface Frame {
  trailer: boolean;
  payload: Buffer;
}

/** Splits a gRPC(-Web) body into its length-prefixed frames (1 flag byte, 4 length bytes). */
function frames(body: Buffer): Frame[] {
  const out: Frame[] = [];
  for (let at = 0; at < body.length;) {
    if (at + 5 > body.length) throw new Error(`truncated frame header at byte ${at} of ${body.length}`);
    const length = body.readUInt32BE(at + 1);
    if (at + 5 + length > body.length) throw new Error(`truncated frame at byte ${at}: ${length} bytes announced`);
    out.push({ trailer: (body[at] & 0x80) !== 0, payload: body.subarray(at + 5, at + 5 + length) });
    at += 5 + length;
  }
  return out;
}

/** The trailer frame's `name:value` lines (HTTP/1.1 header syntax), lower-case names. */
function trailerFields(payload: Buffer): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of payload
    .toString('utf8')
    .split('\r\n')
    .filter((l) => l !== '')) {
    const colon = line.indexOf(':');
    fields[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return fields;
}

/** What a browser's gRPC-Web client sends: an HTTP/1.1 POST of one framed message; a new connection each time. */
function postGrpcWeb(address: string, method: string, message: Buffer): Promise<GrpcWebAnswer> {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(message.length, 1);
  const body = Buffer.concat([header, message]);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: address,
        port: PORT,
        method: 'POST',
        path: `/${ECHO_SERVICE}/${method}`,
        agent: false,
        headers: { host: HOST, 'content-type': 'application/grpc-web+proto', 'x-grpc-web': '1', 'content-length': body.length },
        signal: AbortSignal.timeout(5000),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const echoMethods = (grpc.loadPackageDefinition(echoPackageDefinition()) as unknown as ProtoGrpcType).gateway_api_conformance.echo_basic.grpcecho.GrpcEcho
  .service;
/** Envoy's stat names keep the cluster name's `/`; the regex needs its dots escaped. */
const grpcStatsOf = (envoy: RunningEnvoy): Promise<Record<string, number>> => envoy.stats(`^cluster\\.${CLUSTER.replace(/\./g, '\\.')}\\.grpc`);
const statPrefix = `cluster.${CLUSTER}.grpc.${ECHO_SERVICE}.Echo`;

interface ListenerDump {
  active_state?: { listener?: { filter_chains?: Array<{ filters?: Array<{ typed_config?: { http_filters?: Array<{ name: string }> } }> }> } };
}

/** The HTTP filters of every filter chain of the Envoy's (one) listener, as Envoy runs them. */
async function httpFilterNames(envoy: RunningEnvoy): Promise<string[]> {
  const dump = await envoy.configDump({ resource: 'dynamic_listeners' });
  const listeners = dump.configs as ListenerDump[];
  const chains = listeners.flatMap((l) => l.active_state?.listener?.filter_chains ?? []);
  return chains
    .flatMap((c) => c.filters ?? [])
    .flatMap((f) => f.typed_config?.http_filters ?? [])
    .map((h) => h.name);
}

let stack: GatewayStack;
let envoyOn: RunningEnvoy;
let envoyOff: RunningEnvoy;

beforeAll(async () => {
  stack = await startGatewayStack({
    manifests: { '00-all.yaml': manifestDocs() },
    backends: [BACKEND],
    defaultAddress: ON.address,
    envoys: [
      { id: 'defaults-on', gateway: `default/${ON.name}`, listenerPorts: [PORT] },
      { id: 'defaults-off', gateway: `default/${OFF.name}`, listenerPorts: [PORT] },
    ],
  });
  [envoyOn, envoyOff] = stack.envoys;
  for (const gw of [ON, OFF]) {
    await awaitConvergence(async () => expect((await callEcho({ target: `${gw.address}:${PORT}`, authority: HOST })).pod).toBe(BACKEND.pod));
  }
});

afterAll(async () => {
  await stack?.stop();
});

describe('gRPC defaults on a Gateway without annotations', () => {
  const target = `${ON.address}:${PORT}`;

  it("lets a server-streaming RPC run past 15 s (Envoy's default route timeout) and delivers every message", async () => {
    const started = Date.now();
    const r = await callTick({ target, authority: HOST, count: 21, intervalMs: 1000, timeoutMs: 60_000 });
    const elapsed = Date.now() - started;
    process.stdout.write(`Tick stream through Envoy: ${r.messages.length} messages in ${elapsed} ms\n`);
    expect(r.code).toBe(grpc.status.OK);
    expect(r.messages).toEqual(Array.from({ length: 21 }, (_, i) => ({ seq: i + 1, pod: BACKEND.pod })));
    // The point of the test: the stream outlived the timeout Envoy would otherwise apply.
    expect(elapsed).toBeGreaterThan(15_000);
  }, 90_000);

  it('answers a gRPC-Web request (HTTP/1.1 POST) in gRPC-Web framing, from the GRPCRoute backend', async () => {
    const answer = await postGrpcWeb(ON.address, 'Echo', echoMethods.Echo.requestSerialize({}));
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('application/grpc-web+proto');
    const [data, trailer, ...more] = frames(answer.body);
    expect([data?.trailer, trailer?.trailer, more.length]).toEqual([false, true, 0]);
    const echo = echoMethods.Echo.responseDeserialize(data.payload);
    expect(echo.assertions?.context?.pod).toBe(BACKEND.pod);
    expect(echo.assertions?.fully_qualified_method).toBe(`/${ECHO_SERVICE}/Echo`);
    expect(trailerFields(trailer.payload)['grpc-status']).toBe('0');
    // The grpc_web filter's own counters, beside grpc_stats' (`grpc-web.` instead of `grpc.`).
    const web = `cluster.${CLUSTER}.grpc-web.${ECHO_SERVICE}.Echo.success`;
    await waitFor(async () => (await grpcStatsOf(envoyOn))[web] >= 1, { timeoutMs: 5_000, description: web });
  });

  it('counts each method in grpc_stats', async () => {
    const before = await grpcStatsOf(envoyOn);
    for (let i = 0; i < 3; i++) expect((await callEcho({ target, authority: HOST })).code).toBe(grpc.status.OK);
    const after = await waitFor(
      async () => {
        const now = await grpcStatsOf(envoyOn);
        return (now[`${statPrefix}.total`] ?? 0) - (before[`${statPrefix}.total`] ?? 0) === 3 ? now : undefined;
      },
      { timeoutMs: 5_000, description: `${statPrefix}.total up by 3` },
    );
    const delta = (name: string): number => after[`${statPrefix}.${name}`] - (before[`${statPrefix}.${name}`] ?? 0);
    // `0` counts answers by grpc-status (OK here).
    const names = ['total', 'success', '0', 'request_message_count', 'response_message_count'];
    expect(names.map(delta)).toEqual([3, 3, 3, 3, 3]);
    // The 20 s stream of the first test: one request, 21 responses.
    const tick = `cluster.${CLUSTER}.grpc.${TICKER_SERVICE}.Tick`;
    expect([after[`${tick}.success`], after[`${tick}.response_message_count`]]).toEqual([1, 21]);
  });
});

describe('gRPC defaults turned off by annotations', () => {
  const target = `${OFF.address}:${PORT}`;

  it('gives Envoy an HTTP connection manager with the router only (the other Gateway: grpc_web, grpc_stats, router)', async () => {
    expect(await httpFilterNames(envoyOff)).toEqual(['envoy.filters.http.router']);
    expect(await httpFilterNames(envoyOn)).toEqual(['envoy.filters.http.grpc_web', 'envoy.filters.http.grpc_stats', 'envoy.filters.http.router']);
  });

  it('does not translate gRPC-Web: the request is not gRPC, so it matches no GRPCRoute rule (404)', async () => {
    const answer = await postGrpcWeb(OFF.address, 'Echo', echoMethods.Echo.requestSerialize({}));
    // Envoy's own no-route reply for a non-gRPC request: 404, no body, nothing in gRPC-Web framing.
    expect([answer.status, answer.contentType, answer.body.length]).toEqual([404, undefined, 0]);
  });

  it('keeps plain gRPC working, and emits no gRPC stats', async () => {
    for (let i = 0; i < 3; i++) expect((await callEcho({ target, authority: HOST })).pod).toBe(BACKEND.pod);
    expect(await grpcStatsOf(envoyOff)).toEqual({});
  });
});
