/**
 * TLS termination in Envoy terms: the SDS `Secret` that carries a certificate and its key, and
 * the `DownstreamTlsContext` a filter chain uses to fetch it. Certificates travel over SDS on
 * the same ADS stream, never inline in the Listener: rotating a certificate then updates one
 * Secret and leaves the Listener, its connections and its warm state alone.
 */
import { type SecretIR } from '../../ir/types';
import type { Secret } from '../../generated/envoy/extensions/transport_sockets/tls/v3/Secret';
import type { DownstreamTlsContext } from '../../generated/envoy/extensions/transport_sockets/tls/v3/DownstreamTlsContext';
import type { TransportSocket } from '../../generated/envoy/config/core/v3/TransportSocket';
import type { ListenerFilter } from '../../generated/envoy/config/listener/v3/ListenerFilter';
import type { TlsInspector } from '../../generated/envoy/extensions/filters/listener/tls_inspector/v3/TlsInspector';
import { typedConfig, TypedConfigUrl } from './typed-config';

/**
 * ALPN offered to clients: h2 first, so gRPC clients (which require h2 over TLS) get it, and
 * HTTP/1.1 for everything else. The HCM's `codec_type: AUTO` follows what ALPN settled.
 */
const DOWNSTREAM_ALPN: readonly string[] = ['h2', 'http/1.1'];

export function buildSecret(s: SecretIR): Secret {
  return {
    name: s.name,
    tls_certificate: {
      // Bytes, not strings: protobufjs reads a string for a bytes field as base64.
      certificate_chain: { inline_bytes: Buffer.from(s.certificateChain, 'utf8') },
      private_key: { inline_bytes: Buffer.from(s.privateKey, 'utf8') },
    },
  };
}

/** The transport socket of a TLS filter chain: its certificates by SDS name, fetched over ADS. */
export function downstreamTlsTransportSocket(secretNames: readonly string[]): TransportSocket {
  const context: DownstreamTlsContext = {
    common_tls_context: {
      tls_certificate_sds_secret_configs: secretNames.map((name) => ({
        name,
        sds_config: { ads: {}, resource_api_version: 'V3' },
      })),
      alpn_protocols: [...DOWNSTREAM_ALPN],
    },
  };
  return { name: 'envoy.transport_sockets.tls', typed_config: typedConfig(TypedConfigUrl.DownstreamTlsContext, context) };
}

/** Reads the ClientHello's SNI (and ALPN) so `filter_chain_match.server_names` can choose a chain. */
export function tlsInspectorFilter(): ListenerFilter {
  return {
    name: 'envoy.filters.listener.tls_inspector',
    typed_config: typedConfig<TlsInspector>(TypedConfigUrl.TlsInspector, {}),
  };
}
