/**
 * The types a stream shares with the server that accepted it (ads.ts), kept apart from the
 * stream logic so the server assembles streams without knowing their protocol.
 */
import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { ConfigWatcher } from '../cache/snapshot-cache';
import type { StreamAuthorizer } from './authorization';
import type { CallbackInvoker, XdsProtocol } from './callbacks';
import type { SubscriptionInfo } from './subscription-info';
import type { ProxySync } from './proxy-sync';
import type { StreamLimiter } from './limits';

/** One live stream, for `connections()` and debug output. */
export interface ConnectionInfo {
  streamId: number;
  protocol: XdsProtocol;
  peer: string;
  openedAt: Date;
  /** Unset until the first request arrives. */
  nodeId?: string;
  nodeCluster?: string;
  /** `node.metadata` as plain JSON (Envoy's `--service-node` metadata, e.g. pod labels). */
  nodeMetadata?: unknown;
  key?: string;
  /** Per subscribed type, in ADS push order. */
  types: SubscriptionInfo[];
}

/** What the server needs of a live stream, whatever its protocol. */
export interface LiveStream {
  info(): ConnectionInfo;
  /** What the proxy runs of what it is served (proxy-sync.ts); undefined until its node is known. */
  sync(): ProxySync | undefined;
  /** Ends the stream with a status; the client (Envoy) reconnects with backoff. */
  fail(code: grpc.status, details: string): void;
}

/** What every stream gets from the server that accepted it. */
export interface StreamContext {
  cache: ConfigWatcher;
  callbacks: CallbackInvoker;
  logger: Logger;
  /** Prefix of every version string this process sends (see ads.ts). */
  instanceId: string;
  /** May this client be served this node key? (authorization.ts) Undefined to serve, else why not. */
  authorize: StreamAuthorizer;
  /** Longest wait of route/listener updates for the endpoints of new clusters (warming.ts). */
  warmingTimeoutMs: number;
  /** Live streams, for `connections()` and shutdown; a stream adds and removes itself. */
  streams: Map<number, LiveStream>;
  nextStreamId(): number;
  /** Per-client bounds: streams per identity, node size (limits.ts). */
  limiter: StreamLimiter;
}
