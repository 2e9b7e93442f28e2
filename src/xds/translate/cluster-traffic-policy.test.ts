import type { ClusterIR } from '../../ir/types';
import type { GrpcHealthCheckIR } from '../../ir/traffic-policy';
import { clusterPolicyFields, commonHttpProtocolOptions, http2ConnectionKeepalive } from './cluster-traffic-policy';

const healthCheck: GrpcHealthCheckIR = {
  service: '',
  authority: 'grpc.default.svc',
  intervalMs: 1000,
  timeoutMs: 500,
  healthyThreshold: 1,
  unhealthyThreshold: 2,
};
const cluster = (protocol: ClusterIR['protocol'], trafficPolicy?: ClusterIR['trafficPolicy']): ClusterIR => ({
  name: 'c',
  protocol,
  endpoints: [],
  trafficPolicy,
});

describe('clusterPolicyFields', () => {
  it("keeps today's connect timeout and round robin without a policy, and nothing else", () => {
    expect(clusterPolicyFields(cluster('h2c'))).toEqual({ connect_timeout: { seconds: '5', nanos: 0 }, lb_policy: 'ROUND_ROBIN' });
  });

  it.each([
    ['leastRequest', 'LEAST_REQUEST'],
    ['random', 'RANDOM'],
    ['roundRobin', 'ROUND_ROBIN'],
  ] as const)('maps the %s load balancer to %s', (kind, want) => {
    expect(clusterPolicyFields(cluster('h2c', { loadBalancer: { kind }, policies: [] })).lb_policy).toBe(want);
  });

  it('maps a ring hash to RING_HASH', () => {
    expect(clusterPolicyFields(cluster('h2c', { loadBalancer: { kind: 'ringHash', hashOn: { kind: 'header', name: 'x' } }, policies: [] })).lb_policy).toBe(
      'RING_HASH',
    );
  });

  it('sends the gRPC health check with the Service authority, on HTTP/2 clusters only', () => {
    const p = { healthCheck, policies: [] };
    expect(clusterPolicyFields(cluster('h2c', p)).health_checks).toEqual([
      {
        timeout: { seconds: '0', nanos: 500_000_000 },
        interval: { seconds: '1', nanos: 0 },
        no_traffic_interval: { seconds: '1', nanos: 0 },
        healthy_threshold: { value: 1 },
        unhealthy_threshold: { value: 2 },
        grpc_health_check: { service_name: '', authority: 'grpc.default.svc' },
      },
    ]);
    expect(clusterPolicyFields(cluster('http1', p)).health_checks).toBeUndefined();
  });

  it('lets a health change reach the load balancer at once (no 1 s update_merge_window) where it health-checks', () => {
    const p = { healthCheck, policies: [] };
    expect(clusterPolicyFields(cluster('h2c', p)).common_lb_config).toEqual({ update_merge_window: { seconds: '0', nanos: 0 } });
    expect(clusterPolicyFields(cluster('h2c', { policies: [] })).common_lb_config).toBeUndefined();
  });

  it('enforces each outlier detector asked for, and splits local-origin failures out', () => {
    const o = clusterPolicyFields(
      cluster('h2c', { outlierDetection: { consecutiveGatewayErrors: 3, consecutiveLocalOriginFailures: 2 }, policies: [] }),
    ).outlier_detection;
    expect(o).toEqual({
      consecutive_gateway_failure: { value: 3 },
      enforcing_consecutive_gateway_failure: { value: 100 },
      split_external_local_origin_errors: true,
      consecutive_local_origin_failure: { value: 2 },
      enforcing_consecutive_local_origin_failure: { value: 100 },
    });
  });

  it('puts the circuit breaker and retry budget in one threshold set', () => {
    const cb = clusterPolicyFields(
      cluster('h2c', { circuitBreaker: { maxRequests: 10, retryBudget: { percent: 20, minRetryConcurrency: 3 } }, policies: [] }),
    ).circuit_breakers;
    expect(cb).toEqual({ thresholds: [{ max_requests: { value: 10 }, retry_budget: { budget_percent: { value: 20 }, min_retry_concurrency: { value: 3 } } }] });
  });

  it('rounds TCP keepalive times up to whole seconds, never 0', () => {
    const k = clusterPolicyFields(cluster('h2c', { tcpKeepalive: { idleTimeMs: 1, intervalMs: 1500, probes: 4 }, policies: [] })).upstream_connection_options;
    expect(k).toEqual({ tcp_keepalive: { keepalive_probes: { value: 4 }, keepalive_time: { value: 1 }, keepalive_interval: { value: 2 } } });
  });
});

describe('HTTP protocol options from a policy', () => {
  it('are absent without the fields', () => {
    expect(commonHttpProtocolOptions(undefined)).toBeUndefined();
    expect(http2ConnectionKeepalive({ policies: [] })).toBeUndefined();
  });

  it('give the PING keepalive the 20 s timeout Envoy requires when none is set', () => {
    expect(http2ConnectionKeepalive({ http2Keepalive: { intervalMs: 30_000 }, policies: [] })).toEqual({
      interval: { seconds: '30', nanos: 0 },
      timeout: { seconds: '20', nanos: 0 },
    });
  });

  it('carry max requests per connection', () => {
    expect(commonHttpProtocolOptions({ maxRequestsPerConnection: 5, policies: [] })).toEqual({ max_requests_per_connection: { value: 5 } });
  });
});
