/**
 * BackendTrafficPolicy settings (already merged, merge.ts) → the traffic policy IR
 * (ir/traffic-policy.ts): durations to milliseconds (Gateway API Durations, the same parser as
 * HTTPRoute timeouts), the rate limit unit to a token bucket's fill interval, load balancer types
 * to the IR's names, and the documented defaults filled in, so xds/translate renders numbers only.
 *
 * Defaults that are ours, not Envoy's (the CRD's field descriptions say them):
 *  - retry: `attempts` 1 (Envoy's num_retries default); `retryOn` connect-failure, refused-stream,
 *    unavailable; backoff base 25ms (Envoy's) when only maxInterval is given.
 *  - active health check: interval 5s, timeout 1s, healthy 1, unhealthy 2; `:authority` is the
 *    Service's DNS name `<name>.<namespace>.svc`, never the cluster name.
 *  - retry budget: percent 20, minRetryConcurrency 3 (Envoy's).
 *  - HTTP/2 keepalive is on only with an `interval` (Envoy needs one to send PINGs).
 */
import { type BackendTrafficPolicySpec } from '../apis/generated/attache';
import { parseDuration } from '../gatewayapi/httproute-timeouts';
import {
  type ClusterTrafficPolicyIR,
  type LoadBalancerIR,
  type LocalRateLimitIR,
  type RetryIR,
  type RetryTrigger,
  type RouteTimeoutsIR,
  type RouteTrafficPolicyIR,
} from '../ir/traffic-policy';

/** Everything a policy sets, without where it attaches. */
export type TrafficSettings = Omit<BackendTrafficPolicySpec, 'targetRefs'>;
type Spec = TrafficSettings;

/** When `retry.retryOn` is not given (the CRD documents it). */
const DEFAULT_RETRY_ON: readonly RetryTrigger[] = ['connect-failure', 'refused-stream', 'unavailable'];
const DEFAULT_RETRY_ATTEMPTS = 1;
const DEFAULT_BACKOFF_BASE_MS = 25;
const HEALTH_CHECK_DEFAULTS = { intervalMs: 5000, timeoutMs: 1000, healthyThreshold: 1, unhealthyThreshold: 2 } as const;
const RETRY_BUDGET_DEFAULTS = { percent: 20, minRetryConcurrency: 3 } as const;
const UNIT_MS = { Second: 1000, Minute: 60_000, Hour: 3_600_000 } as const;

/** Milliseconds of a Gateway API Duration (`1m30s` → 90000); undefined when absent or not a duration. */
export function durationMs(value: string | undefined): number | undefined {
  return value === undefined ? undefined : parseDuration(value);
}

/** The settings that belong on routes, and those that belong on the cluster of a Service port. */
const ROUTE_LEVEL = ['retry', 'rateLimit', 'timeout.http'] as const;
const CONNECTION_LEVEL = ['circuitBreaker', 'healthCheck', 'connection', 'loadBalancer', 'timeout.tcp'] as const;

function has(spec: Spec, field: string): boolean {
  const [a, b] = field.split('.');
  const top = (spec as Record<string, unknown>)[a];
  return b === undefined ? top !== undefined : typeof top === 'object' && top !== null && (top as Record<string, unknown>)[b] !== undefined;
}

/** Fields set at a level they do not apply to (the CRD's CEL rules reject these; checked again for untrusted input). */
export function misplacedFields(spec: Spec, serviceTarget: boolean): string[] {
  return (serviceTarget ? ROUTE_LEVEL : CONNECTION_LEVEL).filter((f) => has(spec, f)).map((f) => `spec.${f}`);
}

/** Every duration field of the settings, by its path, for checking them before anything is merged. */
function durationFields(s: Spec): Array<[string, string | undefined]> {
  return [
    ['spec.retry.perTryTimeout', s.retry?.perTryTimeout],
    ['spec.retry.backoff.baseInterval', s.retry?.backoff?.baseInterval],
    ['spec.retry.backoff.maxInterval', s.retry?.backoff?.maxInterval],
    ['spec.timeout.http.requestTimeout', s.timeout?.http?.requestTimeout],
    ['spec.timeout.http.streamIdleTimeout', s.timeout?.http?.streamIdleTimeout],
    ['spec.timeout.http.maxStreamDuration', s.timeout?.http?.maxStreamDuration],
    ['spec.timeout.http.maxGrpcTimeout', s.timeout?.http?.maxGrpcTimeout],
    ['spec.timeout.tcp.connectTimeout', s.timeout?.tcp?.connectTimeout],
    ['spec.healthCheck.active.interval', s.healthCheck?.active?.interval],
    ['spec.healthCheck.active.timeout', s.healthCheck?.active?.timeout],
    ['spec.healthCheck.passive.interval', s.healthCheck?.passive?.interval],
    ['spec.healthCheck.passive.baseEjectionTime', s.healthCheck?.passive?.baseEjectionTime],
    ['spec.connection.http2Keepalive.interval', s.connection?.http2Keepalive?.interval],
    ['spec.connection.http2Keepalive.timeout', s.connection?.http2Keepalive?.timeout],
    ['spec.connection.tcpKeepalive.idleTime', s.connection?.tcpKeepalive?.idleTime],
    ['spec.connection.tcpKeepalive.interval', s.connection?.tcpKeepalive?.interval],
    ['spec.loadBalancer.consistentHash.cookie.ttl', s.loadBalancer?.consistentHash?.cookie?.ttl],
  ];
}

/** `field: "x" is not a duration …` for each duration the schema should have rejected. */
export function durationProblems(spec: Spec): string[] {
  return durationFields(spec)
    .filter(([, v]) => v !== undefined && parseDuration(v) === undefined)
    .map(([field, v]) => `${field}: "${String(v)}" is not a duration such as 500ms or 1m30s`);
}

/** `retry.retryOn` as Envoy triggers: the default when absent, each name once, in the order given. */
export function retryTriggers(retryOn: readonly RetryTrigger[] | undefined): RetryTrigger[] {
  return [...new Set(retryOn ?? DEFAULT_RETRY_ON)];
}

/** Sets `key` only when the value is defined, so the IR carries no `undefined` fields. */
function put<T extends object, K extends keyof T>(out: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) out[key] = value;
}

function nonEmpty<T extends object>(o: T): T | undefined {
  return Object.keys(o).length > 0 ? o : undefined;
}

function retryIR(r: NonNullable<Spec['retry']>): RetryIR {
  const retryOn = retryTriggers(r.retryOn);
  const out: RetryIR = {
    attempts: r.attempts ?? DEFAULT_RETRY_ATTEMPTS,
    retryOn,
    retriableStatusCodes: retryOn.includes('retriable-status-codes') ? [...new Set(r.retriableStatusCodes ?? [])] : [],
  };
  put(out, 'perTryTimeoutMs', durationMs(r.perTryTimeout));
  const base = durationMs(r.backoff?.baseInterval);
  const max = durationMs(r.backoff?.maxInterval);
  if (base !== undefined || max !== undefined) out.backoff = { baseMs: base ?? DEFAULT_BACKOFF_BASE_MS, ...(max !== undefined ? { maxMs: max } : {}) };
  return out;
}

function timeoutsIR(h: NonNullable<NonNullable<Spec['timeout']>['http']>): RouteTimeoutsIR | undefined {
  const out: RouteTimeoutsIR = {};
  put(out, 'requestMs', durationMs(h.requestTimeout));
  put(out, 'streamIdleMs', durationMs(h.streamIdleTimeout));
  put(out, 'maxStreamDurationMs', durationMs(h.maxStreamDuration));
  put(out, 'maxGrpcTimeoutMs', durationMs(h.maxGrpcTimeout));
  return nonEmpty(out);
}

function localRateLimitIR(l: NonNullable<NonNullable<Spec['rateLimit']>['local']>): LocalRateLimitIR {
  const out: LocalRateLimitIR = { tokens: l.requests, fillIntervalMs: UNIT_MS[l.unit] };
  if (l.perHeader !== undefined) out.key = { kind: 'header', name: l.perHeader.toLowerCase() };
  else if (l.perMethod === true) out.key = { kind: 'method' };
  return out;
}

/** The route-level part of merged settings; undefined when it sets nothing. `policies`: most specific first. */
export function routePolicyIR(s: Spec, policies: string[]): RouteTrafficPolicyIR | undefined {
  const out: Omit<RouteTrafficPolicyIR, 'policies'> = {};
  if (s.retry) out.retry = retryIR(s.retry);
  if (s.timeout?.http) put(out, 'timeouts', timeoutsIR(s.timeout.http));
  if (s.rateLimit?.local) out.localRateLimit = localRateLimitIR(s.rateLimit.local);
  return Object.keys(out).length > 0 ? { ...out, policies } : undefined;
}

function loadBalancerIR(lb: NonNullable<Spec['loadBalancer']>): LoadBalancerIR | undefined {
  switch (lb.type) {
    case 'RoundRobin':
      return { kind: 'roundRobin' };
    case 'LeastRequest':
      return { kind: 'leastRequest' };
    case 'Random':
      return { kind: 'random' };
    case 'ConsistentHash': {
      const h = lb.consistentHash;
      if (h?.header) return { kind: 'ringHash', hashOn: { kind: 'header', name: h.header.name.toLowerCase() } };
      if (h?.cookie) {
        const ttlMs = durationMs(h.cookie.ttl);
        return { kind: 'ringHash', hashOn: { kind: 'cookie', name: h.cookie.name, ...(ttlMs !== undefined ? { ttlMs } : {}) } };
      }
      // The CEL rules require one of them; without one there is nothing to hash on.
      return undefined;
    }
    default:
      return undefined;
  }
}

/**
 * The connection-level part of merged settings, for the cluster of a port of Service
 * `namespace/name`; undefined when it sets nothing. `policies`: most specific first.
 */
export function clusterPolicyIR(s: Spec, service: { namespace: string; name: string }, policies: string[]): ClusterTrafficPolicyIR | undefined {
  const out: Omit<ClusterTrafficPolicyIR, 'policies'> = {};
  put(out, 'connectTimeoutMs', durationMs(s.timeout?.tcp?.connectTimeout));
  const cb = s.circuitBreaker;
  if (cb) {
    const breaker: NonNullable<ClusterTrafficPolicyIR['circuitBreaker']> = {};
    put(breaker, 'maxConnections', cb.maxConnections);
    put(breaker, 'maxPendingRequests', cb.maxPendingRequests);
    put(breaker, 'maxRequests', cb.maxParallelRequests);
    put(breaker, 'maxRetries', cb.maxParallelRetries);
    if (cb.retryBudget) {
      breaker.retryBudget = {
        percent: cb.retryBudget.percent ?? RETRY_BUDGET_DEFAULTS.percent,
        minRetryConcurrency: cb.retryBudget.minRetryConcurrency ?? RETRY_BUDGET_DEFAULTS.minRetryConcurrency,
      };
    }
    put(out, 'circuitBreaker', nonEmpty(breaker));
    put(out, 'maxRequestsPerConnection', cb.maxRequestsPerConnection);
  }
  const passive = s.healthCheck?.passive;
  if (passive) {
    const od: NonNullable<ClusterTrafficPolicyIR['outlierDetection']> = {};
    put(od, 'consecutive5xx', passive.consecutive5xxErrors);
    put(od, 'consecutiveGatewayErrors', passive.consecutiveGatewayErrors);
    put(od, 'consecutiveLocalOriginFailures', passive.consecutiveLocalOriginFailures);
    put(od, 'intervalMs', durationMs(passive.interval));
    put(od, 'baseEjectionTimeMs', durationMs(passive.baseEjectionTime));
    put(od, 'maxEjectionPercent', passive.maxEjectionPercent);
    // An empty `passive: {}` still turns outlier detection on, with Envoy's defaults.
    out.outlierDetection = od;
  }
  const active = s.healthCheck?.active;
  if (active) {
    out.healthCheck = {
      service: active.grpc?.service ?? '',
      authority: `${service.name}.${service.namespace}.svc`,
      intervalMs: durationMs(active.interval) ?? HEALTH_CHECK_DEFAULTS.intervalMs,
      timeoutMs: durationMs(active.timeout) ?? HEALTH_CHECK_DEFAULTS.timeoutMs,
      healthyThreshold: active.healthyThreshold ?? HEALTH_CHECK_DEFAULTS.healthyThreshold,
      unhealthyThreshold: active.unhealthyThreshold ?? HEALTH_CHECK_DEFAULTS.unhealthyThreshold,
    };
  }
  const h2 = s.connection?.http2Keepalive;
  const h2Interval = durationMs(h2?.interval);
  if (h2Interval !== undefined) {
    const timeoutMs = durationMs(h2?.timeout);
    out.http2Keepalive = { intervalMs: h2Interval, ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
  }
  const tcp = s.connection?.tcpKeepalive;
  if (tcp) {
    const keepalive: NonNullable<ClusterTrafficPolicyIR['tcpKeepalive']> = {};
    put(keepalive, 'idleTimeMs', durationMs(tcp.idleTime));
    put(keepalive, 'intervalMs', durationMs(tcp.interval));
    put(keepalive, 'probes', tcp.probes);
    // `tcpKeepalive: {}` turns keepalive on with the kernel's defaults.
    out.tcpKeepalive = keepalive;
  }
  if (s.loadBalancer) put(out, 'loadBalancer', loadBalancerIR(s.loadBalancer));
  return Object.keys(out).length > 0 ? { ...out, policies } : undefined;
}
