/**
 * The Gateway API features (conformance feature names, `pkg/features` of v1.6.1) Attaché
 * implements, published in every owned GatewayClass's `status.supportedFeatures` (GEP-2162).
 * The upstream conformance suite reads this list to decide which tests to run, so it must be
 * exactly what works: each name here is covered by the suite's tests for it (conformance/reports/).
 * Left out on purpose: request and backend timeouts and retries (`timeouts`, `retry` are
 * ignored), CORS, WebSocket backends, destination-port matching, ListenerSets, TLS/TCP/UDP
 * routes, BackendTLSPolicy, frontend client certificates, static addresses, infrastructure
 * propagation, and mesh.
 */
export const SUPPORTED_FEATURES: readonly string[] = [
  'GRPCRoute',
  'GRPCRouteNamedRouteRule',
  'Gateway',
  'GatewayPort8080',
  'HTTPRoute',
  'HTTPRoute303RedirectStatusCode',
  'HTTPRoute307RedirectStatusCode',
  'HTTPRoute308RedirectStatusCode',
  'HTTPRouteBackendProtocolH2C',
  'HTTPRouteBackendRequestHeaderModification',
  'HTTPRouteHostRewrite',
  'HTTPRouteMethodMatching',
  'HTTPRoutePathRedirect',
  'HTTPRoutePathRewrite',
  'HTTPRoutePortRedirect',
  'HTTPRouteQueryParamMatching',
  'HTTPRouteRequestMirror',
  'HTTPRouteRequestMultipleMirrors',
  'HTTPRouteRequestPercentageMirror',
  'HTTPRouteResponseHeaderModification',
  'HTTPRouteSchemeRedirect',
  'ReferenceGrant',
];

/** As the field wants it: objects, sorted by name ("MUST be sorted in ascending alphabetical order"). */
export function supportedFeatures(): Array<{ name: string }> {
  return [...SUPPORTED_FEATURES].sort().map((name) => ({ name }));
}
