/**
 * Merging the policies that apply at several levels, field by field (GEP-713 "merge"): the more
 * specific policy's value wins for every field it sets, and the less specific ones fill in the
 * rest — rule over route over Gateway listener over Gateway; Service port over Service.
 *
 * Objects merge recursively; a scalar or a list is one value (a `retryOn` list replaces the less
 * specific list, it is not appended to). Two objects are one value too, because their fields
 * only make sense together: `loadBalancer` (a type and its consistentHash) and
 * `rateLimit.local` (one token bucket: requests, unit and key).
 */
import { type TrafficSettings } from './to-ir';

const ATOMIC = new Set(['loadBalancer', 'rateLimit.local']);

type Plain = Record<string, unknown>;

function isPlain(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mergePlain(general: Plain, specific: Plain, path: string): Plain {
  const out: Plain = { ...general };
  for (const [key, value] of Object.entries(specific)) {
    if (value === undefined) continue;
    const at = path === '' ? key : `${path}.${key}`;
    const below = out[key];
    out[key] = isPlain(value) && isPlain(below) && !ATOMIC.has(at) ? mergePlain(below, value, at) : value;
  }
  return out;
}

/** `specific` over `general`, field by field. Neither is changed. */
export function mergeSettings(general: TrafficSettings, specific: TrafficSettings): TrafficSettings {
  // The settings are plain JSON from YAML or the API server; merging keeps their shape.
  return mergePlain(general as Plain, specific as Plain, '') as TrafficSettings;
}

/** The settings of a policy: its spec without `targetRefs`. */
export function settingsOf(spec: TrafficSettings & { targetRefs?: unknown }): TrafficSettings {
  const { targetRefs: _targetRefs, ...settings } = spec;
  return settings;
}

/** Settings from the most specific first: merged so that each one wins over those after it. */
export function mergeMostSpecificFirst(settings: readonly TrafficSettings[]): TrafficSettings {
  return settings.reduceRight<TrafficSettings>((merged, s) => mergeSettings(merged, s), {});
}
