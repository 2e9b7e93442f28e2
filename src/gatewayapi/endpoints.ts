/**
 * The endpoints of a Service port, from its EndpointSlices. Used by backend resolution
 * (backend-refs.ts) and by the EndpointSlice fast path, which refreshes the endpoints of the
 * clusters a Gateway already has without translating anything else: both must read slices the
 * same way, so they share this file.
 */
import { type EndpointIR } from '../ir/types';
import { parseServiceClusterName } from './naming';
import { type ResourceIndex } from './resource-index';

/**
 * Per translation (an index lives for one), the endpoints already computed per Service port:
 * every backendRef to the same Service port has the same endpoints, and with thousands of
 * routes over a few Services, recomputing (and sorting) them per reference dominated the
 * rebuild (bench/: 2,000 refs over 50 Services at 1,000 routes). Callers never mutate the list.
 */
const computed = new WeakMap<ResourceIndex, Map<string, EndpointIR[]>>();

/** Ready endpoints of the Service port named `portName` (EndpointSlice ports carry the Service port's name). */
export function endpointsFor(index: ResourceIndex, namespace: string, service: string, portName: string | undefined): EndpointIR[] {
  let memo = computed.get(index);
  if (!memo) {
    memo = new Map();
    computed.set(index, memo);
  }
  const key = `${namespace}/${service}/${portName ?? ''}`;
  let endpoints = memo.get(key);
  if (!endpoints) {
    endpoints = readEndpoints(index, namespace, service, portName);
    memo.set(key, endpoints);
  }
  return endpoints;
}

function readEndpoints(index: ResourceIndex, namespace: string, service: string, portName: string | undefined): EndpointIR[] {
  const out: EndpointIR[] = [];
  const seen = new Set<string>();
  for (const slice of index.endpointSlices(namespace, service)) {
    const port = slice.ports?.find((p) => (p.name ?? '') === (portName ?? ''))?.port;
    if (port === undefined || slice.addressType === 'FQDN') continue;
    for (const ep of slice.endpoints ?? []) {
      // `ready` unset means ready (EndpointConditions docs).
      if (ep.conditions?.ready === false) continue;
      for (const address of ep.addresses.slice(0, 1)) {
        const key = `${address}:${port}`;
        if (!seen.has(key)) out.push({ address, port });
        seen.add(key);
      }
    }
  }
  return out.sort((a, b) => (a.address === b.address ? a.port - b.port : a.address < b.address ? -1 : 1));
}

/**
 * The current endpoints of a cluster named by `serviceClusterName`. Undefined when the name is
 * not a Service cluster, or its Service or port is gone: only a full rebuild can say what that
 * cluster becomes then.
 */
export function clusterEndpoints(cluster: string, index: ResourceIndex): EndpointIR[] | undefined {
  const ref = parseServiceClusterName(cluster);
  if (!ref) return undefined;
  const servicePort = index.service(ref.namespace, ref.name)?.spec?.ports?.find((p) => p.port === ref.port);
  return servicePort ? endpointsFor(index, ref.namespace, ref.name, servicePort.name) : undefined;
}
