/**
 * Proxy rejections as status conditions, so `attache status` (and kubectl, in Kubernetes mode)
 * show what Envoy refused and what it runs instead.
 *
 * The condition type is implementation-specific, as the Gateway API allows ("type of condition
 * in CamelCase or in foo.example.com/CamelCase", Condition.type in the CRDs): the spec's
 * `Accepted`/`Programmed` say whether Attaché accepted and translated the object, which it did;
 * this one says a proxy refused the result. Like `PartiallyInvalid`, it is present only while
 * true, and removed once the rejection is over.
 *  - Gateway: any proxy of this Gateway rejected a response not yet superseded by an accepted
 *    one, or routes/resources are held for some proxy at the version it last accepted.
 *  - Route (each of its parents on that Gateway): the route is held for some proxy.
 * Each names the proxy (node id) it is about: holds are per proxy, the others run the objects
 * as written. A condition lists at most MAX_PARTS proxies' rejections, then how many more.
 */
import type { Condition } from '../apis/meta';
import { gatewayKey } from '../gatewayapi/naming';
import type { GatewayStatusEntry, RouteStatusEntry, StatusEntry } from '../gatewayapi/status';
import { describeResource, type HeldRoute, type ProxyRejections } from './proxy-rejections';
import { ownerKey } from './route-owners';

export const PROXY_REJECTED = 'attache.dev/ProxyRejected';
const REASON = 'Rejected';
/** Envoy quotes the offending value (a regex can be long); status messages stay readable. */
const MAX_DETAIL = 600;
/** Rejections listed in one condition: every proxy of a large fleet rejecting one push stays one readable line. */
const MAX_PARTS = 5;

function clip(text: string): string {
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text;
}

function condition(message: string, since: string, generation: number | undefined): Condition {
  return { type: PROXY_REJECTED, status: 'True', reason: REASON, message, observedGeneration: generation, lastTransitionTime: since };
}

function earliest(times: string[]): string {
  return [...times].sort()[0];
}

function joinParts(parts: readonly string[]): string {
  const shown = parts.slice(0, MAX_PARTS).join('; ');
  return parts.length > MAX_PARTS ? `${shown}; and ${parts.length - MAX_PARTS} more` : shown;
}

function gatewayCondition(entry: GatewayStatusEntry, rejections: ProxyRejections): Condition | undefined {
  const key = gatewayKey(entry.namespace, entry.name);
  const { active, held, pinned } = rejections.forGateway(key);
  if (active.length + held.length + pinned.length === 0) return undefined;
  const parts = [
    ...active.map((a) => `proxy ${a.node} rejected ${a.names.map((n) => describeResource(a.typeUrl, n)).join(', ') || 'a response'}: ${clip(a.message)}`),
    ...held.map((h) => `${h.owner.replace(/\//, ' ')} is held for proxy ${h.node} at its last accepted version`),
    ...pinned.map((p) => `${describeResource(p.typeUrl, p.name)} is held for proxy ${p.node} at its last accepted version`),
  ];
  const since = earliest([...active, ...held, ...pinned].map((r) => r.since));
  return condition(joinParts(parts), since, entry.generation);
}

function heldMessage(h: HeldRoute): string {
  const instead = h.served
    ? `that proxy keeps its last accepted version${h.generation !== undefined ? ` (generation ${h.generation})` : ''}`
    : "it is left out of that proxy's configuration";
  return `proxy ${h.node} rejected ${h.resource} with this route in it: ${clip(h.message).replace(/\.$/, '')}. Until the route changes, ${instead}; other proxies get it as written`;
}

function parentGateway(entry: RouteStatusEntry, p: RouteStatusEntry['status']['parents'][number]): string | undefined {
  const kind = p.parentRef.kind ?? 'Gateway';
  return kind === 'Gateway' ? gatewayKey(p.parentRef.namespace ?? entry.namespace, p.parentRef.name) : undefined;
}

function routeWithCondition(entry: RouteStatusEntry, holds: readonly HeldRoute[]): RouteStatusEntry {
  const parents = entry.status.parents.map((p) => {
    const gateway = parentGateway(entry, p);
    const here = holds.filter((h) => h.gateway === gateway);
    if (here.length === 0) return p;
    const generation = p.conditions[0]?.observedGeneration ?? entry.generation;
    const since = earliest(here.map((h) => h.since));
    return { ...p, conditions: [...p.conditions, condition(joinParts(here.map(heldMessage)), since, generation)] };
  });
  return { ...entry, status: { ...entry.status, parents } };
}

/** `status` with the proxy-rejection conditions added (new entries; the input is not changed). */
export function withProxyConditions(status: readonly StatusEntry[], rejections: ProxyRejections): StatusEntry[] {
  const held = new Map<string, HeldRoute[]>();
  for (const h of rejections.heldRoutes()) held.set(h.owner, [...(held.get(h.owner) ?? []), h]);
  return status.map((entry) => {
    if (entry.kind === 'Gateway') {
      const c = gatewayCondition(entry, rejections);
      return c ? { ...entry, status: { ...entry.status, conditions: [...entry.status.conditions, c] } } : entry;
    }
    if (entry.kind === 'GRPCRoute' || entry.kind === 'HTTPRoute') {
      const h = held.get(ownerKey(entry.kind, entry.namespace, entry.name));
      return h ? routeWithCondition(entry, h) : entry;
    }
    return entry;
  });
}
