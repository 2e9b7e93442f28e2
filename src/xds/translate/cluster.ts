/** ClusterIR → Envoy Cluster (EDS over ADS) and its ClusterLoadAssignment. */
import { type ClusterIR } from '../../ir/types';
import type { Cluster } from '../../generated/envoy/config/cluster/v3/Cluster';
import type { ClusterLoadAssignment } from '../../generated/envoy/config/endpoint/v3/ClusterLoadAssignment';
import type { HttpProtocolOptions } from '../../generated/envoy/extensions/upstreams/http/v3/HttpProtocolOptions';
import { seconds, typedConfig, TypedConfigUrl } from './typed-config';

export function buildCluster(c: ClusterIR): Cluster {
  const cluster: Cluster = {
    name: c.name,
    type: 'EDS',
    eds_cluster_config: { service_name: c.name, eds_config: { ads: {}, resource_api_version: 'V3' } },
    connect_timeout: seconds(5),
    lb_policy: 'ROUND_ROBIN',
  };
  if (c.protocol === 'h2c') {
    // gRPC backends speak HTTP/2; without TLS that is h2c with prior knowledge.
    const options: HttpProtocolOptions = { explicit_http_config: { http2_protocol_options: {} } };
    cluster.typed_extension_protocol_options = {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': typedConfig(TypedConfigUrl.HttpProtocolOptions, options),
    };
  }
  return cluster;
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
