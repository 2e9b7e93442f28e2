/**
 * The rebuild loop: store contents → translateAll → one snapshot per Gateway key in the cache.
 * A Gateway whose translation or snapshot fails keeps its last good snapshot; the others go on.
 * Keys that disappear get an empty snapshot, so their proxies drop the configuration.
 */
import type { Logger } from 'pino';
import { TranslateOptions } from '../gatewayapi/options';
import { StatusEntry } from '../gatewayapi/status';
import { GatewayIR } from '../ir/types';
import { Store } from '../store/store';
import { buildSnapshot, Snapshot } from '../xds/cache/snapshot';
import { SnapshotCache } from '../xds/cache/snapshot-cache';
import { translateAll } from './translate-all';
import { carryTransitionTimes } from '../status/transition-times';

export interface ReconcileResult {
  durationMs: number;
  gateways: number;
  failed: string[];
}

export class Reconciler {
  private lastStatus: StatusEntry[] = [];
  private lastIR: GatewayIR[] = [];
  private keys = new Set<string>();
  private built = false;

  constructor(
    private readonly store: Store,
    private readonly cache: SnapshotCache,
    private readonly options: () => TranslateOptions,
    private readonly log: Logger,
    private readonly bundleVersion?: string,
  ) {}

  reconcile(): ReconcileResult {
    const start = performance.now();
    const result = translateAll(this.store.resources(), this.options(), this.bundleVersion);
    const failed: string[] = [];
    for (const [key, resources] of result.resources) {
      const outcome = this.cache.setSnapshot(key, buildSnapshot(resources));
      if (!outcome.ok) {
        failed.push(key);
        this.log.error({ gateway: key, errors: outcome.errors }, 'snapshot rejected; the last good configuration keeps serving');
      }
    }
    for (const key of this.keys) if (!result.resources.has(key)) this.cache.setSnapshot(key, buildSnapshot({}));
    this.keys = new Set(result.resources.keys());
    this.lastStatus = carryTransitionTimes(this.lastStatus, result.status);
    this.lastIR = result.ir;
    this.built = true;
    const durationMs = performance.now() - start;
    this.log.info({ gateways: result.resources.size, durationMs: Math.round(durationMs * 100) / 100 }, 'translated');
    return { durationMs, gateways: result.resources.size, failed };
  }

  ready(): boolean {
    return this.built;
  }

  status(): StatusEntry[] {
    return this.lastStatus;
  }

  ir(): GatewayIR[] {
    return this.lastIR;
  }

  snapshot(key: string): Snapshot | undefined {
    return this.cache.getSnapshot(key);
  }

  gatewayKeys(): string[] {
    return [...this.keys].sort();
  }
}
