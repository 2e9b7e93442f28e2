/**
 * GatewayClass.spec.parametersRef and Gateway.spec.infrastructure.parametersRef: our
 * GatewayParameters (attache.dev/v1alpha1), resolved and merged.
 *
 * Merging (the Gateway API leaves it to implementations and recommends "GatewayClass provides
 * defaults that can be overridden by a Gateway"): field by field, the Gateway's value wins.
 * Objects merge key by key (a Gateway can change `service.type` and keep the class's Service
 * annotations); lists (tolerations) and scalars are replaced whole; `envoy.replicas` and
 * `envoy.autoscaling` are one choice, so a Gateway that sets either drops the class's other.
 *
 * A reference that is not to our kind, or to an object that does not exist, is a problem for the
 * referrer's status (Accepted=False, InvalidParameters). The data itself was validated on the
 * way in (CRD schema and CEL, by the API server or by `attache validate`).
 */
import { type Gateway, type GatewayClass } from '../apis/gateway-api';
import { type GatewayParameters, type GatewayParametersSpec, GATEWAY_PARAMETERS_KIND } from '../apis/parameters';
import { ATTACHE_GROUP } from '../apis/policy';

export type ParametersResolution = { ok: true; spec: GatewayParametersSpec } | { ok: false; problem: string };

const NONE: ParametersResolution = { ok: true, spec: {} };

function find(all: readonly GatewayParameters[], namespace: string, name: string): GatewayParameters | undefined {
  return all.find((p) => p.metadata.namespace === namespace && p.metadata.name === name);
}

function notOurs(field: string, ref: { group: string; kind: string; name: string }): ParametersResolution {
  return {
    ok: false,
    problem: `${field}: ${ref.group ? `${ref.group}/` : ''}${ref.kind} ${ref.name} is not a parameters kind Attaché supports (use ${ATTACHE_GROUP}/${GATEWAY_PARAMETERS_KIND})`,
  };
}

/** The GatewayClass's parameters: its parametersRef (which must name a namespace: the kind is namespaced), or none. */
export function gatewayClassParameters(gc: GatewayClass, all: readonly GatewayParameters[]): ParametersResolution {
  const ref = gc.spec.parametersRef;
  if (!ref) return NONE;
  const field = 'spec.parametersRef';
  if (ref.group !== ATTACHE_GROUP || ref.kind !== GATEWAY_PARAMETERS_KIND) return notOurs(field, ref);
  if (!ref.namespace) return { ok: false, problem: `${field}.namespace: required, ${GATEWAY_PARAMETERS_KIND} is a namespaced kind` };
  const found = find(all, ref.namespace, ref.name);
  if (!found) return { ok: false, problem: `${field}: ${GATEWAY_PARAMETERS_KIND} ${ref.namespace}/${ref.name} not found` };
  return { ok: true, spec: found.spec };
}

/** The Gateway's own parameters (spec.infrastructure.parametersRef, in its namespace), or none. */
function ownParameters(gateway: Gateway, all: readonly GatewayParameters[]): ParametersResolution {
  const ref = gateway.spec.infrastructure?.parametersRef;
  if (!ref) return NONE;
  const field = 'spec.infrastructure.parametersRef';
  if (ref.group !== ATTACHE_GROUP || ref.kind !== GATEWAY_PARAMETERS_KIND) return notOurs(field, ref);
  const namespace = gateway.metadata.namespace ?? 'default';
  const found = find(all, namespace, ref.name);
  if (!found) return { ok: false, problem: `${field}: ${GATEWAY_PARAMETERS_KIND} ${namespace}/${ref.name} not found` };
  return { ok: true, spec: found.spec };
}

/**
 * The problem with the Gateway's own parametersRef, if any: what its `Accepted=False,
 * InvalidParameters` says. (A bad class reference is the GatewayClass's problem, reported there.)
 */
export function gatewayParametersProblem(gateway: Gateway, all: readonly GatewayParameters[]): string | undefined {
  const own = ownParameters(gateway, all);
  return own.ok ? undefined : own.problem;
}

/** The parameters the Gateway's Envoys run with: its class's, overridden by its own (see above). */
export function effectiveParameters(gateway: Gateway, gc: GatewayClass, all: readonly GatewayParameters[]): ParametersResolution {
  const fromClass = gatewayClassParameters(gc, all);
  if (!fromClass.ok) return { ok: false, problem: `GatewayClass ${gc.metadata.name} ${fromClass.problem}` };
  const own = ownParameters(gateway, all);
  if (!own.ok) return own;
  return { ok: true, spec: mergeParameters(fromClass.spec, own.spec) };
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = isObject(v) && isObject(out[k]) ? deepMerge(out[k], v) : v;
  }
  return out;
}

/** The class's parameters with the Gateway's on top (see above). */
export function mergeParameters(fromClass: GatewayParametersSpec, own: GatewayParametersSpec): GatewayParametersSpec {
  const base = structuredClone(fromClass);
  if (base.envoy && (own.envoy?.replicas !== undefined || own.envoy?.autoscaling !== undefined)) {
    delete base.envoy.replicas;
    delete base.envoy.autoscaling;
  }
  return deepMerge(base as Json, own as Json) as GatewayParametersSpec;
}
