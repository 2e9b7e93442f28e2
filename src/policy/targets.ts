/**
 * GEP-713 target references, resolved: each `spec.targetRefs[]` entry of a BackendTrafficPolicy
 * becomes the attachment point it names (its `key`, shared by every policy that targets the same
 * object and section, so precedence.ts can pick one), its level in the merge order, and the
 * ancestors its status is reported on. Targets are local: the policy's own namespace.
 *
 *   Gateway (+ sectionName: a listener name)      route-level settings, every route of the Gateway (listener)
 *   GRPCRoute/HTTPRoute (+ sectionName: rules[].name)  route-level settings, the route (rule)
 *   Service (+ sectionName: a port name)          connection-level settings, the cluster of each port
 *
 * Ancestors (status.ts): a Gateway target is its own ancestor (with the listener as sectionName);
 * a route's are the Gateways of ours it is a child of; a Service's, the Gateways of ours that
 * have a cluster of (the port of) the Service. A target with no such Gateway (a route not attached
 * to a Gateway of ours, a Service no route of ours sends to) reports on itself: the policy is
 * valid and takes effect once something routes there, and a status without any ancestor would
 * say nothing at all. A target that does not exist reports on the reference as written.
 */
import { type BackendTrafficPolicy, type PolicyTargetReference } from '../apis/policy';
import { namespacedName } from '../apis/meta';
import { type PolicyContext, routeKey } from './context';

const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** Most specific first, within each family: rule > route > listener > gateway; servicePort > service. */
export type TargetLevel = 'rule' | 'route' | 'listener' | 'gateway' | 'servicePort' | 'service';

/** PolicyAncestorStatus.ancestorRef as we fill it (a ParentReference). */
export interface AncestorRef {
  group: string;
  kind: string;
  namespace: string;
  name: string;
  sectionName?: string;
}

export type ProblemReason = 'TargetNotFound' | 'Invalid';

export interface ResolvedTarget {
  /** The attachment point: policies with the same key compete (precedence.ts); the IR walk looks winners up by it. */
  key: string;
  level: TargetLevel;
  /** `GRPCRoute app/users rule "get"`, for messages. */
  description: string;
  ancestors: AncestorRef[];
  /** Set when the policy cannot apply to this target. */
  problem?: { reason: ProblemReason; message: string };
  /** Said with Accepted when the policy is valid here but nothing of ours is affected yet. */
  note?: string;
}

/** The key of an attachment point: `Kind namespace/name`, then `#section` for a listener, rule or port. */
export function targetKey(kind: string, namespace: string, name: string, section?: string): string {
  const key = kind === 'GRPCRoute' || kind === 'HTTPRoute' ? routeKey(kind, namespace, name) : `${kind} ${namespacedName(namespace, name)}`;
  return section === undefined ? key : `${key}#${section}`;
}

function ref(group: string, kind: string, namespace: string, name: string, sectionName?: string): AncestorRef {
  return { group, kind, namespace, name, ...(sectionName !== undefined ? { sectionName } : {}) };
}

function gatewayRefs(keys: Iterable<string>): AncestorRef[] {
  return [...keys].sort().map((k) => {
    const [namespace, name] = k.split('/');
    return ref(GATEWAY_GROUP, 'Gateway', namespace, name);
  });
}

function describe(t: PolicyTargetReference, namespace: string): string {
  const what = `${t.kind} ${namespacedName(namespace, t.name)}`;
  if (t.sectionName === undefined) return what;
  const section = t.kind === 'Gateway' ? 'listener' : t.kind === 'Service' ? 'port' : 'rule';
  return `${what} ${section} "${t.sectionName}"`;
}

const LEVELS: Record<PolicyTargetReference['kind'], [TargetLevel, TargetLevel]> = {
  Gateway: ['gateway', 'listener'],
  GRPCRoute: ['route', 'rule'],
  HTTPRoute: ['route', 'rule'],
  Service: ['service', 'servicePort'],
};

/** Resolves `spec.targetRefs[index]` of `policy`. */
export function resolveTarget(policy: BackendTrafficPolicy, index: number, ctx: PolicyContext): ResolvedTarget {
  const t = policy.spec.targetRefs[index];
  const namespace = policy.metadata.namespace;
  const field = `spec.targetRefs[${index}]`;
  const levels = LEVELS[t.kind] as [TargetLevel, TargetLevel] | undefined;
  const description = describe(t, namespace);
  const asWritten = ref(t.group, t.kind, namespace, t.name, t.sectionName);
  if (!levels) {
    return {
      key: '',
      level: 'gateway',
      description,
      ancestors: [asWritten],
      problem: { reason: 'Invalid', message: `${field}.kind: "${String(t.kind)}" cannot be targeted` },
    };
  }
  const base = { key: targetKey(t.kind, namespace, t.name, t.sectionName), level: levels[t.sectionName === undefined ? 0 : 1], description };
  const expectedGroup = t.kind === 'Service' ? '' : GATEWAY_GROUP;
  if (t.group !== expectedGroup) {
    return {
      ...base,
      ancestors: [asWritten],
      problem: { reason: 'Invalid', message: `${field}.group: a ${t.kind} is in group "${expectedGroup}", not "${t.group}"` },
    };
  }
  const notFound = (message: string): ResolvedTarget => ({ ...base, ancestors: [asWritten], problem: { reason: 'TargetNotFound', message } });
  const id = namespacedName(namespace, t.name);
  if (t.kind === 'Gateway') {
    const gateway = ctx.gateways.get(id);
    if (!gateway) return notFound(`${field}: Gateway ${id} not found`);
    const self = ref(GATEWAY_GROUP, 'Gateway', namespace, t.name);
    if (!ctx.ourGateways.has(id)) {
      return {
        ...base,
        ancestors: [self],
        problem: { reason: 'TargetNotFound', message: `${field}: Gateway ${id} is not one of ours (controller ${ctx.options.controllerName})` },
      };
    }
    if (t.sectionName !== undefined && !gateway.spec.listeners.some((l) => l.name === t.sectionName)) {
      return { ...base, ancestors: [self], problem: { reason: 'Invalid', message: `${field}.sectionName: Gateway ${id} has no listener "${t.sectionName}"` } };
    }
    return { ...base, ancestors: [ref(GATEWAY_GROUP, 'Gateway', namespace, t.name, t.sectionName)] };
  }
  if (t.kind === 'Service') {
    const service = ctx.services.get(id);
    if (!service) return notFound(`${field}: Service ${id} not found`);
    const ports = service.spec?.ports ?? [];
    const port = t.sectionName === undefined ? undefined : ports.find((p) => p.name === t.sectionName);
    const self = ref('', 'Service', namespace, t.name);
    if (t.sectionName !== undefined && !port) {
      return {
        ...base,
        ancestors: [self],
        problem: { reason: 'Invalid', message: `${field}.sectionName: Service ${id} has no port named "${t.sectionName}"` },
      };
    }
    const byPort = ctx.serviceGateways.get(id);
    const keys = new Set<string>();
    for (const [number, gateways] of byPort ?? []) if (!port || port.port === number) for (const g of gateways) keys.add(g);
    if (keys.size === 0) return { ...base, ancestors: [asWritten], note: `no route of a Gateway of ours sends to ${description} yet` };
    return { ...base, ancestors: gatewayRefs(keys) };
  }
  const route = ctx.routes.get(routeKey(t.kind, namespace, t.name));
  if (!route) return notFound(`${field}: ${t.kind} ${id} not found`);
  const parents = (ctx.routeParents.get(routeKey(t.kind, namespace, t.name)) ?? []).filter((g) => ctx.ourGateways.has(g));
  const ancestors = parents.length > 0 ? gatewayRefs(parents) : [ref(GATEWAY_GROUP, t.kind, namespace, t.name)];
  const rules: ReadonlyArray<{ name?: string }> = route.spec.rules ?? [];
  if (t.sectionName !== undefined && !rules.some((r) => r.name === t.sectionName)) {
    return { ...base, ancestors, problem: { reason: 'Invalid', message: `${field}.sectionName: ${t.kind} ${id} has no rule named "${t.sectionName}"` } };
  }
  return { ...base, ancestors, ...(parents.length === 0 ? { note: `${t.kind} ${id} is not attached to a Gateway of ours yet` } : {}) };
}
