/**
 * What proxies rejected, and what Attaché serves instead, so that one bad route never blocks
 * the others and a rejected resource stays at its last accepted version.
 *
 * A NACK says which response a proxy refused, with a message for humans; the server adds which
 * resources in it were new to the proxy and which version it still runs (accepted-versions.ts).
 * From there:
 *  - RouteConfiguration: one holds every route on a port, so refusing it would block every
 *    later change to any of them. The routes whose entries differ from the version the proxy
 *    runs are the suspects (narrowed by the values Envoy's message quotes, route-owners.ts).
 *    Each is *held*: translated from its last accepted object, or left out if it never was
 *    accepted, until the object changes. The others move on.
 *  - Anything else (a Listener that cannot bind, a Cluster), or a RouteConfiguration whose
 *    routes cannot be told apart: the resource is *pinned* to the version the proxy runs (or
 *    left out, for a Listener or Cluster the proxy never had) until a rebuild produces
 *    different content for it.
 * Without a known starting point (a SotW proxy reconnecting to a restarted control plane, which
 * forgot what it held), only a route that Envoy's message points at by a quoted value is held
 * (left out: its accepted version is unknown); anything else is only reported, since guessing
 * could take working routes away.
 *
 * Pure bookkeeping: events in, decisions out; the reconciler applies them and rebuilds.
 */
import type { AckEvent, NackEvent, RejectedResource } from '../xds/server/callbacks';
import type { Snapshot, SnapshotResource } from '../xds/cache/snapshot';
import { SHORT_NAME, TypeUrl } from '../xds/resources';
import type { BuildHistory } from './build-history';
import { ownersQuoted, suspectOwners, type OwnerKey, type RouteOwners } from './route-owners';

/** A route served at its last accepted version because a proxy rejected its current one. */
export interface HeldRoute {
  owner: OwnerKey;
  gateway: string;
  /** The version the proxy rejected (its spec, as JSON): any other version ends the hold. */
  rejectedFingerprint: string;
  /** The object served meanwhile; undefined: the route is left out (it was never accepted). */
  served?: object;
  generation?: number;
  node: string;
  /** `RouteConfiguration routes/127.0.0.1/10080`. */
  resource: string;
  message: string;
  since: string;
}

/** A resource served at the version a proxy runs, because it rejected the one built. */
export interface PinnedResource {
  gateway: string;
  typeUrl: TypeUrl;
  name: string;
  rejectedVersion: string;
  /** What is served instead; undefined: left out (a Listener or Cluster the proxy never had). */
  served?: SnapshotResource;
  node: string;
  message: string;
  since: string;
}

/** A NACK not yet followed by an ACK of the same type on the same stream. */
export interface ActiveRejection {
  gateway: string;
  node: string;
  typeUrl: TypeUrl;
  /** Candidates: the resources of the refused response that were new to the proxy. */
  names: string[];
  message: string;
  since: string;
}

/** Types whose resources may be left out: nothing else in a snapshot must refer to them. */
const DROPPABLE: ReadonlySet<TypeUrl> = new Set<TypeUrl>([TypeUrl.Listener, TypeUrl.Cluster]);

/** The identity of a route object's version: its spec. */
export function fingerprint(object: object): string {
  const spec = (object as { spec?: unknown }).spec;
  return JSON.stringify(spec ?? object);
}

export class ProxyRejections {
  private readonly active = new Map<string, ActiveRejection>();
  private readonly held = new Map<OwnerKey, HeldRoute>();
  private readonly pins = new Map<string, PinnedResource>();
  /** Per `gateway|RouteConfiguration`, the routes behind the version a proxy last accepted. */
  private readonly acceptedOwners = new Map<string, { version: string; owners: RouteOwners }>();
  /** Per route, the object version last accepted by a proxy. */
  private readonly acceptedRoutes = new Map<OwnerKey, object>();

  constructor(private readonly history: BuildHistory) {}

  /** Records an acceptance; true when it ended a reported rejection (status changes). */
  onAck(e: AckEvent): boolean {
    const ended = this.active.delete(`${e.streamId}|${e.typeUrl}`);
    if (e.typeUrl === TypeUrl.RouteConfiguration) this.acceptRoutes(e);
    return ended;
  }

  private acceptRoutes(e: AckEvent): void {
    for (const r of e.resources) {
      const found = this.history.find(e.key, e.typeUrl, r.name, r.version);
      const owners = found?.build.owners.get(r.name);
      if (!found || !owners) continue;
      this.acceptedOwners.set(`${e.key}|${r.name}`, { version: r.version, owners });
      for (const owner of owners.keys()) {
        const object = found.build.routes.get(owner);
        if (object) this.acceptedRoutes.set(owner, object);
      }
    }
  }

  /** Records a rejection; true when routes are now held or resources pinned (a rebuild should follow). */
  onNack(e: NackEvent, now: string): boolean {
    const message = e.errorDetail.message;
    this.active.set(`${e.streamId}|${e.typeUrl}`, {
      gateway: e.key,
      node: e.node.id,
      typeUrl: e.typeUrl,
      names: e.rejected.map((r) => r.name),
      message,
      since: now,
    });
    let acted = false;
    for (const r of e.rejected) {
      if (!e.clientStateKnown) {
        acted = (e.typeUrl === TypeUrl.RouteConfiguration && this.holdQuotedRoutes(e, r, now)) || acted;
        continue;
      }
      const held = e.typeUrl === TypeUrl.RouteConfiguration && this.holdRoutes(e, r, now);
      acted = held || this.pin(e, r, now) || acted;
    }
    return acted;
  }

  /** Forgets the rejections of a stream that ended; true when there were some. */
  onStreamClosed(streamId: number): boolean {
    let ended = false;
    for (const key of [...this.active.keys()]) {
      if (key.startsWith(`${streamId}|`)) ended = this.active.delete(key) || ended;
    }
    return ended;
  }

  /**
   * Ends the hold of every route whose object changed or was deleted (`current` looks it up in
   * the store), and forgets accepted versions of deleted routes. True when a hold ended.
   */
  releaseChanged(current: (owner: OwnerKey) => object | undefined): boolean {
    let released = false;
    for (const [owner, h] of this.held) {
      const object = current(owner);
      if (object && fingerprint(object) === h.rejectedFingerprint) continue;
      this.held.delete(owner);
      released = true;
    }
    for (const owner of [...this.acceptedRoutes.keys()]) if (!current(owner)) this.acceptedRoutes.delete(owner);
    return released;
  }

  heldRoutes(): HeldRoute[] {
    return [...this.held.values()];
  }

  /**
   * `snapshot` with this Gateway's pins applied. A pin whose resource was rebuilt with other
   * content than the rejected one is released: the new content gets its chance.
   */
  applyPins(gateway: string, snapshot: Snapshot): Snapshot {
    let out = snapshot;
    for (const [id, pin] of this.pins) {
      if (pin.gateway !== gateway) continue;
      const built = snapshot.resource(pin.typeUrl, pin.name);
      if (!built || built.version !== pin.rejectedVersion) {
        this.pins.delete(id);
        continue;
      }
      const resources = new Map(out.resources(pin.typeUrl));
      if (pin.served) resources.set(pin.name, pin.served);
      else resources.delete(pin.name);
      out = out.withResources(pin.typeUrl, resources);
    }
    return out;
  }

  /** Everything currently rejected for one Gateway, for its status. */
  forGateway(gateway: string): { active: ActiveRejection[]; held: HeldRoute[]; pinned: PinnedResource[] } {
    return {
      active: [...this.active.values()].filter((a) => a.gateway === gateway),
      held: [...this.held.values()].filter((h) => h.gateway === gateway),
      pinned: [...this.pins.values()].filter((p) => p.gateway === gateway),
    };
  }

  private holdRoutes(e: NackEvent, r: RejectedResource, now: string): boolean {
    const rejected = this.history.find(e.key, TypeUrl.RouteConfiguration, r.name, r.version);
    const rejectedOwners = rejected?.build.owners.get(r.name);
    const accepted = r.acceptedVersion === undefined ? new Map<OwnerKey, never>() : this.acceptedOwnersOf(e.key, r.name, r.acceptedVersion);
    if (!rejected || !rejectedOwners) return false;
    // A version this process never built (Delta reconnecting after a restart): as good as unknown.
    if (!accepted) return this.holdQuotedRoutes(e, r, now);
    let held = false;
    for (const owner of suspectOwners(rejectedOwners, accepted, e.errorDetail.message)) {
      const served = accepted.has(owner) ? this.acceptedRoutes.get(owner) : undefined;
      // Never leave out a route the proxy runs just because its accepted object was forgotten.
      if (accepted.has(owner) && !served) continue;
      held = this.hold(e, r, owner, rejected.build.routes.get(owner), served, now) || held;
    }
    return held;
  }

  /** Unknown proxy state: only routes Envoy's message quotes, and never every route of the RouteConfiguration. */
  private holdQuotedRoutes(e: NackEvent, r: RejectedResource, now: string): boolean {
    const rejected = this.history.find(e.key, TypeUrl.RouteConfiguration, r.name, r.version);
    const owners = rejected?.build.owners.get(r.name);
    if (!rejected || !owners) return false;
    const quoted = ownersQuoted(owners, e.errorDetail.message);
    if (quoted.length === 0 || quoted.length === owners.size) return false;
    return quoted.map((owner) => this.hold(e, r, owner, rejected.build.routes.get(owner), undefined, now)).some(Boolean);
  }

  private hold(e: NackEvent, r: RejectedResource, owner: OwnerKey, object: object | undefined, served: object | undefined, now: string): boolean {
    if (!object) return false;
    this.held.set(owner, {
      owner,
      gateway: e.key,
      rejectedFingerprint: fingerprint(object),
      served,
      generation: (served as { metadata?: { generation?: number } } | undefined)?.metadata?.generation,
      node: e.node.id,
      resource: `RouteConfiguration ${r.name}`,
      message: e.errorDetail.message,
      since: now,
    });
    return true;
  }

  private acceptedOwnersOf(gateway: string, routeConfiguration: string, version: string): RouteOwners | undefined {
    const known = this.acceptedOwners.get(`${gateway}|${routeConfiguration}`);
    if (known?.version === version) return known.owners;
    return this.history.find(gateway, TypeUrl.RouteConfiguration, routeConfiguration, version)?.build.owners.get(routeConfiguration);
  }

  private pin(e: NackEvent, r: RejectedResource, now: string): boolean {
    let served: SnapshotResource | undefined;
    if (r.acceptedVersion !== undefined) {
      served = this.history.find(e.key, e.typeUrl, r.name, r.acceptedVersion)?.resource;
      if (!served) return false;
    } else if (!DROPPABLE.has(e.typeUrl)) {
      return false;
    }
    const id = `${e.key}|${e.typeUrl}|${r.name}`;
    this.pins.set(id, { gateway: e.key, typeUrl: e.typeUrl, name: r.name, rejectedVersion: r.version, served, node: e.node.id, message: e.errorDetail.message, since: now });
    return true;
  }
}

/** `Listener listener/127.0.0.1/10080`, for messages. */
export function describeResource(typeUrl: TypeUrl, name: string): string {
  const kind = { listener: 'Listener', route: 'RouteConfiguration', cluster: 'Cluster', endpoint: 'ClusterLoadAssignment', secret: 'Secret' }[SHORT_NAME[typeUrl]];
  return `${kind ?? typeUrl} ${name}`;
}
