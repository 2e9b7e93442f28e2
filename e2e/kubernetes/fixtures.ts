/**
 * Objects for the Kubernetes-mode e2e tests, as `kubectl apply` takes them. Backends get
 * addresses of scripts/netns.sh's pod network (10.244.0.0/16): the API server refuses loopback
 * addresses in EndpointSlices, and inside that namespace these are just as local.
 */
const ECHO_SERVICE = 'gateway_api_conformance.echo_basic.grpcecho.GrpcEcho';

export interface Scope {
  namespace: string;
  gatewayClass: string;
  controllerName: string;
}

export function namespace(name: string): object {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

export function gatewayClass(name: string, controllerName: string): object {
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name }, spec: { controllerName } };
}

/** A Gateway with one plain-HTTP listener on port 80 (Envoy binds 10080) for routes of its namespace. */
export function gateway(s: Scope, name: string, className = s.gatewayClass): object {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace: s.namespace },
    spec: { gatewayClassName: className, listeners: [{ name: 'grpc', protocol: 'HTTP', port: 80, allowedRoutes: { namespaces: { from: 'Same' } } }] },
  };
}

/**
 * A Service (port 8080, h2c) and its EndpointSlice: one endpoint per pod, pod i of the service
 * at 10.244.<subnet>.<i+1>, port 3000. The same slice tells the test which echo backends to run.
 */
export function service(s: Scope, name: string, subnet: number, pods: number): object[] {
  const endpoints = Array.from({ length: pods }, (_, i) => ({
    addresses: [`10.244.${subnet}.${i + 1}`],
    conditions: { ready: true },
    targetRef: { kind: 'Pod', name: `${name}-pod-${i + 1}`, namespace: s.namespace },
  }));
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: s.namespace },
      spec: { ports: [{ name: 'grpc', port: 8080, targetPort: 3000, appProtocol: 'kubernetes.io/h2c' }] },
    },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-slice`, namespace: s.namespace, labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      ports: [{ name: 'grpc', port: 3000 }],
      endpoints,
    },
  ];
}

/** A GRPCRoute on `hostname` with one rule per method → backend Service (port 8080). */
export function grpcRoute(s: Scope, name: string, gatewayName: string, hostname: string, rules: Record<string, string>): object {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GRPCRoute',
    metadata: { name, namespace: s.namespace },
    spec: {
      parentRefs: [{ name: gatewayName }],
      hostnames: [hostname],
      rules: Object.entries(rules).map(([method, backend]) => ({
        matches: [{ method: { service: ECHO_SERVICE, method } }],
        backendRefs: [{ name: backend, port: 8080 }],
      })),
    },
  };
}
