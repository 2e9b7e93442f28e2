/**
 * The API resources Kubernetes mode watches, and their REST paths. One table, so the informers,
 * the status writer and the RBAC the Helm chart will need are read from the same place.
 */
import { GATEWAY_PARAMETERS_API_VERSION } from '../../apis/parameters';
import { BACKEND_TRAFFIC_POLICY_API_VERSION } from '../../apis/policy';
import { type SupportedKind } from '../../store/resources';

export interface WatchedKind {
  kind: SupportedKind;
  /** `group/version`, or `v1` for the core group: what list items lack and watch events carry. */
  apiVersion: string;
  /** The resource name in the URL (lower-case plural). */
  plural: string;
  namespaced: boolean;
  /**
   * Narrows the watch on the server. Secrets: only `kubernetes.io/tls` ones, the only type a
   * Gateway listener can use (GEP-2907 certificateRefs), so other Secrets never reach us.
   */
  fieldSelector?: string;
  /** Kinds whose status Attaché writes (through the `/status` subresource). */
  hasStatus: boolean;
  /**
   * Served by a CRD of our own that a cluster may not have installed (a Helm install with
   * `crds.install=false`, or an older chart): a 404 on its list means "none of them", so the
   * kind counts as listed and translation is not held back; the list is retried (informer.ts).
   */
  optional?: true;
}

export const WATCHED_KINDS: readonly WatchedKind[] = [
  { kind: 'GatewayClass', apiVersion: 'gateway.networking.k8s.io/v1', plural: 'gatewayclasses', namespaced: false, hasStatus: true },
  { kind: 'Gateway', apiVersion: 'gateway.networking.k8s.io/v1', plural: 'gateways', namespaced: true, hasStatus: true },
  { kind: 'GRPCRoute', apiVersion: 'gateway.networking.k8s.io/v1', plural: 'grpcroutes', namespaced: true, hasStatus: true },
  { kind: 'HTTPRoute', apiVersion: 'gateway.networking.k8s.io/v1', plural: 'httproutes', namespaced: true, hasStatus: true },
  { kind: 'ReferenceGrant', apiVersion: 'gateway.networking.k8s.io/v1', plural: 'referencegrants', namespaced: true, hasStatus: false },
  { kind: 'Service', apiVersion: 'v1', plural: 'services', namespaced: true, hasStatus: false },
  { kind: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1', plural: 'endpointslices', namespaced: true, hasStatus: false },
  {
    kind: 'Secret',
    apiVersion: 'v1',
    plural: 'secrets',
    namespaced: true,
    fieldSelector: 'type=kubernetes.io/tls',
    hasStatus: false,
  },
  { kind: 'Namespace', apiVersion: 'v1', plural: 'namespaces', namespaced: false, hasStatus: false },
  {
    kind: 'BackendTrafficPolicy',
    apiVersion: BACKEND_TRAFFIC_POLICY_API_VERSION,
    plural: 'backendtrafficpolicies',
    namespaced: true,
    hasStatus: true,
    optional: true,
  },
  // Read by the provisioner (GatewayClass and Gateway parametersRef); no status.
  {
    kind: 'GatewayParameters',
    apiVersion: GATEWAY_PARAMETERS_API_VERSION,
    plural: 'gatewayparameters',
    namespaced: true,
    hasStatus: false,
    optional: true,
  },
];

export function watchedKind(kind: string): WatchedKind {
  const found = WATCHED_KINDS.find((k) => k.kind === kind);
  if (!found) throw new Error(`not a watched kind: ${kind}`);
  return found;
}

function groupVersionPrefix(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/** The all-namespaces collection: `/apis/gateway.networking.k8s.io/v1/grpcroutes`. */
export function collectionPath(k: WatchedKind): string {
  return `${groupVersionPrefix(k.apiVersion)}/${k.plural}`;
}

/** One object: `/apis/.../namespaces/NS/grpcroutes/NAME` (no namespace segment for cluster-scoped kinds). */
export function objectPath(k: WatchedKind, namespace: string | undefined, name: string): string {
  const ns = k.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? 'default')}` : '';
  return `${groupVersionPrefix(k.apiVersion)}${ns}/${k.plural}/${encodeURIComponent(name)}`;
}
