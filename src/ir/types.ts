/**
 * The intermediate representation between Gateway API and Envoy: what each Gateway's proxies
 * must do, in neutral terms (no Gateway API or Envoy types). `gatewayapi/` produces it,
 * `xds/translate/` renders it. Names in it are already the final Envoy resource names.
 */
import type { ClusterTrafficPolicyIR, RouteTrafficPolicyIR } from './traffic-policy';

/** Everything the proxies of one Gateway serve. Keyed by `namespace/name` of the Gateway. */
export interface GatewayIR {
  key: string;
  listeners: HTTPListener[];
  clusters: ClusterIR[];
  /** Certificates the TLS filter chains serve over SDS; omitted when no listener terminates TLS. */
  secrets?: SecretIR[];
}

/** One socket Envoy binds: every Gateway listener on the same port shares it. */
export interface HTTPListener {
  /** Envoy Listener name; derived from address and port only, so route changes never rename it. */
  name: string;
  address: string;
  port: number;
  /**
   * Plain HTTP: one chain for the whole port. HTTPS: one chain per Gateway listener, selected by
   * SNI (`serverNames`), each with its own certificates and RouteConfiguration.
   */
  filterChains: FilterChainIR[];
}

export interface FilterChainIR {
  name: string;
  /** SNI names that select this chain (TLS only); empty means any. */
  serverNames: string[];
  /** TLS termination: the SDS names of the certificates to serve (`tls.mode: Terminate`). */
  tls?: { secretNames: string[] };
  /** The RouteConfiguration this chain's HCM fetches over RDS. */
  routeConfigName: string;
  virtualHosts: VirtualHostIR[];
  /**
   * Enable the gRPC-Web and gRPC statistics filters: set when a GRPCRoute attaches, unless the
   * Gateway's `attache.dev/grpc-web` / `attache.dev/grpc-stats` annotation is "false".
   */
  grpc: { web: boolean; stats: boolean };
}

/** A certificate and its private key, served to Envoy as an SDS `Secret` named `name`. */
export interface SecretIR {
  name: string;
  /** PEM: the certificate, then any intermediates. */
  certificateChain: string;
  /** PEM of the private key that matches the first certificate. */
  privateKey: string;
}

export interface VirtualHostIR {
  name: string;
  /** Envoy domains: exact hostnames, `*.suffix` wildcards, or `*`. */
  domains: string[];
  /** In precedence order: Envoy takes the first route that matches. */
  routes: RouteIR[];
}

export interface RouteIR {
  /** `<kind>/<ns>/<name>/rule/<i>/match/<j>`: Gateway API identity, for stats and debugging. */
  name: string;
  /**
   * Per-route statistics under `vhost.<vhost>.route.<statPrefix>.`; set for named rules
   * (`rules[].name`), shared by every route of that rule, so a rule's traffic can be counted.
   */
  statPrefix?: string;
  match: RouteMatchIR;
  action: RouteActionIR;
  /** Header changes for every request/response of this route (RequestHeaderModifier, ResponseHeaderModifier). */
  requestHeaders?: HeaderModifierIR;
  responseHeaders?: HeaderModifierIR;
  /** Copies of requests sent to other clusters (RequestMirror); responses are ignored. */
  mirrors?: MirrorIR[];
  /** Retries, timeouts and local rate limits from BackendTrafficPolicies (forwarding routes only). */
  trafficPolicy?: RouteTrafficPolicyIR;
}

export interface HeaderModifierIR {
  /** Replace the header (or add it when absent). */
  set: Array<{ name: string; value: string }>;
  /** Append a value (or add the header when absent). */
  add: Array<{ name: string; value: string }>;
  remove: string[];
}

export interface MirrorIR {
  cluster: string;
  /** Share of requests mirrored, in percent (0–100, fractions allowed). */
  percent: number;
}

export type PathMatchIR =
  | { kind: 'exact'; value: string }
  | { kind: 'prefix'; value: string }
  /**
   * Whole path segments: the path is `value`, or starts with `value/` (HTTPRoute PathPrefix:
   * `/abc` matches `/abc`, `/abc/` and `/abc/def`, not `/abcd`). `value` never ends with `/`.
   */
  | { kind: 'segmentPrefix'; value: string }
  | { kind: 'regex'; value: string };

export interface HeaderMatchIR {
  name: string;
  kind: 'exact' | 'regex';
  value: string;
}

/** A query parameter match; unlike header names, query parameter names are case-sensitive. */
export interface QueryParamMatchIR {
  name: string;
  kind: 'exact' | 'regex';
  value: string;
}

export interface RouteMatchIR {
  path: PathMatchIR;
  headers: HeaderMatchIR[];
  /** Every one must match (HTTPRoute `queryParams`); absent means none. */
  queryParams?: QueryParamMatchIR[];
  /** The request method, e.g. `GET` (HTTPRoute `method`); absent means any. */
  method?: string;
  /** Match only gRPC requests (content-type application/grpc*), and gRPC-Web ones where the chain's grpc.web is on. */
  grpcOnly: boolean;
}

export type RouteActionIR =
  | ForwardActionIR
  /** A local reply, e.g. 503 (gRPC UNAVAILABLE) when every backend of a rule is invalid. */
  | { kind: 'direct'; status: number }
  | RedirectActionIR;

export interface ForwardActionIR {
  kind: 'forward';
  destinations: DestinationIR[];
  /**
   * The status of the share of invalid backends (destinations without `cluster`): each route kind
   * chooses. Absent means 503 (GRPCRoute: UNAVAILABLE); HTTPRoute sets 500 (HTTPRouteRule.backendRefs).
   */
  invalidBackendStatus?: 500 | 503;
  /** Changes to the request before it is forwarded (HTTPRoute URLRewrite). */
  rewrite?: { hostname?: string; path?: PathRewriteIR };
  /**
   * HTTPRouteRule.timeouts, in milliseconds; absent means none. `requestMs`: the whole request,
   * retries included; `backendRequestMs`: each request to a backend.
   */
  timeouts?: { requestMs?: number; backendRequestMs?: number };
}

/**
 * A new path (HTTPPathModifier). `prefix`: the request matched the segment prefix `prefix` (no
 * trailing `/`; `/` for the root), which is replaced by `value`, as in ReplacePrefixMatch's table:
 * `/foo/bar` with prefix `/foo` and value `/xyz` (or `/xyz/`) becomes `/xyz/bar`; value `/` gives `/bar`.
 */
export type PathRewriteIR = { kind: 'full'; value: string } | { kind: 'prefix'; prefix: string; value: string };

/** An HTTP redirect answered by the proxy (HTTPRoute RequestRedirect); unset parts keep the request's. */
export interface RedirectActionIR {
  kind: 'redirect';
  scheme?: 'http' | 'https';
  hostname?: string;
  port?: number;
  path?: PathRewriteIR;
  status: 301 | 302 | 303 | 307 | 308;
}

/**
 * A weighted destination. `cluster` undefined marks the share of an invalid backendRef: Envoy
 * answers it with the action's `invalidBackendStatus`, by default 503, which gRPC clients see as
 * UNAVAILABLE (GRPCRoute BackendRefs spec).
 */
export interface DestinationIR {
  cluster?: string;
  weight: number;
  /** Header changes only for requests sent to this backend (backendRefs[].filters). */
  requestHeaders?: HeaderModifierIR;
  responseHeaders?: HeaderModifierIR;
}

export interface ClusterIR {
  name: string;
  /**
   * `h2c`: HTTP/2 with prior knowledge, what gRPC backends speak without TLS. `http1`: HTTP/1.1,
   * for HTTPRoute backends whose Service port does not say `appProtocol: kubernetes.io/h2c`.
   */
  protocol: 'h2c' | 'http1';
  endpoints: EndpointIR[];
  /** Connection-level settings from BackendTrafficPolicies that target this cluster's Service. */
  trafficPolicy?: ClusterTrafficPolicyIR;
}

export interface EndpointIR {
  address: string;
  port: number;
}
