/**
 * What a running Envoy holds, read from its admin API: the weights a route sends to its
 * clusters, and the hosts of each cluster. Tests wait on these (bounded) to know a change has
 * reached the proxy, rather than sleeping.
 */
import type { RunningEnvoy } from '../../test/harness';

type Plain = Record<string, unknown>;

function list(v: unknown): Plain[] {
  return Array.isArray(v) ? (v as Plain[]) : [];
}

function obj(v: unknown): Plain {
  return typeof v === 'object' && v !== null ? (v as Plain) : {};
}

/** Every route entry of every dynamic RouteConfiguration. */
async function routes(envoy: RunningEnvoy): Promise<Plain[]> {
  const dump = await envoy.configDump({ resource: 'dynamic_route_configs' });
  return dump.configs.flatMap((c) => list(obj(c.route_config).virtual_hosts).flatMap((vh) => list(vh.routes)));
}

/** Cluster → weight for the first route whose name starts with `prefix` (a single cluster has weight 1). */
export async function routeWeights(envoy: RunningEnvoy, prefix: string): Promise<Record<string, number>> {
  const route = (await routes(envoy)).find((r) => String(r.name ?? '').startsWith(prefix));
  const action = obj(route?.route);
  if (typeof action.cluster === 'string') return { [action.cluster]: 1 };
  const out: Record<string, number> = {};
  for (const c of list(obj(action.weighted_clusters).clusters)) out[String(c.name)] = Number(obj(c.weight).value ?? c.weight ?? 0);
  return out;
}

/** Cluster name → the addresses of its hosts, as Envoy's cluster manager has them. */
export async function clusterHosts(envoy: RunningEnvoy): Promise<Record<string, string[]>> {
  const json = JSON.parse(await envoy.admin('/clusters?format=json')) as { cluster_statuses?: Plain[] };
  const out: Record<string, string[]> = {};
  for (const c of json.cluster_statuses ?? []) {
    out[String(c.name)] = list(c.host_statuses).map((h) => String(obj(obj(obj(h.address).socket_address)).address));
  }
  return out;
}
