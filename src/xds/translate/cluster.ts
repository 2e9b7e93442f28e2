/** ClusterIR → Envoy Cluster (EDS over ADS) and its ClusterLoadAssignment. */
import { type ClusterIR } from '../../ir/types';
import type { Cluster } from '../../generated/envoy/config/cluster/v3/Cluster';
import type { ClusterLoadAssignment } from '../../generated/envoy/config/endpoint/v3/ClusterLoadAssignment';
import type { HttpProtocolOptions } from '../../generated/envoy/extensions/upstreams/http/v3/HttpProtocolOptions';
import { clusterPolicyFields, commonHttpProtocolOptions, http2ConnectionKeepalive } from './cluster-traffic-policy';
import { typedConfig, TypedConfigUrl } from './typed-config';

export function buildCluster(c: ClusterIR): Cluster {
  const { connect_timeout, lb_policy, ...policy } = clusterPolicyFields(c);
  const cluster: Cluster = {
    name: c.name,
    type: 'EDS',
    eds_cluster_config: { service_name: c.name, eds_config: { ads: {}, resource_api_version: 'V3' } },
    connect_timeout,
    lb_policy,
    ...policy,
  };
  const options = protocolOptions(c);
  if (options) {
    cluster.typed_extension_protocol_options = {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': typedConfig(TypedConfigUrl.HttpProtocolOptions, options),
    };
  }
  return cluster;
}

/**
 * gRPC backends speak HTTP/2; without TLS that is h2c with prior knowledge. An HTTP/1.1 cluster
 * needs protocol options only when a policy sets one (Envoy's default is HTTP/1.1 already); the
 * HTTP/2 PING keepalive only exists on HTTP/2 clusters.
 */
function protocolOptions(c: ClusterIR): HttpProtocolOptions | undefined {
  const common = commonHttpProtocolOptions(c.trafficPolicy);
  if (c.protocol === 'h2c') {
    const keepalive = http2ConnectionKeepalive(c.trafficPolicy);
    const options: HttpProtocolOptions = { explicit_http_config: { http2_protocol_options: keepalive ? { connection_keepalive: keepalive } : {} } };
    if (common) options.common_http_protocol_options = common;
    return options;
  }
  if (!common) return undefined;
  return { common_http_protocol_options: common, explicit_http_config: { http_protocol_options: {} } };
}

export function buildClusterLoadAssignment(c: ClusterIR): ClusterLoadAssignment {
  return {
    cluster_name: c.name,
    endpoints:
      c.endpoints.length === 0
        ? []
        : [
            {
              // gRPC's xDS clients reject a group without a locality and ignore one without a weight;
              // Envoy accepts both, and uses the weight only with locality-weighted balancing.
              locality: {},
              load_balancing_weight: { value: 1 },
              lb_endpoints: c.endpoints.map((e) => ({
                endpoint: { address: { socket_address: { address: e.address, port_value: e.port } } },
              })),
            },
          ],
  };
}
