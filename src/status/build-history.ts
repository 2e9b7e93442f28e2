/**
 * The last few snapshots built for each Gateway, with what is needed to trace a proxy's ACK or
 * NACK back to its source: which route objects went into each RouteConfiguration version, and
 * each resource by content version (to serve a resource again at the version a proxy accepted).
 *
 * Bounded: a proxy answers a push within milliseconds, so the versions it ACKs or NACKs are
 * among the last few builds; older ones are forgotten.
 */
import type { Snapshot, SnapshotResource } from '../xds/cache/snapshot';
import type { TypeUrl } from '../xds/resources';
import type { OwnerKey, RouteOwners } from './route-owners';

/** The route objects as they were translated (the store holds immutable objects; these are references). */
export type RouteObjects = ReadonlyMap<OwnerKey, object>;

export interface GatewayBuild {
  snapshot: Snapshot;
  /** Per RouteConfiguration name, the routes behind its entries in this build. */
  owners: ReadonlyMap<string, RouteOwners>;
  /** The route objects this build was translated from. */
  routes: RouteObjects;
}

const BUILDS_KEPT = 16;

export class BuildHistory {
  private readonly builds = new Map<string, GatewayBuild[]>();

  record(key: string, build: GatewayBuild): void {
    const list = this.builds.get(key) ?? [];
    list.push(build);
    if (list.length > BUILDS_KEPT) list.shift();
    this.builds.set(key, list);
  }

  /** Records a snapshot derived from the latest build (the endpoints fast path): same routes, new endpoints. */
  extend(key: string, snapshot: Snapshot): void {
    const latest = this.builds.get(key)?.at(-1);
    if (latest) this.record(key, { ...latest, snapshot });
  }

  /** The newest build of `key`, if any. */
  latest(key: string): GatewayBuild | undefined {
    return this.builds.get(key)?.at(-1);
  }

  /** Forgets a Gateway that is gone. */
  forget(key: string): void {
    this.builds.delete(key);
  }

  /** The newest build of `key` whose snapshot holds `name` of `typeUrl` at `version`. */
  find(key: string, typeUrl: TypeUrl, name: string, version: string): { build: GatewayBuild; resource: SnapshotResource } | undefined {
    const list = this.builds.get(key) ?? [];
    for (let i = list.length - 1; i >= 0; i--) {
      const resource = list[i].snapshot.resource(typeUrl, name);
      if (resource?.version === version) return { build: list[i], resource };
    }
    return undefined;
  }
}
