/**
 * Item 1: a full translate + encode of N routes, in this process, on the code the control
 * plane runs (store contents → gatewayapi → IR → Envoy resources → encoded snapshot), and the
 * size of the snapshot in bytes. Files are read once, outside the timing: this is the rebuild
 * a change costs, not the file reading.
 */
import { offlineOptions } from '../src/cli/load-files';
import { FileSource } from '../src/sources/file/file-source';
import { loadCrdSchemas } from '../src/sources/validation/crd-schemas';
import { translateAll } from '../src/pipeline/translate-all';
import { groupByKind } from '../src/store/resources';
import { buildSnapshot, type Snapshot } from '../src/xds/cache/snapshot';
import { ADS_PUSH_ORDER } from '../src/xds/resources';
import { percentile, round } from './stats';

export interface TranslateReading {
  translate_encode_ms: number;
  /** Gateway API → IR → Envoy objects. */
  translate_ms: number;
  /** Envoy objects → encoded, versioned snapshot. */
  encode_ms: number;
  snapshot_bytes: number;
  resources: Record<string, number>;
}

function bytesOf(snapshot: Snapshot): number {
  let total = 0;
  for (const typeUrl of ADS_PUSH_ORDER) for (const r of snapshot.resources(typeUrl).values()) total += r.any.value.length;
  return total;
}

/** Median of `runs` rebuilds after one warm-up (the control plane is warm after its first build). */
export function measureTranslate(dir: string, runs = 7): TranslateReading {
  const objects = new FileSource([dir], loadCrdSchemas()).load().objects;
  const resources = groupByKind(objects);
  const options = offlineOptions();
  const translateTimes: number[] = [];
  const encodeTimes: number[] = [];
  let snapshots: Snapshot[] = [];
  for (let run = 0; run <= runs; run++) {
    const t0 = performance.now();
    const result = translateAll(resources, options);
    const t1 = performance.now();
    snapshots = [...result.resources.values()].map((envoy) => buildSnapshot(envoy));
    const t2 = performance.now();
    if (run === 0) continue;
    translateTimes.push(t1 - t0);
    encodeTimes.push(t2 - t1);
  }
  const totals = translateTimes.map((t, i) => t + encodeTimes[i]);
  const summary: Record<string, number> = {};
  for (const s of snapshots) for (const [kind, count] of Object.entries(s.summary())) summary[kind] = (summary[kind] ?? 0) + count;
  return {
    translate_encode_ms: round(percentile(totals, 50)),
    translate_ms: round(percentile(translateTimes, 50)),
    encode_ms: round(percentile(encodeTimes, 50)),
    snapshot_bytes: snapshots.reduce((sum, s) => sum + bytesOf(s), 0),
    resources: summary,
  };
}
