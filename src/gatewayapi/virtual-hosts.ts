/**
 * Virtual hosts for one Envoy listener (one address:port). Every effective hostname becomes a
 * virtual host, and each virtual host also carries the routes of the less specific hostnames that
 * cover it (`*.example.com`, `*`), ranked below its own: Envoy picks one virtual host per request,
 * and a request for `a.example.com` that no `a.example.com` rule matches must still reach the
 * rules of `*.example.com` (GRPCRouteRule.matches precedence across hostnames).
 */
import { RouteIR, VirtualHostIR } from '../ir/types';
import { RouteCandidate } from './grpcroute';
import { ANY_HOST, hostnameCovers } from './hostnames';
import { redirectOnListener } from './httproute-filters';
import { virtualHostName } from './naming';
import { comparePrecedence, type Ranked } from './precedence';

export interface HostedCandidate {
  hostname: string;
  candidate: RouteCandidate;
}

/** A hosted candidate with what precedence compares, built once rather than on every comparison. */
interface RankedCandidate {
  hosted: HostedCandidate;
  ranked: Ranked;
}

/** `listener`: the Gateway listener port these routes are served on, and its scheme (redirects may need them). */
export function buildVirtualHosts(hosted: readonly HostedCandidate[], listener: { port: number; scheme: 'http' | 'https' }): VirtualHostIR[] {
  const domains = [...new Set(hosted.map((h) => h.hostname))].sort(compareDomains);
  const all: RankedCandidate[] = hosted.map((h) => ({ hosted: h, ranked: { hostname: h.hostname, ...h.candidate } }));
  return domains.map((domain) => {
    const best = new Map<string, RankedCandidate>();
    for (const r of all) {
      if (!hostnameCovers(r.hosted.hostname, domain)) continue;
      const prev = best.get(r.hosted.candidate.route.name);
      // The same match may apply through several hostnames; keep its most specific one.
      if (!prev || rank(r, prev) < 0) best.set(r.hosted.candidate.route.name, r);
    }
    const routes: RouteIR[] = [...best.values()].sort(rank).map(({ hosted: h }) => redirectOnListener(h.candidate.route, listener));
    return { name: virtualHostName(domain), domains: [domain], routes };
  });
}

function rank(a: RankedCandidate, b: RankedCandidate): number {
  return comparePrecedence(a.ranked, b.ranked);
}

/** Exact hostnames first, then wildcards, then `*`; alphabetical within each, for stable output. */
function compareDomains(a: string, b: string): number {
  const weight = (d: string): number => (d === ANY_HOST ? 2 : d.startsWith('*.') ? 1 : 0);
  return weight(a) - weight(b) || (a < b ? -1 : a > b ? 1 : 0);
}
