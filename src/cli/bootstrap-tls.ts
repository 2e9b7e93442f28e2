/**
 * The `transport_socket` of a bootstrap's xds_cluster when the control plane speaks mTLS
 * (`attache serve --xds-tls-*`): Envoy presents its client certificate, trusts only the CA given
 * for the control plane, and checks that the control plane's certificate names `serverName`
 * (a DNS SAN, or an IP SAN when the name is an address), so a certificate from the same CA
 * issued to something else is refused.
 *
 * Envoy never re-reads certificates written into a static cluster. With `sdsDir`, the client
 * certificate and the CA instead come from two SDS files (`path_config_source`) whose Secrets
 * name the PEM files and their directory as `watched_directory`: when that directory changes
 * the way a Kubernetes Secret volume does (its `..data` symlink is swapped), Envoy reloads them
 * and uses them for its next connection to the control plane.
 */
import { isIP } from 'net';
import * as path from 'path';
import { stringify } from 'yaml';
import type { TransportSocket } from '../generated/envoy/config/core/v3/TransportSocket';
import type { CommonTlsContext } from '../generated/envoy/extensions/transport_sockets/tls/v3/CommonTlsContext';
import type { Secret } from '../generated/envoy/extensions/transport_sockets/tls/v3/Secret';
import type { SubjectAltNameMatcher } from '../generated/envoy/extensions/transport_sockets/tls/v3/SubjectAltNameMatcher';
import type { UpstreamTlsContext } from '../generated/envoy/extensions/transport_sockets/tls/v3/UpstreamTlsContext';
import { TypeUrl } from '../xds/resources';
import { typedConfig, TypedConfigUrl } from '../xds/translate/typed-config';

export interface XdsClientTls {
  /** PEM client certificate (chain) Envoy presents to the control plane. */
  certFile: string;
  /** PEM private key of `certFile`. */
  keyFile: string;
  /** PEM CA bundle the control plane's certificate must chain to. */
  caFile: string;
  /** The name the control plane's certificate must carry; also sent as SNI when it is a DNS name. */
  serverName: string;
  /** Reload on change: the folder where the SDS files (`xdsClientSdsFiles`) are written. */
  sdsDir?: string;
}

/** Names of the SDS Secrets, and of the files that hold them (in `sdsDir`). */
const CLIENT_CERTIFICATE = 'xds_client_certificate';
const SERVER_CA = 'xds_server_ca';
const sdsFile = (secretName: string): string => `${secretName.replace(/_/g, '-')}.yaml`;

function certificateSecret(tls: XdsClientTls): Secret {
  return {
    name: CLIENT_CERTIFICATE,
    tls_certificate: {
      certificate_chain: { filename: tls.certFile },
      private_key: { filename: tls.keyFile },
      watched_directory: { path: path.dirname(tls.certFile) },
    },
  };
}

function caSecret(tls: XdsClientTls): Secret {
  return { name: SERVER_CA, validation_context: { trusted_ca: { filename: tls.caFile }, watched_directory: { path: path.dirname(tls.caFile) } } };
}

function commonTlsContext(tls: XdsClientTls, sanMatcher: SubjectAltNameMatcher): CommonTlsContext {
  // ADS is gRPC, so HTTP/2; the control plane's ALPN must agree (grpc-js offers h2).
  const alpn = { alpn_protocols: ['h2'] };
  if (!tls.sdsDir) {
    return {
      ...alpn,
      tls_certificates: [{ certificate_chain: { filename: tls.certFile }, private_key: { filename: tls.keyFile } }],
      validation_context: { trusted_ca: { filename: tls.caFile }, match_typed_subject_alt_names: [sanMatcher] },
    };
  }
  const fromFile = (name: string): { name: string; sds_config: { path_config_source: { path: string }; resource_api_version: 'V3' } } => ({
    name,
    sds_config: { path_config_source: { path: path.join(tls.sdsDir!, sdsFile(name)) }, resource_api_version: 'V3' },
  });
  return {
    ...alpn,
    tls_certificate_sds_secret_configs: [fromFile(CLIENT_CERTIFICATE)],
    // The SAN check stays in the bootstrap; only the CA comes from the (reloaded) SDS file.
    combined_validation_context: {
      default_validation_context: { match_typed_subject_alt_names: [sanMatcher] },
      validation_context_sds_secret_config: fromFile(SERVER_CA),
    },
  };
}

export function xdsClientTransportSocket(tls: XdsClientTls): TransportSocket {
  const ip = isIP(tls.serverName) !== 0;
  const context: UpstreamTlsContext = {
    // SNI must be a host name (RFC 6066 §3), never an address literal.
    ...(ip ? {} : { sni: tls.serverName }),
    common_tls_context: commonTlsContext(tls, { san_type: ip ? 'IP_ADDRESS' : 'DNS', matcher: { exact: tls.serverName } }),
  };
  return { name: 'envoy.transport_sockets.tls', typed_config: typedConfig(TypedConfigUrl.UpstreamTlsContext, context) };
}

/** The SDS files a bootstrap with `sdsDir` reads: one DiscoveryResponse with one Secret each. */
export function xdsClientSdsFiles(tls: XdsClientTls): Array<{ file: string; yaml: string }> {
  if (!tls.sdsDir) return [];
  return [certificateSecret(tls), caSecret(tls)].map((secret) => ({
    file: path.join(tls.sdsDir!, sdsFile(secret.name!)),
    yaml: stringify({ resources: [typedConfig(TypeUrl.Secret, secret)] }, { lineWidth: 0, defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' }),
  }));
}
