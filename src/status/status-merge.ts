/**
 * What Attaché's status write-back puts on an object, given what translation computed and what
 * the API server holds. Pure: the writer (kubernetes-writer.ts) does the I/O.
 *
 *  - GatewayClass and Gateway: the status is ours (their class names our controller); fields we
 *    do not compute are kept.
 *  - GRPCRoute and HTTPRoute: `status.parents` is shared by every controller whose Gateways the
 *    route names (RouteStatus: "each controller ... must only write entries for parentRefs it
 *    manages"), so only entries whose `controllerName` is ours are replaced; others stay as they
 *    are, in place.
 *  - BackendTrafficPolicy: `status.ancestors` (GEP-713 PolicyStatus) is shared the same way, by
 *    `controllerName`, keyed by `ancestorRef`: the same merge, on the other list.
 *  - `lastTransitionTime` is taken from the live condition when its status did not change, so a
 *    restart does not move every transition time; comparisons ignore it.
 */
import { GATEWAY_GROUP, type ParentReference } from '../apis/gateway-api';
import { type Condition, type KubernetesObject } from '../apis/meta';
import { type StatusEntry } from '../gatewayapi/status';

export interface LiveObject extends KubernetesObject {
  status?: Record<string, unknown>;
}

/** What we want written: the status to PUT, or undefined when the object needs no write. */
export function statusToWrite(entry: StatusEntry | undefined, live: LiveObject, controllerName: string): Record<string, unknown> | undefined {
  const current = live.status ?? {};
  const shared = SHARED_LISTS[live.kind];
  if (shared) {
    const ours = entry ? shared.entries(entry) : [];
    const entries = (current[shared.list] as SharedEntry[] | undefined) ?? [];
    const mine = entries.filter((p) => p.controllerName === controllerName);
    const wanted = ours.map((p) => ({
      ...p,
      [shared.ref]: shared.withDefaults(p[shared.ref]),
      conditions: carryTimes(p.conditions, mine.find((m) => refKey(shared, m) === refKey(shared, p))?.conditions),
    }));
    if (canonical(byRef(shared, mine)) === canonical(byRef(shared, wanted))) return undefined;
    // Others' entries stay where they are; ours replace ours, in the order translation gave.
    return { ...current, [shared.list]: [...entries.filter((p) => p.controllerName !== controllerName), ...wanted] };
  }
  if (!entry) return undefined; // not ours (any more): leave it to the class's controller
  const wanted: Record<string, unknown> = { ...entry.status };
  if ('conditions' in wanted) wanted.conditions = carryTimes(wanted.conditions as Condition[], current.conditions as Condition[] | undefined);
  if ('listeners' in entry.status) {
    const liveListeners = (current.listeners as Array<{ name: string; conditions?: Condition[] }> | undefined) ?? [];
    wanted.listeners = entry.status.listeners.map((l) => ({
      ...l,
      conditions: carryTimes(l.conditions, liveListeners.find((x) => x.name === l.name)?.conditions),
    }));
  }
  const unchanged = Object.keys(wanted).every((k) => canonical(wanted[k]) === canonical(current[k]));
  return unchanged ? undefined : { ...current, ...wanted };
}

/**
 * Our part of a status, as a comparable string, from translation's entry alone (undefined entry:
 * a route none of whose parents is ours any more). The writer remembers it per object, to tell a
 * new wish from one it already wrote while the watch has not yet shown that write.
 */
export function wishOf(entry: StatusEntry | undefined): string {
  if (!entry) return canonical([]);
  const shared = SHARED_LISTS[entry.kind];
  if (shared)
    return canonical(
      byRef(
        shared,
        shared.entries(entry).map((p) => ({ ...p, [shared.ref]: shared.withDefaults(p[shared.ref]) })),
      ),
    );
  return canonical(entry.status);
}

/** The kinds whose status list is shared by controllers (routes' parents, policies' ancestors). */
export const SHARED_STATUS_KINDS: readonly string[] = ['GRPCRoute', 'HTTPRoute', 'BackendTrafficPolicy'];

/** True when the object's live status holds entries of our controller (route parents, policy ancestors). */
export function hasOurParents(live: LiveObject, controllerName: string): boolean {
  const shared = SHARED_LISTS[live.kind];
  const entries = (shared && (live.status?.[shared.list] as SharedEntry[] | undefined)) ?? [];
  return entries.some((p) => p.controllerName === controllerName);
}

/** One entry of a shared list: RouteParentStatus or PolicyAncestorStatus. */
interface SharedEntry {
  controllerName: string;
  conditions: Condition[];
  [ref: string]: unknown;
}

interface SharedList {
  list: 'parents' | 'ancestors';
  ref: 'parentRef' | 'ancestorRef';
  entries(entry: StatusEntry): SharedEntry[];
  /** The reference as the API server stores it (CRD defaults applied). */
  withDefaults(ref: unknown): unknown;
}

const ROUTE_PARENTS: SharedList = {
  list: 'parents',
  ref: 'parentRef',
  entries: (e) => ('parents' in e.status ? (e.status.parents as unknown as SharedEntry[]) : []),
  withDefaults: (r) => withDefaults(r as ParentReference),
};

const SHARED_LISTS: Record<string, SharedList | undefined> = {
  GRPCRoute: ROUTE_PARENTS,
  HTTPRoute: ROUTE_PARENTS,
  // Our CRD defaults nothing in ancestorRef: the policy stage writes group and kind itself.
  BackendTrafficPolicy: {
    list: 'ancestors',
    ref: 'ancestorRef',
    entries: (e) => ('ancestors' in e.status ? (e.status.ancestors as unknown as SharedEntry[]) : []),
    withDefaults: (r) => r,
  },
};

function carryTimes(next: Condition[], previous: Condition[] | undefined): Condition[] {
  return next.map((c) => {
    const old = previous?.find((p) => p.type === c.type);
    return old && old.status === c.status && old.lastTransitionTime ? { ...c, lastTransitionTime: old.lastTransitionTime } : c;
  });
}

/** The CRD defaults group and kind in status.parents[].parentRef too; write them as it would store them. */
function withDefaults(r: ParentReference): ParentReference {
  return { ...r, group: r.group ?? GATEWAY_GROUP, kind: r.kind ?? 'Gateway' };
}

function refKey(shared: SharedList, p: SharedEntry): string {
  return canonical(shared.withDefaults(p[shared.ref]));
}

function byRef(shared: SharedList, entries: readonly SharedEntry[]): SharedEntry[] {
  return [...entries].sort((a, b) => (refKey(shared, a) < refKey(shared, b) ? -1 : refKey(shared, a) > refKey(shared, b) ? 1 : 0));
}

/**
 * JSON with sorted keys, without `lastTransitionTime` and without undefined or empty-default
 * values, so our objects compare equal to what the API server echoes back (it sorts keys).
 */
export function canonical(value: unknown): string {
  return JSON.stringify(normalize(value));
}

function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (key === 'lastTransitionTime' || v === undefined) continue;
    out[key] = normalize(v);
  }
  return out;
}
