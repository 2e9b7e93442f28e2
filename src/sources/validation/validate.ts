/**
 * Validates one Kubernetes object the way the apiserver would before it reaches the store:
 * Gateway API kinds against their CRD schema (with defaults applied) and its CEL rules, core
 * kinds against the apiserver's OpenAPI schema and the checks it makes past it (an address is
 * an IP of the slice's type, a port is in range). Every error names the field.
 */
import { type KubernetesObject } from '../../apis/meta';
import { ATTACHE_GROUP } from '../../apis/policy';
import { isSupportedKind } from '../../store/resources';
import { type CrdSchemas, fieldOf, messageOf } from './crd-schemas';
import { endpointSliceErrors } from './endpointslice-rules';
import type { FieldError } from './field-error';
import { serviceErrors } from './service-rules';
import { type CrdSchemaNode } from './cel-value';
import { unknownFields } from './unknown-fields';

export type ValidationResult = { ok: true; object: KubernetesObject } | { ok: false; errors: FieldError[] };

/** The core kinds Attaché reads, the apiVersion that serves each, and the checks past its schema. */
const CORE_KINDS: Record<string, { apiVersion: string; rules?: (obj: never) => FieldError[] }> = {
  Service: { apiVersion: 'v1', rules: serviceErrors },
  EndpointSlice: { apiVersion: 'discovery.k8s.io/v1', rules: endpointSliceErrors },
  Secret: { apiVersion: 'v1' },
  Namespace: { apiVersion: 'v1' },
};

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Returns a deep copy with defaults applied, or the errors. Objects of other kinds are rejected. */
export function validateObject(raw: unknown, schemas: CrdSchemas): ValidationResult {
  const envelope = checkEnvelope(raw);
  if (envelope.length > 0) return { ok: false, errors: envelope };
  const obj = structuredClone(raw) as KubernetesObject;
  if (!isSupportedKind(obj.kind)) {
    return { ok: false, errors: [{ field: 'kind', message: `Unsupported kind "${obj.kind}"` }] };
  }
  const core = CORE_KINDS[obj.kind];
  if (core) return validateCore(obj, core, schemas);
  return validateAgainstCrd(obj, schemas);
}

/**
 * A Gateway API object against its CRD: the schema first (applying defaults, in place), then,
 * if the schema holds, the CEL rules, which see the defaulted object as the apiserver's do.
 * Any kind the CRDs serve is accepted here, whether or not the store keeps it.
 */
export function validateAgainstCrd(obj: KubernetesObject, schemas: CrdSchemas): ValidationResult {
  const validate = schemas.validator(obj.apiVersion, obj.kind);
  if (!validate) {
    return { ok: false, errors: [{ field: 'apiVersion', message: `${obj.apiVersion} does not serve kind ${obj.kind}` }] };
  }
  if (!validate(obj)) {
    const errors = (validate.errors ?? []).map((e) => ({ field: fieldOf(e), message: messageOf(e) }));
    return { ok: false, errors: dedupe(errors) };
  }
  // Our own kinds only: see unknown-fields.ts.
  const unknown = obj.apiVersion.startsWith(`${ATTACHE_GROUP}/`) ? unknownFields(validate.schema as CrdSchemaNode, obj) : [];
  if (unknown.length) return { ok: false, errors: unknown };
  const rules = schemas.celRules(obj.apiVersion, obj.kind);
  const errors = rules ? schemas.cel.evaluate(rules, obj) : [];
  return errors.length ? { ok: false, errors: dedupe(errors) } : { ok: true, object: obj };
}

function checkEnvelope(raw: unknown): FieldError[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return [{ field: '(root)', message: 'expected a Kubernetes object (a YAML mapping)' }];
  }
  const o = raw as Record<string, unknown>;
  const errors: FieldError[] = [];
  if (typeof o.apiVersion !== 'string') errors.push({ field: 'apiVersion', message: 'Required value' });
  if (typeof o.kind !== 'string') errors.push({ field: 'kind', message: 'Required value' });
  const meta = o.metadata as Record<string, unknown> | undefined;
  if (typeof meta !== 'object' || meta === null) return [...errors, { field: 'metadata', message: 'Required value' }];
  if (typeof meta.name !== 'string' || !DNS_SUBDOMAIN.test(meta.name)) {
    errors.push({ field: 'metadata.name', message: 'Required value: a lowercase RFC 1123 subdomain' });
  }
  if (meta.namespace !== undefined && (typeof meta.namespace !== 'string' || !DNS_LABEL.test(meta.namespace))) {
    errors.push({ field: 'metadata.namespace', message: 'must be a lowercase RFC 1123 label' });
  }
  return errors;
}

/** A core kind against the apiserver's OpenAPI schema, then the checks the apiserver makes in Go. */
function validateCore(obj: KubernetesObject, rule: (typeof CORE_KINDS)[string], schemas: CrdSchemas): ValidationResult {
  const validate = schemas.core.validator(obj.apiVersion, obj.kind);
  if (!validate) {
    return { ok: false, errors: [{ field: 'apiVersion', message: `${obj.apiVersion} does not serve kind ${obj.kind} (want ${rule.apiVersion})` }] };
  }
  if (!validate(obj)) {
    return { ok: false, errors: dedupe((validate.errors ?? []).map((e) => ({ field: fieldOf(e), message: messageOf(e) }))) };
  }
  const errors = rule.rules ? rule.rules(obj as never) : [];
  return errors.length ? { ok: false, errors } : { ok: true, object: obj };
}

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => !seen.has(`${e.field}|${e.message}`) && seen.add(`${e.field}|${e.message}`) !== undefined);
}
