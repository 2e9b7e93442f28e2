import { type KubernetesObject } from '../../apis/meta';
import { type PolicyTargetReference } from '../../apis/policy';
import { describeRuleCases, errorsOf, expectAllMessagesCovered, type Fields, type RuleCase, schemas } from './cel-test-support';
import { validateAgainstCrd } from './validate';

const ROUTE: PolicyTargetReference = { group: 'gateway.networking.k8s.io', kind: 'GRPCRoute', name: 'echo' };
const SERVICE: PolicyTargetReference = { group: '', kind: 'Service', name: 'echo' };

function policy(spec: Fields): KubernetesObject {
  return { apiVersion: 'attache.dev/v1alpha1', kind: 'BackendTrafficPolicy', metadata: { name: 'example', namespace: 'default' }, spec } as KubernetesObject;
}
const onRoute = (spec: Fields) => policy({ targetRefs: [ROUTE], ...spec });
const onService = (spec: Fields) => policy({ targetRefs: [SERVICE], ...spec });

const cases: RuleCase[] = [
  {
    message: 'group must be "" for Service and gateway.networking.k8s.io for Gateway, GRPCRoute and HTTPRoute',
    field: 'spec.targetRefs[0]',
    object: policy({ targetRefs: [{ ...SERVICE, group: 'gateway.networking.k8s.io' }] }),
  },
  {
    message: 'group must be "" for Service and gateway.networking.k8s.io for Gateway, GRPCRoute and HTTPRoute',
    field: 'spec.targetRefs[0]',
    object: policy({ targetRefs: [{ ...ROUTE, group: '' }] }),
  },
  { message: 'targetRefs must be unique', field: 'spec.targetRefs', object: policy({ targetRefs: [ROUTE, { ...ROUTE }] }) },
  {
    message: 'targetRefs must be unique',
    field: 'spec.targetRefs',
    object: policy({
      targetRefs: [
        { ...ROUTE, sectionName: 'a' },
        { ...ROUTE, sectionName: 'a' },
      ],
    }),
  },
  {
    message: 'targetRefs must be all Services (connection-level settings) or none (route-level settings)',
    field: 'spec.targetRefs',
    object: policy({ targetRefs: [ROUTE, SERVICE] }),
  },
  {
    message: 'retriableStatusCodes needs retriable-status-codes in retryOn',
    field: 'spec.retry',
    object: onRoute({ retry: { retriableStatusCodes: [503] } }),
  },
  {
    message: 'retriableStatusCodes needs retriable-status-codes in retryOn',
    field: 'spec.retry',
    object: onRoute({ retry: { retryOn: ['5xx'], retriableStatusCodes: [503] } }),
  },
  {
    message: 'consistentHash needs exactly one of header and cookie',
    field: 'spec.loadBalancer.consistentHash',
    object: onService({ loadBalancer: { type: 'ConsistentHash', consistentHash: { header: { name: 'x-user' }, cookie: { name: 'c' } } } }),
  },
  {
    message: 'consistentHash needs exactly one of header and cookie',
    field: 'spec.loadBalancer.consistentHash',
    object: onService({ loadBalancer: { type: 'ConsistentHash', consistentHash: {} } }),
  },
  {
    message: 'consistentHash is set exactly when type is ConsistentHash',
    field: 'spec.loadBalancer',
    object: onService({ loadBalancer: { type: 'ConsistentHash' } }),
  },
  {
    message: 'consistentHash is set exactly when type is ConsistentHash',
    field: 'spec.loadBalancer',
    object: onService({ loadBalancer: { type: 'RoundRobin', consistentHash: { header: { name: 'x-user' } } } }),
  },
  {
    message: 'perHeader and perMethod cannot both be set',
    field: 'spec.rateLimit.local',
    object: onRoute({ rateLimit: { local: { requests: 10, unit: 'Second', perHeader: 'x-api-key', perMethod: true } } }),
  },
  ...['circuitBreaker', 'healthCheck', 'connection', 'loadBalancer', 'timeout.tcp'].map((setting) => ({
    message:
      'circuitBreaker, healthCheck, connection, loadBalancer and timeout.tcp are connection-level: they apply to the one cluster of a Service port, so targetRefs must name Services',
    field: 'spec',
    object: onRoute(
      {
        circuitBreaker: { circuitBreaker: { maxConnections: 1 } },
        healthCheck: { healthCheck: { passive: { consecutive5xxErrors: 1 } } },
        connection: { connection: { http2Keepalive: { interval: '10s' } } },
        loadBalancer: { loadBalancer: { type: 'Random' } },
        'timeout.tcp': { timeout: { tcp: { connectTimeout: '1s' } } },
      }[setting]!,
    ),
  })),
  ...['retry', 'rateLimit', 'timeout.http'].map((setting) => ({
    message: 'retry, rateLimit and timeout.http are route-level: targetRefs must name Gateways, GRPCRoutes or HTTPRoutes',
    field: 'spec',
    object: onService(
      {
        retry: { retry: { attempts: 2 } },
        rateLimit: { rateLimit: { local: { requests: 1, unit: 'Second' } } },
        'timeout.http': { timeout: { http: { requestTimeout: '1s' } } },
      }[setting]!,
    ),
  })),
];

describeRuleCases('BackendTrafficPolicy CEL rules', cases);
expectAllMessagesCovered('BackendTrafficPolicy', cases);

describe('BackendTrafficPolicy CRD', () => {
  it('compiles every CEL rule (none left unenforced)', () => {
    expect(schemas.validator('attache.dev/v1alpha1', 'BackendTrafficPolicy')).toBeDefined();
    expect(schemas.celRules('attache.dev/v1alpha1', 'BackendTrafficPolicy')).toBeDefined();
    expect(schemas.unsupportedCelRules()).toEqual([]);
  });

  it.each<[string, KubernetesObject]>([
    [
      'a route-level policy on a GRPCRoute rule',
      onRoute({
        targetRefs: [{ ...ROUTE, sectionName: 'rule-a' }],
        retry: { attempts: 3, retryOn: ['unavailable', 'retriable-status-codes'], retriableStatusCodes: [503] },
        timeout: { http: { requestTimeout: '5s' } },
      }),
    ],
    [
      'a route-level policy on a Gateway listener and an HTTPRoute',
      policy({
        targetRefs: [
          { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw', sectionName: 'grpc' },
          { ...ROUTE, kind: 'HTTPRoute' },
        ],
        rateLimit: { local: { requests: 10, unit: 'Second', perHeader: 'x-api-key', perMethod: false } },
      }),
    ],
    [
      'the same route with and without a sectionName',
      policy({ targetRefs: [ROUTE, { ...ROUTE, sectionName: 'a' }, { ...ROUTE, sectionName: 'b' }], retry: { attempts: 1 } }),
    ],
    [
      'a connection-level policy on two Service ports',
      policy({
        targetRefs: [
          { ...SERVICE, sectionName: 'grpc' },
          { ...SERVICE, sectionName: 'admin' },
        ],
        circuitBreaker: { maxConnections: 10, retryBudget: { percent: 20 } },
        healthCheck: { active: { grpc: { service: '' }, interval: '1s' }, passive: { consecutive5xxErrors: 3 } },
        connection: { tcpKeepalive: { probes: 3 } },
        loadBalancer: { type: 'ConsistentHash', consistentHash: { cookie: { name: 'session', ttl: '1h' } } },
        timeout: { tcp: { connectTimeout: '2s' } },
      }),
    ],
    ['a policy with no settings at all', onService({})],
  ])('accepts %s', (_name, object) => {
    expect(errorsOf(object)).toEqual([]);
  });

  it('applies the schema default (healthCheck.active.type GRPC) as the apiserver does', () => {
    const result = validateAgainstCrd(onService({ healthCheck: { active: { interval: '1s' } } }), schemas);
    expect(result.ok && (result.object as unknown as { spec: Fields }).spec.healthCheck).toEqual({ active: { type: 'GRPC', interval: '1s' } });
  });

  it.each<[string, Fields, string, RegExp]>([
    ['no targetRefs', { targetRefs: [] }, 'spec.targetRefs', /fewer than 1/],
    ['17 targetRefs', { targetRefs: Array.from({ length: 17 }, (_, i) => ({ ...ROUTE, name: `r${i}` })) }, 'spec.targetRefs', /more than 16/],
    ['a target kind we do not attach to', { targetRefs: [{ ...ROUTE, kind: 'TCPRoute' }] }, 'spec.targetRefs[0].kind', /must be one of/],
    ['a sectionName that is no DNS label', { targetRefs: [{ ...ROUTE, sectionName: 'Rule_A' }] }, 'spec.targetRefs[0].sectionName', /pattern/],
    ['11 retry attempts', { targetRefs: [ROUTE], retry: { attempts: 11 } }, 'spec.retry.attempts', /<= 10/],
    ['a retry trigger Envoy has no name for', { targetRefs: [ROUTE], retry: { retryOn: ['on-error'] } }, 'spec.retry.retryOn[0]', /must be one of/],
    [
      'a retriable status code of 600',
      { targetRefs: [ROUTE], retry: { retryOn: ['retriable-status-codes'], retriableStatusCodes: [600] } },
      'spec.retry.retriableStatusCodes[0]',
      /<= 599/,
    ],
    ['a duration without a unit', { targetRefs: [ROUTE], timeout: { http: { requestTimeout: '10' } } }, 'spec.timeout.http.requestTimeout', /pattern/],
    ['a fractional duration', { targetRefs: [ROUTE], retry: { perTryTimeout: '1.5s' } }, 'spec.retry.perTryTimeout', /pattern/],
    ['maxConnections 0', { targetRefs: [SERVICE], circuitBreaker: { maxConnections: 0 } }, 'spec.circuitBreaker.maxConnections', />= 1/],
    [
      'a retry budget of 101 percent',
      { targetRefs: [SERVICE], circuitBreaker: { retryBudget: { percent: 101 } } },
      'spec.circuitBreaker.retryBudget.percent',
      /<= 100/,
    ],
    ['an HTTP active health check', { targetRefs: [SERVICE], healthCheck: { active: { type: 'HTTP' } } }, 'spec.healthCheck.active.type', /must be one of/],
    [
      'maxEjectionPercent 101',
      { targetRefs: [SERVICE], healthCheck: { passive: { maxEjectionPercent: 101 } } },
      'spec.healthCheck.passive.maxEjectionPercent',
      /<= 100/,
    ],
    ['a loadBalancer without a type', { targetRefs: [SERVICE], loadBalancer: {} }, 'spec.loadBalancer.type', /Required/],
    [
      'a load balancer Envoy Gateway has but we do not',
      { targetRefs: [SERVICE], loadBalancer: { type: 'Maglev' } },
      'spec.loadBalancer.type',
      /must be one of/,
    ],
    ['a rate limit without a unit', { targetRefs: [ROUTE], rateLimit: { local: { requests: 1 } } }, 'spec.rateLimit.local.unit', /Required/],
    ['a rate limit of 0 requests', { targetRefs: [ROUTE], rateLimit: { local: { requests: 0, unit: 'Second' } } }, 'spec.rateLimit.local.requests', />= 1/],
    ['a rate limit per Day', { targetRefs: [ROUTE], rateLimit: { local: { requests: 1, unit: 'Day' } } }, 'spec.rateLimit.local.unit', /must be one of/],
  ])('rejects %s', (_name, spec, field, message) => {
    const errors = errorsOf(policy(spec));
    expect(errors).toContainEqual({ field, message: expect.stringMatching(message) as unknown as string });
  });

  it('rejects fields the schema does not declare (kubectl would; the API server would drop them), in lists too', () => {
    expect(errorsOf(onRoute({ retry: { atempts: 3 }, targetRefs: [{ ...ROUTE, section: 'a' }] }))).toEqual([
      { field: 'spec.targetRefs[0].section', message: 'unknown field (the API server would drop it; kubectl refuses it)' },
      { field: 'spec.retry.atempts', message: 'unknown field (the API server would drop it; kubectl refuses it)' },
    ]);
    expect(errorsOf({ ...onService({}), metadata: { name: 'p', namespace: 'default', labels: { a: 'b' } } } as KubernetesObject)).toEqual([]);
  });

  it('leaves unknown fields of the Gateway API kinds as they were (ignored)', () => {
    const route = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GRPCRoute', metadata: { name: 'r', namespace: 'default' }, spec: { extra: 1 } };
    expect(errorsOf(route as unknown as KubernetesObject)).toEqual([]);
  });

  it('rejects a policy without a spec', () => {
    expect(
      errorsOf({ apiVersion: 'attache.dev/v1alpha1', kind: 'BackendTrafficPolicy', metadata: { name: 'p', namespace: 'default' } } as KubernetesObject),
    ).toEqual([{ field: 'spec', message: 'Required value' }]);
  });
});
