/**
 * Gateway API v1 kinds (standard channel, v1.6.1) as Attaché reads them. Field names and
 * optionality follow the CRDs in ../shared/gateway-api/crds/standard; defaults the apiserver
 * would apply are applied by sources/ before objects reach the store.
 */
import { Condition, KubernetesObject } from './meta';

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

export interface GatewayClass extends KubernetesObject {
  kind: 'GatewayClass';
  spec: { controllerName: string; description?: string };
  status?: { conditions?: Condition[] };
}

export interface AllowedRoutes {
  namespaces?: { from?: 'All' | 'Same' | 'Selector'; selector?: LabelSelector };
  kinds?: Array<{ group?: string; kind: string }>;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }>;
}

export interface SecretObjectReference {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
}

export interface GatewayListener {
  name: string;
  hostname?: string;
  port: number;
  protocol: string;
  tls?: { mode?: 'Terminate' | 'Passthrough'; certificateRefs?: SecretObjectReference[] };
  allowedRoutes?: AllowedRoutes;
}

export interface Gateway extends KubernetesObject {
  kind: 'Gateway';
  spec: {
    gatewayClassName: string;
    listeners: GatewayListener[];
    addresses?: Array<{ type?: string; value?: string }>;
  };
}

export interface ParentReference {
  group?: string;
  kind?: string;
  namespace?: string;
  name: string;
  sectionName?: string;
  port?: number;
}

export interface BackendRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
  weight?: number;
}

export interface HeaderMatch {
  type?: 'Exact' | 'RegularExpression';
  name: string;
  value: string;
}

export interface GRPCMethodMatch {
  type?: 'Exact' | 'RegularExpression';
  service?: string;
  method?: string;
}

export interface GRPCRouteMatch {
  method?: GRPCMethodMatch;
  headers?: HeaderMatch[];
}

export interface GRPCRouteRule {
  name?: string;
  matches?: GRPCRouteMatch[];
  backendRefs?: BackendRef[];
}

export interface GRPCRoute extends KubernetesObject {
  kind: 'GRPCRoute';
  spec: { parentRefs?: ParentReference[]; hostnames?: string[]; rules?: GRPCRouteRule[] };
}

export interface ReferenceGrant extends KubernetesObject {
  kind: 'ReferenceGrant';
  spec: {
    from: Array<{ group: string; kind: string; namespace: string }>;
    to: Array<{ group: string; kind: string; name?: string }>;
  };
}
