/**
 * ClusterTrafficPolicyIR → the fields of the one Envoy cluster per Service port: circuit
 * breakers, outlier detection (passive health), active gRPC health checks, TCP keepalive, the
 * load balancer, and the HTTP protocol options (requests per connection, HTTP/2 PING keepalive)
 * cluster.ts folds into the cluster's HttpProtocolOptions. Unset fields keep Envoy's defaults.
 */
import type { ClusterIR } from '../../ir/types';
import type { CircuitBreakerIR, ClusterTrafficPolicyIR, GrpcHealthCheckIR, LoadBalancerIR, OutlierDetectionIR } from '../../ir/traffic-policy';
import type { Cluster } from '../../generated/envoy/config/cluster/v3/Cluster';
import type { CircuitBreakers } from '../../generated/envoy/config/cluster/v3/CircuitBreakers';
import type { OutlierDetection } from '../../generated/envoy/config/cluster/v3/OutlierDetection';
import type { HealthCheck } from '../../generated/envoy/config/core/v3/HealthCheck';
import type { HttpProtocolOptions } from '../../generated/envoy/config/core/v3/HttpProtocolOptions';
import type { KeepaliveSettings } from '../../generated/envoy/config/core/v3/KeepaliveSettings';
import type { TcpKeepalive } from '../../generated/envoy/config/core/v3/TcpKeepalive';
import { millis } from './retry-policy';

type PolicyFields = Pick<
  Cluster,
  'connect_timeout' | 'lb_policy' | 'circuit_breakers' | 'outlier_detection' | 'health_checks' | 'common_lb_config' | 'upstream_connection_options'
>;

/** The cluster fields a policy sets; `connect_timeout` and `lb_policy` always (today's defaults without one). */
export function clusterPolicyFields(c: ClusterIR): PolicyFields {
  const p = c.trafficPolicy;
  const out: PolicyFields = { connect_timeout: millis(p?.connectTimeoutMs ?? 5000), lb_policy: lbPolicy(p?.loadBalancer) };
  if (!p) return out;
  if (p.circuitBreaker) out.circuit_breakers = circuitBreakers(p.circuitBreaker);
  if (p.outlierDetection) out.outlier_detection = outlierDetection(p.outlierDetection);
  // gRPC health checks are HTTP/2 requests: Envoy only sends them on an HTTP/2 cluster. A check
  // on an HTTP/1.1 cluster (a Service port only HTTPRoutes use) would mark every host unhealthy,
  // so it is left out there (README "Traffic policies").
  if (p.healthCheck && c.protocol === 'h2c') {
    out.health_checks = [grpcHealthCheck(p.healthCheck)];
    // Envoy batches host health changes for up to 1 s (update_merge_window) before its load
    // balancers see them: a backend that said NOT_SERVING and then stops within that second
    // would still get calls. A drain must take effect at the check that sees it.
    out.common_lb_config = { update_merge_window: millis(0) };
  }
  if (p.tcpKeepalive) out.upstream_connection_options = { tcp_keepalive: tcpKeepalive(p.tcpKeepalive) };
  return out;
}

function lbPolicy(lb: LoadBalancerIR | undefined): NonNullable<Cluster['lb_policy']> {
  switch (lb?.kind) {
    case 'leastRequest':
      return 'LEAST_REQUEST';
    case 'random':
      return 'RANDOM';
    // What to hash on is the routes' hash_policy (hash-policy.ts).
    case 'ringHash':
      return 'RING_HASH';
    default:
      return 'ROUND_ROBIN';
  }
}

/** One threshold set, for the DEFAULT priority (Attaché routes at no other). */
function circuitBreakers(cb: CircuitBreakerIR): CircuitBreakers {
  const t: NonNullable<CircuitBreakers['thresholds']>[number] = {};
  if (cb.maxConnections !== undefined) t.max_connections = { value: cb.maxConnections };
  if (cb.maxPendingRequests !== undefined) t.max_pending_requests = { value: cb.maxPendingRequests };
  if (cb.maxRequests !== undefined) t.max_requests = { value: cb.maxRequests };
  if (cb.maxRetries !== undefined) t.max_retries = { value: cb.maxRetries };
  // With a retry budget Envoy ignores max_retries: the budget bounds concurrent retries.
  if (cb.retryBudget) {
    t.retry_budget = { budget_percent: { value: cb.retryBudget.percent }, min_retry_concurrency: { value: cb.retryBudget.minRetryConcurrency } };
  }
  return { thresholds: [t] };
}

/**
 * Each detector asked for is enforced for every host (Envoy enforces only consecutive 5xx by
 * default). Local-origin failures (connect failures, resets, timeouts) are counted apart from
 * the responses (`split_external_local_origin_errors`), else they only add to consecutive 5xx.
 */
function outlierDetection(o: OutlierDetectionIR): OutlierDetection {
  const out: OutlierDetection = {};
  if (o.consecutive5xx !== undefined) out.consecutive_5xx = { value: o.consecutive5xx };
  if (o.consecutiveGatewayErrors !== undefined) {
    out.consecutive_gateway_failure = { value: o.consecutiveGatewayErrors };
    out.enforcing_consecutive_gateway_failure = { value: 100 };
  }
  if (o.consecutiveLocalOriginFailures !== undefined) {
    out.split_external_local_origin_errors = true;
    out.consecutive_local_origin_failure = { value: o.consecutiveLocalOriginFailures };
    out.enforcing_consecutive_local_origin_failure = { value: 100 };
  }
  if (o.intervalMs !== undefined) out.interval = millis(o.intervalMs);
  if (o.baseEjectionTimeMs !== undefined) out.base_ejection_time = millis(o.baseEjectionTimeMs);
  if (o.maxEjectionPercent !== undefined) out.max_ejection_percent = { value: o.maxEjectionPercent };
  return out;
}

/**
 * grpc.health.v1.Health/Check with `:authority` the Service's DNS name (GrpcHealthCheckIR).
 * Checked by hand with Envoy 1.40 and the traffic-policy-cluster golden's cluster against a
 * grpc-js server: it saw `:authority` grpc.default.svc and service echo.Echo, the host turned healthy.
 */
function grpcHealthCheck(h: GrpcHealthCheckIR): HealthCheck {
  return {
    timeout: millis(h.timeoutMs),
    interval: millis(h.intervalMs),
    // Without it a host with no traffic of its own is checked only every 60 s (Envoy's default),
    // which in practice is every host right after start: a NOT_SERVING went unnoticed.
    no_traffic_interval: millis(h.intervalMs),
    healthy_threshold: { value: h.healthyThreshold },
    unhealthy_threshold: { value: h.unhealthyThreshold },
    grpc_health_check: { service_name: h.service, authority: h.authority },
  };
}

/** Socket options count whole seconds; a part of a second rounds up (never 0, which the kernel refuses). */
function tcpKeepalive(k: NonNullable<ClusterTrafficPolicyIR['tcpKeepalive']>): TcpKeepalive {
  const secs = (ms: number): { value: number } => ({ value: Math.max(1, Math.ceil(ms / 1000)) });
  const out: TcpKeepalive = {};
  if (k.probes !== undefined) out.keepalive_probes = { value: k.probes };
  if (k.idleTimeMs !== undefined) out.keepalive_time = secs(k.idleTimeMs);
  if (k.intervalMs !== undefined) out.keepalive_interval = secs(k.intervalMs);
  return out;
}

/** HttpProtocolOptions.common_http_protocol_options, when the policy sets a part of it. */
export function commonHttpProtocolOptions(p: ClusterTrafficPolicyIR | undefined): HttpProtocolOptions | undefined {
  if (p?.maxRequestsPerConnection === undefined) return undefined;
  return { max_requests_per_connection: { value: p.maxRequestsPerConnection } };
}

/** Envoy requires a PING timeout; 20 s is gRPC's own keepalive default (and the CRD's documented one). */
const DEFAULT_PING_TIMEOUT_MS = 20_000;

/** HTTP/2 PING keepalive (http2_protocol_options.connection_keepalive); HTTP/2 clusters only. */
export function http2ConnectionKeepalive(p: ClusterTrafficPolicyIR | undefined): KeepaliveSettings | undefined {
  if (!p?.http2Keepalive) return undefined;
  return { interval: millis(p.http2Keepalive.intervalMs), timeout: millis(p.http2Keepalive.timeoutMs ?? DEFAULT_PING_TIMEOUT_MS) };
}
