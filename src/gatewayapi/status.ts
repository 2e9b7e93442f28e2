/**
 * The status Attaché computes for every object it owns, as the spec's status stanzas
 * (GatewayClassStatus, GatewayStatus with ListenerStatus, RouteStatus with RouteParentStatus).
 * `gatewayapi.translate` returns it as a value; `status/` writes it back or shows it.
 */
import { type ParentReference } from '../apis/gateway-api';
import { type Condition } from '../apis/meta';
import { type PolicyAncestorStatus } from '../apis/policy';

export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
  generation?: number;
}

export interface GatewayClassStatusEntry extends ObjectRef {
  kind: 'GatewayClass';
  /** supportedFeatures: see supported-features.ts. */
  status: { conditions: Condition[]; supportedFeatures: Array<{ name: string }> };
}

export interface ListenerStatus {
  name: string;
  supportedKinds: Array<{ group: string; kind: string }>;
  attachedRoutes: number;
  conditions: Condition[];
}

export interface GatewayStatusEntry extends ObjectRef {
  kind: 'Gateway';
  namespace: string;
  /** Set while proxies may still be reconnecting to a control plane that just started (programmed.ts): its Programmed conditions are not written back. */
  awaitingProxies?: true;
  status: {
    addresses: Array<{ type: string; value: string }>;
    conditions: Condition[];
    listeners: ListenerStatus[];
  };
}

export interface RouteParentStatus {
  parentRef: ParentReference;
  controllerName: string;
  conditions: Condition[];
}

export interface RouteStatusEntry extends ObjectRef {
  kind: 'GRPCRoute' | 'HTTPRoute';
  namespace: string;
  status: { parents: RouteParentStatus[] };
}

/**
 * GEP-713 PolicyStatus of one of our policies (BackendTrafficPolicy, attache.dev/v1alpha1): one
 * ancestor per target (Gateway, route or Service) with its Accepted condition.
 */
export interface PolicyStatusEntry extends ObjectRef {
  kind: 'BackendTrafficPolicy';
  namespace: string;
  status: { ancestors: PolicyAncestorStatus[] };
}

export type StatusEntry = GatewayClassStatusEntry | GatewayStatusEntry | RouteStatusEntry | PolicyStatusEntry;
