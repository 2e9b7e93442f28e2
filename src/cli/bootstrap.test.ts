import { parse } from 'yaml';
import { renderBootstrap } from './bootstrap';

interface XdsCluster {
  name: string;
  type: string;
  load_assignment: { endpoints: Array<{ lb_endpoints: Array<{ endpoint: { address: { socket_address: { address: string; port_value: number } } } }> }> };
  transport_socket?: { name: string; typed_config: Record<string, unknown> & { sni?: string; common_tls_context: Record<string, unknown> } };
}

function xdsCluster(yaml: string): XdsCluster {
  const doc = parse(yaml) as { static_resources: { clusters: XdsCluster[] } };
  return doc.static_resources.clusters.find((c) => c.name === 'xds_cluster')!;
}

const BASE = { delta: false, gateway: 'default/gw', nodeId: 'envoy-0', admin: { host: '127.0.0.1', port: 0 } };
const TLS = { certFile: '/etc/envoy/xds-tls/tls.crt', keyFile: '/etc/envoy/xds-tls/tls.key', caFile: '/etc/envoy/xds-tls/ca.crt' };

describe('renderBootstrap: the xds_cluster', () => {
  it('is plaintext and STATIC for an address without tls', () => {
    const c = xdsCluster(renderBootstrap({ ...BASE, xds: { host: '127.0.0.1', port: 18000 } }));
    expect(c.type).toBe('STATIC');
    expect(c.transport_socket).toBeUndefined();
    expect(c.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address).toEqual({ address: '127.0.0.1', port_value: 18000 });
  });

  it('resolves a Service name (STRICT_DNS) and speaks mTLS, checking the DNS SAN and sending it as SNI', () => {
    const host = 'attache.attache-system.svc';
    const c = xdsCluster(renderBootstrap({ ...BASE, xds: { host, port: 18000 }, tls: { ...TLS, serverName: host } }));
    expect(c.type).toBe('STRICT_DNS');
    expect(c.transport_socket).toEqual({
      name: 'envoy.transport_sockets.tls',
      typed_config: {
        '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
        sni: host,
        common_tls_context: {
          alpn_protocols: ['h2'],
          tls_certificates: [{ certificate_chain: { filename: TLS.certFile }, private_key: { filename: TLS.keyFile } }],
          validation_context: {
            trusted_ca: { filename: TLS.caFile },
            match_typed_subject_alt_names: [{ san_type: 'DNS', matcher: { exact: host } }],
          },
        },
      },
    });
  });

  it('checks an IP SAN, and sends no SNI, when the server name is an address', () => {
    const c = xdsCluster(renderBootstrap({ ...BASE, xds: { host: '10.0.0.7', port: 18000 }, tls: { ...TLS, serverName: '10.0.0.7' } }));
    expect(c.type).toBe('STATIC');
    expect(c.transport_socket?.typed_config.sni).toBeUndefined();
    expect(c.transport_socket?.typed_config.common_tls_context.validation_context).toMatchObject({
      match_typed_subject_alt_names: [{ san_type: 'IP_ADDRESS', matcher: { exact: '10.0.0.7' } }],
    });
  });
});
