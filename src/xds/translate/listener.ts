/**
 * HTTPListener → Envoy Listener: one socket; each filter chain has an HttpConnectionManager that
 * fetches its routes over RDS (ADS), so route changes never touch the Listener and never drain
 * connections. TLS chains are chosen by SNI (`filter_chain_match.server_names`, read by the TLS
 * inspector) and fetch their certificates over SDS.
 */
import { type FilterChainIR, type HTTPListener } from '../../ir/types';
import type { FilterChain } from '../../generated/envoy/config/listener/v3/FilterChain';
import type { Listener } from '../../generated/envoy/config/listener/v3/Listener';
import type { HttpConnectionManager } from '../../generated/envoy/extensions/filters/network/http_connection_manager/v3/HttpConnectionManager';
import type { HttpFilter } from '../../generated/envoy/extensions/filters/network/http_connection_manager/v3/HttpFilter';
import type { Router } from '../../generated/envoy/extensions/filters/http/router/v3/Router';
import type { GrpcWeb } from '../../generated/envoy/extensions/filters/http/grpc_web/v3/GrpcWeb';
import type { FilterConfig as GrpcStats } from '../../generated/envoy/extensions/filters/http/grpc_stats/v3/FilterConfig';
import { downstreamTlsTransportSocket, tlsInspectorFilter } from './secret';
import { localRateLimitFilter, needsLocalRateLimit } from './local-rate-limit';
import { seconds, typedConfig, TypedConfigUrl } from './typed-config';

export function buildListener(l: HTTPListener): Listener {
  const listener: Listener = {
    name: l.name,
    address: { socket_address: { address: l.address, port_value: l.port } },
    filter_chains: l.filterChains.map((chain) => buildFilterChain(chain, l.port)),
  };
  // Without the inspector, SNI is unknown when the chain is chosen and server_names never match.
  if (l.filterChains.some((chain) => chain.tls)) listener.listener_filters = [tlsInspectorFilter()];
  return listener;
}

function buildFilterChain(chain: FilterChainIR, port: number): FilterChain {
  const hcm: HttpConnectionManager = {
    stat_prefix: chain.tls ? `https-${port}` : `http-${port}`,
    // AUTO serves HTTP/1.1 and HTTP/2 with prior knowledge (h2c), which plaintext gRPC clients use.
    codec_type: 'AUTO',
    rds: {
      route_config_name: chain.routeConfigName,
      // 0s: do not hold the listener warming if RDS is late; ADS ordering sends routes right after.
      config_source: { ads: {}, resource_api_version: 'V3', initial_fetch_timeout: seconds(0) },
    },
    http_filters: httpFilters(chain),
    // Long-lived gRPC streams: no idle timeout imposed by the proxy by default (Envoy's is 5 min,
    // which cuts quiet watch-style streams). The price: a stream whose client vanished without
    // closing the connection lives until TCP notices. Not configurable yet; a Gateway annotation
    // like attache.dev/grpc-web would be the natural place if operators need a bound.
    stream_idle_timeout: seconds(0),
    // WebSocket (HTTP/1.1 Upgrade) passes through to HTTP/1.1 backends, e.g. a Service port with
    // appProtocol kubernetes.io/ws (HTTPRouteBackendProtocolWebSocket); Envoy refuses upgrades otherwise.
    upgrade_configs: [{ upgrade_type: 'websocket' }],
  };
  const out: FilterChain = {
    name: chain.name,
    filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: typedConfig(TypedConfigUrl.HttpConnectionManager, hcm) }],
  };
  // No server_names (a listener without hostname) matches any SNI, and none: the fallback chain.
  if (chain.serverNames.length > 0) out.filter_chain_match = { server_names: [...chain.serverNames] };
  if (chain.tls) out.transport_socket = downstreamTlsTransportSocket(chain.tls.secretNames);
  return out;
}

function httpFilters(l: FilterChainIR): HttpFilter[] {
  const filters: HttpFilter[] = [];
  if (l.grpc.web) {
    filters.push({ name: 'envoy.filters.http.grpc_web', typed_config: typedConfig<GrpcWeb>(TypedConfigUrl.GrpcWeb, {}) });
  }
  if (l.grpc.stats) {
    const stats: GrpcStats = { emit_filter_state: true, stats_for_all_methods: { value: true } };
    filters.push({ name: 'envoy.filters.http.grpc_stats', typed_config: typedConfig(TypedConfigUrl.GrpcStats, stats) });
  }
  // Only where a route is rate limited, so chains without one keep today's filters.
  if (needsLocalRateLimit(l)) filters.push(localRateLimitFilter());
  // The router is always last (HCM requirement).
  filters.push({ name: 'envoy.filters.http.router', typed_config: typedConfig<Router>(TypedConfigUrl.Router, {}) });
  return filters;
}
