/**
 * What `attache validate` says about routes that no status entry covers. Route status is written
 * only for parents that are our Gateways, so a route file checked alone (an app team's
 * repository, the Gateway kept elsewhere) would get no word about its own rules: an invalid
 * regex would pass. Here the rules are judged whatever the parents (errors: they would be
 * dropped on any Gateway), and a parentRef to a Gateway the input does not hold is a warning
 * (it may well exist in the cluster). Pure.
 */
import { type Gateway, GATEWAY_GROUP, type ParentReference } from '../apis/gateway-api';
import { describeObject, type KubernetesObject, type NamespacedObjectMeta } from '../apis/meta';
import { gatewayKey } from './naming';
import type { TranslatedRoute } from './route-candidates';

export interface RouteFinding {
  severity: 'error' | 'warning';
  /** `Kind namespace/name`. */
  object: string;
  field: string;
  message: string;
}

export interface CheckedRoute {
  route: KubernetesObject & { metadata: NamespacedObjectMeta; spec: { parentRefs?: ParentReference[] } };
  translated: TranslatedRoute;
  /** Whether some parentRef names one of our Gateways, so status reports on the route. */
  hasStatus: boolean;
}

export function routeFindings(routes: readonly CheckedRoute[], gateways: readonly Gateway[]): RouteFinding[] {
  const known = new Set(gateways.map((g) => gatewayKey(g.metadata.namespace, g.metadata.name)));
  const out: RouteFinding[] = [];
  for (const { route, translated, hasStatus } of routes) {
    const namespace = route.metadata.namespace;
    const object = describeObject(route);
    (route.spec.parentRefs ?? []).forEach((ref, i) => {
      if ((ref.group ?? GATEWAY_GROUP) !== GATEWAY_GROUP || (ref.kind ?? 'Gateway') !== 'Gateway') return;
      const key = gatewayKey(ref.namespace ?? namespace, ref.name);
      if (known.has(key)) return;
      const message = `Gateway ${key} is not in the input: attachment to it (listeners, hostnames, allowedRoutes) is not checked`;
      out.push({ severity: 'warning', object, field: `spec.parentRefs[${i}]`, message });
    });
    // A route with status has its rule and reference problems reported there already.
    if (hasStatus) continue;
    for (const dropped of translated.rules.dropped) {
      for (const issue of dropped.issues) {
        const field = issue.field ?? `spec.rules[${dropped.index}]`;
        out.push({ severity: 'error', object, field, message: `${withoutField(issue.message, field)} (any Gateway would drop this rule)` });
      }
    }
    // References to Services and grants the input may simply not hold: warnings.
    for (const issue of translated.issues) {
      const field = issue.field ?? 'spec.rules';
      out.push({ severity: 'warning', object, field, message: withoutField(issue.message, field) });
    }
  }
  return out;
}

/** Status messages start with their field; the finding names it apart. */
function withoutField(message: string, field: string): string {
  return message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
}
