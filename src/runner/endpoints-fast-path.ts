/**
 * The EndpointSlice fast path: when nothing but EndpointSlices changed, a Gateway's listeners,
 * routes and clusters cannot have changed (slices feed only cluster endpoints; no status reads
 * them), so only its ClusterLoadAssignments are rebuilt and re-encoded, on top of the snapshot
 * it already serves. Contour gets the same effect with an EDS-only LinearCache; here the
 * snapshot stays one consistent unit and the server pushes only EDS because only EDS changed.
 *
 * Pure: IR and store contents in, IR and snapshot out.
 */
import { clusterEndpoints } from '../gatewayapi/endpoints';
import { type ResourceIndex } from '../gatewayapi/resource-index';
import { type ClusterIR, type GatewayIR } from '../ir/types';
import { buildResources, type Snapshot } from '../xds/cache/snapshot';
import { TypeUrl } from '../xds/resources';
import { buildClusterLoadAssignment } from '../xds/translate/cluster';

export interface EndpointsRefresh {
  /** The Gateway's IR with the new endpoints. */
  ir: GatewayIR;
  /** The snapshot to serve: `base` with the ClusterLoadAssignments of `changed` replaced. */
  snapshot: Snapshot;
  /** Clusters whose endpoints changed (none: nothing to push). */
  changed: string[];
}

function sameEndpoints(a: ClusterIR['endpoints'], b: ClusterIR['endpoints']): boolean {
  return a.length === b.length && a.every((e, i) => e.address === b[i].address && e.port === b[i].port);
}

/**
 * Refreshes the endpoints of every cluster of `ir` from `index` (the store as it is now) and
 * returns the snapshot to serve. Undefined when the fast path cannot answer — a cluster whose
 * Service or port disappeared, or an encoding problem — and a full rebuild must run instead.
 */
export function refreshEndpoints(ir: GatewayIR, base: Snapshot, index: ResourceIndex): EndpointsRefresh | undefined {
  const changed: ClusterIR[] = [];
  const clusters: ClusterIR[] = [];
  for (const cluster of ir.clusters) {
    const endpoints = clusterEndpoints(cluster.name, index);
    if (!endpoints) return undefined;
    const next = sameEndpoints(endpoints, cluster.endpoints) ? cluster : { ...cluster, endpoints };
    if (next !== cluster) changed.push(next);
    clusters.push(next);
  }
  if (changed.length === 0) return { ir, snapshot: base, changed: [] };
  const entries = changed.map((c) => ({ name: c.name, resource: buildClusterLoadAssignment(c) }));
  const built = buildResources(TypeUrl.ClusterLoadAssignment, entries);
  if (built.problems.length > 0) return undefined;
  const loadAssignments = new Map(base.resources(TypeUrl.ClusterLoadAssignment));
  for (const [name, resource] of built.resources) loadAssignments.set(name, resource);
  return {
    ir: { ...ir, clusters },
    snapshot: base.withResources(TypeUrl.ClusterLoadAssignment, loadAssignments),
    changed: changed.map((c) => c.name),
  };
}
