/**
 * What the xDS server tells the rest of Attaché: streams opening and closing, ACKs, NACKs and
 * pushes. `status/` turns NACKs into Gateway conditions (mapping `names` back through
 * gatewayapi naming), `debug/` and metrics read the rest.
 *
 * Contract, for every callback:
 *  - called synchronously on the event loop, in protocol order for one stream;
 *  - must not block: do bookkeeping and return (schedule I/O, never await it here);
 *  - a callback that throws is logged and otherwise ignored — it never breaks the stream;
 *  - event objects are fresh and may be kept.
 */
import type { Logger } from 'pino';
import type { Node__Output } from '../../generated/envoy/config/core/v3/Node';
import type { TypeUrl } from '../resources';
import type { RejectedResource, ResourceVersion } from './accepted-versions';

export type { RejectedResource, ResourceVersion } from './accepted-versions';

export type XdsProtocol = 'sotw' | 'delta';

export interface StreamEvent {
  /** Unique per server process; streams of one node get different ids. */
  streamId: number;
  protocol: XdsProtocol;
  /** The peer address as grpc-js reports it (`ipv4:127.0.0.1:53412`). */
  peer: string;
}

/** An event on a stream whose node is known (it has sent its first request). */
export interface NodeStreamEvent extends StreamEvent {
  node: Node__Output;
  /** The snapshot key `cache.nodeKey(node)` chose for this stream. */
  key: string;
}

export interface StreamClosedEvent extends StreamEvent {
  /** Absent if the stream closed before its first request. */
  node?: Node__Output;
  key?: string;
}

export interface AckEvent extends NodeStreamEvent {
  typeUrl: TypeUrl;
  /** SotW: the `version_info` acknowledged. Delta: the `system_version_info` of the response acknowledged. */
  version: string;
  nonce: string;
  /** The resources of the acknowledged response (Delta: also its `removed_resources`). */
  names: string[];
  /** The resources of the acknowledged response with their content versions (what the client now runs). */
  resources: ResourceVersion[];
}

export interface NackErrorDetail {
  /** google.rpc.Code; Envoy sends INVALID_ARGUMENT (3), gRPC clients UNAVAILABLE (14). */
  code: number;
  /** For humans only: "not guaranteed to be stable across Envoy versions" (discovery.proto). */
  message: string;
}

export interface NackEvent extends NodeStreamEvent {
  typeUrl: TypeUrl;
  /** SotW: the version the client still runs (last accepted, '' if none), as the client reports it. */
  version: string;
  /** The nonce of the rejected response. */
  nonce: string;
  errorDetail: NackErrorDetail;
  /** The resources of the rejected response: the candidates for what the error is about. */
  names: string[];
  /** The version of the rejected response (SotW `version_info`, Delta `system_version_info`), '' if unknown. */
  rejectedVersion: string;
  /**
   * The resources of the rejected response that the client did not already run at that
   * version, each with the version it still runs: one of them is what the client refused.
   * A SotW LDS/CDS response repeats unchanged resources; those are not listed.
   */
  rejected: RejectedResource[];
  /**
   * Whether `rejected[].acceptedVersion` is reliable. False when the stream started from a
   * state we cannot see (a SotW client reconnecting after a control-plane restart): then an
   * absent `acceptedVersion` does not mean the resource was new to the client.
   */
  clientStateKnown: boolean;
}

export interface PushEvent extends NodeStreamEvent {
  typeUrl: TypeUrl;
  version: string;
  nonce: string;
  /** Names of the resources in the response. */
  names: string[];
  /** The resources in the response with their content versions. */
  resources: ResourceVersion[];
  /** Delta only: `removed_resources`. */
  removed: string[];
  /** Encoded size of the resources (the Any values), a proxy for the response size. */
  bytes: number;
  /** Time to encode and write the response (milliseconds). */
  durationMs: number;
}

/** All optional; pass only what you need. */
export interface XdsCallbacks {
  /** A stream was accepted; its node is not known yet. */
  onStreamOpen?(event: StreamEvent): void;
  /** The stream's first request named its node; from now on it is served the snapshot of `key`. */
  onStreamIdentified?(event: NodeStreamEvent): void;
  /** A stream ended for any reason (client gone, error, server shutdown). Called exactly once per opened stream. */
  onStreamClosed?(event: StreamClosedEvent): void;
  /** The client accepted a response (request with the response's nonce and no `error_detail`). */
  onAck?(event: AckEvent): void;
  /**
   * The client rejected a response (request with `error_detail`). The server does not resend
   * the same content; only a new snapshot with different content is pushed again.
   */
  onNack?(event: NackEvent): void;
  /** A response was written to the stream. */
  onPush?(event: PushEvent): void;
}

/** One set of callbacks that calls each given set in turn (e.g. metrics, then status). */
export function combineCallbacks(...sets: readonly XdsCallbacks[]): XdsCallbacks {
  const each =
    <K extends keyof XdsCallbacks>(name: K) =>
    (event: Parameters<NonNullable<XdsCallbacks[K]>>[0]): void => {
      for (const set of sets) (set[name] as ((e: typeof event) => void) | undefined)?.call(set, event);
    };
  return {
    onStreamOpen: each('onStreamOpen'),
    onStreamIdentified: each('onStreamIdentified'),
    onStreamClosed: each('onStreamClosed'),
    onAck: each('onAck'),
    onNack: each('onNack'),
    onPush: each('onPush'),
  };
}

/** Calls the optional callbacks, shielding the stream from callbacks that throw. */
export class CallbackInvoker {
  constructor(
    private readonly callbacks: XdsCallbacks,
    private readonly logger: Logger,
  ) {}

  streamOpen(event: StreamEvent): void {
    this.guard('onStreamOpen', () => this.callbacks.onStreamOpen?.(event));
  }

  streamIdentified(event: NodeStreamEvent): void {
    this.guard('onStreamIdentified', () => this.callbacks.onStreamIdentified?.(event));
  }

  streamClosed(event: StreamClosedEvent): void {
    this.guard('onStreamClosed', () => this.callbacks.onStreamClosed?.(event));
  }

  ack(event: AckEvent): void {
    this.guard('onAck', () => this.callbacks.onAck?.(event));
  }

  nack(event: NackEvent): void {
    this.guard('onNack', () => this.callbacks.onNack?.(event));
  }

  push(event: PushEvent): void {
    this.guard('onPush', () => this.callbacks.onPush?.(event));
  }

  private guard(name: keyof XdsCallbacks, call: () => void): void {
    try {
      call();
    } catch (err) {
      this.logger.error({ err, callback: name }, 'xDS callback threw; ignored');
    }
  }
}
