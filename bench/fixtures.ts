/**
 * The manifests the benchmark serves, written as files the way a user would (file mode):
 *  - N GRPCRoutes spread over 5 hostnames, each matching its own gRPC service and method
 *    (`bench.Route<i>/Call`) and splitting traffic between 2 weighted Services;
 *  - SERVICES Services of ENDPOINTS_PER_SERVICE endpoints each (1,000 endpoints in total), every
 *    endpoint a distinct loopback address served by the raw backends of raw-grpc.ts.
 *
 * The Gateway and Service YAML come from the xds-under-load fixture (test/harness/xds-stack.ts),
 * so the benchmark and the e2e tests serve the same shapes.
 */
import { loopbackAddress } from '../test/harness/ports';
import { serviceYaml, type Pod } from '../test/harness/xds-stack';

const HOSTNAMES = 5;
export const SERVICES = 50;
export const ENDPOINTS_PER_SERVICE = 20;
/** Loopback address indexes of the bulk endpoints; far above the ones Stack hands out. */
const ENDPOINT_ADDRESS_BASE = 4000;

export function serviceName(s: number): string {
  return `svc-${s}`;
}

export function routeHost(i: number): string {
  return `h${i % HOSTNAMES}.bench.example.com`;
}

/** The gRPC path route `i` matches (and the raw backends answer). */
export function routePath(i: number): string {
  return `/bench.Route${i}/Call`;
}

/** The endpoints of Service `s`: distinct loopback addresses. */
export function servicePods(s: number): Pod[] {
  return Array.from({ length: ENDPOINTS_PER_SERVICE }, (_, e) => ({
    name: `${serviceName(s)}-${e}`,
    address: loopbackAddress(ENDPOINT_ADDRESS_BASE + s * ENDPOINTS_PER_SERVICE + e),
  }));
}

export interface RouteShape {
  /** Which pair of Services and weights (changed by the churn scenario). */
  variant?: number;
  /** Hostname override (churn routes live on their own host). */
  host?: string;
  gateway?: string;
}

/** GRPCRoute `r<i>`: one rule, an exact service/method match, 2 weighted backends. */
export function benchRouteYaml(i: number, shape: RouteShape = {}): string {
  const variant = shape.variant ?? 0;
  const a = serviceName((i + variant * 17) % SERVICES);
  const b = serviceName((i + variant * 17 + 1) % SERVICES);
  const [wa, wb] = variant % 2 === 0 ? [80, 20] : [30, 70];
  return `apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: r${i}, namespace: default}
spec:
  parentRefs: [{name: ${shape.gateway ?? 'gw'}}]
  hostnames: [${shape.host ?? routeHost(i)}]
  rules:
  - matches: [{method: {type: Exact, service: bench.Route${i}, method: Call}}]
    backendRefs: [{name: ${a}, port: 8080, weight: ${wa}}, {name: ${b}, port: 8080, weight: ${wb}}]
`;
}

export function routeFile(i: number): string {
  return `50-route-${i}.yaml`;
}

/** File name → content: every bulk Service and its EndpointSlice. */
export function serviceFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (let s = 0; s < SERVICES; s++) files[`10-${serviceName(s)}.yaml`] = serviceYaml(serviceName(s), servicePods(s));
  return files;
}

/** File name → content: routes `from` .. `to - 1`. */
export function routeFiles(from: number, to: number, shape: RouteShape = {}): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = from; i < to; i++) files[routeFile(i)] = benchRouteYaml(i, shape);
  return files;
}
