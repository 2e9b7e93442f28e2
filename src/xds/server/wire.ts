/**
 * Requests as they come off the wire, made to match their generated `__Output` types.
 *
 * `adsPackageDefinition()` loads with `defaults: false` (right for responses: unset fields cost
 * nothing), so a decoded request simply lacks every field left at its default — an empty
 * `resource_names`, an empty `response_nonce`, a node without `cluster`. The generated
 * `__Output` types promise those fields; these functions keep that promise, so the protocol
 * code can compare against '' and [] instead of guarding every access.
 */
import type { Node__Output } from '../../generated/envoy/config/core/v3/Node';
import type { Status__Output } from '../../generated/google/rpc/Status';
import type { DiscoveryRequest__Output } from '../../generated/envoy/service/discovery/v3/DiscoveryRequest';
import type { DeltaDiscoveryRequest__Output } from '../../generated/envoy/service/discovery/v3/DeltaDiscoveryRequest';
import type { NackErrorDetail } from './callbacks';

/** What the decoder really produces: every field may be missing. */
type Decoded<T> = { [K in keyof T]?: T[K] | undefined };

export function normalizeNode(node: Decoded<Node__Output>): Node__Output {
  return {
    ...node,
    id: node.id ?? '',
    cluster: node.cluster ?? '',
    metadata: node.metadata ?? null,
    locality: node.locality ?? null,
    user_agent_name: node.user_agent_name ?? '',
    extensions: node.extensions ?? [],
    client_features: node.client_features ?? [],
    listening_addresses: node.listening_addresses ?? [],
    dynamic_parameters: node.dynamic_parameters ?? {},
  };
}

function normalizeStatus(status: Decoded<Status__Output> | null | undefined): Status__Output | null {
  if (!status) return null;
  return { code: status.code ?? 0, message: status.message ?? '', details: status.details ?? [] };
}

export function normalizeDiscoveryRequest(request: Decoded<DiscoveryRequest__Output>): DiscoveryRequest__Output {
  return {
    version_info: request.version_info ?? '',
    node: request.node ? normalizeNode(request.node) : null,
    resource_names: request.resource_names ?? [],
    type_url: request.type_url ?? '',
    response_nonce: request.response_nonce ?? '',
    error_detail: normalizeStatus(request.error_detail),
    resource_locators: request.resource_locators ?? [],
  };
}

export function normalizeDeltaRequest(request: Decoded<DeltaDiscoveryRequest__Output>): DeltaDiscoveryRequest__Output {
  return {
    node: request.node ? normalizeNode(request.node) : null,
    type_url: request.type_url ?? '',
    resource_names_subscribe: request.resource_names_subscribe ?? [],
    resource_names_unsubscribe: request.resource_names_unsubscribe ?? [],
    initial_resource_versions: request.initial_resource_versions ?? {},
    response_nonce: request.response_nonce ?? '',
    error_detail: normalizeStatus(request.error_detail),
    resource_locators_subscribe: request.resource_locators_subscribe ?? [],
    resource_locators_unsubscribe: request.resource_locators_unsubscribe ?? [],
  };
}

/** The part of a NACK's `google.rpc.Status` callbacks get (details are dropped: Envoy sends none). */
export function nackDetail(status: Status__Output): NackErrorDetail {
  return { code: status.code, message: status.message };
}
