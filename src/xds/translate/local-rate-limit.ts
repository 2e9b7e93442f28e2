/**
 * Local rate limiting (envoy.filters.http.local_ratelimit): token buckets kept in each Envoy
 * process, no rate limit service.
 *
 * The filter sits in the HTTP connection manager of the filter chains that need it, before the
 * router and after the gRPC-Web and gRPC stats filters (so a refused gRPC-Web call is encoded for
 * the browser and counted), with no token bucket of its own: it does nothing on routes without a
 * per-route config. Each limited route carries the bucket in `typed_per_filter_config`, enabled
 * and enforced for 100 % of requests. `rate_limited_as_resource_exhausted` makes Envoy answer a
 * refused gRPC call with RESOURCE_EXHAUSTED (what gRPC clients expect of a rate limit; 429 would
 * reach them as UNAVAILABLE, which they retry); HTTP clients still get 429.
 *
 * A bucket per value of a header, or per gRPC method (the request path): the route's
 * `rate_limits` action `request_headers` makes the descriptor `(key, value of the header)`, and a
 * descriptor entry with an empty value is a wildcard in Envoy ≥ 1.34, for which Envoy keeps one
 * token bucket per distinct value seen (dynamic descriptors, in an LRU of `max_dynamic_descriptors`
 * buckets). `always_consume_default_token_bucket: false` keeps those requests from also drawing on
 * the route's bucket; a request without the header produces no descriptor and draws on the
 * route's bucket, of the same size: all such requests share one bucket.
 *
 * Checked by hand against Envoy 1.40 (two tokens a minute, keyed on x-tenant): tenants a and b
 * each got 200, 200, 429; requests without the header 200, 200, 429; a gRPC call over the limit
 * ended with grpc-status 8.
 *
 * Limits of the vendored protos (data-plane-api of 2024-07): they predate `max_dynamic_descriptors`,
 * so Envoy's default LRU of 20 buckets per route applies (with more live values than that, an
 * evicted value comes back with a full bucket); and the filter's own `rate_limits` field, which
 * Envoy 1.40 prefers (it logs that descriptors read from the route's `rate_limits` "will be ignored
 * in the future"). Moving the pinned commit forward allows both.
 */
import type { LocalRateLimitIR } from '../../ir/traffic-policy';
import type { FilterChainIR } from '../../ir/types';
import type { LocalRateLimit } from '../../generated/envoy/extensions/filters/http/local_ratelimit/v3/LocalRateLimit';
import type { HttpFilter } from '../../generated/envoy/extensions/filters/network/http_connection_manager/v3/HttpFilter';
import type { RateLimit } from '../../generated/envoy/config/route/v3/RateLimit';
import type { Route } from '../../generated/envoy/config/route/v3/Route';
import type { TokenBucket } from '../../generated/envoy/type/v3/TokenBucket';
import { millis } from './retry-policy';
import { typedConfig, TypedConfigUrl } from './typed-config';

const LOCAL_RATE_LIMIT_FILTER = 'envoy.filters.http.local_ratelimit';

/** Stats under `<stat_prefix>.http_local_rate_limit.` (enabled, enforced, rate_limited, ok). */
const STAT_PREFIX = 'local_rate_limit';

/** The descriptor key of the per-method bucket: gRPC puts `/package.Service/Method` in :path. */
const METHOD_KEY = 'method';

/** Whether any route of the chain is rate limited: only then does its HCM get the filter. */
export function needsLocalRateLimit(chain: FilterChainIR): boolean {
  return chain.virtualHosts.some((vh) => vh.routes.some((r) => r.trafficPolicy?.localRateLimit !== undefined));
}

/** The HCM filter: disabled (no bucket) for routes without a per-route config. */
export function localRateLimitFilter(): HttpFilter {
  return { name: LOCAL_RATE_LIMIT_FILTER, typed_config: typedConfig<LocalRateLimit>(TypedConfigUrl.LocalRateLimit, { stat_prefix: STAT_PREFIX }) };
}

/** The route's `typed_per_filter_config` entry. */
export function localRateLimitPerRoute(limit: LocalRateLimitIR): NonNullable<Route['typed_per_filter_config']> {
  const always = { default_value: { numerator: 100, denominator: 'HUNDRED' as const } };
  const config: LocalRateLimit = {
    stat_prefix: STAT_PREFIX,
    token_bucket: tokenBucket(limit),
    filter_enabled: always,
    filter_enforced: always,
    rate_limited_as_resource_exhausted: true,
  };
  if (limit.key) {
    // An empty value: a wildcard, one bucket per value seen (Envoy's dynamic descriptors).
    config.descriptors = [{ entries: [{ key: descriptorKey(limit.key), value: '' }], token_bucket: tokenBucket(limit) }];
    config.always_consume_default_token_bucket = { value: false };
  }
  return { [LOCAL_RATE_LIMIT_FILTER]: typedConfig(TypedConfigUrl.LocalRateLimit, config) };
}

/** The RouteAction `rate_limits` that produce the descriptor of a keyed limit; none otherwise. */
export function localRateLimitActions(limit: LocalRateLimitIR): RateLimit[] {
  if (!limit.key) return [];
  const header = limit.key.kind === 'method' ? ':path' : limit.key.name;
  return [{ actions: [{ request_headers: { header_name: header, descriptor_key: descriptorKey(limit.key) } }] }];
}

function descriptorKey(key: NonNullable<LocalRateLimitIR['key']>): string {
  return key.kind === 'method' ? METHOD_KEY : `header:${key.name}`;
}

function tokenBucket(limit: LocalRateLimitIR): TokenBucket {
  return { max_tokens: limit.tokens, tokens_per_fill: { value: limit.tokens }, fill_interval: millis(limit.fillIntervalMs) };
}
