/**
 * A gRPC echo backend speaking the Gateway API conformance echo protocol (protos/grpcecho.proto).
 *
 * It stands in for upstream's `echo-basic` gRPC server: every answer says which pod, namespace
 * and service served it, which method was called, and what headers and :authority arrived, so
 * tests and the demo can see exactly where Envoy routed a call and how it rewrote it.
 *
 * `Echo` and `EchoTwo` echo; `EchoThree` answers UNIMPLEMENTED, as upstream does, so route
 * matching on the method can be told apart from "backend reached but method unknown".
 * The same server also serves `attache.testing.v1.Ticker` (ticker-service.ts), a
 * server-streaming RPC for long-stream tests, and `grpc.health.v1.Health` (health-service.ts)
 * with a status switchable at run time (`setServingStatus`).
 *
 * Faults for resilience tests: `Echo` and `EchoTwo` fail or answer late as the request's
 * metadata asks (fault-injection.ts: `x-echo-fail-first`, `x-echo-delay-ms`, ...), and
 * `failAll(code)` makes one backend fail every such call (a bad endpoint for outlier detection),
 * `delayAll(ms)` answer every such call late (a busy endpoint, for least-request balancing).
 */
import * as grpc from '@grpc/grpc-js';
import { echoPackageDefinition } from '../../src/xds/proto';
import type { ProtoGrpcType } from '../generated/grpcecho';
import type { GrpcEchoHandlers } from '../generated/gateway_api_conformance/echo_basic/grpcecho/GrpcEcho';
import type { EchoRequest__Output } from '../generated/gateway_api_conformance/echo_basic/grpcecho/EchoRequest';
import type { EchoResponse } from '../generated/gateway_api_conformance/echo_basic/grpcecho/EchoResponse';
import type { Header } from '../generated/gateway_api_conformance/echo_basic/grpcecho/Header';
import { TICKER_SERVICE, tickerHandlers, tickerService } from './ticker-service';
import { HEALTH_SERVICE, HealthState, healthService, type ServingStatus } from './health-service';
import { FaultInjector, type FaultDecision } from './fault-injection';

export const ECHO_SERVICE = 'gateway_api_conformance.echo_basic.grpcecho.GrpcEcho';

export interface EchoServerOptions {
  /** IP to bind; default 127.0.0.1 (never a wildcard by default: tests stay on loopback). */
  address?: string;
  /** TCP port; 0 (the default here) picks a free one, reported back in the result. */
  port?: number;
  pod?: string;
  namespace?: string;
  service?: string;
  ingress?: string;
  /** Health status at start (default SERVING). */
  servingStatus?: ServingStatus;
  /** Fail every Echo/EchoTwo call with this code from the start (see `failAll`). */
  failCode?: grpc.status;
}

export interface RunningEchoServer {
  address: string;
  port: number;
  /**
   * The calls this server answered (Echo and EchoTwo), oldest first, the last 1000: lets a
   * test see requests no client got an answer for, such as the copies a RequestMirror sends.
   */
  served(): ReadonlyArray<ServedCall>;
  /**
   * Graceful stop, like grpc-go's `GracefulStop`: no new connections or calls, in-flight calls
   * finish (bounded by a 2 s grace, then connections are cut).
   */
  stop(): Promise<void>;
}

/** What only the gRPC echo server can do: switch its health, inject faults. */
export interface RunningGrpcEchoServer extends RunningEchoServer {
  /** Echo/EchoTwo calls counted on a fault-injection key (`x-echo-fail-key`, default ''). */
  callsOnKey(key?: string): number;
  /** What `grpc.health.v1.Health` answers from now on (grpc-go's `SetServingStatus`). */
  setServingStatus(status: ServingStatus): void;
  servingStatus(): ServingStatus;
  /** Health Check calls answered, and the `:authority` of the last ones. */
  healthChecks(): { count: number; authorities: readonly string[] };
  /** From now on every Echo/EchoTwo call fails with `code` (undefined: back to normal). */
  failAll(code: grpc.status | undefined): void;
  /** From now on every Echo/EchoTwo call is answered at least `ms` late (0: back to normal; at most a minute). */
  delayAll(ms: number): void;
}

export interface ServedCall {
  method: string;
  authority: string;
}

const SERVED_LOG_MAX = 1000;
/** `delayAll`'s bound: longer only ties a backend up (the metadata delay's bound too). */
const MAX_DELAY_ALL_MS = 60_000;

/** Identity reported in every response's `assertions.context`. */
interface EchoIdentity {
  pod: string;
  namespace: string;
  service: string;
  ingress: string;
}

/** How long a graceful shutdown may wait for in-flight calls before connections are cut. */
const SHUTDOWN_GRACE_MS = 2000;

function grpcEchoService(): grpc.ServiceDefinition {
  const loaded = grpc.loadPackageDefinition(echoPackageDefinition()) as unknown as ProtoGrpcType;
  return loaded.gateway_api_conformance.echo_basic.grpcecho.GrpcEcho.service;
}

/**
 * Every metadata entry, one Header per value, plus `:authority`. grpc-js drops pseudo-headers
 * and transport headers (te, content-type, grpc-timeout...) before handlers see them; upstream's
 * Go server reports `:authority` because grpc-go keeps it in the metadata, so we add it back.
 */
function headersOf(metadata: grpc.Metadata, authority: string): Header[] {
  const headers: Header[] = [{ key: ':authority', value: authority }];
  for (const [key, values] of Object.entries(metadata.toJSON())) {
    for (const value of values) {
      // Binary (-bin) values are Buffers; base64 keeps them printable in a string field.
      const text = Buffer.isBuffer(value) ? value.toString('base64') : String(value);
      headers.push({ key: key.toLowerCase(), value: text });
    }
  }
  return headers;
}

/** A backend's fault state: metadata-driven faults, and the all-calls switch. */
interface Faults {
  injector: FaultInjector;
  failAll?: grpc.status;
  /** Added to every call's own delay. */
  delayAllMs: number;
}

function echoHandler(method: string, identity: EchoIdentity, log: ServedCall[], faults: Faults): grpc.handleUnaryCall<EchoRequest__Output, EchoResponse> {
  return (call, callback) => {
    const authority = call.getHost();
    log.push({ method, authority });
    if (log.length > SERVED_LOG_MAX) log.shift();
    let decision: FaultDecision;
    try {
      decision = faults.injector.decide(call.metadata);
    } catch (err) {
      callback({ code: grpc.status.INVALID_ARGUMENT, details: err instanceof Error ? err.message : String(err) });
      return;
    }
    const fail = faults.failAll ?? decision.fail;
    const answer = (): void => {
      if (fail !== undefined) callback({ code: fail, details: `echo ${identity.pod}: injected ${grpc.status[fail]}` });
      else callback(null, echoResponse(method, identity, call.metadata, authority, call.request));
    };
    const delayMs = decision.delayMs + faults.delayAllMs;
    if (delayMs === 0) {
      answer();
      return;
    }
    const timer = setTimeout(answer, delayMs);
    // A caller that gives up (a per-try timeout, a deadline) frees the timer at once.
    call.on('cancelled', () => clearTimeout(timer));
  };
}

function echoResponse(method: string, identity: EchoIdentity, metadata: grpc.Metadata, authority: string, request: EchoRequest__Output): EchoResponse {
  return {
    assertions: {
      fully_qualified_method: `/${ECHO_SERVICE}/${method}`,
      headers: headersOf(metadata, authority),
      authority,
      context: {
        namespace: identity.namespace,
        ingress: identity.ingress,
        service_name: identity.service,
        pod: identity.pod,
      },
    },
    request,
  };
}

function handlers(identity: EchoIdentity, log: ServedCall[], faults: Faults): GrpcEchoHandlers {
  return {
    Echo: echoHandler('Echo', identity, log, faults),
    EchoTwo: echoHandler('EchoTwo', identity, log, faults),
    EchoThree: (_call, callback) => {
      callback({ code: grpc.status.UNIMPLEMENTED, details: 'method EchoThree not implemented' });
    },
  };
}

/** gRPC target syntax needs brackets around IPv6 literals. */
export function hostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

function bind(server: grpc.Server, target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(target, grpc.ServerCredentials.createInsecure(), (err, port) => {
      if (err) reject(new Error(`echo: cannot listen on ${target}: ${err.message}`));
      else resolve(port);
    });
  });
}

function shutdown(server: grpc.Server, health: HealthState): Promise<void> {
  // Open Watch streams would hold tryShutdown for the whole grace period.
  health.closeWatchers();
  return new Promise((resolve) => {
    // tryShutdown waits for in-flight calls; the timer bounds that so stop() always returns.
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, SHUTDOWN_GRACE_MS);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export async function startEchoServer(opts: EchoServerOptions = {}): Promise<RunningGrpcEchoServer> {
  const address = opts.address ?? '127.0.0.1';
  const identity: EchoIdentity = {
    pod: opts.pod ?? '',
    namespace: opts.namespace ?? '',
    service: opts.service ?? '',
    ingress: opts.ingress ?? '',
  };
  const server = new grpc.Server();
  const log: ServedCall[] = [];
  const faults: Faults = { injector: new FaultInjector(), failAll: opts.failCode, delayAllMs: 0 };
  const health = new HealthState([ECHO_SERVICE, TICKER_SERVICE, HEALTH_SERVICE]);
  if (opts.servingStatus) health.set(opts.servingStatus);
  server.addService(grpcEchoService(), handlers(identity, log, faults));
  server.addService(tickerService(), tickerHandlers(identity.pod));
  server.addService(healthService(), health.handlers());
  let port: number;
  try {
    port = await bind(server, hostPort(address, opts.port ?? 0));
  } catch (err) {
    server.forceShutdown();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return {
    address,
    port,
    served: () => [...log],
    callsOnKey: (key = '') => faults.injector.calls(key),
    setServingStatus: (status) => health.set(status),
    servingStatus: () => health.get(),
    healthChecks: () => ({ count: health.checks(), authorities: health.checkAuthorities() }),
    failAll: (code) => {
      faults.failAll = code;
    },
    delayAll: (ms) => {
      if (!Number.isInteger(ms) || ms < 0 || ms > MAX_DELAY_ALL_MS)
        throw new Error(`delayAll: an integer from 0 to ${MAX_DELAY_ALL_MS} ms expected, got ${ms}`);
      faults.delayAllMs = ms;
    },
    stop: () => (stopping ??= shutdown(server, health)),
  };
}
