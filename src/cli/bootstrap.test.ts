import { parse } from 'yaml';
import { renderBootstrap } from './bootstrap';
import { xdsClientSdsFiles } from './bootstrap-tls';

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

describe('renderBootstrap with reloaded certificates (sdsDir)', () => {
  const tls = { ...TLS, serverName: 'attache.svc', sdsDir: '/etc/envoy/bootstrap' };

  it('takes the client certificate and the CA from SDS files, and keeps the SAN check inline', () => {
    const c = xdsCluster(renderBootstrap({ ...BASE, xds: { host: 'attache.svc', port: 18000 }, tls }));
    const sds = (name: string): object => ({
      name,
      sds_config: { path_config_source: { path: `/etc/envoy/bootstrap/${name.replace(/_/g, '-')}.yaml` }, resource_api_version: 'V3' },
    });
    expect(c.transport_socket?.typed_config.common_tls_context).toEqual({
      alpn_protocols: ['h2'],
      tls_certificate_sds_secret_configs: [sds('xds_client_certificate')],
      combined_validation_context: {
        default_validation_context: { match_typed_subject_alt_names: [{ san_type: 'DNS', matcher: { exact: 'attache.svc' } }] },
        validation_context_sds_secret_config: sds('xds_server_ca'),
      },
    });
  });

  it('writes one Secret per SDS file, watching the folder of the PEM files', () => {
    const files = xdsClientSdsFiles(tls).map((f) => ({ file: f.file, doc: parse(f.yaml) as unknown }));
    const type = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret';
    expect(files).toEqual([
      {
        file: '/etc/envoy/bootstrap/xds-client-certificate.yaml',
        doc: {
          resources: [
            {
              '@type': type,
              name: 'xds_client_certificate',
              tls_certificate: {
                certificate_chain: { filename: TLS.certFile },
                private_key: { filename: TLS.keyFile },
                watched_directory: { path: '/etc/envoy/xds-tls' },
              },
            },
          ],
        },
      },
      {
        file: '/etc/envoy/bootstrap/xds-server-ca.yaml',
        doc: {
          resources: [
            {
              '@type': type,
              name: 'xds_server_ca',
              validation_context: { trusted_ca: { filename: TLS.caFile }, watched_directory: { path: '/etc/envoy/xds-tls' } },
            },
          ],
        },
      },
    ]);
    expect(xdsClientSdsFiles({ ...tls, sdsDir: undefined })).toEqual([]);
  });
});

describe('renderBootstrap: the /ready listener (--ready-address)', () => {
  const listeners = (yaml: string): Array<{ name: string; address: { socket_address: { address: string; port_value: number } } }> =>
    (parse(yaml) as { static_resources: { listeners?: [] } }).static_resources.listeners ?? [];

  it('is there only when asked for, on the address given, answering /ready itself', () => {
    expect(listeners(renderBootstrap({ ...BASE, xds: { host: '127.0.0.1', port: 18000 } }))).toEqual([]);
    const yaml = renderBootstrap({ ...BASE, xds: { host: '127.0.0.1', port: 18000 }, ready: { host: '0.0.0.0', port: 19001 } });
    expect(listeners(yaml).map((l) => [l.name, l.address.socket_address])).toEqual([['ready', { address: '0.0.0.0', port_value: 19001 }]]);
    expect(yaml).toMatch(/pass_through_mode: false[\s\S]*exact: "\/ready"/);
  });
});
