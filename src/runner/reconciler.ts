/**
 * The rebuild loop: store contents → translateAll → one snapshot per Gateway key in the cache.
 *
 * Two paths:
 *  - full: everything is translated again (any change but EndpointSlices, or a proxy rejection);
 *  - endpoints: only EndpointSlices changed, so only ClusterLoadAssignments are rebuilt, on top
 *    of the snapshots already served (endpoints-fast-path.ts); nothing else is translated.
 * Either way the cache compares content hashes, so proxies are sent only what changed.
 *
 * Fault isolation: a Gateway whose translation or snapshot fails keeps its last good snapshot;
 * the others go on. A proxy's rejection (NACK) is traced back to the route or resource that
 * caused it (rejections/proxy-rejections.ts): for that proxy alone, that one is held at the version
 * it last accepted (its own snapshot, proxy-snapshots.ts) and reported in status; every other
 * proxy keeps the configuration as written, and a rebuild lets every other change through.
 * Keys that disappear get an empty snapshot, so their proxies drop the configuration.
 */
import type { Logger } from 'pino';
import { ResourceIndex } from '../gatewayapi/resource-index';
import { type TranslateOptions } from '../gatewayapi/options';
import { type DataPlane, type DataPlaneOptions, type ListenerResources, withDataPlane } from '../gatewayapi/programmed';
import { type StatusEntry } from '../gatewayapi/status';
import { type GatewayIR } from '../ir/types';
import type { AttacheMetrics, RebuildPath } from '../metrics/registry';
import { BuildHistory } from '../rejections/build-history';
import { withProxyConditions } from '../rejections/proxy-conditions';
import { ProxyRejections } from '../rejections/proxy-rejections';
import { routeOwners, type RouteOwners } from '../rejections/route-owners';
import { carryTransitionTimes } from '../status/transition-times';
import { type Store } from '../store/store';
import { KIND_TO_FIELD, type Resources } from '../store/resources';
import { buildSnapshot, type Snapshot } from '../xds/cache/snapshot';
import { ResourceEncoder } from '../xds/cache/resource-encoder';
import { type SnapshotCache, type SetSnapshotResult } from '../xds/cache/snapshot-cache';
import { TypeUrl } from '../xds/resources';
import type { XdsCallbacks } from '../xds/server/callbacks';
import type { EnvoyResources } from '../xds/translate/translate';
import { refreshEndpoints } from './endpoints-fast-path';
import { routeObjects } from '../rejections/held-routes';
import { proxySnapshots } from './proxy-snapshots';
import { translateAll } from './translate-all';

export interface ReconcileResult {
  path: RebuildPath;
  durationMs: number;
  gateways: number;
  failed: string[];
}

export interface ReconcilerHooks {
  metrics?: AttacheMetrics;
}

type StatusListener = (status: StatusEntry[]) => void;

export class Reconciler {
  private rawStatus: StatusEntry[] = [];
  private listenerResources: ListenerResources = new Map();
  /** What the proxies run, once a data-plane loop feeds it (Kubernetes mode); undefined: status as translated. */
  private dataPlane: DataPlane | undefined;
  private dataPlaneOptions: DataPlaneOptions = {};
  private lastStatus: StatusEntry[] = [];
  private lastIR: GatewayIR[] = [];
  private keys = new Set<string>();
  /** Keys whose last full rebuild failed: they serve an older snapshot than lastIR describes. */
  private failedKeys = new Set<string>();
  private built = false;
  private rebuildScheduled = false;
  /** When the change being rebuilt was first seen (convergence metric). */
  private seenAt = Date.now();
  private readonly history = new BuildHistory();
  private readonly rejections = new ProxyRejections(this.history);
  private readonly statusListeners = new Set<StatusListener>();
  /** Reuses the encoding of whatever a rebuild did not change (one route changed: one route encoded). */
  private readonly encoder = new ResourceEncoder();

  constructor(
    private readonly store: Store,
    private readonly cache: SnapshotCache,
    private readonly options: () => TranslateOptions,
    private readonly log: Logger,
    private readonly bundleVersion?: string,
    private readonly hooks: ReconcilerHooks = {},
  ) {}

  /**
   * Rebuilds from the store: the endpoints path when only EndpointSlices changed since the last rebuild, else full.
   * @param seenAt when the source first saw the change (`Date.now()` clock), for the convergence metric; default now
   */
  reconcile(seenAt: number = Date.now()): ReconcileResult {
    this.seenAt = seenAt;
    const kinds = this.store.takeChangedKinds();
    const onlyEndpoints = this.built && kinds.size > 0 && [...kinds].every((k) => k === 'EndpointSlice');
    return (onlyEndpoints ? this.endpointsOnly() : undefined) ?? this.full();
  }

  ready(): boolean {
    return this.built;
  }

  status(): StatusEntry[] {
    return this.lastStatus;
  }

  /** Called with the new status after every change to it (rebuilds and proxy rejections). */
  onStatusChange(listener: StatusListener): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  ir(): GatewayIR[] {
    return this.lastIR;
  }

  /** The snapshot of a Gateway key, as one proxy (stream) is served it when given. */
  snapshot(key: string, proxy?: number): Snapshot | undefined {
    return this.cache.getSnapshot(key, proxy);
  }

  /** What proxies of a Gateway rejected: still unanswered, held routes, pinned resources. */
  proxyRejections(gateway: string): ReturnType<ProxyRejections['forGateway']> {
    return this.rejections.forGateway(gateway);
  }

  /**
   * What the proxies of each Gateway run (runner/data-plane-status.ts): from the first call on,
   * Gateways and listeners are `Programmed` only while a proxy runs them.
   */
  setDataPlane(plane: DataPlane, options: DataPlaneOptions = {}): void {
    this.dataPlane = plane;
    this.dataPlaneOptions = options;
    if (this.built) this.refreshStatus();
  }

  gatewayKeys(): string[] {
    return [...this.keys].sort();
  }

  /** xDS server callbacks that feed proxy ACKs and NACKs into status and rebuilds. */
  proxyCallbacks(): XdsCallbacks {
    return {
      onAck: (e) => {
        const ended = this.rejections.onAck(e);
        // After the rejections read the ACKed build: older builds may be dropped now.
        this.history.accept(e.key, e.streamId, e.typeUrl, e.resources, performance.now());
        if (ended) this.refreshStatus();
      },
      onNack: (e) => {
        const acted = this.rejections.onNack(e, this.options().now);
        this.log.warn(
          { gateway: e.key, node: e.node.id, rejected: e.rejected, acted },
          acted ? 'holding what the proxy rejected at its last accepted version' : 'proxy rejection reported',
        );
        if (acted) this.scheduleRebuild();
        else this.refreshStatus();
      },
      onStreamClosed: (e) => {
        const { reported, overridden } = this.rejections.onStreamClosed(e.streamId);
        if (e.key !== undefined) {
          this.history.forgetProxy(e.key, e.streamId);
          if (overridden) this.cache.setProxySnapshot(e.key, e.streamId, undefined);
        }
        if (overridden) this.hooks.metrics?.heldRoutes.set(this.rejections.heldRoutes().length);
        if (reported) this.refreshStatus();
      },
    };
  }

  private scheduleRebuild(): void {
    if (this.rebuildScheduled) return;
    this.rebuildScheduled = true;
    // The NACK is the change: convergence counts until the proxies ACK what replaces it.
    const seenAt = Date.now();
    // After the current event: several proxies of a Gateway NACK the same push together.
    setImmediate(() => {
      this.rebuildScheduled = false;
      this.seenAt = seenAt;
      this.full();
    });
  }

  private full(): ReconcileResult {
    const start = performance.now();
    const options = this.options();
    const resources = this.store.resources();
    const current = routeObjects(resources);
    this.rejections.releaseChanged((owner) => current.get(owner));
    this.hooks.metrics?.recordObjects(objectCounts(resources));
    const translateStart = performance.now();
    // The objects as written: what every proxy is served, but those that rejected something.
    const result = translateAll(resources, options, this.bundleVersion);
    this.hooks.metrics?.recordTranslation(performance.now() - translateStart);
    this.encoder.beginBuild();
    for (const f of result.failures) this.log.error({ object: f.object, error: f.error }, 'translation failed; left out, the rest is served');
    const failed = result.failures.flatMap((f) => (f.gatewayKey ? [f.gatewayKey] : []));
    for (const [key, envoy] of result.resources) {
      if (!this.publish(key, envoy, current)) failed.push(key);
    }
    this.failedKeys = new Set(failed);
    for (const key of this.keys) {
      if (result.resources.has(key) || this.failedKeys.has(key)) continue;
      this.setSnapshot(key, buildSnapshot({}), 'full');
      this.hooks.metrics?.recordSnapshot(key, undefined);
      this.history.forget(key);
    }
    this.keys = new Set([...result.resources.keys(), ...failed]);
    this.publishProxySnapshots(resources, options);
    // Status describes the objects as written, also while some proxy is served an older version.
    this.rawStatus = result.status;
    this.listenerResources = result.listenerResources;
    this.lastIR = result.ir;
    this.built = true;
    this.hooks.metrics?.heldRoutes.set(this.rejections.heldRoutes().length);
    this.refreshStatus();
    return this.finish('full', start, result.resources.size, failed);
  }

  /** Encodes and stores one Gateway's shared snapshot, and records it for tracing ACKs and NACKs. */
  private publish(key: string, envoy: EnvoyResources, routes: ReadonlyMap<string, object>): boolean {
    const snapshot = buildSnapshot(envoy, this.encoder);
    const outcome = this.setSnapshot(key, snapshot, 'full');
    if (!outcome.ok) {
      this.log.error({ gateway: key, errors: outcome.errors }, 'snapshot rejected; the last good configuration keeps serving');
      return false;
    }
    this.hooks.metrics?.recordSnapshot(key, snapshot);
    this.history.record(key, { snapshot, owners: this.ownersOf(key, envoy), routes }, performance.now());
    return true;
  }

  /** Per RouteConfiguration, the routes behind its entries. */
  private ownersOf(key: string, envoy: EnvoyResources): Map<string, RouteOwners> {
    const owners = new Map<string, RouteOwners>();
    const previous = this.history.latest(key)?.owners;
    for (const rc of envoy[TypeUrl.RouteConfiguration] ?? [])
      owners.set(
        rc.name,
        routeOwners(rc.resource, previous?.get(rc.name), (o) => this.encoder.json(o)),
      );
    return owners;
  }

  /**
   * Serves each proxy that rejected something its own snapshot (what it rejected held back),
   * and every other proxy the shared one again.
   */
  private publishProxySnapshots(resources: Resources, options: TranslateOptions): void {
    const own = proxySnapshots(this.rejections, {
      resources,
      options,
      bundleVersion: this.bundleVersion,
      encoder: this.encoder,
      shared: (gateway) => (this.keys.has(gateway) ? this.cache.getSnapshot(gateway) : undefined),
    });
    const served = new Set<string>();
    for (const p of own) {
      // Kept either way: a refused snapshot leaves the proxy on the one it has.
      served.add(`${p.gateway}|${p.proxy}`);
      const outcome = this.setProxySnapshot(p.gateway, p.proxy, p.snapshot);
      if (!outcome.ok) {
        this.log.error({ gateway: p.gateway, proxy: p.proxy, errors: outcome.errors }, 'proxy snapshot rejected; the proxy keeps what it has');
        continue;
      }
      const build = this.history.latest(p.gateway);
      const owners = p.translated ? this.ownersOf(p.gateway, p.translated.envoy) : (build?.owners ?? new Map<string, RouteOwners>());
      this.history.recordOwn(p.gateway, { snapshot: p.snapshot, owners, routes: p.translated?.routes ?? build?.routes ?? new Map() }, performance.now());
    }
    for (const key of this.cache.keys()) {
      for (const proxy of this.cache.proxiesWithOwnSnapshot(key)) {
        if (!served.has(`${key}|${proxy}`)) this.setProxySnapshot(key, proxy, undefined);
      }
    }
  }

  /** The EndpointSlice fast path; undefined when it cannot answer and a full rebuild must run. */
  private endpointsOnly(): ReconcileResult | undefined {
    // Proxies served their own snapshots get new endpoints through a full rebuild.
    if (this.failedKeys.size > 0 || this.rejections.hasOverrides()) return undefined;
    const start = performance.now();
    const resources = this.store.resources();
    const index = new ResourceIndex(resources);
    const refreshed = [];
    for (const ir of this.lastIR) {
      const base = this.cache.getSnapshot(ir.key);
      const r = base && refreshEndpoints(ir, base, index);
      if (!r) return undefined;
      refreshed.push(r);
    }
    for (const r of refreshed) {
      if (r.changed.length === 0) continue;
      if (!this.setSnapshot(r.ir.key, r.snapshot, 'endpoints').ok) return undefined;
      this.hooks.metrics?.recordSnapshot(r.ir.key, r.snapshot);
      this.history.extend(r.ir.key, r.snapshot, performance.now());
      this.log.debug({ gateway: r.ir.key, clusters: r.changed }, 'endpoints refreshed');
    }
    this.lastIR = refreshed.map((r) => r.ir);
    this.hooks.metrics?.recordObjects(objectCounts(resources));
    return this.finish('endpoints', start, refreshed.length, []);
  }

  /** Sets a snapshot; the pushes it causes (synchronously, to watching streams) count toward convergence. */
  private setSnapshot(key: string, snapshot: Snapshot, path: RebuildPath): SetSnapshotResult {
    const convergence = this.hooks.metrics?.convergence;
    convergence?.begin(key, this.seenAt, path);
    try {
      return this.cache.setSnapshot(key, snapshot);
    } finally {
      convergence?.end();
    }
  }

  /** Like `setSnapshot`, for one proxy's own snapshot. */
  private setProxySnapshot(key: string, proxy: number, snapshot: Snapshot | undefined): SetSnapshotResult {
    const convergence = this.hooks.metrics?.convergence;
    convergence?.begin(key, this.seenAt, 'full');
    try {
      return this.cache.setProxySnapshot(key, proxy, snapshot);
    } finally {
      convergence?.end();
    }
  }

  private finish(path: RebuildPath, start: number, gateways: number, failed: string[]): ReconcileResult {
    const durationMs = performance.now() - start;
    this.hooks.metrics?.recordRebuild(path, durationMs);
    this.log.info({ path, gateways, durationMs: Math.round(durationMs * 100) / 100 }, 'translated');
    return { path, durationMs, gateways, failed };
  }

  private refreshStatus(): void {
    const programmed = this.dataPlane
      ? withDataPlane(this.rawStatus, this.listenerResources, this.dataPlane, this.options().now, this.dataPlaneOptions)
      : this.rawStatus;
    this.lastStatus = carryTransitionTimes(this.lastStatus, withProxyConditions(programmed, this.rejections));
    for (const listener of this.statusListeners) listener(this.lastStatus);
  }
}

/** Objects per kind, for the `attache_objects` gauge. */
function objectCounts(resources: Resources): Record<string, number> {
  return Object.fromEntries(Object.entries(KIND_TO_FIELD).map(([kind, field]) => [kind, resources[field].length]));
}
