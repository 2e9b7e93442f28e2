/**
 * The `transport_socket` of a bootstrap's xds_cluster when the control plane speaks mTLS
 * (`attache serve --xds-tls-*`): Envoy presents its client certificate, trusts only the CA given
 * for the control plane, and checks that the control plane's certificate names `serverName`
 * (a DNS SAN, or an IP SAN when the name is an address), so a certificate from the same CA
 * issued to something else is refused.
 *
 * The files are read by Envoy, on Envoy's machine, at start-up; Envoy does not re-read static
 * certificates, so a rotated client certificate takes effect when Envoy restarts.
 */
import { isIP } from 'net';
import type { TransportSocket } from '../generated/envoy/config/core/v3/TransportSocket';
import type { UpstreamTlsContext } from '../generated/envoy/extensions/transport_sockets/tls/v3/UpstreamTlsContext';
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
}

export function xdsClientTransportSocket(tls: XdsClientTls): TransportSocket {
  const ip = isIP(tls.serverName) !== 0;
  const context: UpstreamTlsContext = {
    // SNI must be a host name (RFC 6066 §3), never an address literal.
    ...(ip ? {} : { sni: tls.serverName }),
    common_tls_context: {
      // ADS is gRPC, so HTTP/2; the control plane's ALPN must agree (grpc-js offers h2).
      alpn_protocols: ['h2'],
      tls_certificates: [{ certificate_chain: { filename: tls.certFile }, private_key: { filename: tls.keyFile } }],
      validation_context: {
        trusted_ca: { filename: tls.caFile },
        match_typed_subject_alt_names: [{ san_type: ip ? 'IP_ADDRESS' : 'DNS', matcher: { exact: tls.serverName } }],
      },
    },
  };
  return { name: 'envoy.transport_sockets.tls', typed_config: typedConfig(TypedConfigUrl.UpstreamTlsContext, context) };
}
