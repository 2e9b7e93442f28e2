/**
 * Users copy BackendTrafficPolicy YAML from guides: the "production patterns" guide writes
 * `gateway.networking.k8s.io/v1alpha3` (a version no Gateway API release defines) with Istio-like
 * fields, and Envoy Gateway users write `gateway.envoyproxy.io/v1alpha1`. Neither is ours. Such an
 * object is answered with what to write instead: our apiVersion, then, field by field, the name the
 * same setting has in attache.dev/v1alpha1 (or that it has none). The same table answers those
 * fields in an object that already says attache.dev/v1alpha1: validation would only call them
 * unknown (validation/unknown-fields.ts), this says what they are called here.
 *
 * The table is data about other APIs; it never changes what an object means, only what the error says.
 */
import { BACKEND_TRAFFIC_POLICY_API_VERSION } from '../../apis/policy';
import type { FieldError } from '../validation/field-error';

const KIND = 'BackendTrafficPolicy';

/** Where foreign policies come from, so the first error says what the reader copied. */
const FOREIGN_API_VERSIONS: Record<string, string> = {
  'gateway.networking.k8s.io/v1alpha3': 'a version no Gateway API release defines',
  'gateway.networking.k8s.io/v1alpha2': 'Gateway API defines no BackendTrafficPolicy',
  'gateway.networking.k8s.io/v1': 'Gateway API defines no BackendTrafficPolicy',
  'gateway.envoyproxy.io/v1alpha1': "Envoy Gateway's BackendTrafficPolicy, not Attaché's",
};

/** A connection-level setting lives on the one cluster of a Service port: say so once per hint. */
const ON_SERVICE = 'in a policy whose targetRefs name the Service (connection-level: the one cluster per Service port)';
const NOT_SUPPORTED = 'Attaché has no such setting';

/** gRPC status codes a guide lists among HTTP status codes, and the retryOn name Envoy retries them by. */
const GRPC_CODE_NAMES: Record<number, string> = { 1: 'cancelled', 4: 'deadline-exceeded', 8: 'resource-exhausted', 13: 'internal', 14: 'unavailable' };

type Hint = (value: unknown, spec: Record<string, unknown>) => string | undefined;

const rename =
  (to: string, where = ''): Hint =>
  () =>
    `write ${to}${where ? ` ${where}` : ''}`;

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function flow(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(flow).join(', ')}]`;
  const r = record(v);
  if (r)
    return `{${Object.entries(r)
      .map(([k, x]) => `${k}: ${flow(x)}`)
      .join(', ')}}`;
  return typeof v === 'string' && v === '' ? '""' : String(v);
}

const targetRef: Hint = (value) => {
  const r = record(value);
  const ref = r ? { group: r.group ?? (r.kind === 'Service' ? '' : 'gateway.networking.k8s.io'), kind: r.kind, name: r.name } : undefined;
  const example = ref && typeof ref.kind === 'string' && typeof ref.name === 'string' ? flow([ref]) : '[{group, kind, name}]';
  return `write targetRefs: ${example} (a list; sectionName picks a route rule, Gateway listener or Service port)`;
};

const retriableStatusCodes: Hint = (value) => {
  const codes = Array.isArray(value) ? value.filter((c): c is number => typeof c === 'number') : [];
  const grpc = codes.filter((c) => c < 100);
  const http = codes.filter((c) => c >= 100);
  const parts = [`write retry.retriableStatusCodes${http.length ? `: ${flow(http)}` : ''} (HTTP codes, with retriable-status-codes in retry.retryOn)`];
  if (grpc.length) {
    const named = grpc.map((c) => (GRPC_CODE_NAMES[c] ? `${c} → ${GRPC_CODE_NAMES[c]}` : `${c} (no retryOn name)`));
    parts.push(`gRPC codes are retry.retryOn names: ${named.join(', ')}`);
  }
  return parts.join('; ');
};

/** Envoy Gateway's retry.retryOn is an object {triggers, httpStatusCodes}; ours is the triggers list. */
const retryOnObject: Hint = (value) =>
  record(value)
    ? 'write retry.retryOn as a list of triggers (Envoy Gateway retryOn.triggers; same names) and retry.retriableStatusCodes (retryOn.httpStatusCodes)'
    : undefined;

const rateLimitType: Hint = (value, spec) => {
  if (value === 'Local') return 'drop type: write rateLimit.local: {requests, unit}';
  const local = globalAsLocal(record(spec.rateLimit)?.global);
  return `Global rate limits (a rate limit service) are not supported: write rateLimit.local: ${local} (a token bucket in each Envoy)`;
};

/** The guide's first global rule as the local limit closest to it, e.g. {requests: 1000, unit: Minute, perHeader: x-api-key}. */
function globalAsLocal(global: unknown): string {
  const rules = record(global)?.rules;
  const rule = Array.isArray(rules) ? record(rules[0]) : undefined;
  const limit = record(rule?.limit);
  const requests = limit?.requestsPerUnit ?? limit?.requests;
  const selectors = rule?.clientSelectors;
  const headers = Array.isArray(selectors) ? record(selectors[0])?.headers : undefined;
  const header = Array.isArray(headers) ? record(headers[0])?.name : undefined;
  if (typeof requests !== 'number' || typeof limit?.unit !== 'string') return '{requests, unit, perHeader?}';
  return flow({ requests, unit: limit.unit, ...(typeof header === 'string' ? { perHeader: header } : {}) });
}

/**
 * Dotted path under `spec` → what to write instead. Only names that are not ours, or ours with
 * another shape (retryOn as an object), are listed; where the guides already use our names
 * (retry.retryOn as a list, retry.attempts, timeout.http.requestTimeout) nothing is said.
 */
const TABLE: ReadonlyArray<[string, Hint]> = [
  ['targetRef', targetRef],
  ['targetSelectors', () => `${NOT_SUPPORTED}: name each target in targetRefs`],
  // retry (the guide; Envoy Gateway)
  ['retry.retryOnStatusCodes', retriableStatusCodes],
  ['retry.retryOn', retryOnObject],
  ['retry.numRetries', rename('retry.attempts')],
  ['retry.backoff.defaultDuration', rename('retry.backoff.baseInterval')],
  ['retry.backoff.maxDuration', rename('retry.backoff.maxInterval')],
  ['retry.perRetry.timeout', rename('retry.perTryTimeout')],
  ['retry.perRetry.backOff.baseInterval', rename('retry.backoff.baseInterval')],
  ['retry.perRetry.backOff.maxInterval', rename('retry.backoff.maxInterval')],
  ['retry.numAttemptsPerPriority', () => NOT_SUPPORTED],
  // connection pool (the guide, Istio's DestinationRule names)
  ['connectionPool.maxConnections', rename('circuitBreaker.maxConnections', ON_SERVICE)],
  ['connectionPool.maxPendingRequests', rename('circuitBreaker.maxPendingRequests', ON_SERVICE)],
  ['connectionPool.maxRequestsPerConnection', rename('circuitBreaker.maxRequestsPerConnection', ON_SERVICE)],
  ['connectionPool.maxParallelRequests', rename('circuitBreaker.maxParallelRequests', ON_SERVICE)],
  ['connectionPool.maxRetries', rename('circuitBreaker.maxParallelRetries', ON_SERVICE)],
  // the guide's circuitBreaker is outlier detection
  ['circuitBreaker.consecutiveFailures', rename('healthCheck.passive.consecutive5xxErrors', ON_SERVICE)],
  ['circuitBreaker.consecutive5xxErrors', rename('healthCheck.passive.consecutive5xxErrors', ON_SERVICE)],
  ['circuitBreaker.consecutiveGatewayFailures', rename('healthCheck.passive.consecutiveGatewayErrors', ON_SERVICE)],
  ['circuitBreaker.consecutiveGatewayErrors', rename('healthCheck.passive.consecutiveGatewayErrors', ON_SERVICE)],
  ['circuitBreaker.interval', rename('healthCheck.passive.interval', ON_SERVICE)],
  ['circuitBreaker.baseEjectionTime', rename('healthCheck.passive.baseEjectionTime', ON_SERVICE)],
  ['circuitBreaker.maxEjectionPercent', rename('healthCheck.passive.maxEjectionPercent', ON_SERVICE)],
  // Envoy Gateway's spellings
  ['healthCheck.passive.consecutive5XxErrors', rename('healthCheck.passive.consecutive5xxErrors')],
  ['healthCheck.passive.splitExternalLocalOriginErrors', () => 'drop it: setting healthCheck.passive.consecutiveLocalOriginFailures turns it on'],
  ['healthCheck.active.grpc.authority', () => `${NOT_SUPPORTED}: the :authority of a check is always the Service's name`],
  ['timeout.tcp', (_v, spec) => (targetsRoutes(spec) ? `keep timeout.tcp.connectTimeout, ${ON_SERVICE}` : undefined)],
  ['tcpKeepalive', rename('connection.tcpKeepalive', ON_SERVICE)],
  ['timeout.http.connectionIdleTimeout', () => `${NOT_SUPPORTED}: timeout.http.streamIdleTimeout resets a stream idle that long`],
  ['timeout.http.maxConnectionDuration', () => `${NOT_SUPPORTED}: timeout.http.maxStreamDuration bounds one stream`],
  [
    'loadBalancer.consistentHash.type',
    () => 'drop type: set loadBalancer.consistentHash.header: {name} or .cookie: {name, ttl} (source IP hashing is not supported)',
  ],
  ['loadBalancer.slowStart', () => NOT_SUPPORTED],
  // rate limits
  ['rateLimit.type', rateLimitType],
  ['rateLimit.global', (_v, spec) => (record(spec.rateLimit)?.type === undefined ? rateLimitType('Global', spec) : undefined)],
  [
    'rateLimit.local.rules',
    () =>
      'write rateLimit.local: {requests, unit, perHeader?, perMethod?} (one bucket per route rule, or per header value or gRPC method; not a list of rules)',
  ],
  ...['faultInjection', 'compression', 'proxyProtocol', 'useClientProtocol', 'dns', 'http2', 'responseOverride', 'mergeType'].map((f): [string, Hint] => [
    f,
    () => NOT_SUPPORTED,
  ]),
];

/** The guide's policies target a route but set connection-level fields: say where those go. */
function targetsRoutes(spec: Record<string, unknown>): boolean {
  const refs = Array.isArray(spec.targetRefs) ? spec.targetRefs : [spec.targetRef];
  return refs.some((r) => typeof record(r)?.kind === 'string' && record(r)?.kind !== 'Service');
}

function at(spec: Record<string, unknown>, path: string): unknown {
  let v: unknown = spec;
  for (const key of path.split('.')) {
    const r = record(v);
    if (!r || !Object.prototype.hasOwnProperty.call(r, key)) return undefined;
    v = r[key];
  }
  return v;
}

/**
 * The errors for a BackendTrafficPolicy written for another API: the apiVersion to use (when it
 * is not ours) and each field whose name in ours differs. Undefined for any other object, and for
 * one of ours with none of those fields (it is validated as usual).
 */
export function foreignPolicyErrors(raw: unknown): FieldError[] | undefined {
  const o = record(raw);
  if (!o || o.kind !== KIND || typeof o.apiVersion !== 'string') return undefined;
  const spec = record(o.spec) ?? {};
  const fields: FieldError[] = [];
  for (const [path, hint] of TABLE) {
    const value = at(spec, path);
    const message = value === undefined ? undefined : hint(value, spec);
    if (message !== undefined) fields.push({ field: `spec.${path}`, message });
  }
  if (o.apiVersion === BACKEND_TRAFFIC_POLICY_API_VERSION) return fields.length ? fields : undefined;
  const from = FOREIGN_API_VERSIONS[o.apiVersion] ?? `${o.apiVersion} does not serve it`;
  const rest = fields.length ? '; the fields that differ follow' : '';
  return [
    {
      field: 'apiVersion',
      message: `${o.apiVersion} does not serve kind ${KIND} (${from}): write apiVersion ${BACKEND_TRAFFIC_POLICY_API_VERSION}, Attaché's policy API${rest} (README "Traffic policies")`,
    },
    ...fields,
  ];
}
