/**
 * Packing a message into an Any (`typed_config`). The generated Any type accepts any object with
 * an `@type`, so the message is first checked against its own generated type at the call site:
 * `typedConfig<Router>(ROUTER, {...})` keeps misspelled fields out of nested configs.
 */
import type { AnyExtension } from '@grpc/proto-loader';

export function typedConfig<T extends object>(typeUrl: string, message: T): AnyExtension {
  return { '@type': typeUrl, ...message };
}

export const TypedConfigUrl = {
  HttpConnectionManager: 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
  Router: 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router',
  GrpcWeb: 'type.googleapis.com/envoy.extensions.filters.http.grpc_web.v3.GrpcWeb',
  GrpcStats: 'type.googleapis.com/envoy.extensions.filters.http.grpc_stats.v3.FilterConfig',
  HttpProtocolOptions: 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
  DownstreamTlsContext: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
  UpstreamTlsContext: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
  LocalRateLimit: 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit',
  TlsInspector: 'type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector',
} as const;

/** A Duration literal in the protobuf object form. */
export function seconds(s: number): { seconds: string; nanos: number } {
  return { seconds: String(Math.floor(s)), nanos: Math.round((s % 1) * 1e9) };
}
