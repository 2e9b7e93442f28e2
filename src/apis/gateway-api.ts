/**
 * Gateway API v1 kinds (standard channel, v1.6.1) as Attaché reads them. Field names and
 * optionality follow the bundled CRDs (crds/gateway-api/standard); defaults the apiserver
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
    infrastructure?: { parametersRef?: { group: string; kind: string; name: string } };
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

/** HTTPHeaderFilter: RequestHeaderModifier and ResponseHeaderModifier (shared with HTTPRoute). */
export interface HTTPHeaderFilter {
  set?: Array<{ name: string; value: string }>;
  add?: Array<{ name: string; value: string }>;
  remove?: string[];
}

/** HTTPRequestMirrorFilter: `percent` or `fraction` (CEL: not both); neither means 100 %. */
export interface HTTPRequestMirrorFilter {
  backendRef: BackendRef;
  percent?: number;
  fraction?: { numerator: number; denominator?: number };
}

/** GRPCRouteFilter (the same union as HTTPRouteFilter's header, mirror and extension members). */
export interface RouteFilter {
  /** `RequestHeaderModifier`, `ResponseHeaderModifier`, `RequestMirror` or `ExtensionRef` (HTTPRoute has more). */
  type: string;
  requestHeaderModifier?: HTTPHeaderFilter;
  responseHeaderModifier?: HTTPHeaderFilter;
  requestMirror?: HTTPRequestMirrorFilter;
  extensionRef?: { group: string; kind: string; name: string };
}

export interface GRPCBackendRef extends BackendRef {
  filters?: RouteFilter[];
}

export interface GRPCRouteRule {
  name?: string;
  matches?: GRPCRouteMatch[];
  filters?: RouteFilter[];
  backendRefs?: GRPCBackendRef[];
}

export interface GRPCRoute extends KubernetesObject {
  kind: 'GRPCRoute';
  spec: { parentRefs?: ParentReference[]; hostnames?: string[]; rules?: GRPCRouteRule[] };
}

/** HTTPPathMatch; the CRD defaults both fields (`PathPrefix`, `/`). */
export interface HTTPPathMatch {
  type?: 'Exact' | 'PathPrefix' | 'RegularExpression';
  value?: string;
}

/** HTTPQueryParamMatch: names are case-sensitive, unlike header names. */
export interface HTTPQueryParamMatch {
  type?: 'Exact' | 'RegularExpression';
  name: string;
  value: string;
}

export interface HTTPRouteMatch {
  path?: HTTPPathMatch;
  headers?: HeaderMatch[];
  queryParams?: HTTPQueryParamMatch[];
  method?: string;
}

/** HTTPPathModifier, shared by RequestRedirect and URLRewrite. */
export interface HTTPPathModifier {
  type: 'ReplaceFullPath' | 'ReplacePrefixMatch';
  replaceFullPath?: string;
  replacePrefixMatch?: string;
}

export interface HTTPRequestRedirectFilter {
  scheme?: 'http' | 'https';
  hostname?: string;
  path?: HTTPPathModifier;
  port?: number;
  /** The CRD defaults it to 302. */
  statusCode?: number;
}

export interface HTTPURLRewriteFilter {
  hostname?: string;
  path?: HTTPPathModifier;
}

/** HTTPRouteFilter: GRPCRouteFilter's members plus the HTTP-only ones (CORS is read as a type only). */
export interface HTTPRouteFilter extends RouteFilter {
  requestRedirect?: HTTPRequestRedirectFilter;
  urlRewrite?: HTTPURLRewriteFilter;
}

export interface HTTPBackendRef extends BackendRef {
  filters?: HTTPRouteFilter[];
}

export interface HTTPRouteRule {
  name?: string;
  /** The CRD defaults it to one PathPrefix `/` match. */
  matches?: HTTPRouteMatch[];
  filters?: HTTPRouteFilter[];
  backendRefs?: HTTPBackendRef[];
  /** Durations as the Gateway API writes them (`500ms`, `1m30s`); `0s` turns a timeout off. */
  timeouts?: { request?: string; backendRequest?: string };
}

export interface HTTPRoute extends KubernetesObject {
  kind: 'HTTPRoute';
  spec: { parentRefs?: ParentReference[]; hostnames?: string[]; rules?: HTTPRouteRule[] };
}

export interface ReferenceGrant extends KubernetesObject {
  kind: 'ReferenceGrant';
  spec: {
    from: Array<{ group: string; kind: string; namespace: string }>;
    to: Array<{ group: string; kind: string; name?: string }>;
  };
}
