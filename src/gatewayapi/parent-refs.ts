/**
 * Route attachment: which listeners each `spec.parentRefs[]` entry of a route lands on
 * (sectionName, port, allowedRoutes namespaces and kinds, hostname intersection), and why not
 * when it lands nowhere. One attacher serves every route kind.
 */
import { type Namespace } from '../apis/core';
import { GATEWAY_GROUP, type LabelSelector, type ParentReference } from '../apis/gateway-api';
import { type KubernetesObject, type NamespacedObjectMeta } from '../apis/meta';
import { ConditionType, Reason, type TranslationIssue } from './conditions';
import type { GatewayContext, ListenerContext, ParentAttachment } from './contexts';
import { intersectHostnames } from './hostnames';
import { isListenerAccepted } from './listener';
import { gatewayKey } from './naming';

/** The parts of any route kind that attachment reads. */
export interface AttachableRoute extends KubernetesObject {
  metadata: NamespacedObjectMeta;
  spec: { parentRefs?: ParentReference[]; hostnames?: string[] };
}

export function attachRoute(route: AttachableRoute, gateways: ReadonlyMap<string, GatewayContext>, namespaces: readonly Namespace[]): ParentAttachment[] {
  const routeNs = route.metadata.namespace;
  const out: ParentAttachment[] = [];
  for (const ref of route.spec.parentRefs ?? []) {
    const namespace = ref.namespace ?? routeNs;
    const parentRef: ParentReference = {
      group: ref.group ?? GATEWAY_GROUP,
      kind: ref.kind ?? 'Gateway',
      namespace,
      name: ref.name,
      ...(ref.sectionName !== undefined ? { sectionName: ref.sectionName } : {}),
      ...(ref.port !== undefined ? { port: ref.port } : {}),
    };
    if (parentRef.group !== GATEWAY_GROUP || parentRef.kind !== 'Gateway') continue;
    // A parentRef to a Gateway that is not ours gets no status entry from us (route status spec).
    const gateway = gateways.get(gatewayKey(namespace, parentRef.name));
    if (!gateway) continue;
    out.push(attachToGateway(route, routeNs, parentRef, gateway, namespaces));
  }
  return out;
}

function attachToGateway(
  route: AttachableRoute,
  routeNs: string,
  parentRef: ParentReference,
  gateway: GatewayContext,
  namespaces: readonly Namespace[],
): ParentAttachment {
  const candidates = gateway.listeners.filter(
    (l) =>
      (parentRef.sectionName === undefined || l.listener.name === parentRef.sectionName) &&
      (parentRef.port === undefined || l.listener.port === parentRef.port),
  );
  const rejected = (reason: TranslationIssue['reason'], message: string): ParentAttachment => ({
    parentRef,
    gateway,
    listeners: [],
    issue: notAccepted(reason, message),
  });
  if (candidates.length === 0) {
    const what = [parentRef.sectionName && `sectionName "${parentRef.sectionName}"`, parentRef.port && `port ${parentRef.port}`].filter(Boolean).join(' and ');
    return rejected(Reason.NoMatchingParent, `no listener matches ${what}`);
  }
  const allowed = candidates.filter((l) => isListenerAccepted(l) && l.kinds.includes(route.kind) && namespaceAllowed(l, routeNs, namespaces));
  if (allowed.length === 0) {
    return rejected(Reason.NotAllowedByListeners, `no listener of Gateway ${gateway.key} allows this ${route.kind} from namespace ${routeNs}`);
  }
  const listeners = allowed
    .map((listener) => ({ listener, hostnames: intersectHostnames(listener.listener.hostname, route.spec.hostnames) }))
    .filter((a) => a.hostnames.length > 0);
  if (listeners.length === 0) {
    return rejected(Reason.NoMatchingListenerHostname, 'no hostname of the route matches a listener hostname');
  }
  return { parentRef, gateway, listeners };
}

function notAccepted(reason: TranslationIssue['reason'], message: string): TranslationIssue {
  return { type: ConditionType.Accepted, reason, message, field: 'spec.parentRefs' };
}

function namespaceAllowed(l: ListenerContext, routeNs: string, namespaces: readonly Namespace[]): boolean {
  const from = l.listener.allowedRoutes?.namespaces?.from ?? 'Same';
  if (from === 'All') return true;
  if (from === 'Same') return routeNs === l.gateway.metadata.namespace;
  const ns = namespaces.find((n) => n.metadata.name === routeNs);
  // The apiserver labels every Namespace with its name; file mode may not declare Namespaces.
  const labels = { 'kubernetes.io/metadata.name': routeNs, ...(ns?.metadata.labels ?? {}) };
  return selectorMatches(l.listener.allowedRoutes?.namespaces?.selector, labels);
}

function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const inValues = has && (e.values ?? []).includes(labels[e.key]);
    const ok = { In: inValues, NotIn: !inValues, Exists: has, DoesNotExist: !has }[e.operator];
    if (!ok) return false;
  }
  return true;
}
