import { encodeAny } from '../proto';
import { TypeUrl } from '../resources';
import {
  DOWNSTREAM_TLS_TYPE,
  HCM_TYPE,
  fakeCluster,
  fakeClusterLoadAssignment,
  fakeHcm,
  fakeListener,
  fakeRouteConfiguration,
  fakeSecret,
} from '../../../test/support/fake-resources';
import { referencesOf } from './references';

describe('referencesOf', () => {
  it('reads RDS names from every HttpConnectionManager, including the default filter chain', () => {
    const listener = {
      ...fakeListener('l', 'routes-a'),
      default_filter_chain: { filters: [{ name: 'hcm', typed_config: fakeHcm('routes-b') }] },
    };
    expect(referencesOf(TypeUrl.Listener, listener)).toEqual({
      [TypeUrl.RouteConfiguration]: ['routes-a', 'routes-b'],
    });
  });

  it('reads SDS secrets from DownstreamTlsContext, skipping static (bootstrap) secrets', () => {
    const listener = fakeListener('l', 'routes', { secret: 'gw-cert' }) as { filter_chains: Array<Record<string, unknown>> };
    listener.filter_chains.push({
      filters: [],
      transport_socket: {
        name: 'tls',
        typed_config: {
          '@type': DOWNSTREAM_TLS_TYPE,
          // No sds_config: a static secret from Envoy's bootstrap, not ours to serve.
          common_tls_context: { tls_certificate_sds_secret_configs: [{ name: 'bootstrap-cert' }] },
        },
      },
    });
    expect(referencesOf(TypeUrl.Listener, listener)).toEqual({
      [TypeUrl.RouteConfiguration]: ['routes'],
      [TypeUrl.Secret]: ['gw-cert'],
    });
  });

  it('reads an HttpConnectionManager that is already an encoded Any', () => {
    const hcm = fakeHcm('encoded-routes') as Record<string, unknown>;
    const { '@type': _type, ...message } = hcm;
    const listener = { name: 'l', filter_chains: [{ filters: [{ name: 'hcm', typed_config: encodeAny(HCM_TYPE, message) }] }] };
    expect(referencesOf(TypeUrl.Listener, listener)).toEqual({ [TypeUrl.RouteConfiguration]: ['encoded-routes'] });
  });

  it('makes an EDS cluster refer to its service_name, or to its own name when unset', () => {
    expect(referencesOf(TypeUrl.Cluster, fakeCluster('c1'))).toEqual({ [TypeUrl.ClusterLoadAssignment]: ['c1'] });
    expect(referencesOf(TypeUrl.Cluster, fakeCluster('c2', 'svc'))).toEqual({ [TypeUrl.ClusterLoadAssignment]: ['svc'] });
    expect(referencesOf(TypeUrl.Cluster, { name: 'static', type: 'STATIC' })).toEqual({});
  });

  it('reads route, weighted and mirror clusters from a RouteConfiguration', () => {
    const routeConfig = fakeRouteConfiguration('r', ['a', 'b']) as { virtual_hosts: Array<{ routes: unknown[] }> };
    routeConfig.virtual_hosts[0].routes.push({
      match: { prefix: '/w' },
      route: {
        weighted_clusters: {
          clusters: [
            { name: 'w1', weight: 1 },
            { name: 'a', weight: 1 },
          ],
        },
        request_mirror_policies: [{ cluster: 'mirror' }],
      },
    });
    expect(referencesOf(TypeUrl.RouteConfiguration, routeConfig)).toEqual({
      [TypeUrl.Cluster]: ['a', 'b', 'mirror', 'w1'],
    });
  });

  it('finds nothing in leaves', () => {
    expect(referencesOf(TypeUrl.ClusterLoadAssignment, fakeClusterLoadAssignment('c'))).toEqual({});
    expect(referencesOf(TypeUrl.Secret, fakeSecret('s'))).toEqual({});
  });
});
