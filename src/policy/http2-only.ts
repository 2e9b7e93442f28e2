/**
 * Connection-level settings that only exist on HTTP/2: an active gRPC health check (a gRPC call,
 * so an HTTP/2 request) and HTTP/2 PING keepalive. On the cluster of a Service port served over
 * HTTP/1.1 (only HTTPRoutes send there and the port has no `appProtocol: kubernetes.io/h2c`)
 * Envoy cannot do either: a gRPC check there would mark every host unhealthy. So they are taken
 * out of that cluster's IR (xds/translate guards the same again), and the policies that set them
 * say so in their status (status.ts: `Programmed=True`, reason `PartiallyProgrammed`), instead of
 * the settings vanishing without a word.
 */
import { type BackendTrafficPolicy } from '../apis/policy';
import { namespacedName } from '../apis/meta';
import { type ClusterTrafficPolicyIR } from '../ir/traffic-policy';
import { type ClusterIR } from '../ir/types';

/** Settings left out of one HTTP/1.1 cluster, and the policies (of those merged there) that set them. */
export interface UnprogrammedSettings {
  gatewayKey: string;
  /** `Service default/web port 8080`. */
  where: string;
  /** Each policy that set one of them → the fields it set (`healthCheck.active`, `connection.http2Keepalive`). */
  byPolicy: ReadonlyMap<BackendTrafficPolicy, readonly string[]>;
}

function fieldsSet(p: BackendTrafficPolicy): string[] {
  const out: string[] = [];
  if (p.spec.healthCheck?.active !== undefined) out.push('healthCheck.active');
  if (p.spec.connection?.http2Keepalive?.interval !== undefined) out.push('connection.http2Keepalive');
  return out;
}

/**
 * `trafficPolicy` as it can be programmed on cluster `c`: on an HTTP/1.1 cluster without the
 * HTTP/2-only settings (and what was taken out, blamed on the policies that set it).
 */
export function withoutHttp2Only(
  c: ClusterIR,
  trafficPolicy: ClusterTrafficPolicyIR,
  policies: readonly BackendTrafficPolicy[],
  gatewayKey: string,
  service: { namespace: string; name: string; port: number },
): { trafficPolicy: ClusterTrafficPolicyIR | undefined; unprogrammed?: UnprogrammedSettings } {
  if (c.protocol === 'h2c' || (trafficPolicy.healthCheck === undefined && trafficPolicy.http2Keepalive === undefined)) return { trafficPolicy };
  const rest: ClusterTrafficPolicyIR = { ...trafficPolicy };
  delete rest.healthCheck;
  delete rest.http2Keepalive;
  const byPolicy = new Map<BackendTrafficPolicy, string[]>();
  for (const p of policies) {
    const fields = fieldsSet(p);
    if (fields.length > 0) byPolicy.set(p, fields);
  }
  const left = Object.keys(rest).filter((k) => k !== 'policies').length > 0 ? rest : undefined;
  return {
    trafficPolicy: left,
    unprogrammed: { gatewayKey, where: `Service ${namespacedName(service.namespace, service.name)} port ${service.port}`, byPolicy },
  };
}

/** For one policy: Gateway key → the sentences saying what of it is not programmed under that Gateway. */
export function unprogrammedFor(policy: BackendTrafficPolicy, all: readonly UnprogrammedSettings[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const u of all) {
    const fields = u.byPolicy.get(policy);
    if (!fields) continue;
    const sentence =
      `${fields.join(' and ')} not applied to the HTTP/1.1 cluster of ${u.where} (HTTPRoutes reach it over HTTP/1.1: the port has no appProtocol ` +
      'kubernetes.io/h2c); gRPC health checks and HTTP/2 PINGs need HTTP/2, the other settings apply';
    const list = out.get(u.gatewayKey) ?? [];
    if (!list.includes(sentence)) list.push(sentence);
    out.set(u.gatewayKey, list);
  }
  return out;
}
