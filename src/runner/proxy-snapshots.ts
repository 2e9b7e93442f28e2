/**
 * The snapshots of proxies that rejected something: their Gateway's shared snapshot, except
 * that what *that* proxy rejected is held at the version it last accepted (routes translated
 * from their held objects, pinned resources swapped in). Every other proxy keeps the shared
 * snapshot, so one proxy's NACK never changes what another is served.
 *
 * Proxies holding the same routes share one translation (a Gateway's Envoys usually reject the
 * same push together). Pure apart from the encoder's memo: the reconciler stores the results.
 */
import type { TranslateOptions } from '../gatewayapi/options';
import type { Resources } from '../store/resources';
import type { ProxyOverride, ProxyRejections } from '../rejections/proxy-rejections';
import { buildSnapshot, type Snapshot } from '../xds/cache/snapshot';
import type { ResourceEncoder } from '../xds/cache/resource-encoder';
import type { ProxyId } from '../xds/cache/snapshot-cache';
import type { EnvoyResources } from '../xds/translate/translate';
import { routeObjects, withHeldRoutes } from '../rejections/held-routes';
import { translateAll } from './translate-all';

export interface ProxySnapshot {
  proxy: ProxyId;
  gateway: string;
  snapshot: Snapshot;
  /** Set when routes are held: what the snapshot was translated from (for the build history). */
  translated?: { envoy: EnvoyResources; routes: ReadonlyMap<string, object> };
}

export interface ProxySnapshotInput {
  resources: Resources;
  options: TranslateOptions;
  bundleVersion?: string;
  encoder: ResourceEncoder;
  /** The Gateway's shared snapshot as just built (undefined: the Gateway has none; skipped). */
  shared: (gateway: string) => Snapshot | undefined;
}

/** Signature of a set of holds: proxies with equal signatures are served the same translation. */
function heldSignature(o: ProxyOverride): string {
  return o.held
    .map((h) => `${h.owner}@${h.served ? JSON.stringify((h.served as { spec?: unknown }).spec ?? null) : '-'}`)
    .sort()
    .join('\n');
}

/**
 * One snapshot per proxy that is served differently from its Gateway; proxies whose holds and
 * pins no longer change anything are left out (they go back to the shared snapshot).
 */
export function proxySnapshots(rejections: ProxyRejections, input: ProxySnapshotInput): ProxySnapshot[] {
  const translations = new Map<string, { result: ReturnType<typeof translateAll>; routes: ReadonlyMap<string, object> }>();
  const out: ProxySnapshot[] = [];
  for (const o of rejections.overrides()) {
    const shared = input.shared(o.gateway);
    if (!shared) continue;
    let base = shared;
    let translated: ProxySnapshot['translated'];
    if (o.held.length > 0) {
      const signature = heldSignature(o);
      let t = translations.get(signature);
      if (!t) {
        const effective = withHeldRoutes(input.resources, o.held);
        t = { result: translateAll(effective, input.options, input.bundleVersion), routes: routeObjects(effective) };
        translations.set(signature, t);
      }
      const envoy = t.result.resources.get(o.gateway);
      if (envoy) {
        base = buildSnapshot(envoy, input.encoder);
        translated = { envoy, routes: t.routes };
      }
    }
    const snapshot = rejections.applyPins(o.proxy, base);
    if (snapshot.sameContentAs(shared)) continue;
    out.push({ proxy: o.proxy, gateway: o.gateway, snapshot, ...(translated ? { translated } : {}) });
  }
  return out;
}
