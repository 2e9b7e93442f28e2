import type { FilterChainIR, RouteIR } from '../../ir/types';
import { encodeAny } from '../proto';
import { localRateLimitActions, localRateLimitPerRoute, needsLocalRateLimit } from './local-rate-limit';
import { TypedConfigUrl } from './typed-config';

const route = (trafficPolicy?: RouteIR['trafficPolicy']): RouteIR => ({
  name: 'r',
  match: { path: { kind: 'prefix', value: '/' }, headers: [], grpcOnly: true },
  action: { kind: 'forward', destinations: [{ cluster: 'c', weight: 1 }] },
  trafficPolicy,
});
const chain = (routes: RouteIR[]): FilterChainIR => ({
  name: 'http/1',
  serverNames: [],
  routeConfigName: 'routes',
  virtualHosts: [{ name: 'vh', domains: ['*'], routes }],
  grpc: { web: false, stats: false },
});

describe('local rate limit', () => {
  it('is needed by a chain only when one of its routes is limited', () => {
    expect(needsLocalRateLimit(chain([route(), route({ policies: [] })]))).toBe(false);
    expect(needsLocalRateLimit(chain([route(), route({ localRateLimit: { tokens: 1, fillIntervalMs: 1000 }, policies: [] })]))).toBe(true);
  });

  it('gives a route one bucket, enforced, answering gRPC with RESOURCE_EXHAUSTED, and no descriptors', () => {
    const limit = { tokens: 7, fillIntervalMs: 250 };
    const config = localRateLimitPerRoute(limit)['envoy.filters.http.local_ratelimit'] as unknown as Record<string, unknown>;
    expect(config).toMatchObject({
      token_bucket: { max_tokens: 7, tokens_per_fill: { value: 7 }, fill_interval: { seconds: '0', nanos: 250_000_000 } },
      filter_enabled: { default_value: { numerator: 100, denominator: 'HUNDRED' } },
      filter_enforced: { default_value: { numerator: 100, denominator: 'HUNDRED' } },
      rate_limited_as_resource_exhausted: true,
    });
    expect(config.descriptors).toBeUndefined();
    expect(localRateLimitActions(limit)).toEqual([]);
  });

  it.each([
    [{ kind: 'header', name: 'x-tenant' } as const, 'x-tenant', 'header:x-tenant'],
    [{ kind: 'method' } as const, ':path', 'method'],
  ])('keys a bucket per value of %j: the action and a wildcard descriptor share the key', (key, header, descriptorKey) => {
    const limit = { tokens: 3, fillIntervalMs: 1000, key };
    expect(localRateLimitActions(limit)).toEqual([{ actions: [{ request_headers: { header_name: header, descriptor_key: descriptorKey } }] }]);
    const config = localRateLimitPerRoute(limit)['envoy.filters.http.local_ratelimit'] as unknown as Record<string, unknown>;
    expect(config.descriptors).toEqual([{ entries: [{ key: descriptorKey, value: '' }], token_bucket: expect.objectContaining({ max_tokens: 3 }) }]);
    expect(config.always_consume_default_token_bucket).toEqual({ value: false });
  });

  it('encodes as the vendored LocalRateLimit message', () => {
    const config = localRateLimitPerRoute({ tokens: 3, fillIntervalMs: 1000, key: { kind: 'method' } })['envoy.filters.http.local_ratelimit'];
    const { '@type': typeUrl, ...message } = config as unknown as { '@type': string } & Record<string, unknown>;
    expect(typeUrl).toBe(TypedConfigUrl.LocalRateLimit);
    expect(encodeAny(typeUrl, message).value.length).toBeGreaterThan(0);
  });
});
