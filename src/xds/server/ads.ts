/**
 * The Aggregated Discovery Service on @grpc/grpc-js: both SotW (`StreamAggregatedResources`)
 * and Delta (`DeltaAggregatedResources`), since Envoy picks one by `ads_config.api_type` and
 * gRPC clients speak only SotW. This file only assembles; the protocol lives in sotw.ts and
 * delta.ts, the per-type state in subscription.ts.
 *
 * The server reads configuration only through `ConfigWatcher` and never sees how it was made.
 */
import { randomBytes } from 'crypto';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { ProtoGrpcType } from '../../generated/ads';
import type { AggregatedDiscoveryServiceHandlers } from '../../generated/envoy/service/discovery/v3/AggregatedDiscoveryService';
import type { ConfigWatcher } from '../cache/snapshot-cache';
import { adsPackageDefinition } from '../proto';
import { xdsAuthorizer, type XdsAuthorizationOptions } from './authorization';
import { CallbackInvoker, type XdsCallbacks } from './callbacks';
import { DeltaStream } from './delta';
import { SotwStream } from './sotw';
import type { ConnectionInfo, LiveStream, StreamContext } from './stream-context';
import type { ProxySync } from './proxy-sync';
import { DEFAULT_XDS_LIMITS, StreamLimiter, type XdsLimits } from './limits';

export type { ConnectionInfo } from './stream-context';
export type { SubscriptionInfo } from './subscription-info';
export type { ProxySync } from './proxy-sync';

export interface XdsServerOptions {
  cache: ConfigWatcher;
  callbacks?: XdsCallbacks;
  logger: Logger;
  /**
   * Prefix of every version string sent. Defaults to random per process, so a restarted
   * control plane never reuses a version string for different content (xds-protocol.md §1.5,
   * go-control-plane `WithVersionPrefix`). Tests may fix it.
   */
  instanceId?: string;
  /** Extra grpc-js server options, merged over the defaults below. */
  grpcOptions?: grpc.ServerOptions;
  /**
   * Longest time listener/route updates wait for the client to fetch the endpoints of clusters
   * just added (make-before-break, warming.ts). Envoy asks within milliseconds; the bound only
   * matters for a client that never asks. Default 5000 ms.
   */
  warmingTimeoutMs?: number;
  /**
   * Which Gateways a client may ask for (authorization.ts). Once the server listens with
   * credentials, every stream needs a client certificate naming the Gateway of its node.
   */
  authorization?: XdsAuthorizationOptions;
  /** How long `shutdown()` waits for streams to finish before cutting connections. Default 2000 ms. */
  shutdownGraceMs?: number;
  /** What one client may cost: streams per identity, node.metadata size (limits.ts; defaults there). */
  limits?: Partial<XdsLimits>;
}

export interface XdsServer {
  /**
   * Binds `host:port` (port 0 picks a free one) and resolves to the bound port. Without
   * `credentials` the server speaks plaintext: callers decide when that is allowed (the CLI
   * allows it only on loopback, see cli/xds-transport.ts); tls.ts makes mTLS credentials.
   */
  listen(address: string, credentials?: grpc.ServerCredentials): Promise<number>;
  /** Ends every stream with UNAVAILABLE (clients reconnect elsewhere) and stops the server. */
  shutdown(): Promise<void>;
  /**
   * Standby (a follower under leader election): with a reason, every open stream ends with
   * UNAVAILABLE and new ones are refused with it, so Envoys reconnect through the Service to the
   * leader (the only ready replica) while they keep running the configuration they have; without,
   * streams are served again. Idempotent.
   */
  setStandby(reason: string | undefined): void;
  /** The live streams, oldest first. */
  connections(): ConnectionInfo[];
  /** What each identified proxy runs of what it is served (proxy-sync.ts), oldest stream first. */
  proxies(): ProxySync[];
  readonly instanceId: string;
}

/**
 * HTTP/2 keepalive pings detect proxies that vanished without closing their connection (a
 * killed pod), so their streams and watches are released; the mgmt_server doc recommends
 * keepalives on the xDS connection for the same reason from Envoy's side.
 */
const DEFAULT_GRPC_OPTIONS: grpc.ServerOptions = {
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  // Stated on purpose although it is grpc-js' default: large snapshots (tens of thousands of
  // routes) exceed 4 MiB, a common limit elsewhere, and Envoy accepts any size.
  'grpc.max_send_message_length': -1,
};

function adsService(): grpc.ServiceDefinition {
  const loaded = grpc.loadPackageDefinition(adsPackageDefinition()) as unknown as ProtoGrpcType;
  return loaded.envoy.service.discovery.v3.AggregatedDiscoveryService.service;
}

export function createXdsServer(options: XdsServerOptions): XdsServer {
  const instanceId = options.instanceId ?? randomBytes(4).toString('hex');
  const logger = options.logger.child({ component: 'xds-server' });
  let streamCounter = 0;
  // Set by the first listen() with credentials: from then on no stream is served without an identity.
  let identityRequired = false;
  const ctx: StreamContext = {
    cache: options.cache,
    callbacks: new CallbackInvoker(options.callbacks ?? {}, logger),
    logger,
    instanceId,
    authorize: xdsAuthorizer(options.authorization ?? {}, () => identityRequired),
    warmingTimeoutMs: options.warmingTimeoutMs ?? 5000,
    streams: new Map<number, LiveStream>(),
    nextStreamId: () => ++streamCounter,
    limiter: new StreamLimiter({ ...DEFAULT_XDS_LIMITS, ...options.limits }, logger),
  };
  const server = new grpc.Server({ ...DEFAULT_GRPC_OPTIONS, ...options.grpcOptions });
  let standby: string | undefined;
  /** A standby server refuses before a stream exists: nothing is watched, counted or reported. */
  const serving = (call: { emit(event: 'error', e: { code: grpc.status; details: string }): unknown }): boolean => {
    if (standby === undefined) return true;
    call.emit('error', { code: grpc.status.UNAVAILABLE, details: standby });
    return false;
  };
  const handlers: AggregatedDiscoveryServiceHandlers = {
    // Each stream registers itself in ctx.streams and lives as long as its call; a client over
    // its stream limit is refused before a stream exists.
    StreamAggregatedResources: (call) => void (serving(call) && ctx.limiter.admit(call) && new SotwStream(ctx, call)),
    DeltaAggregatedResources: (call) => void (serving(call) && ctx.limiter.admit(call) && new DeltaStream(ctx, call)),
  };
  server.addService(adsService(), handlers);

  return {
    instanceId,
    listen: (address, credentials) => {
      if (credentials) identityRequired = true;
      return bind(server, address, credentials, logger, instanceId);
    },
    shutdown: () => shutdown(server, ctx, options.shutdownGraceMs ?? 2000),
    setStandby: (reason) => {
      const was = standby;
      standby = reason;
      if (reason === undefined || was !== undefined) return;
      logger.info({ streams: ctx.streams.size, reason }, 'xDS standby: closing every stream; Envoys reconnect to the leader');
      for (const stream of [...ctx.streams.values()]) stream.fail(grpc.status.UNAVAILABLE, reason);
    },
    connections: () => [...ctx.streams.values()].map((stream) => stream.info()),
    proxies: () => [...ctx.streams.values()].flatMap((stream) => stream.sync() ?? []),
  };
}

function bind(server: grpc.Server, address: string, credentials: grpc.ServerCredentials | undefined, logger: Logger, instanceId: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, credentials ?? grpc.ServerCredentials.createInsecure(), (err, port) => {
      if (err) {
        reject(err);
        return;
      }
      logger.info({ address, port, instanceId, tls: credentials !== undefined }, 'xDS server listening');
      resolve(port);
    });
  });
}

function shutdown(server: grpc.Server, ctx: StreamContext, graceMs: number): Promise<void> {
  for (const stream of [...ctx.streams.values()]) stream.fail(grpc.status.UNAVAILABLE, 'xDS server shutting down');
  return new Promise((resolve) => {
    // Bidirectional streams never finish by themselves; cut what is left after the grace period.
    const timer = setTimeout(() => server.forceShutdown(), graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
