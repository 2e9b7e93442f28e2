/**
 * Make-before-break for one stream (xds_protocol "Eventual consistency considerations").
 *
 * Envoy warms a new Cluster until its ClusterLoadAssignment arrives, but it does not warm
 * routes: a RouteConfiguration that names a cluster still warming answers 503 until the
 * endpoints land. Measured against Envoy 1.40 on loopback: moving a route to a newly added
 * cluster in one push gave a handful of 503s per transition, over both SotW and Delta. And
 * deleting a cluster before the routes that used it have moved away does the same.
 *
 * So a stream moves to a new snapshot in three steps (see `XdsStream.advance`):
 *  1. make:   Secrets, Clusters, ClusterLoadAssignments — additions and changes only;
 *  2. switch: Listeners and RouteConfigurations — held while a cluster just sent still lacks
 *             its endpoints at the client (SotW: the client must first subscribe to the new
 *             CLA names, which it does as soon as it has processed the clusters);
 *  3. break:  the deletions step 1 left out.
 * This class tracks step 2's condition and the timer that ends a wait that would never end
 * (a client that rejected the clusters, or never asks for their endpoints).
 */
import type { Snapshot, SnapshotResource } from '../cache/snapshot';
import { TypeUrl } from '../resources';
import type { TypeSubscription } from './subscription';

export class EndpointWarming {
  /** CLA names the client must hold before routes may move. */
  private readonly awaiting = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  /**
   * @param timeoutMs how long routes wait at most for endpoints
   * @param onTimeout called once when the wait ends by timeout (the stream then moves on)
   */
  constructor(
    private readonly timeoutMs: number,
    private readonly onTimeout: (stillMissing: string[]) => void,
  ) {}

  /** After a CDS response: the endpoints of every cluster it added or changed must reach the client first. */
  clustersSent(changed: readonly SnapshotResource[]): void {
    for (const cluster of changed) {
      for (const name of cluster.references[TypeUrl.ClusterLoadAssignment] ?? []) this.awaiting.add(name);
    }
  }

  /**
   * The CLA names still missing at the client. Names the EDS subscription now holds are done;
   * names the snapshot lacks can never arrive and are dropped (the cluster went away again).
   */
  pending(snapshot: Snapshot, eds: TypeSubscription | undefined): string[] {
    const endpoints = snapshot.resources(TypeUrl.ClusterLoadAssignment);
    for (const name of [...this.awaiting]) {
      if (eds?.holds(name) || !endpoints.has(name)) this.awaiting.delete(name);
    }
    return [...this.awaiting].sort();
  }

  /** Starts the bounded wait, unless one is already running. */
  arm(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const stillMissing = [...this.awaiting].sort();
      this.awaiting.clear();
      this.onTimeout(stillMissing);
    }, this.timeoutMs);
    // A pending wait must not keep the process alive on shutdown.
    this.timer.unref();
  }

  /** Stops waiting: everything arrived, or the client rejected the clusters (NACK) so it never will. */
  release(): void {
    this.awaiting.clear();
    this.disarm();
  }

  disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
