/**
 * Which Gateway API route each entry of a RouteConfiguration came from, read back from the
 * Envoy route names (`grpcroute/<ns>/<name>/rule/<i>/match/<j>`, gatewayapi/naming.ts).
 *
 * A RouteConfiguration holds every route on one listener port, so when a proxy rejects it, the
 * culprit is one of the routes whose entries differ from the version the proxy still runs.
 * This file gives each route's share of a RouteConfiguration a fingerprint to compare, and the
 * text to search Envoy's message in.
 */
import { namespacedName } from '../apis/meta';
import { parseRouteName } from '../gatewayapi/naming';

/** `Kind/namespace/name`, the identity of a route object. */
export type OwnerKey = string;

/** One route's entries in one RouteConfiguration. */
export interface OwnerShare {
  /** The entries with their virtual host's name and domains, as JSON: equal text, equal share. */
  text: string;
}

/** Per route object, its share of one RouteConfiguration. */
export type RouteOwners = ReadonlyMap<OwnerKey, OwnerShare>;

export function ownerKey(kind: string, namespace: string, name: string): OwnerKey {
  return `${kind}/${namespacedName(namespace, name)}`;
}

type Plain = Record<string, unknown>;

function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function asPlain(value: unknown): Plain {
  return typeof value === 'object' && value !== null ? (value as Plain) : {};
}

/**
 * The routes behind one RouteConfiguration (the plain object translation builds). Entries
 * without a route name of ours have no owner and are skipped: they cannot be blamed on a route.
 *
 * `json` must equal `JSON.stringify` (the encoder passes its per-build cache of it).
 * `previous` (the same RouteConfiguration's owners in the build before): a share whose text
 * is unchanged is taken from there, so the builds kept in history share one text per route
 * instead of holding a copy each (at 5,000 routes, 16 builds of copies were ~40 MB; bench/).
 */
export function routeOwners(routeConfiguration: object, previous?: RouteOwners, json: (o: object) => string = JSON.stringify): RouteOwners {
  // Each entry as the JSON of `[host name, domains, route]`, the route's JSON from `json` (the
  // encoder has it already); the share is the JSON array of its entries.
  const parts = new Map<OwnerKey, string[]>();
  for (const vh of asArray(asPlain(routeConfiguration).virtual_hosts)) {
    const host = asPlain(vh);
    // The same for every route of the host: once per host, not once per route.
    const hostJson = `${JSON.stringify(host.name ?? null)},${JSON.stringify(host.domains ?? null)}`;
    for (const route of asArray(host.routes)) {
      const name = asPlain(route).name;
      const owner = typeof name === 'string' ? parseRouteName(name) : undefined;
      if (!owner) continue;
      const key = ownerKey(owner.kind, owner.namespace, owner.name);
      const list = parts.get(key) ?? [];
      list.push(`[${hostJson},${json(asPlain(route))}]`);
      parts.set(key, list);
    }
  }
  const out = new Map<OwnerKey, OwnerShare>();
  for (const [key, list] of parts) {
    const text = `[${list.join(',')}]`;
    const before = previous?.get(key);
    out.set(key, before?.text === text ? before : { text });
  }
  return out;
}

/**
 * The routes whose share differs between what the proxy runs (`accepted`) and what it rejected:
 * added or changed ones (a route that only disappeared cannot have made the new version
 * invalid). When Envoy's message quotes a value (`regex '…'`, `domain '…'`) that only some of
 * them contain, those are the culprits; otherwise all of them are suspects.
 */
export function suspectOwners(rejected: RouteOwners, accepted: RouteOwners, message: string): OwnerKey[] {
  const changed = new Map([...rejected].filter(([key, share]) => accepted.get(key)?.text !== share.text));
  const named = ownersQuoted(changed, message);
  return (named.length > 0 ? named : [...changed.keys()]).sort();
}

/** The routes whose share contains a value Envoy's message quotes (none when it quotes nothing of theirs). */
export function ownersQuoted(owners: RouteOwners, message: string): OwnerKey[] {
  const quoted = quotedValues(message);
  return [...owners]
    .filter(([, share]) => quoted.some((q) => share.text.includes(q)))
    .map(([key]) => key)
    .sort();
}

/** Values Envoy quotes in its message, JSON-escaped the way they appear in `OwnerShare.text`. */
function quotedValues(message: string): string[] {
  const out: string[] = [];
  for (const m of message.matchAll(/'([^']{3,})'/g)) out.push(JSON.stringify(m[1]).slice(1, -1));
  return out;
}
