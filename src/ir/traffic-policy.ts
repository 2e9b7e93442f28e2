/**
 * Traffic policy in the IR: what BackendTrafficPolicies (src/policy/) resolve to, in neutral terms
 * and plain numbers (milliseconds), already merged (rule over route over Gateway listener over
 * Gateway; a Service port over the whole Service). xds/translate renders it; nothing here says
 * which policy an effect came from except `policies`, for status and debugging.
 *
 * Route-level settings ride on each forwarding route; connection-level ones on the one cluster per
 * Service port that every route sending to that port shares, so ejection, health and connection
 * limits are counted once per backend, not once per route.
 */

/** Retry triggers, named as Envoy's `retry_on` names them (router filter docs). */
export type RetryTrigger =
  | 'cancelled'
  | 'deadline-exceeded'
  | 'internal'
  | 'resource-exhausted'
  | 'unavailable'
  | '5xx'
  | 'gateway-error'
  | 'reset'
  | 'connect-failure'
  | 'refused-stream'
  | 'retriable-status-codes';

export interface RetryIR {
  /** Retries after the first try (Envoy num_retries). */
  attempts: number;
  retryOn: RetryTrigger[];
  /** With `retriable-status-codes` in retryOn. */
  retriableStatusCodes: number[];
  perTryTimeoutMs?: number;
  backoff?: { baseMs: number; maxMs?: number };
}

export interface RouteTimeoutsIR {
  /** The whole request, retries included (Envoy route timeout); 0 turns it off. */
  requestMs?: number;
  /** Reset a stream idle this long (Envoy route idle_timeout). */
  streamIdleMs?: number;
  /** Longest life of a stream (max_stream_duration.max_stream_duration). */
  maxStreamDurationMs?: number;
  /** Honour the client's grpc-timeout, capped at this; 0: uncapped (grpc_timeout_header_max). */
  maxGrpcTimeoutMs?: number;
}

/** A token bucket per route rule, or per value of a header, or per gRPC method (request path). */
export interface LocalRateLimitIR {
  /** Bucket size, and tokens added every fillIntervalMs. */
  tokens: number;
  fillIntervalMs: number;
  key?: { kind: 'header'; name: string } | { kind: 'method' };
}

export interface RouteTrafficPolicyIR {
  retry?: RetryIR;
  timeouts?: RouteTimeoutsIR;
  localRateLimit?: LocalRateLimitIR;
  /** `namespace/name` of the policies merged into this, most specific first. */
  policies: string[];
}

export interface CircuitBreakerIR {
  maxConnections?: number;
  maxPendingRequests?: number;
  maxRequests?: number;
  maxRetries?: number;
  /** Envoy retry_budget; when set, it bounds retries instead of maxRetries. */
  retryBudget?: { percent: number; minRetryConcurrency: number };
}

export interface OutlierDetectionIR {
  consecutive5xx?: number;
  consecutiveGatewayErrors?: number;
  consecutiveLocalOriginFailures?: number;
  intervalMs?: number;
  baseEjectionTimeMs?: number;
  maxEjectionPercent?: number;
}

/** Active gRPC health checking (grpc.health.v1.Health/Check). */
export interface GrpcHealthCheckIR {
  /** HealthCheckRequest.service; '' checks the server as a whole. */
  service: string;
  /** The :authority of every check: the Service's name, never the cluster's (grpc-go resets odd ones). */
  authority: string;
  intervalMs: number;
  timeoutMs: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
}

export type LoadBalancerIR =
  | { kind: 'roundRobin' }
  | { kind: 'leastRequest' }
  | { kind: 'random' }
  /** Ring hash; every route forwarding to the cluster hashes on this header or cookie. */
  | { kind: 'ringHash'; hashOn: { kind: 'header'; name: string } | { kind: 'cookie'; name: string; ttlMs?: number } };

export interface ClusterTrafficPolicyIR {
  connectTimeoutMs?: number;
  circuitBreaker?: CircuitBreakerIR;
  maxRequestsPerConnection?: number;
  outlierDetection?: OutlierDetectionIR;
  healthCheck?: GrpcHealthCheckIR;
  http2Keepalive?: { intervalMs: number; timeoutMs?: number };
  tcpKeepalive?: { idleTimeMs?: number; intervalMs?: number; probes?: number };
  loadBalancer?: LoadBalancerIR;
  /** `namespace/name` of the policies merged into this, most specific first. */
  policies: string[];
}
