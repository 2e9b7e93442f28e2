/**
 * Hostname intersection between a listener and a route (GRPCRoute/HTTPRoute `spec.hostnames`
 * docs and site concepts/hostnames.md). `*` stands for "any host". A `*.` prefix matches one or
 * more labels: `*.example.com` matches `a.b.example.com` but not `example.com`.
 */

export const ANY_HOST = '*';

function isWildcard(hostname: string): boolean {
  return hostname.startsWith('*.');
}

/** Does `pattern` (exact, `*.suffix` or `*`) cover `hostname` (exact or `*.suffix`)? */
export function hostnameCovers(pattern: string, hostname: string): boolean {
  if (pattern === ANY_HOST || pattern === hostname) return true;
  if (!isWildcard(pattern)) return false;
  const suffix = pattern.slice(1); // `.example.com`
  if (isWildcard(hostname)) return hostname.slice(1).endsWith(suffix) && hostname.length > pattern.length;
  return hostname.endsWith(suffix) && hostname.length > suffix.length;
}

/**
 * The hostnames a route serves on a listener. `[]` means they do not intersect (the route is
 * not accepted there); `['*']` means any host.
 */
export function intersectHostnames(listenerHostname: string | undefined, routeHostnames: readonly string[] | undefined): string[] {
  const listener = listenerHostname || ANY_HOST;
  if (!routeHostnames || routeHostnames.length === 0) return [listener];
  const out = new Set<string>();
  for (const route of routeHostnames) {
    if (hostnameCovers(listener, route)) out.add(route);
    else if (hostnameCovers(route, listener)) out.add(listener);
  }
  return [...out];
}

/** Precedence by hostname (GRPCRouteRule.matches, HTTPRouteSpec.hostnames): characters of a matching (non-wildcard) hostname. */
export function hostnamePrecedence(hostname: string): { nonWildcardChars: number; chars: number } {
  if (hostname === ANY_HOST) return { nonWildcardChars: 0, chars: 0 };
  return { nonWildcardChars: isWildcard(hostname) ? 0 : hostname.length, chars: hostname.length };
}
