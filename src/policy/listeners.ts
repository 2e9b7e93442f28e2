/**
 * Which Gateway listener a virtual host of the IR serves, for policies that target a listener
 * (`sectionName`). The IR names no listener, so this follows how gatewayapi lays them out
 * (gateway.ts buildGatewayIR, virtual-hosts.ts):
 *  - HTTPS: one filter chain per listener, named after it (`https/<port>/<listener>`).
 *  - HTTP: one chain per bound port (`http/<port>`) for all the programmed HTTP listeners on
 *    it; each virtual host carries only the routes of the listener whose hostname covers its
 *    domain most specifically (GatewayHTTPListenerIsolation), so that listener is the owner.
 * Limit: it relies on that layout; a change there must change this too (the goldens of the
 * `listener` cases would show it).
 */
import { type Gateway } from '../apis/gateway-api';
import { ANY_HOST, hostnameCovers, hostnamePrecedence } from '../gatewayapi/hostnames';
import { parseFilterChainName } from '../gatewayapi/naming';
import { bindPort } from '../gatewayapi/options';
import { type FilterChainIR, type VirtualHostIR } from '../ir/types';
import { type PolicyOptions } from './context';

/** The listener whose hostname covers `domain` most specifically, as virtual-hosts.ts picks it. */
function owner(listeners: ReadonlyArray<{ name: string; hostname: string }>, domain: string): string | undefined {
  let best: { name: string; hostname: string } | undefined;
  for (const l of listeners) {
    if (!hostnameCovers(l.hostname, domain)) continue;
    const p = hostnamePrecedence(l.hostname);
    const o = best === undefined ? undefined : hostnamePrecedence(best.hostname);
    if (!o || p.nonWildcardChars > o.nonWildcardChars || (p.nonWildcardChars === o.nonWildcardChars && p.chars > o.chars)) best = l;
  }
  return best?.name;
}

/**
 * A function from a virtual host of `chain` to the name of the Gateway listener it serves
 * (undefined when none can be told). `programmed`: the listeners that have a chain.
 */
export function listenerOfVirtualHost(
  gateway: Gateway,
  programmed: ReadonlySet<string>,
  chain: FilterChainIR,
  options: PolicyOptions,
): (vhost: VirtualHostIR) => string | undefined {
  const parsed = parseFilterChainName(chain.name);
  if (!parsed) return () => undefined;
  if (parsed.gatewayListener !== undefined) {
    const name = parsed.gatewayListener;
    return () => name;
  }
  const onPort = gateway.spec.listeners
    .filter((l) => programmed.has(l.name) && l.protocol.toUpperCase() === 'HTTP' && bindPort(l.port, options) === parsed.port)
    .map((l) => ({ name: l.name, hostname: l.hostname || ANY_HOST }));
  const cache = new Map<string, string | undefined>();
  return (vhost) => {
    const domain = vhost.domains[0] ?? ANY_HOST;
    if (!cache.has(domain)) cache.set(domain, owner(onPort, domain));
    return cache.get(domain);
  };
}
