/**
 * The last few snapshots built for each Gateway, with what is needed to trace a proxy's ACK or
 * NACK back to its source: which route objects went into each RouteConfiguration version, and
 * each resource by content version (to serve a resource again at the version a proxy accepted).
 *
 * Bounded by count and by age: a proxy answers a push within milliseconds, so the versions it
 * ACKs or NACKs are among the last few builds. Older builds are dropped once they are
 * `MAX_AGE_MS` older than the newest event (a build or an ACK), except the newest `MIN_KEPT`
 * and those holding a version some proxy last ACKed (what a pin serves again). A count alone
 * kept whole earlier configurations alive: after 0 → 5,000 → 0 routes, the 16 builds kept
 * still held thousands of route objects from the cycle before (bench/: heap +14 MB a cycle).
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
const MIN_KEPT = 2;
const MAX_AGE_MS = 2000;

interface Entry {
  build: GatewayBuild;
  /** Milliseconds on the caller's clock when recorded. */
  at: number;
}

export class BuildHistory {
  private readonly builds = new Map<string, Entry[]>();
  /** `key|typeUrl|name` → the build holding the version of that resource a proxy last ACKed. */
  private readonly accepted = new Map<string, GatewayBuild>();

  record(key: string, build: GatewayBuild, at = 0): void {
    const list = this.builds.get(key) ?? [];
    list.push({ build, at });
    this.builds.set(key, list);
    this.prune(key, at);
  }

  /** Records a snapshot derived from the latest build (the endpoints fast path): same routes, new endpoints. */
  extend(key: string, snapshot: Snapshot, at = 0): void {
    const latest = this.latest(key);
    if (latest) this.record(key, { ...latest, snapshot }, at);
  }

  /** The newest build of `key`, if any. */
  latest(key: string): GatewayBuild | undefined {
    return this.builds.get(key)?.at(-1)?.build;
  }

  /** A proxy ACKed these versions: their builds are kept while they are the last ACKed; older builds may go. */
  accept(key: string, typeUrl: TypeUrl, resources: ReadonlyArray<{ name: string; version: string }>, at: number): void {
    for (const r of resources) {
      const found = this.find(key, typeUrl, r.name, r.version);
      if (found) this.accepted.set(`${key}|${typeUrl}|${r.name}`, found.build);
    }
    this.prune(key, at);
  }

  /** Forgets a Gateway that is gone. */
  forget(key: string): void {
    this.builds.delete(key);
    for (const id of [...this.accepted.keys()]) if (id.startsWith(`${key}|`)) this.accepted.delete(id);
  }

  /** The newest build of `key` whose snapshot holds `name` of `typeUrl` at `version`. */
  find(key: string, typeUrl: TypeUrl, name: string, version: string): { build: GatewayBuild; resource: SnapshotResource } | undefined {
    const list = this.builds.get(key) ?? [];
    for (let i = list.length - 1; i >= 0; i--) {
      const resource = list[i].build.snapshot.resource(typeUrl, name);
      if (resource?.version === version) return { build: list[i].build, resource };
    }
    return undefined;
  }

  /** Builds kept for `key` (for tests). */
  size(key: string): number {
    return this.builds.get(key)?.length ?? 0;
  }

  private prune(key: string, now: number): void {
    const list = this.builds.get(key);
    if (!list) return;
    const protectedBuilds = new Set<GatewayBuild>();
    for (const [id, build] of this.accepted) if (id.startsWith(`${key}|`)) protectedBuilds.add(build);
    const kept = list.filter((e, i) => {
      const newest = i >= list.length - MIN_KEPT;
      return newest || protectedBuilds.has(e.build) || (now - e.at <= MAX_AGE_MS && i >= list.length - BUILDS_KEPT);
    });
    this.builds.set(key, kept);
  }
}
