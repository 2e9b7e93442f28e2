/**
 * gRPC client side of e2e tests: call the conformance echo service through Envoy and read back
 * who answered (`callEcho`), wait for eventually-consistent config like the Gateway API
 * conformance suite does (`awaitConvergence`), and tally answers per pod for weighted routing
 * (`countBackends`).
 *
 * Calls never throw for gRPC errors: the status code is part of the result, because "Envoy
 * said UNAVAILABLE / UNIMPLEMENTED" is often exactly what a test asserts.
 */
import * as grpc from '@grpc/grpc-js';
import { echoPackageDefinition } from '../../src/xds/proto';
import type { ProtoGrpcType } from '../../tools/generated/grpcecho';
import type { GrpcEchoClient } from '../../tools/generated/gateway_api_conformance/echo_basic/grpcecho/GrpcEcho';
import type { EchoResponse__Output } from '../../tools/generated/gateway_api_conformance/echo_basic/grpcecho/EchoResponse';
import { sleep, withDeadline } from './wait';

export type EchoMethod = 'Echo' | 'EchoTwo' | 'EchoThree';

/** gRPC over TLS (ALPN h2, which grpc-js always offers) instead of plaintext h2c. */
export interface EchoTlsOptions {
  /** PEM of the CA (or self-signed certificate) the server's certificate must chain to. */
  ca: string;
  /** SNI sent in the ClientHello, and the name the server's certificate must carry. */
  servername: string;
}

export interface EchoCallOptions {
  /** host:port of Envoy's listener (or a backend directly). */
  target: string;
  method?: EchoMethod;
  /** :authority to send; default is the target (with `tls`: the servername). */
  authority?: string;
  /** Connect with TLS; omitted: plaintext. */
  tls?: EchoTlsOptions;
  metadata?: Record<string, string>;
  /** New client and TCP connection for this call, closed after (default false: shared). */
  freshConnection?: boolean;
  /** Per-call deadline (default 5000). */
  timeoutMs?: number;
}

export interface EchoResult {
  code: grpc.status;
  pod?: string;
  namespace?: string;
  service?: string;
  /** Fully qualified method the backend saw, e.g. /gateway_api_conformance...GrpcEcho/Echo. */
  method?: string;
  /** :authority the backend saw. */
  authority?: string;
  /** Headers the backend saw (lower-case keys, one entry per value). */
  headers?: Array<{ key: string; value: string }>;
  /** Status message on errors. */
  details?: string;
  /** Response headers (initial metadata) the client received, lower-case keys, values in order. */
  responseHeaders?: Record<string, string[]>;
  /** Trailers; a local reply from Envoy (trailers-only) carries its headers here. */
  trailers?: Record<string, string[]>;
}

type EchoClientCtor = new (address: string, creds: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => GrpcEchoClient;

let ctor: EchoClientCtor | undefined;
function clientCtor(): EchoClientCtor {
  if (!ctor) {
    const proto = grpc.loadPackageDefinition(echoPackageDefinition()) as unknown as ProtoGrpcType;
    ctor = proto.gateway_api_conformance.echo_basic.grpcecho.GrpcEcho;
  }
  return ctor;
}

/**
 * grpc-js's default reconnect backoff starts at 1 s and grows to 2 min: a shared client that
 * once saw Envoy's listener missing would then fail fast for far longer than the config takes
 * to arrive. Short backoffs keep convergence loops honest.
 */
const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1000,
};

const shared = new Map<string, GrpcEchoClient>();

function newClient(target: string, fresh: boolean, tls?: EchoTlsOptions): GrpcEchoClient {
  // grpc-js shares subchannels (TCP connections) between clients process-wide; a private pool
  // is what makes a "fresh connection" really a new connection for Envoy to balance.
  const options: grpc.ChannelOptions = fresh ? { ...CHANNEL_OPTIONS, 'grpc.use_local_subchannel_pool': 1 } : { ...CHANNEL_OPTIONS };
  if (!tls) return new (clientCtor())(target, grpc.credentials.createInsecure(), options);
  // The override is both the SNI and the name checked against the certificate.
  options['grpc.ssl_target_name_override'] = tls.servername;
  options['grpc.default_authority'] = tls.servername;
  return new (clientCtor())(target, grpc.credentials.createSsl(Buffer.from(tls.ca)), options);
}

function sharedClient(target: string, tls?: EchoTlsOptions): GrpcEchoClient {
  const key = tls ? `${target}|${tls.servername}|${tls.ca}` : target;
  let client = shared.get(key);
  if (!client) {
    client = newClient(target, false, tls);
    shared.set(key, client);
  }
  return client;
}

/** Closes the shared clients; call in afterAll so no channel keeps the test process alive. */
export function closeEchoClients(): void {
  for (const client of shared.values()) client.close();
  shared.clear();
}

function metadataRecord(md: grpc.Metadata): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, values] of Object.entries(md.toJSON())) out[key] = values.map((v) => (Buffer.isBuffer(v) ? v.toString('base64') : String(v)));
  return out;
}

function invoke(client: GrpcEchoClient, method: EchoMethod, md: grpc.Metadata, options: grpc.CallOptions): Promise<EchoResult> {
  return new Promise((resolve) => {
    let responseHeaders: Record<string, string[]> | undefined;
    const cb = (err: grpc.ServiceError | null, res?: EchoResponse__Output): void => {
      if (err) {
        resolve({ code: err.code, details: err.details, responseHeaders, trailers: err.metadata ? metadataRecord(err.metadata) : undefined });
        return;
      }
      const a = res?.assertions;
      resolve({
        responseHeaders,
        code: grpc.status.OK,
        pod: a?.context?.pod,
        namespace: a?.context?.namespace,
        service: a?.context?.service_name,
        method: a?.fully_qualified_method,
        authority: a?.authority,
        headers: a?.headers.map((h) => ({ key: h.key, value: h.value })),
      });
    };
    const call =
      method === 'Echo' ? client.Echo({}, md, options, cb) : method === 'EchoTwo' ? client.EchoTwo({}, md, options, cb) : client.EchoThree({}, md, options, cb);
    // grpc-js emits the response headers before it calls back with the message or the status.
    call.on('metadata', (headers: grpc.Metadata) => {
      responseHeaders = metadataRecord(headers);
    });
  });
}

/** One unary call; resolves (never rejects) with the status and the backend's identity. */
export async function callEcho(opts: EchoCallOptions): Promise<EchoResult> {
  const fresh = opts.freshConnection ?? false;
  const client = fresh ? newClient(opts.target, true, opts.tls) : sharedClient(opts.target, opts.tls);
  const md = new grpc.Metadata();
  for (const [key, value] of Object.entries(opts.metadata ?? {})) md.add(key, value);
  // CallOptions.host sets :authority per call, so one shared channel serves every hostname.
  const callOptions: grpc.CallOptions = { deadline: Date.now() + (opts.timeoutMs ?? 5000) };
  if (opts.authority !== undefined) callOptions.host = opts.authority;
  try {
    return await invoke(client, opts.method ?? 'Echo', md, callOptions);
  } finally {
    if (fresh) client.close();
  }
}

export interface ConvergenceOptions {
  /** Successes in a row required (conformance: 3). */
  consecutive?: number;
  /** Overall bound (conformance MaxTimeToConsistency: 30 s). */
  timeoutMs?: number;
  /** Pause after a failure before retrying (default 200 ms); successes retry at once. */
  intervalMs?: number;
}

/**
 * Gateway API conformance's AwaitConvergence: run `fn` until it succeeds `consecutive` times
 * in a row. A throw (e.g. a failed `expect`) is a failure, resets the count and waits
 * `intervalMs`. Resolves with the last result; on timeout, rejects with the last failure.
 */
export async function awaitConvergence<T>(fn: () => Promise<T>, opts: ConvergenceOptions = {}): Promise<T> {
  const consecutive = opts.consecutive ?? 3;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const intervalMs = opts.intervalMs ?? 200;
  const deadline = Date.now() + timeoutMs;
  let successes = 0;
  let attempts = 0;
  let lastError: unknown;
  while (Date.now() < deadline) {
    attempts++;
    try {
      const result = await withDeadline(fn(), deadline);
      successes++;
      if (successes >= consecutive) return result;
      continue;
    } catch (err) {
      lastError = err;
      successes = 0;
    }
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
  const last = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`awaitConvergence: no ${consecutive} consecutive successes within ${timeoutMs} ms (${attempts} attempts); last failure: ${last}`);
}

/**
 * Makes `n` calls and counts answers per pod; failed calls count under `!<STATUS_NAME>`, e.g.
 * `!UNAVAILABLE`. Given call options, each call uses a fresh connection, as weighted-routing
 * checks need; given a function, that function decides. Up to `concurrency` calls in flight.
 */
export async function countBackends(
  n: number,
  call: EchoCallOptions | (() => Promise<EchoResult>),
  opts: { concurrency?: number } = {},
): Promise<Record<string, number>> {
  const fn = typeof call === 'function' ? call : () => callEcho({ ...call, freshConnection: true });
  const counts: Record<string, number> = {};
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      next++;
      const r = await fn();
      const key = r.code === grpc.status.OK ? (r.pod ?? '?') : `!${grpc.status[r.code] ?? r.code}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 8, n)) }, worker));
  return counts;
}
