/**
 * What proxies rejected, and what each of them is served instead, so that one bad route never
 * blocks the others and a rejected resource stays, *for the proxy that rejected it*, at the
 * version that proxy last accepted.
 *
 * Everything here is per proxy (one xDS stream, by its server-assigned id: node ids are
 * client-chosen and a rogue client could claim another proxy's). What one proxy rejected never
 * changes what another proxy is served: every other proxy of the Gateway keeps getting the
 * configuration as written, so a rogue ADS client, or an older Envoy joining the fleet, can take
 * nothing away from the rest. Holds end when their proxy's stream ends or when the input
 * changes.
 *
 * A NACK says which response a proxy refused, with a message for humans; the server adds which
 * resources in it were new to the proxy and which version it still runs (accepted-versions.ts).
 * From there, for that proxy only:
 *  - RouteConfiguration: one holds every route on a port, so refusing it would block every
 *    later change to any of them. The routes whose entries differ from the version the proxy
 *    runs are the suspects (narrowed by the values Envoy's message quotes, route-owners.ts).
 *    Each is *held*: translated from the object this proxy last accepted, or left out if it
 *    never accepted one, until the object changes. The others move on.
 *  - Anything else (a Listener that cannot bind, a Cluster), or a RouteConfiguration whose
 *    routes cannot be told apart: the resource is *pinned* to the version the proxy runs (or
 *    left out, for a Listener or Cluster the proxy never had) until a rebuild produces
 *    different content for it.
 * A proxy that never accepted anything (no ACK on its stream, no state it reports from before)
 * holds and pins nothing: its rejection is only reported. Without a known starting point (a
 * SotW proxy reconnecting to a restarted control plane, which forgot what it held), only a
 * route that Envoy's message points at by a quoted value is held (left out: its accepted
 * version is unknown); anything else is only reported, since guessing could take working
 * routes away.
 *
 * With several control-plane replicas, holds live on the replica the proxy is connected to and
 * are never shared: the configuration built for a Gateway is the same on every replica (it
 * depends on the objects alone), and a proxy that moves to another replica is served the
 * objects as written again, rejects the same content again and is held there again.
 *
 * Pure bookkeeping: events in, decisions out; the reconciler applies them and rebuilds.
 */
import type { AckEvent, NackEvent, RejectedResource } from '../xds/server/callbacks';
import type { Snapshot, SnapshotResource } from '../xds/cache/snapshot';
import { SHORT_NAME, TypeUrl } from '../xds/resources';
import type { ProxyId } from '../xds/cache/snapshot-cache';
import type { BuildHistory } from './build-history';
import { ownersQuoted, suspectOwners, type OwnerKey, type RouteOwners } from './route-owners';

/** A route served to one proxy at its last accepted version because that proxy rejected its current one. */
export interface HeldRoute {
  owner: OwnerKey;
  gateway: string;
  /** The proxy (stream) the hold is for; every other proxy gets the route as written. */
  proxy: ProxyId;
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

/** A resource served to one proxy at the version it runs, because it rejected the one built. */
export interface PinnedResource {
  gateway: string;
  proxy: ProxyId;
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
  proxy: ProxyId;
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
function fingerprint(object: object): string {
  const spec = (object as { spec?: unknown }).spec;
  return JSON.stringify(spec ?? object);
}

/** What one proxy is served differently from its Gateway's shared snapshot. */
export interface ProxyOverride {
  proxy: ProxyId;
  gateway: string;
  held: HeldRoute[];
  pinned: PinnedResource[];
}

export class ProxyRejections {
  /** `proxy|typeUrl` → the NACK not yet followed by an ACK. */
  private readonly active = new Map<string, ActiveRejection>();
  /** `proxy|owner` → the hold. */
  private readonly held = new Map<string, HeldRoute>();
  /** `proxy|typeUrl|name` → the pin. */
  private readonly pins = new Map<string, PinnedResource>();
  /** Per proxy and RouteConfiguration, the routes behind the version that proxy last accepted. */
  private readonly acceptedOwners = new Map<string, { version: string; owners: RouteOwners }>();
  /** Per proxy, per route, the object version that proxy last accepted. */
  private readonly acceptedRoutes = new Map<ProxyId, Map<OwnerKey, object>>();
  /** Proxies that accepted something on their stream. */
  private readonly accepting = new Set<ProxyId>();

  constructor(private readonly history: BuildHistory) {}

  /** Records an acceptance; true when it ended a reported rejection (status changes). */
  onAck(e: AckEvent): boolean {
    this.accepting.add(e.streamId);
    const ended = this.active.delete(`${e.streamId}|${e.typeUrl}`);
    if (e.typeUrl === TypeUrl.RouteConfiguration) this.acceptRoutes(e);
    return ended;
  }

  private acceptRoutes(e: AckEvent): void {
    let routes = this.acceptedRoutes.get(e.streamId);
    for (const r of e.resources) {
      const found = this.history.find(e.key, e.typeUrl, r.name, r.version);
      const owners = found?.build.owners.get(r.name);
      if (!found || !owners) continue;
      this.acceptedOwners.set(`${e.streamId}|${r.name}`, { version: r.version, owners });
      for (const owner of owners.keys()) {
        const object = found.build.routes.get(owner);
        if (!object) continue;
        routes ??= new Map<OwnerKey, object>();
        routes.set(owner, object);
      }
    }
    if (routes) this.acceptedRoutes.set(e.streamId, routes);
  }

  /** Records a rejection; true when this proxy now has routes held or resources pinned (a rebuild should follow). */
  onNack(e: NackEvent, now: string): boolean {
    const message = e.errorDetail.message;
    this.active.set(`${e.streamId}|${e.typeUrl}`, {
      gateway: e.key,
      proxy: e.streamId,
      node: e.node.id,
      typeUrl: e.typeUrl,
      names: e.rejected.map((r) => r.name),
      message,
      since: now,
    });
    // Nothing accepted, nothing to hold on to: a client that never ran anything is only reported.
    if (!this.hasAccepted(e)) return false;
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

  /**
   * Whether the proxy runs something: it ACKed on this stream, reported a version it runs
   * from an earlier stream (SotW reconnect: state unknown), or holds a resource of the
   * rejected response at another version (Delta `initial_resource_versions`).
   */
  private hasAccepted(e: NackEvent): boolean {
    return this.accepting.has(e.streamId) || !e.clientStateKnown || e.rejected.some((r) => r.acceptedVersion !== undefined);
  }

  /**
   * Forgets everything about a proxy whose stream ended: its rejections, holds and pins.
   * Returns whether it was reported (status changes) and whether it was served differently.
   */
  onStreamClosed(proxy: ProxyId): { reported: boolean; overridden: boolean } {
    let reported = false;
    let overridden = false;
    const prefix = `${proxy}|`;
    for (const key of [...this.active.keys()]) if (key.startsWith(prefix)) reported = this.active.delete(key) || reported;
    for (const key of [...this.held.keys()]) if (key.startsWith(prefix)) overridden = this.held.delete(key) || overridden;
    for (const key of [...this.pins.keys()]) if (key.startsWith(prefix)) overridden = this.pins.delete(key) || overridden;
    for (const key of [...this.acceptedOwners.keys()]) if (key.startsWith(prefix)) this.acceptedOwners.delete(key);
    this.acceptedRoutes.delete(proxy);
    this.accepting.delete(proxy);
    return { reported: reported || overridden, overridden };
  }

  /**
   * Ends every hold whose route object changed or was deleted (`current` looks it up in the
   * store), and forgets accepted versions of deleted routes. True when a hold ended.
   */
  releaseChanged(current: (owner: OwnerKey) => object | undefined): boolean {
    let released = false;
    for (const [id, h] of this.held) {
      const object = current(h.owner);
      if (object && fingerprint(object) === h.rejectedFingerprint) continue;
      this.held.delete(id);
      released = true;
    }
    for (const routes of this.acceptedRoutes.values()) {
      for (const owner of [...routes.keys()]) if (!current(owner)) routes.delete(owner);
    }
    return released;
  }

  heldRoutes(): HeldRoute[] {
    return [...this.held.values()];
  }

  /** Whether any proxy is served something other than its Gateway's shared snapshot (cheap: per endpoint change). */
  hasOverrides(): boolean {
    return this.held.size > 0 || this.pins.size > 0;
  }

  /** The proxies served something other than their Gateway's shared snapshot, with what. */
  overrides(): ProxyOverride[] {
    const byProxy = new Map<ProxyId, ProxyOverride>();
    const of = (proxy: ProxyId, gateway: string): ProxyOverride => {
      let o = byProxy.get(proxy);
      if (!o) byProxy.set(proxy, (o = { proxy, gateway, held: [], pinned: [] }));
      return o;
    };
    for (const h of this.held.values()) of(h.proxy, h.gateway).held.push(h);
    for (const p of this.pins.values()) of(p.proxy, p.gateway).pinned.push(p);
    return [...byProxy.values()];
  }

  /**
   * `snapshot` with one proxy's pins applied. A pin whose resource was rebuilt with other
   * content than the rejected one is released: the new content gets its chance.
   */
  applyPins(proxy: ProxyId, snapshot: Snapshot): Snapshot {
    let out = snapshot;
    for (const [id, pin] of this.pins) {
      if (pin.proxy !== proxy) continue;
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

  /** Everything currently rejected by proxies of one Gateway, for its status. */
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
    const accepted = r.acceptedVersion === undefined ? new Map<OwnerKey, never>() : this.acceptedOwnersOf(e, r.name, r.acceptedVersion);
    if (!rejected || !rejectedOwners) return false;
    // A version this process never built (Delta reconnecting after a restart): as good as unknown.
    if (!accepted) return this.holdQuotedRoutes(e, r, now);
    let held = false;
    const acceptedRoutes = this.acceptedRoutes.get(e.streamId);
    for (const owner of suspectOwners(rejectedOwners, accepted, e.errorDetail.message)) {
      const served = accepted.has(owner) ? acceptedRoutes?.get(owner) : undefined;
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
    this.held.set(`${e.streamId}|${owner}`, {
      owner,
      gateway: e.key,
      proxy: e.streamId,
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

  private acceptedOwnersOf(e: NackEvent, routeConfiguration: string, version: string): RouteOwners | undefined {
    const known = this.acceptedOwners.get(`${e.streamId}|${routeConfiguration}`);
    if (known?.version === version) return known.owners;
    return this.history.find(e.key, TypeUrl.RouteConfiguration, routeConfiguration, version)?.build.owners.get(routeConfiguration);
  }

  private pin(e: NackEvent, r: RejectedResource, now: string): boolean {
    let served: SnapshotResource | undefined;
    if (r.acceptedVersion !== undefined) {
      served = this.history.find(e.key, e.typeUrl, r.name, r.acceptedVersion)?.resource;
      if (!served) return false;
    } else if (!DROPPABLE.has(e.typeUrl)) {
      return false;
    }
    const id = `${e.streamId}|${e.typeUrl}|${r.name}`;
    this.pins.set(id, {
      gateway: e.key,
      proxy: e.streamId,
      typeUrl: e.typeUrl,
      name: r.name,
      rejectedVersion: r.version,
      served,
      node: e.node.id,
      message: e.errorDetail.message,
      since: now,
    });
    return true;
  }
}

/** `Listener listener/127.0.0.1/10080`, for messages. */
export function describeResource(typeUrl: TypeUrl, name: string): string {
  const kind = { listener: 'Listener', route: 'RouteConfiguration', cluster: 'Cluster', endpoint: 'ClusterLoadAssignment', secret: 'Secret' }[
    SHORT_NAME[typeUrl]
  ];
  return `${kind ?? typeUrl} ${name}`;
}
