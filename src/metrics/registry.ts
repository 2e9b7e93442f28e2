/**
 * Prometheus metrics of the control plane, on a registry of their own (not prom-client's
 * global one), so each `attache serve` — and each test — counts from zero. The debug endpoint
 * serves them at `/metrics`; the README's "Operating Attaché" lists them.
 *
 * Names follow Prometheus conventions: `attache_` prefix, `_total` for counters, base units
 * (seconds, bytes). Label values are bounded: type URLs (five), protocols (two), rebuild paths
 * (two), object kinds (nine), status write results (three), and Gateway keys (as many as
 * Gateways). Never a node id, route name or version: those are unbounded. The `gateway` of a
 * connected proxy is what the proxy says (node.cluster), so it is a label value only when such
 * a Gateway exists (`gateways` below); every other proxy is counted under `unknown`.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Snapshot } from '../xds/cache/snapshot';
import { ADS_PUSH_ORDER } from '../xds/resources';
import type { XdsCallbacks } from '../xds/server/callbacks';
import { combineCallbacks } from '../xds/server/callbacks';
import { ConvergenceTracker } from './convergence';

/** How the reconciler rebuilt: everything, or only the endpoints (EndpointSlice fast path). */
export type RebuildPath = 'full' | 'endpoints';

/** The outcome of one status write to the Kubernetes API. */
export type StatusWriteResult = 'written' | 'conflict' | 'failed';

export interface AttacheMetricsOptions {
  /** prom-client's default process and Node.js metrics (CPU, memory, event loop lag, GC). */
  processMetrics?: boolean;
  /**
   * The Gateways that exist (the reconciler's keys), read at each scrape. A proxy naming any
   * other is counted under UNKNOWN_GATEWAY. Default: none exist.
   */
  gateways?: () => Iterable<string>;
}

/** The `gateway` label of proxies that name a Gateway that does not exist. */
const UNKNOWN_GATEWAY = 'unknown';

/** Sub-millisecond to seconds: a small rebuild takes well under 1 ms, a big one hundreds. */
const FAST_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** Convergence includes Envoy's own work and the network: milliseconds to tens of seconds. */
const CONVERGENCE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class AttacheMetrics {
  readonly registry = new Registry();
  private readonly r = [this.registry];
  readonly nacks = new Counter({
    name: 'attache_xds_nacks_total',
    help: 'xDS responses a proxy rejected (NACK), by type URL',
    labelNames: ['type_url'] as const,
    registers: this.r,
  });
  readonly acks = new Counter({
    name: 'attache_xds_acks_total',
    help: 'xDS responses a proxy accepted (ACK), by type URL',
    labelNames: ['type_url'] as const,
    registers: this.r,
  });
  readonly pushes = new Counter({
    name: 'attache_xds_pushes_total',
    help: 'xDS responses sent, by type URL',
    labelNames: ['type_url'] as const,
    registers: this.r,
  });
  readonly pushSeconds = new Histogram({
    name: 'attache_xds_push_duration_seconds',
    help: 'Time to encode and write one xDS response, by type URL',
    labelNames: ['type_url'] as const,
    buckets: FAST_BUCKETS,
    registers: this.r,
  });
  readonly pushBytes = new Counter({
    name: 'attache_xds_push_bytes_total',
    help: 'Encoded size of the resources sent in xDS responses, by type URL',
    labelNames: ['type_url'] as const,
    registers: this.r,
  });
  readonly connects = new Counter({
    name: 'attache_xds_stream_connects_total',
    help: 'ADS streams opened, by protocol (sotw, delta)',
    labelNames: ['protocol'] as const,
    registers: this.r,
  });
  readonly disconnects = new Counter({
    name: 'attache_xds_stream_disconnects_total',
    help: 'ADS streams closed, by protocol (sotw, delta)',
    labelNames: ['protocol'] as const,
    registers: this.r,
  });
  /** The Gateway (node.cluster) of each identified stream, as the proxy named it. */
  private readonly streamGateways = new Map<number, string>();
  private readonly gateways: () => Iterable<string>;
  readonly proxies = new Gauge({
    name: 'attache_xds_connected_proxies',
    help: `ADS streams whose proxy has identified itself, by Gateway (node.cluster; "${UNKNOWN_GATEWAY}" for a Gateway that does not exist)`,
    labelNames: ['gateway'] as const,
    registers: this.r,
    // Counted at each scrape, so a proxy that connected before its Gateway existed moves to it.
    collect: () => this.countProxies(),
  });
  readonly rebuilds = new Counter({
    name: 'attache_rebuilds_total',
    help: 'Rebuilds of the xDS snapshots, by path (full, or endpoints only)',
    labelNames: ['path'] as const,
    registers: this.r,
  });
  readonly rebuildSeconds = new Histogram({
    name: 'attache_rebuild_duration_seconds',
    help: 'Time to rebuild the xDS snapshots from the store (translation, encoding, pushes), by path',
    labelNames: ['path'] as const,
    buckets: FAST_BUCKETS,
    registers: this.r,
  });
  readonly translationSeconds = new Histogram({
    name: 'attache_translation_duration_seconds',
    help: 'Time to translate every Gateway API object to Envoy resources (a full rebuild, without encoding or pushing)',
    buckets: FAST_BUCKETS,
    registers: this.r,
  });
  readonly snapshotBytes = new Gauge({
    name: 'attache_snapshot_size_bytes',
    help: 'Encoded size of the current xDS snapshot, by Gateway and type URL',
    labelNames: ['gateway', 'type_url'] as const,
    registers: this.r,
  });
  readonly objects = new Gauge({ name: 'attache_objects', help: 'Input objects in the store, by kind', labelNames: ['kind'] as const, registers: this.r });
  readonly convergenceSeconds = new Histogram({
    name: 'attache_convergence_duration_seconds',
    help: 'From a change seen by the source to its ACK by every connected proxy of the Gateway, by rebuild path',
    labelNames: ['path'] as const,
    buckets: CONVERGENCE_BUCKETS,
    registers: this.r,
  });
  readonly statusWrites = new Counter({
    name: 'attache_status_writes_total',
    help: 'Status writes to the Kubernetes API, by kind and result (written, conflict, failed)',
    labelNames: ['kind', 'result'] as const,
    registers: this.r,
  });
  readonly heldRoutes = new Gauge({
    name: 'attache_routes_held_at_last_accepted',
    help: 'Routes a proxy rejected, served at their last accepted version until they change',
    registers: this.r,
  });

  readonly convergence = new ConvergenceTracker((seconds, path) => this.convergenceSeconds.observe({ path }, seconds));

  constructor(options: AttacheMetricsOptions = {}) {
    this.gateways = options.gateways ?? (() => []);
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Every existing Gateway (0 included), plus UNKNOWN_GATEWAY when some proxy names none. */
  private countProxies(): void {
    const counts = new Map<string, number>();
    for (const gateway of this.gateways()) counts.set(gateway, 0);
    for (const gateway of this.streamGateways.values()) {
      const label = counts.has(gateway) ? gateway : UNKNOWN_GATEWAY;
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    this.proxies.reset();
    for (const [gateway, n] of counts) this.proxies.set({ gateway }, n);
  }

  /** Text exposition format, for `/metrics`. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  recordRebuild(path: RebuildPath, durationMs: number): void {
    this.rebuilds.inc({ path });
    this.rebuildSeconds.observe({ path }, durationMs / 1000);
  }

  recordTranslation(durationMs: number): void {
    this.translationSeconds.observe(durationMs / 1000);
  }

  /** The size of the snapshot now served to a Gateway's proxies; undefined: the Gateway is gone. */
  recordSnapshot(gateway: string, snapshot: Snapshot | undefined): void {
    for (const typeUrl of ADS_PUSH_ORDER) {
      if (!snapshot) {
        this.snapshotBytes.remove({ gateway, type_url: typeUrl });
        continue;
      }
      let bytes = 0;
      for (const r of snapshot.resources(typeUrl).values()) bytes += r.any.value.length;
      this.snapshotBytes.set({ gateway, type_url: typeUrl }, bytes);
    }
  }

  /** Objects per kind in the store. */
  recordObjects(counts: Readonly<Record<string, number>>): void {
    for (const [kind, n] of Object.entries(counts)) this.objects.set({ kind }, n);
  }

  recordStatusWrite(kind: string, result: StatusWriteResult): void {
    this.statusWrites.inc({ kind, result });
  }

  /** xDS server callbacks that keep the xDS metrics, convergence included. */
  xdsCallbacks(): XdsCallbacks {
    const own: XdsCallbacks = {
      onStreamOpen: (e) => this.connects.inc({ protocol: e.protocol }),
      onStreamIdentified: (e) => this.streamGateways.set(e.streamId, e.key),
      onStreamClosed: (e) => {
        this.disconnects.inc({ protocol: e.protocol });
        this.streamGateways.delete(e.streamId);
      },
      onAck: (e) => this.acks.inc({ type_url: e.typeUrl }),
      onNack: (e) => this.nacks.inc({ type_url: e.typeUrl }),
      onPush: (e) => {
        this.pushes.inc({ type_url: e.typeUrl });
        this.pushBytes.inc({ type_url: e.typeUrl }, e.bytes);
        this.pushSeconds.observe({ type_url: e.typeUrl }, e.durationMs / 1000);
      },
    };
    return combineCallbacks(own, this.convergence.callbacks());
  }
}
