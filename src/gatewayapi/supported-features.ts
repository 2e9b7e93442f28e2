/**
 * The Gateway API features (conformance feature names, `pkg/features` of v1.6.1) Attaché
 * implements, published in every owned GatewayClass's `status.supportedFeatures` (GEP-2162).
 * The upstream conformance suite reads this list to decide which tests to run, so it must be
 * exactly what works: each name here is covered by the suite's tests for it (conformance/reports/).
 * Left out on purpose: retries (`retry` is ignored), CORS, ListenerSets,
 * TLS/TCP/UDP routes, BackendTLSPolicy, frontend and backend client certificates,
 * misdirected-request detection, mesh. GatewayInfrastructurePropagation is claimed only with the
 * provisioner on (PROVISIONED_FEATURES): unmanaged, there is no generated Deployment or Service to
 * carry spec.infrastructure labels and annotations.
 */
export const SUPPORTED_FEATURES: readonly string[] = [
  'GRPCRoute',
  'GRPCRouteNamedRouteRule',
  'Gateway',
  // An IPAddress entry of spec.addresses without a value: the Gateway gets one (--address-pool or --default-address).
  'GatewayAddressEmpty',
  // Requests see only the routes of the most specific listener hostname on their port (virtual-hosts.ts).
  'GatewayHTTPListenerIsolation',
  'GatewayPort8080',
  // spec.addresses IPAddress values; with --address-pool, one outside the pool is AddressNotUsable.
  'GatewayStaticAddresses',
  'HTTPRoute',
  'HTTPRoute303RedirectStatusCode',
  'HTTPRoute307RedirectStatusCode',
  'HTTPRoute308RedirectStatusCode',
  'HTTPRouteBackendProtocolH2C',
  'HTTPRouteBackendProtocolWebSocket',
  'HTTPRouteBackendRequestHeaderModification',
  'HTTPRouteBackendTimeout',
  // v1.6.1 tests it only as a parentRef whose port matches no listener (NoMatchingParent), which parent-refs.ts does.
  'HTTPRouteDestinationPortMatching',
  'HTTPRouteHostRewrite',
  'HTTPRouteMethodMatching',
  'HTTPRouteNamedRouteRule',
  'HTTPRouteParentRefPort',
  'HTTPRoutePathRedirect',
  'HTTPRoutePathRewrite',
  'HTTPRoutePortRedirect',
  'HTTPRouteQueryParamMatching',
  'HTTPRouteRequestMirror',
  'HTTPRouteRequestMultipleMirrors',
  'HTTPRouteRequestPercentageMirror',
  'HTTPRouteRequestTimeout',
  'HTTPRouteResponseHeaderModification',
  'HTTPRouteSchemeRedirect',
  'ReferenceGrant',
];

/**
 * Claimed on top of SUPPORTED_FEATURES when Attaché provisions each Gateway's Envoys
 * (`--provision`, TranslateOptions.provisioned): the provisioner puts spec.infrastructure labels
 * and annotations on the ServiceAccount, Deployment, Pods and Service (provisioner/objects.ts).
 */
export const PROVISIONED_FEATURES: readonly string[] = ['GatewayInfrastructurePropagation'];

/** As the field wants it: objects, sorted by name ("MUST be sorted in ascending alphabetical order"). */
export function supportedFeatures(provisioned = false): Array<{ name: string }> {
  return [...SUPPORTED_FEATURES, ...(provisioned ? PROVISIONED_FEATURES : [])].sort().map((name) => ({ name }));
}
