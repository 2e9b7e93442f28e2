/**
 * The pure middle of the pipeline, composed: store contents → (gatewayapi) IR + status →
 * (policy) traffic policies applied, their status added → (xds/translate) Envoy resources per Gateway key. No I/O; the serve loop and `attache translate`
 * both call it, so what the CLI prints is what proxies get.
 *
 * Fault isolation: problems in objects become status conditions, never exceptions — but a bug
 * that throws on one odd object must not take every Gateway down with it. If translation
 * throws, the objects that throw on their own are found and left out (each gets
 * `Accepted=False` with the error), and the rest is translated without them. A Gateway whose
 * Envoy resources cannot be built is reported in `failures` and its proxies keep their last
 * snapshot (the reconciler does not empty a failed key). Policies the same way: one whose
 * application throws is left out (its status says so) and the others apply.
 */
import { type GRPCRoute, type HTTPRoute } from '../apis/gateway-api';
import { type Condition, describeObject } from '../apis/meta';
import { gatewayKey } from '../gatewayapi/naming';
import { type TranslateOptions } from '../gatewayapi/options';
import { type ListenerResources } from '../gatewayapi/programmed';
import { type RouteStatusEntry, type StatusEntry } from '../gatewayapi/status';
import { translate, type TranslateResult } from '../gatewayapi/translate';
import { type GatewayIR } from '../ir/types';
import { type BackendTrafficPolicy } from '../apis/policy';
import { type PolicyStatusEntry } from '../gatewayapi/status';
import { applyTrafficPolicies } from '../policy/apply';
import { type Resources } from '../store/resources';
import { type EnvoyResources, translateGateway } from '../xds/translate/translate';

/** An object or Gateway left out because translating it threw. */
export interface TranslationFailure {
  /** `GRPCRoute default/name`, `Gateway default/name`. */
  object: string;
  /** Set for a Gateway whose proxies keep their last snapshot. */
  gatewayKey?: string;
  error: string;
}

export interface PipelineResult {
  /** Envoy resources for the proxies of each Gateway, keyed `namespace/name` (node.cluster). */
  resources: Map<string, EnvoyResources>;
  ir: GatewayIR[];
  status: StatusEntry[];
  failures: TranslationFailure[];
  /** Per Gateway key, the Envoy Listener of each served Gateway listener (gatewayapi/programmed.ts). */
  listenerResources: ListenerResources;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function translateAll(resources: Resources, options: TranslateOptions, bundleVersion?: string): PipelineResult {
  const { gateways, status, failures, listenerResources } = translateWithPolicies(resources, options, bundleVersion);
  const out = new Map<string, EnvoyResources>();
  for (const ir of gateways) {
    try {
      out.set(ir.key, translateGateway(ir));
    } catch (err) {
      failures.push({ object: `Gateway ${ir.key}`, gatewayKey: ir.key, error: message(err) });
    }
  }
  return { resources: out, ir: gateways, status, failures, listenerResources };
}

/**
 * gatewayapi then policy, each with its fault isolation: the IR and status the proxies get.
 * `attache validate` and `attache status` call it too, so one bad policy (or route) is left out
 * and reported there as in the serve loop, instead of failing the whole command.
 */
export function translateWithPolicies(
  resources: Resources,
  options: TranslateOptions,
  bundleVersion?: string,
): TranslateResult & { failures: TranslationFailure[] } {
  return applyPoliciesIsolated(resources, translateIsolated(resources, options, bundleVersion), options);
}

type Route = GRPCRoute | HTTPRoute;

function withRoutes(resources: Resources, routes: readonly Route[]): Resources {
  return {
    ...resources,
    grpcRoutes: routes.filter((r): r is GRPCRoute => r.kind === 'GRPCRoute'),
    httpRoutes: routes.filter((r): r is HTTPRoute => r.kind === 'HTTPRoute'),
  };
}

function throws(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (err) {
    return message(err);
  }
}

/** `translate`, leaving out the routes and then the Gateways that make it throw on their own. */
function translateIsolated(resources: Resources, options: TranslateOptions, bundleVersion?: string): TranslateResult & { failures: TranslationFailure[] } {
  try {
    return { ...translate(resources, options, bundleVersion), failures: [] };
  } catch {
    // Slow path, taken only after a bug: one translation per object to find the culprits.
  }
  const failures: TranslationFailure[] = [];
  // Gateways first, without routes, so a Gateway's bug is not blamed on every route.
  const gateways = resources.gateways.filter((gateway) => {
    const error = throws(() => translate({ ...withRoutes(resources, []), gateways: [gateway] }, options, bundleVersion));
    const key = gatewayKey(gateway.metadata.namespace, gateway.metadata.name);
    if (error !== undefined) failures.push({ object: `Gateway ${key}`, gatewayKey: key, error });
    return error === undefined;
  });
  const routes: Route[] = [...resources.grpcRoutes, ...resources.httpRoutes];
  const goodRoutes = routes.filter((route) => {
    const error = throws(() => translate({ ...withRoutes(resources, [route]), gateways }, options, bundleVersion));
    if (error !== undefined) failures.push({ object: describeObject(route), error });
    return error === undefined;
  });
  const result = translate({ ...withRoutes(resources, goodRoutes), gateways }, options, bundleVersion);
  const failedRoutes = routes.filter((r) => !goodRoutes.includes(r));
  return { ...result, status: [...result.status, ...failedRoutes.map((r) => failedRouteStatus(r, failures, options))], failures };
}

/** What a route that could not be translated reports on each of its parents. */
function failedRouteStatus(route: Route, failures: readonly TranslationFailure[], options: TranslateOptions): RouteStatusEntry {
  const id = describeObject(route);
  const error = failures.find((f) => f.object === id)?.error ?? 'unknown error';
  const accepted: Condition = {
    type: 'Accepted',
    status: 'False',
    reason: 'UnsupportedValue',
    message: `Attaché failed to translate this route and left it out (please report this bug): ${error}`,
    observedGeneration: route.metadata.generation,
    lastTransitionTime: options.now,
  };
  return {
    kind: route.kind,
    namespace: route.metadata.namespace,
    name: route.metadata.name,
    generation: route.metadata.generation,
    status: {
      parents: (route.spec.parentRefs ?? []).map((parentRef) => ({ parentRef, controllerName: options.controllerName, conditions: [accepted] })),
    },
  };
}

/** `applyTrafficPolicies`, leaving out the policies that make it throw on their own. */
function applyPoliciesIsolated(
  resources: Resources,
  translated: TranslateResult & { failures: TranslationFailure[] },
  options: TranslateOptions,
): TranslateResult & { failures: TranslationFailure[] } {
  try {
    return { ...applyTrafficPolicies(resources, translated, options), failures: translated.failures };
  } catch {
    // Slow path, taken only after a bug: one application per policy to find the culprits.
  }
  const failures = [...translated.failures];
  const policies = resources.backendTrafficPolicies.filter((policy) => {
    const error = throws(() => applyTrafficPolicies({ ...resources, backendTrafficPolicies: [policy] }, translated, options));
    if (error !== undefined) failures.push({ object: describeObject(policy), error });
    return error === undefined;
  });
  const failed = resources.backendTrafficPolicies.filter((p) => !policies.includes(p));
  const result = applyTrafficPolicies({ ...resources, backendTrafficPolicies: policies }, translated, options);
  return { ...result, status: [...result.status, ...failed.map((p) => failedPolicyStatus(p, failures, options))], failures };
}

/** What a policy that could not be applied reports, on each of its targets as written. */
function failedPolicyStatus(policy: BackendTrafficPolicy, failures: readonly TranslationFailure[], options: TranslateOptions): PolicyStatusEntry {
  const id = describeObject(policy);
  const error = failures.find((f) => f.object === id)?.error ?? 'unknown error';
  const generation = policy.metadata.generation;
  return {
    kind: 'BackendTrafficPolicy',
    namespace: policy.metadata.namespace,
    name: policy.metadata.name,
    generation,
    status: {
      // The policy broke the stage, so its shape is not to be trusted either.
      ancestors: (Array.isArray(policy.spec?.targetRefs) ? policy.spec.targetRefs : []).slice(0, 16).map((t) => ({
        ancestorRef: {
          group: t.group,
          kind: t.kind,
          namespace: policy.metadata.namespace,
          name: t.name,
          ...(t.sectionName !== undefined ? { sectionName: t.sectionName } : {}),
        },
        controllerName: options.controllerName,
        conditions: [
          {
            type: 'Accepted',
            status: 'False',
            reason: 'Invalid',
            message: `Attaché failed to apply this policy and left it out (please report this bug): ${error}`,
            observedGeneration: generation,
            lastTransitionTime: options.now,
          },
        ],
      })),
    },
  };
}
