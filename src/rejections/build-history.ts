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
  /** Built for one proxy alone (what it rejected held back): found by version, never `latest`. */
  own: boolean;
  /** Milliseconds on the caller's clock when recorded. */
  at: number;
}

export class BuildHistory {
  private readonly builds = new Map<string, Entry[]>();
  /** `key|proxy|typeUrl|name` → the build holding the version of that resource the proxy last ACKed. */
  private readonly accepted = new Map<string, GatewayBuild>();

  /** Records a build of `key`'s shared snapshot. */
  record(key: string, build: GatewayBuild, at = 0): void {
    this.add(key, build, at, false);
  }

  /** Records a build served to one proxy of `key` alone, so that its ACKs and NACKs can be traced too. */
  recordOwn(key: string, build: GatewayBuild, at = 0): void {
    this.add(key, build, at, true);
  }

  private add(key: string, build: GatewayBuild, at: number, own: boolean): void {
    const list = this.builds.get(key) ?? [];
    list.push({ build, at, own });
    this.builds.set(key, list);
    this.prune(key, at);
  }

  /** Records a snapshot derived from the latest build (the endpoints fast path): same routes, new endpoints. */
  extend(key: string, snapshot: Snapshot, at = 0): void {
    const latest = this.latest(key);
    if (latest) this.record(key, { ...latest, snapshot }, at);
  }

  /** The newest shared build of `key`, if any. */
  latest(key: string): GatewayBuild | undefined {
    const list = this.builds.get(key) ?? [];
    for (let i = list.length - 1; i >= 0; i--) if (!list[i].own) return list[i].build;
    return undefined;
  }

  /** A proxy ACKed these versions: their builds are kept while they are its last ACKed; older builds may go. */
  accept(key: string, proxy: number, typeUrl: TypeUrl, resources: ReadonlyArray<{ name: string; version: string }>, at: number): void {
    for (const r of resources) {
      const found = this.find(key, typeUrl, r.name, r.version);
      if (found) this.accepted.set(`${key}|${proxy}|${typeUrl}|${r.name}`, found.build);
    }
    this.prune(key, at);
  }

  /** Forgets what a proxy whose stream ended had ACKed: its builds need no longer be kept. */
  forgetProxy(key: string, proxy: number): void {
    const prefix = `${key}|${proxy}|`;
    for (const id of [...this.accepted.keys()]) if (id.startsWith(prefix)) this.accepted.delete(id);
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
    const newestShared = new Set(list.filter((e) => !e.own).slice(-MIN_KEPT));
    const kept = list.filter((e, i) => newestShared.has(e) || protectedBuilds.has(e.build) || (now - e.at <= MAX_AGE_MS && i >= list.length - BUILDS_KEPT));
    this.builds.set(key, kept);
  }
}
