/**
 * The winning policies (precedence.ts), written into a Gateway's IR: each forwarding route gets
 * the merge of the policies at its rule, its route, the Gateway listener it is served through and
 * its Gateway; each Service cluster the merge of those at its Service port and its Service.
 * Which route and rule an IR route came from is in its name (naming.ts routeName), which Service
 * port a cluster serves in the cluster's (serviceClusterName). Redirects and direct replies take
 * no route-level policy: nothing is forwarded, so nothing is retried, timed out or limited.
 * Returns the same objects where nothing applies, so a Gateway no policy touches is unchanged.
 */
import { type BackendTrafficPolicy } from '../apis/policy';
import { namespacedName } from '../apis/meta';
import { parseRouteName, parseServiceClusterName } from '../gatewayapi/naming';
import { type ClusterTrafficPolicyIR, type RouteTrafficPolicyIR } from '../ir/traffic-policy';
import { type ClusterIR, type FilterChainIR, type GatewayIR, type RouteIR } from '../ir/types';
import { type PolicyContext, routeKey } from './context';
import { listenerOfVirtualHost } from './listeners';
import { mergeMostSpecificFirst, settingsOf } from './merge';
import { targetKey } from './targets';
import { clusterPolicyIR, routePolicyIR } from './to-ir';
import { type UnprogrammedSettings, withoutHttp2Only } from './http2-only';

/** The policies at these attachment points (most specific first), each once. */
function policiesAt(keys: readonly string[], winners: ReadonlyMap<string, BackendTrafficPolicy>): BackendTrafficPolicy[] {
  const out: BackendTrafficPolicy[] = [];
  for (const k of keys) {
    const p = winners.get(k);
    if (p && !out.includes(p)) out.push(p);
  }
  return out;
}

const policyName = (p: BackendTrafficPolicy): string => namespacedName(p.metadata.namespace, p.metadata.name);

/** Many routes share the same policies: each combination is merged once (per Service, for clusters: the health check names it). */
class Memo<T> {
  private readonly done = new Map<string, T | undefined>();
  get(scope: string, policies: readonly BackendTrafficPolicy[], build: () => T | undefined): T | undefined {
    const key = `${scope} ${policies.map(policyName).join(',')}`;
    if (!this.done.has(key)) this.done.set(key, build());
    return this.done.get(key);
  }
}

/** `unprogrammed` collects the settings left out of HTTP/1.1 clusters (http2-only.ts), for status. */
export function applyToGateway(
  ir: GatewayIR,
  ctx: PolicyContext,
  winners: ReadonlyMap<string, BackendTrafficPolicy>,
  unprogrammed: UnprogrammedSettings[],
): GatewayIR {
  const gateway = ctx.gateways.get(ir.key);
  const [gatewayNamespace, gatewayName] = ir.key.split('/');
  const programmed = ctx.programmedListeners.get(ir.key) ?? new Set<string>();
  const routeMemo = new Memo<RouteTrafficPolicyIR>();

  const routePolicy = (route: RouteIR, listener: string | undefined): RouteTrafficPolicyIR | undefined => {
    if (route.action.kind !== 'forward') return undefined;
    const keys: string[] = [];
    const origin = parseRouteName(route.name);
    if (origin) {
      const spec = ctx.routes.get(routeKey(origin.kind, origin.namespace, origin.name))?.spec;
      const ruleName = spec?.rules?.[origin.rule]?.name;
      if (ruleName !== undefined) keys.push(targetKey(origin.kind, origin.namespace, origin.name, ruleName));
      keys.push(targetKey(origin.kind, origin.namespace, origin.name));
    }
    if (listener !== undefined) keys.push(targetKey('Gateway', gatewayNamespace, gatewayName, listener));
    keys.push(targetKey('Gateway', gatewayNamespace, gatewayName));
    const policies = policiesAt(keys, winners);
    if (policies.length === 0) return undefined;
    return routeMemo.get('', policies, () => routePolicyIR(mergeMostSpecificFirst(policies.map((p) => settingsOf(p.spec))), policies.map(policyName)));
  };

  const chain = (c: FilterChainIR): FilterChainIR => {
    const listenerOf = gateway ? listenerOfVirtualHost(gateway, programmed, c, ctx.options) : () => undefined;
    let changed = false;
    const virtualHosts = c.virtualHosts.map((vh) => {
      const listener = listenerOf(vh);
      let vhChanged = false;
      const routes = vh.routes.map((r) => {
        const trafficPolicy = routePolicy(r, listener);
        if (!trafficPolicy) return r;
        vhChanged = true;
        return { ...r, trafficPolicy };
      });
      changed ||= vhChanged;
      return vhChanged ? { ...vh, routes } : vh;
    });
    return changed ? { ...c, virtualHosts } : c;
  };

  const clusterMemo = new Memo<ClusterTrafficPolicyIR>();
  const cluster = (c: ClusterIR): ClusterIR => {
    const svc = parseServiceClusterName(c.name);
    if (!svc) return c;
    const service = ctx.services.get(namespacedName(svc.namespace, svc.name));
    const portName = service?.spec?.ports?.find((p) => p.port === svc.port)?.name;
    const keys = [
      ...(portName !== undefined && portName !== '' ? [targetKey('Service', svc.namespace, svc.name, portName)] : []),
      targetKey('Service', svc.namespace, svc.name),
    ];
    const policies = policiesAt(keys, winners);
    if (policies.length === 0) return c;
    const merged = clusterMemo.get(namespacedName(svc.namespace, svc.name), policies, () =>
      clusterPolicyIR(mergeMostSpecificFirst(policies.map((p) => settingsOf(p.spec))), svc, policies.map(policyName)),
    );
    if (!merged) return c;
    const { trafficPolicy, unprogrammed: left } = withoutHttp2Only(c, merged, policies, ir.key, svc);
    if (left) unprogrammed.push(left);
    return trafficPolicy ? { ...c, trafficPolicy } : c;
  };

  const listeners = ir.listeners.map((l) => {
    const filterChains = l.filterChains.map(chain);
    return filterChains.every((c, i) => c === l.filterChains[i]) ? l : { ...l, filterChains };
  });
  const clusters = ir.clusters.map(cluster);
  const same = listeners.every((l, i) => l === ir.listeners[i]) && clusters.every((c, i) => c === ir.clusters[i]);
  return same ? ir : { ...ir, listeners, clusters };
}
