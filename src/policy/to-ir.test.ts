import { type BackendTrafficPolicy } from '../apis/policy';
import { mergeMostSpecificFirst, mergeSettings } from './merge';
import { compareAge } from './precedence';
import { clusterPolicyIR, durationMs, durationProblems, misplacedFields, retryTriggers, routePolicyIR } from './to-ir';

describe('durations', () => {
  it.each([
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1h', 3_600_000],
    ['0s', 0],
    ['2s250ms', 2250],
  ])('%s is %d ms', (text, ms) => expect(durationMs(text)).toBe(ms));

  it.each(['1.5s', '10', '-1s', '1d', ''])('"%s" is not a Gateway API duration', (text) => expect(durationMs(text)).toBeUndefined());

  it('names the field of a duration the schema should have rejected', () => {
    expect(durationProblems({ retry: { perTryTimeout: '1.5s' }, timeout: { http: { requestTimeout: '30s' } } })).toEqual([
      'spec.retry.perTryTimeout: "1.5s" is not a duration such as 500ms or 1m30s',
    ]);
  });
});

describe('retry triggers', () => {
  it('defaults to connect-failure, refused-stream and unavailable', () => {
    expect(retryTriggers(undefined)).toEqual(['connect-failure', 'refused-stream', 'unavailable']);
  });

  it('keeps the gRPC status names and HTTP ones as Envoy spells them, each once, in order', () => {
    expect(retryTriggers(['deadline-exceeded', '5xx', 'unavailable', '5xx', 'resource-exhausted'])).toEqual([
      'deadline-exceeded',
      '5xx',
      'unavailable',
      'resource-exhausted',
    ]);
  });

  it('fills attempts (Envoy default 1), backoff base (25ms) and codes only with retriable-status-codes', () => {
    expect(routePolicyIR({ retry: { backoff: { maxInterval: '5s' }, retriableStatusCodes: [503] } }, ['a/p'])).toEqual({
      retry: { attempts: 1, retryOn: ['connect-failure', 'refused-stream', 'unavailable'], retriableStatusCodes: [], backoff: { baseMs: 25, maxMs: 5000 } },
      policies: ['a/p'],
    });
    expect(routePolicyIR({ retry: { attempts: 3, retryOn: ['retriable-status-codes'], retriableStatusCodes: [503, 503, 502] } }, [])?.retry).toEqual({
      attempts: 3,
      retryOn: ['retriable-status-codes'],
      retriableStatusCodes: [503, 502],
    });
  });
});

describe('settings to IR', () => {
  it('turns a rate limit unit into the token bucket fill interval, keyed per header or method', () => {
    expect(routePolicyIR({ rateLimit: { local: { requests: 10, unit: 'Minute', perHeader: 'X-Api-Key' } } }, [])?.localRateLimit).toEqual({
      tokens: 10,
      fillIntervalMs: 60_000,
      key: { kind: 'header', name: 'x-api-key' },
    });
    expect(routePolicyIR({ rateLimit: { local: { requests: 5, unit: 'Hour', perMethod: true } } }, [])?.localRateLimit).toEqual({
      tokens: 5,
      fillIntervalMs: 3_600_000,
      key: { kind: 'method' },
    });
  });

  it('sets nothing (undefined) when no setting of the level is there', () => {
    expect(routePolicyIR({ circuitBreaker: { maxConnections: 1 } }, ['a/p'])).toBeUndefined();
    expect(clusterPolicyIR({ retry: { attempts: 1 } }, { namespace: 'a', name: 's' }, ['a/p'])).toBeUndefined();
  });

  it('fills the health check defaults and the Service name as :authority', () => {
    expect(clusterPolicyIR({ healthCheck: { active: { type: 'GRPC' } } }, { namespace: 'app', name: 'users' }, ['app/hc'])).toEqual({
      healthCheck: { service: '', authority: 'users.app.svc', intervalMs: 5000, timeoutMs: 1000, healthyThreshold: 1, unhealthyThreshold: 2 },
      policies: ['app/hc'],
    });
  });

  it('maps load balancer types, consistent hash on a header or a cookie', () => {
    const lb = (loadBalancer: Parameters<typeof clusterPolicyIR>[0]['loadBalancer']): unknown =>
      clusterPolicyIR({ loadBalancer }, { namespace: 'a', name: 's' }, [])?.loadBalancer;
    expect(lb({ type: 'LeastRequest' })).toEqual({ kind: 'leastRequest' });
    expect(lb({ type: 'RoundRobin' })).toEqual({ kind: 'roundRobin' });
    expect(lb({ type: 'Random' })).toEqual({ kind: 'random' });
    expect(lb({ type: 'ConsistentHash', consistentHash: { header: { name: 'X-User' } } })).toEqual({
      kind: 'ringHash',
      hashOn: { kind: 'header', name: 'x-user' },
    });
    expect(lb({ type: 'ConsistentHash', consistentHash: { cookie: { name: 'session', ttl: '1h' } } })).toEqual({
      kind: 'ringHash',
      hashOn: { kind: 'cookie', name: 'session', ttlMs: 3_600_000 },
    });
  });

  it('puts maxRequestsPerConnection on the cluster and a retry budget with Envoy defaults in the breaker', () => {
    expect(clusterPolicyIR({ circuitBreaker: { maxRequestsPerConnection: 100, retryBudget: {} } }, { namespace: 'a', name: 's' }, [])).toEqual({
      circuitBreaker: { retryBudget: { percent: 20, minRetryConcurrency: 3 } },
      maxRequestsPerConnection: 100,
      policies: [],
    });
  });

  it('turns HTTP/2 keepalive on only with an interval', () => {
    expect(clusterPolicyIR({ connection: { http2Keepalive: { timeout: '5s' } } }, { namespace: 'a', name: 's' }, [])).toBeUndefined();
    expect(clusterPolicyIR({ connection: { http2Keepalive: { interval: '30s', timeout: '5s' } } }, { namespace: 'a', name: 's' }, [])?.http2Keepalive).toEqual({
      intervalMs: 30_000,
      timeoutMs: 5000,
    });
  });

  it('finds settings at the wrong level', () => {
    expect(misplacedFields({ retry: {}, circuitBreaker: {} }, true)).toEqual(['spec.retry']);
    expect(misplacedFields({ retry: {}, timeout: { tcp: {} } }, false)).toEqual(['spec.timeout.tcp']);
  });
});

describe('merge', () => {
  it('takes each field from the most specific policy that sets it', () => {
    const merged = mergeMostSpecificFirst([
      { retry: { perTryTimeout: '1s' } },
      { retry: { attempts: 2, retryOn: ['reset'] }, timeout: { http: { streamIdleTimeout: '5m' } } },
      { retry: { attempts: 1, retryOn: ['unavailable', 'cancelled'] }, timeout: { http: { requestTimeout: '30s' } } },
    ]);
    expect(merged).toEqual({
      retry: { attempts: 2, retryOn: ['reset'], perTryTimeout: '1s' },
      timeout: { http: { requestTimeout: '30s', streamIdleTimeout: '5m' } },
    });
  });

  it('keeps a load balancer and a rate limit bucket whole', () => {
    expect(
      mergeSettings(
        {
          loadBalancer: { type: 'ConsistentHash', consistentHash: { cookie: { name: 's' } } },
          rateLimit: { local: { requests: 1, unit: 'Second', perMethod: true } },
        },
        { loadBalancer: { type: 'ConsistentHash', consistentHash: { header: { name: 'x' } } }, rateLimit: { local: { requests: 9, unit: 'Minute' } } },
      ),
    ).toEqual({ loadBalancer: { type: 'ConsistentHash', consistentHash: { header: { name: 'x' } } }, rateLimit: { local: { requests: 9, unit: 'Minute' } } });
  });
});

describe('precedence', () => {
  const policy = (name: string, creationTimestamp?: string): BackendTrafficPolicy => ({
    apiVersion: 'attache.dev/v1alpha1',
    kind: 'BackendTrafficPolicy',
    metadata: { namespace: 'app', name, ...(creationTimestamp ? { creationTimestamp } : {}) },
    spec: { targetRefs: [] },
  });

  it('the older wins, then the name; no timestamp counts as the newest', () => {
    expect(compareAge(policy('b', '2026-01-01T00:00:00Z'), policy('a', '2026-01-02T00:00:00Z'))).toBeLessThan(0);
    expect(compareAge(policy('b', '2026-01-01T00:00:00Z'), policy('a', '2026-01-01T00:00:00Z'))).toBeGreaterThan(0);
    expect(compareAge(policy('z', '2026-01-01T00:00:00Z'), policy('a'))).toBeLessThan(0);
    expect(compareAge(policy('a'), policy('b'))).toBeLessThan(0);
  });
});
