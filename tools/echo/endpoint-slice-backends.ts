/**
 * Turns Kubernetes EndpointSlices (discovery.k8s.io/v1) into the echo backends that should
 * exist for them: one echo server per endpoint address and port, identified as the pod the
 * endpoint points at. This is how the e2e tests and the demo make a "cluster" out of plain
 * YAML: the slices the control plane reads are also what decides which processes listen where.
 *
 * Pure: takes parsed YAML documents (anything; non-slices are ignored) and returns specs.
 */

export interface EchoBackendSpec {
  pod: string;
  namespace: string;
  service: string;
  address: string;
  port: number;
}

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function isEndpointSlice(doc: unknown): doc is Obj {
  return isObj(doc) && doc.kind === 'EndpointSlice' && String(doc.apiVersion ?? '').startsWith('discovery.k8s.io/');
}

function slicePorts(slice: Obj): number[] {
  const ports: number[] = [];
  for (const p of list(slice.ports)) {
    if (isObj(p) && typeof p.port === 'number' && Number.isInteger(p.port) && p.port > 0) ports.push(p.port);
  }
  return ports;
}

/**
 * One spec per (address, port). Details:
 *  - only the first address of an endpoint is used (Kubernetes: all addresses of one endpoint
 *    are fungible, and consumers are expected to use the first);
 *  - FQDN slices are skipped: there is no address to bind;
 *  - not-ready endpoints still get a backend, so a control plane that wrongly routes to them is
 *    caught by the pod name in the answer rather than hidden behind a connection error;
 *  - the pod name is `targetRef.name`, else `<service>-<address>` so answers stay telling;
 *  - a repeated address:port (the same endpoint in two slices) yields one backend, the first.
 */
export function backendsFromEndpointSlices(docs: readonly unknown[]): EchoBackendSpec[] {
  const specs: EchoBackendSpec[] = [];
  const seen = new Set<string>();
  for (const slice of docs.filter(isEndpointSlice)) {
    if (slice.addressType === 'FQDN') continue;
    const meta = isObj(slice.metadata) ? slice.metadata : {};
    const labels = isObj(meta.labels) ? meta.labels : {};
    const namespace = str(meta.namespace) ?? 'default';
    const service = str(labels[SERVICE_NAME_LABEL]) ?? '';
    const ports = slicePorts(slice);
    for (const endpoint of list(slice.endpoints)) {
      if (!isObj(endpoint)) continue;
      const address = str(list(endpoint.addresses)[0]);
      if (!address) continue;
      const targetRef = isObj(endpoint.targetRef) ? endpoint.targetRef : {};
      const pod = str(targetRef.name) ?? `${service || 'endpoint'}-${address}`;
      for (const port of ports) {
        const key = `${address}|${port}`;
        if (seen.has(key)) continue;
        seen.add(key);
        specs.push({ pod, namespace, service, address, port });
      }
    }
  }
  return specs;
}
