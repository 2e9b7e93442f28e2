import * as fs from 'fs';
import * as path from 'path';
import { loadCrdSchemas } from '../validation/crd-schemas';
import { foreignPolicyErrors } from './foreign-policies';
import { parseManifests } from './parse';

const schemas = loadCrdSchemas();
const SEED = path.join(__dirname, 'testdata/policies/seed-pattern5.yaml');

function parse(text: string): { objects: number; errors: Array<[number, string | undefined, string | undefined, string]> } {
  const parsed = parseManifests('p.yaml', text, schemas);
  return { objects: parsed.objects.length, errors: parsed.errors.map((e) => [e.document, e.object, e.field, e.message]) };
}

const SERVICE_LEVEL = 'in a policy whose targetRefs name the Service (connection-level: the one cluster per Service port)';
const TARGET_REFS =
  'write targetRefs: [{group: gateway.networking.k8s.io, kind: GRPCRoute, name: user-service-route}] (a list; sectionName picks a route rule, Gateway listener or Service port)';
const V1ALPHA3 =
  'gateway.networking.k8s.io/v1alpha3 does not serve kind BackendTrafficPolicy (a version no Gateway API release defines): write apiVersion attache.dev/v1alpha1, Attaché\'s policy API; the fields that differ follow (README "Traffic policies")';

describe('BackendTrafficPolicy YAML copied from guides', () => {
  it("answers the guide's Pattern 5 with our apiVersion and each field's name in our API, naming file, object and field", () => {
    const retry = 'BackendTrafficPolicy app/user-service-retry';
    const timeout = 'BackendTrafficPolicy app/user-service-timeout';
    expect(parse(fs.readFileSync(SEED, 'utf8'))).toEqual({
      objects: 0,
      errors: [
        [1, retry, 'apiVersion', V1ALPHA3],
        [1, retry, 'spec.targetRef', TARGET_REFS],
        [
          1,
          retry,
          'spec.retry.retryOnStatusCodes',
          'write retry.retriableStatusCodes: [503] (HTTP codes, with retriable-status-codes in retry.retryOn); gRPC codes are retry.retryOn names: 14 → unavailable',
        ],
        [1, retry, 'spec.retry.backoff.defaultDuration', 'write retry.backoff.baseInterval'],
        [1, retry, 'spec.retry.backoff.maxDuration', 'write retry.backoff.maxInterval'],
        [1, retry, 'spec.connectionPool.maxConnections', `write circuitBreaker.maxConnections ${SERVICE_LEVEL}`],
        [1, retry, 'spec.connectionPool.maxPendingRequests', `write circuitBreaker.maxPendingRequests ${SERVICE_LEVEL}`],
        [1, retry, 'spec.connectionPool.maxRequestsPerConnection', `write circuitBreaker.maxRequestsPerConnection ${SERVICE_LEVEL}`],
        [1, retry, 'spec.circuitBreaker.consecutiveFailures', `write healthCheck.passive.consecutive5xxErrors ${SERVICE_LEVEL}`],
        [1, retry, 'spec.circuitBreaker.consecutiveGatewayFailures', `write healthCheck.passive.consecutiveGatewayErrors ${SERVICE_LEVEL}`],
        [1, retry, 'spec.circuitBreaker.interval', `write healthCheck.passive.interval ${SERVICE_LEVEL}`],
        [1, retry, 'spec.circuitBreaker.baseEjectionTime', `write healthCheck.passive.baseEjectionTime ${SERVICE_LEVEL}`],
        [1, retry, 'spec.circuitBreaker.maxEjectionPercent', `write healthCheck.passive.maxEjectionPercent ${SERVICE_LEVEL}`],
        [2, timeout, 'apiVersion', V1ALPHA3],
        [2, timeout, 'spec.targetRef', TARGET_REFS],
        [2, timeout, 'spec.timeout.tcp', `keep timeout.tcp.connectTimeout, ${SERVICE_LEVEL}`],
        [
          2,
          timeout,
          'spec.rateLimit.type',
          'Global rate limits (a rate limit service) are not supported: write rateLimit.local: {requests: 1000, unit: Minute, perHeader: x-api-key} (a token bucket in each Envoy)',
        ],
      ],
    });
  });

  it("answers Envoy Gateway's BackendTrafficPolicy with its fields' names in ours", () => {
    const eg = {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'BackendTrafficPolicy',
      metadata: { name: 'p', namespace: 'default' },
      spec: {
        targetRefs: [{ group: '', kind: 'Service', name: 'echo' }],
        retry: {
          numRetries: 2,
          retryOn: { triggers: ['unavailable'], httpStatusCodes: [503] },
          perRetry: { timeout: '1s', backOff: { baseInterval: '10ms', maxInterval: '1s' } },
        },
        healthCheck: { passive: { consecutive5XxErrors: 3, splitExternalLocalOriginErrors: true } },
        tcpKeepalive: { probes: 3 },
        loadBalancer: { type: 'ConsistentHash', consistentHash: { type: 'Header', header: { name: 'x-user' } } },
        rateLimit: { type: 'Local', local: { rules: [{ limit: { requests: 10, unit: 'Second' } }] } },
        faultInjection: { abort: { httpStatus: 503 } },
      },
    };
    expect(foreignPolicyErrors(eg)?.map((e) => [e.field, e.message])).toEqual([
      [
        'apiVersion',
        "gateway.envoyproxy.io/v1alpha1 does not serve kind BackendTrafficPolicy (Envoy Gateway's BackendTrafficPolicy, not Attaché's): write apiVersion attache.dev/v1alpha1, Attaché's policy API; the fields that differ follow (README \"Traffic policies\")",
      ],
      [
        'spec.retry.retryOn',
        'write retry.retryOn as a list of triggers (Envoy Gateway retryOn.triggers; same names) and retry.retriableStatusCodes (retryOn.httpStatusCodes)',
      ],
      ['spec.retry.numRetries', 'write retry.attempts'],
      ['spec.retry.perRetry.timeout', 'write retry.perTryTimeout'],
      ['spec.retry.perRetry.backOff.baseInterval', 'write retry.backoff.baseInterval'],
      ['spec.retry.perRetry.backOff.maxInterval', 'write retry.backoff.maxInterval'],
      ['spec.healthCheck.passive.consecutive5XxErrors', 'write healthCheck.passive.consecutive5xxErrors'],
      ['spec.healthCheck.passive.splitExternalLocalOriginErrors', 'drop it: setting healthCheck.passive.consecutiveLocalOriginFailures turns it on'],
      ['spec.tcpKeepalive', `write connection.tcpKeepalive ${SERVICE_LEVEL}`],
      [
        'spec.loadBalancer.consistentHash.type',
        'drop type: set loadBalancer.consistentHash.header: {name} or .cookie: {name, ttl} (source IP hashing is not supported)',
      ],
      ['spec.rateLimit.type', 'drop type: write rateLimit.local: {requests, unit}'],
      [
        'spec.rateLimit.local.rules',
        'write rateLimit.local: {requests, unit, perHeader?, perMethod?} (one bucket per route rule, or per header value or gRPC method; not a list of rules)',
      ],
      ['spec.faultInjection', 'Attaché has no such setting'],
    ]);
  });

  it('names a guide field left in a policy that already says attache.dev/v1alpha1 (the schema would let it through, unread)', () => {
    const text = [
      'apiVersion: attache.dev/v1alpha1',
      'kind: BackendTrafficPolicy',
      'metadata: {name: p}',
      'spec:',
      '  targetRefs: [{group: "", kind: Service, name: echo}]',
      '  connectionPool: {maxConnections: 10}',
    ].join('\n');
    expect(parse(text)).toEqual({
      objects: 0,
      errors: [[1, 'BackendTrafficPolicy default/p', 'spec.connectionPool.maxConnections', `write circuitBreaker.maxConnections ${SERVICE_LEVEL}`]],
    });
  });

  it('says only the apiVersion when the fields are ours', () => {
    const obj = {
      apiVersion: 'gateway.networking.k8s.io/v1alpha3',
      kind: 'BackendTrafficPolicy',
      metadata: { name: 'p' },
      spec: { targetRefs: [], retry: { attempts: 2 } },
    };
    expect(foreignPolicyErrors(obj)?.map((e) => e.field)).toEqual(['apiVersion']);
  });

  it('leaves our own policies and other kinds to validation', () => {
    const ours = {
      apiVersion: 'attache.dev/v1alpha1',
      kind: 'BackendTrafficPolicy',
      metadata: { name: 'p' },
      spec: { targetRefs: [{ group: '', kind: 'Service', name: 'echo' }], circuitBreaker: { maxConnections: 1 } },
    };
    expect(foreignPolicyErrors(ours)).toBeUndefined();
    expect(foreignPolicyErrors({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GRPCRoute', spec: { targetRef: {} } })).toBeUndefined();
    expect(parse(`apiVersion: attache.dev/v1alpha1\nkind: BackendTrafficPolicy\nmetadata: {name: p}\nspec: ${JSON.stringify(ours.spec)}\n`)).toEqual({
      objects: 1,
      errors: [],
    });
  });

  it('reports a CEL rule of ours through the file path, naming file, object and field', () => {
    const text =
      'apiVersion: attache.dev/v1alpha1\nkind: BackendTrafficPolicy\nmetadata: {name: p, namespace: app}\nspec:\n  targetRefs: [{group: gateway.networking.k8s.io, kind: GRPCRoute, name: r}]\n  timeout: {tcp: {connectTimeout: 5s}}\n';
    const parsed = parseManifests('p.yaml', text, schemas);
    expect(parsed.errors.map((e) => [e.file, e.object, e.field])).toEqual([['p.yaml', 'BackendTrafficPolicy app/p', 'spec.timeout.tcp']]);
  });
});
