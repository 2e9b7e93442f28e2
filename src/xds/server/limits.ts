/**
 * What one xDS client may cost the control plane, whoever it is (a healthy Envoy, an old one, a
 * rogue process with a valid certificate):
 *  - ADS streams open at once per client identity (`maxStreamsPerClient`): the peer
 *    certificate's identity with mTLS (its SANs, else its subject CN, else its fingerprint — so
 *    every Envoy holding one certificate counts as one client), else the peer IP. The stream
 *    over the limit ends at once with RESOURCE_EXHAUSTED; those already open are untouched.
 *  - the size of `node.metadata` (`maxNodeMetadataBytes`, measured as its JSON text): it is kept
 *    for the stream's lifetime and shown in `/proxies`. A larger one ends the stream with
 *    INVALID_ARGUMENT — a refusal Envoy logs with our message, rather than metadata silently
 *    dropped that an operator would then look for in vain — and `node.id` and `node.cluster`
 *    are held to MAX_NODE_NAME_BYTES, as they appear in every log line of the stream.
 * One request is bounded by grpc-js' receive limit (4 MiB, `grpc.max_receive_message_length`).
 *
 * Refusals are logged with the peer and identity, at most once per identity per
 * REFUSAL_LOG_EVERY_MS (a client retrying in a loop must not flood the log either).
 */
import type { PeerCertificate } from 'tls';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Node__Output } from '../../generated/envoy/config/core/v3/Node';

export interface XdsLimits {
  /** ADS streams one client identity may hold open at once. */
  maxStreamsPerClient: number;
  /** Largest `node.metadata`, in bytes of its JSON text. */
  maxNodeMetadataBytes: number;
}

/**
 * Defaults: an Envoy holds one ADS stream, so 64 leaves room for every replica of a Gateway
 * sharing one certificate, and for every Envoy of a machine in loopback mode (one peer IP);
 * Envoy's own metadata (`--service-node` labels, a pod's labels) is well under 1 KiB, Istio's
 * richest a few KiB.
 */
export const DEFAULT_XDS_LIMITS: XdsLimits = { maxStreamsPerClient: 64, maxNodeMetadataBytes: 16 * 1024 };

/** A Kubernetes namespace/name key is at most 63 + 1 + 253 bytes; node ids are pod names or similar. */
export const MAX_NODE_NAME_BYTES = 512;
export const REFUSAL_LOG_EVERY_MS = 10_000;
/** Identities whose last refusal log time is remembered; past it the memory starts afresh. */
const MAX_REMEMBERED_REFUSALS = 1024;

/** What grpc-js tells about a call's peer. */
export interface PeerCall {
  getPeer(): string;
  getAuthContext?(): { sslPeerCertificate?: PeerCertificate } | null;
}

/** `127.0.0.1` of `127.0.0.1:5000`, `::1` of `::1:5000` (grpc-js does not bracket IPv6). */
export function peerAddress(peer: string): string {
  const bare = peer.replace(/^(ipv4|ipv6):/, '');
  const bracketed = /^\[(.*)\]:\d+$/.exec(bare);
  if (bracketed) return bracketed[1];
  const i = bare.lastIndexOf(':');
  return i > 0 && /^\d+$/.test(bare.slice(i + 1)) ? bare.slice(0, i) : bare;
}

/** Who a call comes from, for counting: the certificate's identity with mTLS, else the peer IP. */
export function clientIdentity(call: PeerCall): string {
  const cert = call.getAuthContext?.()?.sslPeerCertificate;
  if (cert?.raw) {
    if (cert.subjectaltname) return `certificate ${cert.subjectaltname.split(/,\s*/).sort().join(', ')}`;
    const cn = cert.subject?.CN;
    if (cn) return `certificate CN=${Array.isArray(cn) ? cn.join('+') : cn}`;
    return `certificate sha256 ${cert.fingerprint256}`;
  }
  return `address ${peerAddress(call.getPeer())}`;
}

/** The size `value` would have as JSON, counted without building it; stops counting past `limit`. */
export function jsonSize(value: unknown, limit = Number.MAX_SAFE_INTEGER): number {
  let size = 0;
  // Iterative: a hostile nesting cannot exhaust the stack here.
  const stack: unknown[] = [value];
  while (stack.length > 0 && size <= limit) {
    const v = stack.pop();
    if (typeof v === 'string') size += Buffer.byteLength(JSON.stringify(v));
    else if (typeof v === 'number' || typeof v === 'boolean') size += String(v).length;
    else if (Array.isArray(v)) {
      size += 2 + Math.max(0, v.length - 1);
      for (const item of v) stack.push(item);
    } else if (typeof v === 'object' && v !== null) {
      const entries = Object.entries(v).filter(([, item]) => item !== undefined);
      size += 2 + Math.max(0, entries.length - 1);
      for (const [k, item] of entries) {
        size += Buffer.byteLength(JSON.stringify(k)) + 1;
        stack.push(item);
      }
    } else size += 4; // null
  }
  return size;
}

/**
 * `node.metadata` as the JSON it stands for, without recursion: a decoded
 * `google.protobuf.Struct` wraps every value (`{fields: {k: {string_value: 'v'}}}`), and only
 * what it stands for counts.
 */
function structContent(struct: unknown): unknown {
  const root: { value?: unknown } = {};
  const work: Array<{ from: unknown; into: (v: unknown) => void }> = [{ from: { struct_value: struct }, into: (v) => (root.value = v) }];
  while (work.length > 0) {
    const { from, into } = work.pop() as { from: Record<string, unknown>; into: (v: unknown) => void };
    const struct = (from.struct_value ?? from.structValue) as { fields?: Record<string, unknown> } | undefined;
    const list = (from.list_value ?? from.listValue) as { values?: unknown[] } | undefined;
    if (struct) {
      const out: Record<string, unknown> = {};
      into(out);
      for (const [k, v] of Object.entries(struct.fields ?? {})) work.push({ from: (v ?? {}) as Record<string, unknown>, into: (x) => (out[k] = x) });
    } else if (list) {
      const out: unknown[] = new Array<unknown>((list.values ?? []).length);
      into(out);
      (list.values ?? []).forEach((v, i) => work.push({ from: (v ?? {}) as Record<string, unknown>, into: (x) => (out[i] = x) }));
    } else {
      const scalar = ['string_value', 'stringValue', 'number_value', 'numberValue', 'bool_value', 'boolValue'].find((k) => from[k] !== undefined);
      into(scalar === undefined ? null : from[scalar]);
    }
  }
  return root.value;
}

/** Why a node is refused, or undefined when it is within the limits. */
export function nodeRefusal(node: Node__Output, limits: XdsLimits): string | undefined {
  for (const field of ['id', 'cluster'] as const) {
    const bytes = Buffer.byteLength(node[field] ?? '');
    if (bytes > MAX_NODE_NAME_BYTES) return `node.${field} is ${bytes} bytes; at most ${MAX_NODE_NAME_BYTES} are accepted`;
  }
  if (!node.metadata) return undefined;
  const bytes = jsonSize(structContent(node.metadata), limits.maxNodeMetadataBytes);
  if (bytes > limits.maxNodeMetadataBytes) {
    return `node.metadata is over ${limits.maxNodeMetadataBytes} bytes as JSON, the control plane's limit (--xds-max-node-metadata-bytes)`;
  }
  return undefined;
}

/** Counts the open streams of each client identity and refuses those over the limit. */
export class StreamLimiter {
  private readonly open = new Map<string, number>();
  private readonly lastLogged = new Map<string, number>();

  constructor(
    readonly limits: XdsLimits,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Counts the call's stream, or ends it with RESOURCE_EXHAUSTED and returns false. The count
   * goes down once the call ends, however it ends.
   */
  admit(call: PeerCall & Pick<grpc.ServerDuplexStream<unknown, unknown>, 'on' | 'emit'>): boolean {
    const identity = clientIdentity(call);
    const count = this.open.get(identity) ?? 0;
    if (count >= this.limits.maxStreamsPerClient) {
      const details = `${identity} already has ${count} ADS streams open, the control plane's limit (--xds-max-streams-per-client)`;
      this.refused(identity, call.getPeer(), details);
      call.emit('error', { code: grpc.status.RESOURCE_EXHAUSTED, details });
      return false;
    }
    this.open.set(identity, count + 1);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      const left = (this.open.get(identity) ?? 1) - 1;
      if (left > 0) this.open.set(identity, left);
      else this.open.delete(identity);
    };
    call.on('close', release);
    call.on('cancelled', release);
    call.on('finish', release);
    return true;
  }

  /** Open streams of an identity (for tests and the debug view). */
  streamsOf(identity: string): number {
    return this.open.get(identity) ?? 0;
  }

  /** Why a stream's node is refused (logged), or undefined: see `nodeRefusal`. */
  checkNode(node: Node__Output | null, peer: string): string | undefined {
    const refusal = node ? nodeRefusal(node, this.limits) : undefined;
    if (refusal !== undefined) this.refused(`address ${peerAddress(peer)}`, peer, refusal);
    return refusal;
  }

  /** Logs a refusal, at most once per identity per REFUSAL_LOG_EVERY_MS. */
  refused(identity: string, peer: string, details: string): void {
    const now = this.now();
    const last = this.lastLogged.get(identity);
    if (last !== undefined && now - last < REFUSAL_LOG_EVERY_MS) return;
    if (this.lastLogged.size >= MAX_REMEMBERED_REFUSALS) this.lastLogged.clear();
    this.lastLogged.set(identity, now);
    this.log.warn({ identity, peer, details }, 'xDS stream refused: over a per-client limit');
  }
}
