/**
 * Test builders: small but real Envoy resources as plain objects (the form translation hands
 * to `buildSnapshot`), wired by name the way Attaché wires them (Listener → RDS over ADS,
 * Cluster → EDS over ADS, TLS via SDS over ADS). Used by the cache and server tests only.
 */
import { TypeUrl } from '../../src/xds/resources';
import type { SnapshotInput } from '../../src/xds/cache/snapshot';

export const HCM_TYPE = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const ROUTER_TYPE = 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router';
export const DOWNSTREAM_TLS_TYPE = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext';

const ADS = { ads: {}, resource_api_version: 'V3' };

export function fakeHcm(routeConfigName: string): object {
  return {
    '@type': HCM_TYPE,
    stat_prefix: 'http',
    rds: { route_config_name: routeConfigName, config_source: ADS },
    http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': ROUTER_TYPE } }],
  };
}

export interface FakeListenerOptions {
  port?: number;
  /** SDS secret for the filter chain's DownstreamTlsContext. */
  secret?: string;
}

export function fakeListener(name: string, routeConfigName: string, options: FakeListenerOptions = {}): object {
  const chain: Record<string, unknown> = {
    filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: fakeHcm(routeConfigName) }],
  };
  if (options.secret !== undefined) {
    chain.transport_socket = {
      name: 'envoy.transport_sockets.tls',
      typed_config: {
        '@type': DOWNSTREAM_TLS_TYPE,
        common_tls_context: { tls_certificate_sds_secret_configs: [{ name: options.secret, sds_config: ADS }] },
      },
    };
  }
  return {
    name,
    address: { socket_address: { address: '0.0.0.0', port_value: options.port ?? 10080 } },
    filter_chains: [chain],
  };
}

export function fakeCluster(name: string, serviceName?: string): object {
  return {
    name,
    type: 'EDS',
    connect_timeout: { seconds: 1 },
    eds_cluster_config: { eds_config: ADS, ...(serviceName ? { service_name: serviceName } : {}) },
  };
}

export function fakeClusterLoadAssignment(clusterName: string, port = 8080, ip = '10.0.0.1'): object {
  return {
    cluster_name: clusterName,
    endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: ip, port_value: port } } } }] }],
  };
}

export function fakeRouteConfiguration(name: string, clusters: readonly string[]): object {
  return {
    name,
    virtual_hosts: [
      {
        name: 'vh',
        domains: ['*'],
        routes: clusters.map((cluster, i) => ({ match: { prefix: `/${i}` }, route: { cluster } })),
      },
    ],
  };
}

export function fakeSecret(name: string, certificate = 'cert'): object {
  return {
    name,
    tls_certificate: { certificate_chain: { inline_string: certificate }, private_key: { inline_string: 'key' } },
  };
}

export interface FakeGatewayOptions {
  /** Cluster names; each gets an EDS cluster and a CLA. Default `['backend-a', 'backend-b']`. */
  clusters?: readonly string[];
  /** Port of every endpoint; change it to change every CLA. */
  endpointPort?: number;
  /** Per-cluster endpoint port overrides. */
  endpointPorts?: Readonly<Record<string, number>>;
  /** Listener names; each gets its own RouteConfiguration `<listener>-routes`. Default `['listener-80']`. */
  listeners?: readonly string[];
  /** A secret served by SDS and used by the first listener. */
  secret?: { name: string; certificate?: string };
  /** Clusters the routes point at (default: all clusters); may name clusters that do not exist. */
  routeClusters?: readonly string[];
}

/** A consistent snapshot input: listeners → route configurations → clusters → CLAs (+ optional secret). */
export function fakeGateway(options: FakeGatewayOptions = {}): SnapshotInput {
  const clusters = options.clusters ?? ['backend-a', 'backend-b'];
  const listeners = options.listeners ?? ['listener-80'];
  const routeClusters = options.routeClusters ?? clusters;
  const input: SnapshotInput = {
    [TypeUrl.Cluster]: clusters.map((name) => ({ name, resource: fakeCluster(name) })),
    [TypeUrl.ClusterLoadAssignment]: clusters.map((name) => ({
      name,
      resource: fakeClusterLoadAssignment(name, options.endpointPorts?.[name] ?? options.endpointPort ?? 8080),
    })),
    [TypeUrl.Listener]: listeners.map((name, i) => ({
      name,
      resource: fakeListener(name, `${name}-routes`, { port: 10080 + i, secret: i === 0 ? options.secret?.name : undefined }),
    })),
    [TypeUrl.RouteConfiguration]: listeners.map((name) => ({
      name: `${name}-routes`,
      resource: fakeRouteConfiguration(`${name}-routes`, routeClusters),
    })),
  };
  if (options.secret) {
    input[TypeUrl.Secret] = [{ name: options.secret.name, resource: fakeSecret(options.secret.name, options.secret.certificate) }];
  }
  return input;
}
