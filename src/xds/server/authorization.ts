/**
 * xDS authorization: which Gateways an ADS client may ask for.
 *
 * mTLS (tls.ts) only says that a client's certificate chains to the client CA; it says nothing
 * about which Gateway the client serves. A stream names its Gateway itself, in `node.cluster`
 * (the node key, cache/node-key.ts), and that Gateway's snapshot carries its listeners' private
 * keys (SDS). So the certificate must also name the Gateway: a client may ask only for a Gateway
 * one of its Subject Alternative Names stands for, in one of two forms, under one trust domain:
 *
 *   URI  spiffe://<trust-domain>/ns/<namespace>/gateway/<name>   (SPIFFE ID; cert-manager, SPIRE)
 *   DNS  <name>.<namespace>.gateway.<trust-domain>                (any CA tool, Helm's genSignedCert)
 *
 * The DNS form exists because Helm's certificate functions (Sprig) write only DNS and IP SANs;
 * it is unambiguous because a namespace (a DNS label) holds no dot, while a Gateway name may.
 * A certificate may name several Gateways (one SAN each). There is no wildcard and no admin
 * identity: nothing but a Gateway's own proxies ever needs its keys, and the debug endpoint (not
 * xDS) is where people look.
 *
 * Without TLS (`--xds-plaintext`, loopback only) there is no identity to check: every client is
 * trusted, so that mode is single-tenant by definition.
 *
 * Everything here but `xdsAuthorizer` is pure: SAN text in, Gateways out.
 */
import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';

/** What grpc-js' `call.getAuthContext()` returns (the type itself is not exported by grpc-js). */
export type AuthContext = ReturnType<grpc.ServerDuplexStream<unknown, unknown>['getAuthContext']>;

/** Istio's and Linkerd's default, and Kubernetes' cluster domain. */
export const DEFAULT_TRUST_DOMAIN = 'cluster.local';

/** A namespace: an RFC 1123 label. */
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** A Gateway name: an RFC 1123 subdomain (labels joined by dots), at most 253 characters. */
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A SPIFFE trust domain (lowercase letters, digits, dots, dashes, underscores). */
const TRUST_DOMAIN = /^[a-z0-9._-]{1,255}$/;

/** Whether `value` can be a trust domain; the CLI refuses anything else. */
export function isTrustDomain(value: string): boolean {
  return TRUST_DOMAIN.test(value) && !value.startsWith('.') && !value.endsWith('.');
}

function gatewayKey(namespace: string, name: string): string | undefined {
  return NAMESPACE.test(namespace) && name.length <= 253 && NAME.test(name) ? `${namespace}/${name}` : undefined;
}

/** The SPIFFE ID that lets a client ask for `gateway` (`namespace/name`). */
export function gatewaySpiffeId(gateway: string, trustDomain = DEFAULT_TRUST_DOMAIN): string {
  const [namespace, name] = gateway.split('/');
  return `spiffe://${trustDomain}/ns/${namespace}/gateway/${name}`;
}

/** The DNS SAN that lets a client ask for `gateway` (`namespace/name`). */
export function gatewayDnsName(gateway: string, trustDomain = DEFAULT_TRUST_DOMAIN): string {
  const [namespace, name] = gateway.split('/');
  return `${name}.${namespace}.gateway.${trustDomain}`;
}

/** One SAN entry as Node prints it: `DNS:a.example`, `URI:spiffe://…`, `IP Address:10.0.0.1`. */
export interface SubjectAltNameEntry {
  type: string;
  value: string;
}

/**
 * Splits Node's `subjectaltname` text (`DNS:a, URI:b, …`) into entries. Node writes a value
 * holding a comma, quote or other character that would make the text ambiguous as a JSON
 * string (CVE-2021-44532), so that is decoded too. Text that does not follow this grammar gives
 * undefined: a certificate we cannot read names no Gateway.
 */
export function parseSubjectAltName(text: string): SubjectAltNameEntry[] | undefined {
  const entry = /([A-Za-z ]+):("(?:[^"\\]|\\.)*"|[^,"]*)(, |$)/y;
  const entries: SubjectAltNameEntry[] = [];
  while (entry.lastIndex < text.length) {
    const m = entry.exec(text);
    if (!m) return undefined;
    let value = m[2];
    if (value.startsWith('"')) {
      try {
        value = JSON.parse(value) as string;
      } catch {
        return undefined;
      }
    }
    entries.push({ type: m[1], value });
    if (m[3] === '') break;
  }
  return entries;
}

/** The Gateway (`namespace/name`) one SAN entry stands for under `trustDomain`, if any. */
export function gatewayOfSan(san: SubjectAltNameEntry, trustDomain: string): string | undefined {
  if (san.type === 'URI') {
    const prefix = `spiffe://${trustDomain}/ns/`;
    if (!san.value.startsWith(prefix)) return undefined;
    const m = /^([^/]+)\/gateway\/([^/]+)$/.exec(san.value.slice(prefix.length));
    return m ? gatewayKey(m[1], m[2]) : undefined;
  }
  if (san.type === 'DNS') {
    // DNS names compare without case; the Kubernetes names inside are lowercase anyway.
    const value = san.value.toLowerCase();
    const suffix = `.gateway.${trustDomain}`;
    if (!value.endsWith(suffix)) return undefined;
    const rest = value.slice(0, -suffix.length);
    const dot = rest.lastIndexOf('.');
    return dot > 0 ? gatewayKey(rest.slice(dot + 1), rest.slice(0, dot)) : undefined;
  }
  return undefined;
}

/** Who is at the other end of a stream, as far as the transport can tell. */
export type XdsPeerIdentity =
  | { transport: 'plaintext' }
  | {
      transport: 'mtls';
      /** The Gateways (`namespace/name`) the certificate names; empty when it names none. */
      gateways: string[];
      /** For logs: the certificate's subject, SANs, serial and SHA-256 fingerprint (public facts only). */
      certificate: { subject: string; subjectAltName: string; serialNumber: string; fingerprint256: string };
    };

/** Longest SAN text kept for a log line; a certificate may carry many. */
const MAX_LOGGED_SAN = 1024;

/**
 * The identity of a peer from grpc-js' `call.getAuthContext()`: on a TLS connection whose client
 * certificate verified, `sslPeerCertificate` is Node's `getPeerCertificate()`; otherwise both
 * fields are unset.
 */
export function peerIdentity(auth: AuthContext, trustDomain: string): XdsPeerIdentity {
  const cert = auth.transportSecurityType === 'ssl' ? auth.sslPeerCertificate : undefined;
  if (!cert) return { transport: 'plaintext' };
  const san = cert.subjectaltname ?? '';
  const gateways = new Set<string>();
  for (const entry of parseSubjectAltName(san) ?? []) {
    const gateway = gatewayOfSan(entry, trustDomain);
    if (gateway) gateways.add(gateway);
  }
  const subject = Object.entries(cert.subject ?? {})
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
    .join(', ');
  return {
    transport: 'mtls',
    gateways: [...gateways].sort(),
    certificate: {
      subject,
      subjectAltName: san.length > MAX_LOGGED_SAN ? `${san.slice(0, MAX_LOGGED_SAN)}…` : san,
      serialNumber: cert.serialNumber ?? '',
      fingerprint256: cert.fingerprint256 ?? '',
    },
  };
}

/**
 * The longest node.cluster quoted back in a refusal (status details, log line): the client
 * chooses it, and a Gateway key is at most 63 + 1 + 253 characters.
 */
const MAX_SHOWN_KEY = 317;

export type Decision = { allowed: true } | { allowed: false; reason: string };

/**
 * The policy: may `peer` be served the snapshot of `key` (the Gateway `namespace/name` its node
 * names)? `identityRequired` is true on a server that speaks mTLS: a connection without a
 * verified certificate never reaches a stream there, and if one did it would get nothing.
 */
export function authorize(peer: XdsPeerIdentity, key: string, identityRequired: boolean, trustDomain: string): Decision {
  if (peer.transport === 'plaintext') {
    return identityRequired ? { allowed: false, reason: 'xDS needs a verified client certificate' } : { allowed: true };
  }
  if (peer.gateways.includes(key)) return { allowed: true };
  const names = peer.gateways.length === 0 ? 'names no Gateway' : `names only Gateway${peer.gateways.length > 1 ? 's' : ''} ${peer.gateways.join(', ')}`;
  const shown = JSON.stringify(bounded(key));
  if (!/^[^/]+\/[^/]+$/.test(key) || key.length > MAX_SHOWN_KEY) {
    return { allowed: false, reason: `node.cluster ${shown}: not a Gateway NAMESPACE/NAME; this client certificate ${names}` };
  }
  const expected = `URI SAN ${gatewaySpiffeId(key, trustDomain)} or DNS SAN ${gatewayDnsName(key, trustDomain)}`;
  return { allowed: false, reason: `node.cluster ${shown}: this client certificate ${names}; serving that Gateway needs a certificate with ${expected}` };
}

/** What a stream asks before it serves its node (stream.ts `identify`). */
export type StreamAuthorizer = (auth: AuthContext, key: string, log: Logger) => string | undefined;

export interface XdsAuthorizationOptions {
  /** The trust domain of the SANs that name Gateways; default `cluster.local`. */
  trustDomain?: string;
}

function bounded(key: string): string {
  return key.length > MAX_SHOWN_KEY ? `${key.slice(0, MAX_SHOWN_KEY)}…` : key;
}

/** One warning per certificate and Gateway asked for in this window; repeats are counted. */
export const REFUSAL_LOG_WINDOW_MS = 60_000;
/** Certificate/Gateway pairs remembered for that; the oldest is forgotten beyond it. */
export const REFUSAL_LOG_ENTRIES = 1024;

/**
 * Which refusals are logged as warnings: the first of each (certificate, Gateway) pair, then one
 * per window saying how many were refused since. A client that retries in a loop (Envoy retries
 * every refused stream, a rogue client as fast as it likes) cannot flood the log; every refusal
 * is still logged at debug.
 */
export class RefusalLog {
  private readonly seen = new Map<string, { loggedAt: number; repeats: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Undefined to stay quiet; otherwise the refusals of the pair not logged since the last warning. */
  warn(pair: string): { repeats: number } | undefined {
    const at = this.now();
    const entry = this.seen.get(pair);
    if (entry && at - entry.loggedAt < REFUSAL_LOG_WINDOW_MS) {
      entry.repeats += 1;
      return undefined;
    }
    const repeats = entry?.repeats ?? 0;
    this.seen.delete(pair); // re-inserted last: the Map's order is then least recently logged first
    this.seen.set(pair, { loggedAt: at, repeats: 0 });
    if (this.seen.size > REFUSAL_LOG_ENTRIES) this.seen.delete(this.seen.keys().next().value as string);
    return { repeats };
  }
}

/**
 * The authorizer of one server: returns undefined to serve, or the reason to refuse (sent to the
 * client as PERMISSION_DENIED), after logging the refusal with the peer's identity — public
 * certificate facts only, never a key (`RefusalLog` bounds how often). `identityRequired()` is
 * read per stream (ads.ts sets it once the server listens with TLS).
 */
export function xdsAuthorizer(options: XdsAuthorizationOptions, identityRequired: () => boolean, refusals = new RefusalLog()): StreamAuthorizer {
  const trustDomain = options.trustDomain ?? DEFAULT_TRUST_DOMAIN;
  return (auth, key, log) => {
    const peer = peerIdentity(auth, trustDomain);
    const decision = authorize(peer, key, identityRequired(), trustDomain);
    if (decision.allowed) return undefined;
    const identity = peer.transport === 'mtls' ? { gateways: peer.gateways, ...peer.certificate } : { transport: peer.transport };
    const fields = { key: bounded(key), identity, reason: decision.reason };
    const warning = refusals.warn(`${peer.transport === 'mtls' ? peer.certificate.fingerprint256 : 'plaintext'} ${bounded(key)}`);
    if (warning)
      log.warn(
        { ...fields, ...(warning.repeats > 0 ? { refusedSinceLastWarning: warning.repeats } : {}) },
        'xDS stream refused: the client may not ask for this Gateway',
      );
    else log.debug(fields, 'xDS stream refused: the client may not ask for this Gateway');
    return decision.reason;
  };
}
