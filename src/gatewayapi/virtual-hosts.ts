/**
 * Virtual hosts for one Envoy listener (one address:port). Every effective hostname becomes a
 * virtual host, and each virtual host also carries the routes of the less specific hostnames that
 * cover it (`*.example.com`, `*`), ranked below its own: Envoy picks one virtual host per request,
 * and a request for `a.example.com` that no `a.example.com` rule matches must still reach the
 * rules of `*.example.com` (GRPCRouteRule.matches precedence across hostnames).
 *
 * Several HTTP listeners on one port share the route table, yet a request belongs to the one
 * listener whose hostname matches it most specifically, and sees only that listener's routes
 * (GatewayHTTPListenerIsolation): each virtual host takes the routes of its owning listener only,
 * and every listener hostname gets a virtual host of its own, empty (404) when no route serves it.
 */
import { type RouteIR, type VirtualHostIR } from '../ir/types';
import type { HostedCandidate } from './contexts';
import { ANY_HOST, hostnameCovers, hostnamePrecedence } from './hostnames';
import { redirectOnListener } from './httproute-filters';
import { virtualHostName } from './naming';
import { comparePrecedence, type Ranked } from './precedence';

/** The routes attached through one Gateway listener, and that listener's hostname (`*` when it has none). */
export interface ListenerRoutes {
  hostname: string;
  hosted: readonly HostedCandidate[];
}

/** A hosted candidate with what precedence compares, built once rather than on every comparison. */
interface RankedCandidate {
  hosted: HostedCandidate;
  ranked: Ranked;
}

/** `on`: the Gateway listener port these routes are served on, and its scheme (redirects may need them). */
export function buildVirtualHosts(listeners: readonly ListenerRoutes[], on: { port: number; scheme: 'http' | 'https' }): VirtualHostIR[] {
  const listenerHosts = listeners.map((l) => l.hostname);
  const ownDomains = listeners.length > 1 ? listenerHosts : [];
  const domains = [...new Set([...listeners.flatMap((l) => l.hosted.map((h) => h.hostname)), ...ownDomains])].sort(compareDomains);
  const byListener = new Map<string, RankedCandidate[]>();
  for (const l of listeners) {
    const list = byListener.get(l.hostname) ?? [];
    for (const h of l.hosted) list.push({ hosted: h, ranked: { hostname: h.hostname, ...h.candidate } });
    byListener.set(l.hostname, list);
  }
  return domains.map((domain) => {
    const owner = owningListener(listenerHosts, domain);
    const best = new Map<string, RankedCandidate>();
    for (const r of (owner !== undefined && byListener.get(owner)) || []) {
      if (!hostnameCovers(r.hosted.hostname, domain)) continue;
      const prev = best.get(r.hosted.candidate.route.name);
      // The same match may apply through several hostnames; keep its most specific one.
      if (!prev || rank(r, prev) < 0) best.set(r.hosted.candidate.route.name, r);
    }
    const routes: RouteIR[] = [...best.values()].sort(rank).map(({ hosted: h }) => redirectOnListener(h.candidate.route, on));
    return { name: virtualHostName(domain), domains: [domain], routes };
  });
}

/** The listener hostname a request for `domain` selects: the most specific one that covers it. */
function owningListener(listenerHosts: readonly string[], domain: string): string | undefined {
  let owner: string | undefined;
  for (const h of listenerHosts) {
    if (!hostnameCovers(h, domain)) continue;
    const p = hostnamePrecedence(h);
    const o = owner === undefined ? undefined : hostnamePrecedence(owner);
    if (!o || p.nonWildcardChars > o.nonWildcardChars || (p.nonWildcardChars === o.nonWildcardChars && p.chars > o.chars)) owner = h;
  }
  return owner;
}

function rank(a: RankedCandidate, b: RankedCandidate): number {
  return comparePrecedence(a.ranked, b.ranked);
}

/** Exact hostnames first, then wildcards, then `*`; alphabetical within each, for stable output. */
function compareDomains(a: string, b: string): number {
  const weight = (d: string): number => (d === ANY_HOST ? 2 : d.startsWith('*.') ? 1 : 0);
  return weight(a) - weight(b) || (a < b ? -1 : a > b ? 1 : 0);
}
