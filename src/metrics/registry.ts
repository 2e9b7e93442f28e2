/**
 * Prometheus metrics of the control plane, on a registry of their own (not prom-client's
 * global one), so each `attache serve` — and each test — counts from zero. The debug endpoint
 * serves them at `/metrics`.
 *
 * Names follow Prometheus conventions: `attache_` prefix, `_total` for counters, base units
 * (seconds). Label values are bounded: type URLs (five), protocols (two), rebuild paths (two)
 * and Gateway keys (as many as Gateways).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { XdsCallbacks } from '../xds/server/callbacks';

/** How the reconciler rebuilt: everything, or only the endpoints (EndpointSlice fast path). */
export type RebuildPath = 'full' | 'endpoints';

export class AttacheMetrics {
  readonly registry = new Registry();
  readonly nacks = new Counter({
    name: 'attache_xds_nacks_total',
    help: 'xDS responses a proxy rejected (NACK), by type URL',
    labelNames: ['type_url'] as const,
    registers: [this.registry],
  });
  readonly acks = new Counter({
    name: 'attache_xds_acks_total',
    help: 'xDS responses a proxy accepted (ACK), by type URL',
    labelNames: ['type_url'] as const,
    registers: [this.registry],
  });
  readonly pushes = new Counter({
    name: 'attache_xds_pushes_total',
    help: 'xDS responses sent, by type URL',
    labelNames: ['type_url'] as const,
    registers: [this.registry],
  });
  readonly connects = new Counter({
    name: 'attache_xds_stream_connects_total',
    help: 'ADS streams opened, by protocol (sotw, delta)',
    labelNames: ['protocol'] as const,
    registers: [this.registry],
  });
  readonly disconnects = new Counter({
    name: 'attache_xds_stream_disconnects_total',
    help: 'ADS streams closed, by protocol (sotw, delta)',
    labelNames: ['protocol'] as const,
    registers: [this.registry],
  });
  readonly proxies = new Gauge({
    name: 'attache_xds_connected_proxies',
    help: 'ADS streams whose proxy has identified itself, by Gateway (node.cluster)',
    labelNames: ['gateway'] as const,
    registers: [this.registry],
  });
  readonly rebuilds = new Counter({
    name: 'attache_rebuilds_total',
    help: 'Rebuilds of the xDS snapshots, by path (full, or endpoints only)',
    labelNames: ['path'] as const,
    registers: [this.registry],
  });
  readonly rebuildSeconds = new Histogram({
    name: 'attache_rebuild_duration_seconds',
    help: 'Time to rebuild the xDS snapshots from the store, by path',
    labelNames: ['path'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly heldRoutes = new Gauge({
    name: 'attache_routes_held_at_last_accepted',
    help: 'Routes a proxy rejected, served at their last accepted version until they change',
    registers: [this.registry],
  });

  constructor() {
    // prom-client's process and Node.js metrics (process_resident_memory_bytes,
    // nodejs_heap_size_used_bytes, GC durations...): memory is a claim we benchmark
    // (bench/), and operators watch it the same way. Collected on scrape only.
    collectDefaultMetrics({ register: this.registry });
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

  /** xDS server callbacks that keep the xDS metrics. */
  xdsCallbacks(): XdsCallbacks {
    // The Gateway of each identified stream, to count it down when it closes.
    const keys = new Map<number, string>();
    return {
      onStreamOpen: (e) => this.connects.inc({ protocol: e.protocol }),
      onStreamIdentified: (e) => {
        keys.set(e.streamId, e.key);
        this.proxies.inc({ gateway: e.key });
      },
      onStreamClosed: (e) => {
        this.disconnects.inc({ protocol: e.protocol });
        const key = keys.get(e.streamId);
        if (key !== undefined) this.proxies.dec({ gateway: key });
        keys.delete(e.streamId);
      },
      onAck: (e) => this.acks.inc({ type_url: e.typeUrl }),
      onNack: (e) => this.nacks.inc({ type_url: e.typeUrl }),
      onPush: (e) => this.pushes.inc({ type_url: e.typeUrl }),
    };
  }
}
