/**
 * The consistency check every snapshot passes before it may be served.
 *
 * Like go-control-plane's `Snapshot.Consistent()`, because Envoy may receive the types of one
 * update in any order and warms a Cluster until its ClusterLoadAssignment arrives and a
 * Listener until its RouteConfiguration arrives (xds_protocol "Resource warming"): a reference
 * to something the snapshot lacks leaves Envoy warming forever. Stricter than upstream in two
 * ways: SDS secrets are checked too (a TLS filter chain waits for its secret the same way), and
 * `setSnapshot` always runs it instead of leaving it to the caller.
 *
 * Looser than upstream in one way: extra EDS/RDS resources nobody refers to are allowed, since
 * the server answers by name and never holds a response until every resource is requested.
 *
 * Route → Cluster references are deliberately NOT checked. Attaché points routes with invalid
 * backends at a cluster name that does not exist, together with
 * `cluster_not_found_response_code: SERVICE_UNAVAILABLE`, so Envoy answers 503 for exactly
 * those routes (Gateway API: invalid backendRefs must yield 500-class responses).
 */
import { SHORT_NAME, TypeUrl } from '../resources';
import type { Snapshot } from './snapshot';

/** Which references must resolve inside the snapshot: (from type) → (referenced types). */
const CHECKED_REFERENCES: ReadonlyArray<{ from: TypeUrl; to: readonly TypeUrl[] }> = [
  { from: TypeUrl.Cluster, to: [TypeUrl.ClusterLoadAssignment, TypeUrl.Secret] },
  { from: TypeUrl.Listener, to: [TypeUrl.RouteConfiguration, TypeUrl.Secret] },
];

/** Every reason the snapshot must not be served; empty when it is consistent. */
export function checkConsistency(snapshot: Snapshot): string[] {
  const errors: string[] = [...snapshot.problems];
  for (const { from, to } of CHECKED_REFERENCES) {
    for (const resource of snapshot.resources(from).values()) {
      for (const target of to) {
        for (const name of resource.references[target] ?? []) {
          if (!snapshot.resources(target).has(name)) {
            errors.push(`${SHORT_NAME[from]} "${resource.name}" refers to missing ${SHORT_NAME[target]} "${name}"`);
          }
        }
      }
    }
  }
  return errors;
}
