/**
 * backendRefs → clusters. A valid ref to a Service port becomes one EDS cluster per Service
 * port and protocol (shared by every route), its endpoints from the Service's EndpointSlices.
 * An invalid ref keeps its weight but has no cluster, so its share of traffic gets the route
 * kind's error: UNAVAILABLE for GRPCRoute, 500 for HTTPRoute (their backendRefs docs).
 */
import { type ServicePort } from '../apis/core';
import { type BackendRef, GATEWAY_GROUP } from '../apis/gateway-api';
import { type ClusterIR, type DestinationIR } from '../ir/types';
import { ConditionType, Reason, type TranslationIssue } from './conditions';
import { endpointsFor } from './endpoints';
import { serviceClusterName } from './naming';
import { isReferencePermitted } from './reference-grant';
import { type ResourceIndex } from './resource-index';

export interface ResolvedBackend {
  destination: DestinationIR;
  cluster?: ClusterIR;
  issue?: TranslationIssue;
}

export interface BackendContext {
  routeKind: string;
  routeNamespace: string;
  /** The protocol Envoy speaks to the backend: fixed by the route kind, or read from the Service port. */
  protocol: ClusterIR['protocol'] | ((port: ServicePort) => ClusterIR['protocol']);
  index: ResourceIndex;
}

export function resolveBackendRef(ref: BackendRef, field: string, ctx: BackendContext): ResolvedBackend {
  const weight = ref.weight ?? 1;
  const invalid = (reason: TranslationIssue['reason'], message: string): ResolvedBackend => ({
    destination: { weight },
    issue: { type: ConditionType.ResolvedRefs, reason, message, field },
  });
  const group = ref.group ?? '';
  const kind = ref.kind ?? 'Service';
  if (group !== '' || kind !== 'Service') return invalid(Reason.InvalidKind, `${field}: kind ${group ? `${group}/` : ''}${kind} is not supported`);
  const namespace = ref.namespace ?? ctx.routeNamespace;
  const permitted = isReferencePermitted(
    {
      from: { group: GATEWAY_GROUP, kind: ctx.routeKind, namespace: ctx.routeNamespace },
      to: { group: '', kind: 'Service', namespace, name: ref.name },
    },
    ctx.index.referenceGrants,
  );
  if (!permitted) return invalid(Reason.RefNotPermitted, `${field}: no ReferenceGrant in namespace ${namespace} allows this reference to Service ${ref.name}`);
  const service = ctx.index.service(namespace, ref.name);
  if (!service) return invalid(Reason.BackendNotFound, `${field}: Service ${namespace}/${ref.name} not found`);
  if (ref.port === undefined) return invalid(Reason.BackendNotFound, `${field}.port: a port is required for a Service reference`);
  const servicePort = service.spec?.ports?.find((p) => p.port === ref.port);
  if (!servicePort) return invalid(Reason.BackendNotFound, `${field}.port: Service ${namespace}/${ref.name} has no port ${ref.port}`);
  const protocol = typeof ctx.protocol === 'function' ? ctx.protocol(servicePort) : ctx.protocol;
  const name = serviceClusterName(namespace, ref.name, ref.port, protocol);
  const endpoints = endpointsFor(ctx.index, namespace, ref.name, servicePort.name);
  return { destination: { cluster: name, weight }, cluster: { name, protocol, endpoints } };
}
