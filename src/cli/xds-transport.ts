/**
 * How `attache serve` protects the xDS connection, decided from its flags.
 *
 * xDS carries every route, backend address and (for HTTPS listeners) private key of the
 * Gateways it serves, and whoever can open an ADS stream can ask for any Gateway's snapshot by
 * naming it in node.cluster. So the server speaks mTLS — Envoy must present a certificate from
 * a CA we name — and plaintext is allowed only where nobody else can connect (a loopback
 * address) and only when asked for by name, so that it is never the result of a forgotten flag.
 */
import * as path from 'path';
import type { FlagSpec, ParsedFlags } from './flags';
import { flag, UsageError } from './flags';
import type { XdsTlsFiles } from '../xds/server/tls';
import { DEFAULT_TRUST_DOMAIN, isTrustDomain } from '../xds/server/authorization';
import type { XdsClientTls } from './bootstrap-tls';

export const XDS_TRANSPORT_FLAGS: FlagSpec[] = [
  { name: 'xds-tls-cert', description: 'PEM certificate the xDS server presents to Envoy (mTLS; reloaded when the file changes)' },
  { name: 'xds-tls-key', description: 'PEM private key of --xds-tls-cert' },
  { name: 'xds-tls-client-ca', description: 'PEM CA bundle that Envoy client certificates must chain to' },
  { name: 'xds-plaintext', description: 'serve xDS without TLS; allowed only on a loopback --xds-address', boolean: true },
  {
    name: 'xds-trust-domain',
    description: `trust domain of the client certificate SANs that name Gateways: spiffe://TD/ns/NS/gateway/NAME or NAME.NS.gateway.TD (mTLS; default ${DEFAULT_TRUST_DOMAIN})`,
  },
];

/** mTLS: the files, and the trust domain of the SANs that say which Gateways a client may ask for. */
export type XdsTransport = { kind: 'plaintext' } | { kind: 'mtls'; files: XdsTlsFiles; trustDomain: string };

/** 127.0.0.0/8, ::1 and localhost: addresses no other machine (or Pod) can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare === '::1' || bare === '0:0:0:0:0:0:0:1') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(bare);
  return m !== null && m.slice(1).every((octet) => Number(octet) <= 255);
}

/** `attache bootstrap`'s side: the client certificate Envoy presents and the CA it trusts. */
export const XDS_CLIENT_TRANSPORT_FLAGS: FlagSpec[] = [
  { name: 'xds-tls-cert', description: 'PEM client certificate Envoy presents to the control plane (mTLS; a path on the Envoy side)' },
  { name: 'xds-tls-key', description: 'PEM private key of --xds-tls-cert' },
  { name: 'xds-tls-ca', description: "PEM CA bundle the control plane's certificate must chain to" },
  { name: 'xds-tls-server-name', description: "name the control plane's certificate must carry, also the SNI (default: the host of --xds)" },
  {
    name: 'xds-tls-reload',
    description: 'reload the certificate and CA when their folder changes (a Kubernetes Secret volume); writes two SDS files beside --output',
    boolean: true,
  },
  { name: 'xds-plaintext', description: 'connect without TLS; allowed only to a loopback --xds address', boolean: true },
];

const SERVER_TLS_FLAGS = ['xds-tls-cert', 'xds-tls-key', 'xds-tls-client-ca'] as const;
const CLIENT_TLS_FLAGS = ['xds-tls-cert', 'xds-tls-key', 'xds-tls-ca'] as const;

/**
 * The one rule for both ends: all TLS flags or none; none needs --xds-plaintext, and that only
 * on loopback. Returns whether TLS is on. `addressFlag` names the flag holding `host`.
 */
function tlsChosen(parsed: ParsedFlags, tlsFlags: readonly string[], host: string, addressFlag: string): boolean {
  const given = tlsFlags.filter((name) => flag(parsed, name) !== undefined);
  const plaintext = flag(parsed, 'xds-plaintext') === 'true';
  const all = `--${tlsFlags.join(', --')}`;
  if (given.length > 0 && plaintext) {
    throw new UsageError(`--xds-plaintext: cannot be combined with --${given.join(', --')}; pick mTLS or plaintext`);
  }
  if (given.length > 0 && given.length < tlsFlags.length) {
    const missing = tlsFlags.filter((name) => !given.includes(name));
    throw new UsageError(`xDS mTLS needs ${all} together; missing --${missing.join(', --')}`);
  }
  if (given.length === tlsFlags.length) return true;
  const loopback = isLoopbackHost(host);
  if (!plaintext) {
    throw new UsageError(
      `xDS needs mTLS: pass ${all}` +
        (loopback
          ? `, or --xds-plaintext to go without TLS on this loopback address`
          : ` (--${addressFlag} ${host} is not loopback, so --xds-plaintext is not allowed)`),
    );
  }
  if (!loopback) {
    throw new UsageError(`--xds-plaintext: allowed only with a loopback --${addressFlag} (127.0.0.0/8, ::1, localhost), got ${host}; use ${all}`);
  }
  return false;
}

export function xdsTransport(parsed: ParsedFlags, xdsHost: string): XdsTransport {
  const trustDomain = flag(parsed, 'xds-trust-domain');
  if (!tlsChosen(parsed, SERVER_TLS_FLAGS, xdsHost, 'xds-address')) {
    // Plaintext has no client identity to check: every local client may ask for every Gateway.
    if (trustDomain !== undefined) throw new UsageError('--xds-trust-domain: only used with mTLS (--xds-tls-cert, --xds-tls-key, --xds-tls-client-ca)');
    return { kind: 'plaintext' };
  }
  if (trustDomain !== undefined && !isTrustDomain(trustDomain)) {
    throw new UsageError(`--xds-trust-domain: "${trustDomain}" is not a trust domain (lowercase letters, digits, dots, dashes, underscores)`);
  }
  return {
    kind: 'mtls',
    files: { certFile: flag(parsed, 'xds-tls-cert')!, keyFile: flag(parsed, 'xds-tls-key')!, clientCaFile: flag(parsed, 'xds-tls-client-ca')! },
    trustDomain: trustDomain ?? DEFAULT_TRUST_DOMAIN,
  };
}

/** `attache bootstrap`: the client TLS settings, or undefined for (allowed) plaintext. */
export function xdsClientTls(parsed: ParsedFlags, xdsHost: string): XdsClientTls | undefined {
  if (!tlsChosen(parsed, CLIENT_TLS_FLAGS, xdsHost, 'xds')) {
    for (const name of ['xds-tls-server-name', 'xds-tls-reload']) {
      if (flag(parsed, name) !== undefined) throw new UsageError(`--${name}: only used with --xds-tls-cert, --xds-tls-key, --xds-tls-ca`);
    }
    return undefined;
  }
  const output = flag(parsed, 'output');
  if (flag(parsed, 'xds-tls-reload') === 'true' && output === undefined)
    throw new UsageError('--xds-tls-reload: needs --output (its SDS files are written beside it)');
  return {
    certFile: flag(parsed, 'xds-tls-cert')!,
    keyFile: flag(parsed, 'xds-tls-key')!,
    caFile: flag(parsed, 'xds-tls-ca')!,
    serverName: flag(parsed, 'xds-tls-server-name') ?? xdsHost.replace(/^\[(.*)\]$/, '$1'),
    ...(flag(parsed, 'xds-tls-reload') === 'true' ? { sdsDir: path.dirname(path.resolve(output!)) } : {}),
  };
}
