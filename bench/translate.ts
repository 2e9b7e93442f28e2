/**
 * Item 1: a full translate + encode of N routes, in this process, on the code the control
 * plane runs (store contents → gatewayapi → IR → Envoy resources → encoded snapshot), and the
 * size of the snapshot in bytes. Files are read once, outside the timing.
 *
 * Two figures: `translate_encode_ms` is a full rebuild as the control plane runs one after a
 * change (everything translated again; the encoder's memo warm from the build before, as it
 * is in the server, so only changed parts are encoded); `cold_translate_encode_ms` is the
 * first build of a process, nothing memoized.
 */
import { offlineOptions } from '../src/cli/load-files';
import { FileSource } from '../src/sources/file/file-source';
import { loadCrdSchemas } from '../src/sources/validation/crd-schemas';
import { translateAll } from '../src/runner/translate-all';
import { groupByKind } from '../src/store/resources';
import { ResourceEncoder } from '../src/xds/cache/resource-encoder';
import { buildSnapshot, type Snapshot } from '../src/xds/cache/snapshot';
import { ADS_PUSH_ORDER } from '../src/xds/resources';
import { percentile, round } from './stats';

export interface TranslateReading {
  translate_encode_ms: number;
  cold_translate_encode_ms: number;
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
export async function measureTranslate(dir: string, runs = 7): Promise<TranslateReading> {
  const objects = (await new FileSource([dir], loadCrdSchemas()).load()).objects;
  const resources = groupByKind(objects);
  const options = offlineOptions();
  const translateTimes: number[] = [];
  const encodeTimes: number[] = [];
  let snapshots: Snapshot[] = [];
  const encoder = new ResourceEncoder();
  let cold = 0;
  for (let run = 0; run <= runs; run++) {
    const t0 = performance.now();
    const result = translateAll(resources, options);
    const t1 = performance.now();
    encoder.beginBuild();
    snapshots = [...result.resources.values()].map((envoy) => buildSnapshot(envoy, encoder));
    const t2 = performance.now();
    if (run === 0) {
      cold = t2 - t0;
      continue;
    }
    translateTimes.push(t1 - t0);
    encodeTimes.push(t2 - t1);
  }
  const totals = translateTimes.map((t, i) => t + encodeTimes[i]);
  const summary: Record<string, number> = {};
  for (const s of snapshots) for (const [kind, count] of Object.entries(s.summary())) summary[kind] = (summary[kind] ?? 0) + count;
  return {
    translate_encode_ms: round(percentile(totals, 50)),
    cold_translate_encode_ms: round(cold),
    translate_ms: round(percentile(translateTimes, 50)),
    encode_ms: round(percentile(encodeTimes, 50)),
    snapshot_bytes: snapshots.reduce((sum, s) => sum + bytesOf(s), 0),
    resources: summary,
  };
}
