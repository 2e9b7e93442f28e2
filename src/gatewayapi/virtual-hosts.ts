/**
 * Virtual hosts for one Envoy listener (one address:port). Every effective hostname becomes a
 * virtual host, and each virtual host also carries the routes of the less specific hostnames that
 * cover it (`*.example.com`, `*`), ranked below its own: Envoy picks one virtual host per request,
 * and a request for `a.example.com` that no `a.example.com` rule matches must still reach the
 * rules of `*.example.com` (GRPCRouteRule.matches precedence across hostnames).
 */
import { RouteIR, VirtualHostIR } from '../ir/types';
import { RouteCandidate } from './route-candidates';
import { ANY_HOST, hostnameCovers } from './hostnames';
import { redirectOnListener } from './httproute-filters';
import { virtualHostName } from './naming';
import { comparePrecedence } from './precedence';

export interface HostedCandidate {
  hostname: string;
  candidate: RouteCandidate;
}

/** `listener`: the Gateway listener port these routes are served on, and its scheme (redirects may need them). */
export function buildVirtualHosts(hosted: readonly HostedCandidate[], listener: { port: number; scheme: 'http' | 'https' }): VirtualHostIR[] {
  const domains = [...new Set(hosted.map((h) => h.hostname))].sort(compareDomains);
  return domains.map((domain) => {
    const best = new Map<string, HostedCandidate>();
    for (const h of hosted) {
      if (!hostnameCovers(h.hostname, domain)) continue;
      const prev = best.get(h.candidate.route.name);
      // The same match may apply through several hostnames; keep its most specific one.
      if (!prev || rank(h, prev) < 0) best.set(h.candidate.route.name, h);
    }
    const routes: RouteIR[] = [...best.values()].sort(rank).map(({ candidate }) => redirectOnListener(candidate.route, listener));
    return { name: virtualHostName(domain), domains: [domain], routes };
  });
}

function rank(a: HostedCandidate, b: HostedCandidate): number {
  return comparePrecedence({ hostname: a.hostname, ...a.candidate }, { hostname: b.hostname, ...b.candidate });
}

/** Exact hostnames first, then wildcards, then `*`; alphabetical within each, for stable output. */
function compareDomains(a: string, b: string): number {
  const weight = (d: string): number => (d === ANY_HOST ? 2 : d.startsWith('*.') ? 1 : 0);
  return weight(a) - weight(b) || (a < b ? -1 : a > b ? 1 : 0);
}
