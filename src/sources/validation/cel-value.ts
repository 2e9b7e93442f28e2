/**
 * Turns a (defaulted) Kubernetes object into the value a CEL rule sees as `self`, the way the
 * apiserver does: the schema decides the types (an `integer` is a CEL int, a `number` a double),
 * declared properties are reachable under their escaped names (`namespace` → `__namespace__`),
 * and fields the schema does not declare are pruned, as the apiserver prunes them before CEL runs.
 */
import type { CelInput } from '@bufbuild/cel';

/** The parts of a CRD's OpenAPI v3 schema that CEL validation reads. */
export interface CrdSchemaNode {
  type?: string;
  properties?: Record<string, CrdSchemaNode>;
  items?: CrdSchemaNode;
  additionalProperties?: CrdSchemaNode | boolean;
  nullable?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-validations'?: CelRuleSpec[];
}

export interface CelRuleSpec {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

// The CEL lexer's reserved words; Kubernetes escapes a property with one of these names.
const CEL_RESERVED = new Set([
  'true',
  'false',
  'null',
  'in',
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
]);

/**
 * The CEL field name of an object property (Kubernetes' `apiserver/pkg/cel.Escape`), or
 * undefined when the property cannot be named in CEL (it is then invisible to rules).
 */
export function escapeCelProperty(name: string): string | undefined {
  if (name === '' || /^[0-9]/.test(name)) return undefined;
  if (CEL_RESERVED.has(name)) return `__${name}__`;
  if (!/^[a-zA-Z_.\-/][a-zA-Z0-9_.\-/]*$/.test(name)) return undefined;
  return name.replace(/__|[./-]/g, (m) => ESCAPES[m]);
}

const ESCAPES: Record<string, string> = { __: '__underscores__', '.': '__dot__', '-': '__dash__', '/': '__slash__' };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `value` as a CEL input typed by `schema`; undefined for a null or absent value. */
export function toCelValue(value: unknown, schema: CrdSchemaNode | undefined): CelInput | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    const out: CelInput[] = [];
    for (const item of value) {
      const v = toCelValue(item, schema?.items);
      if (v !== undefined) out.push(v);
    }
    return out;
  }
  if (isRecord(value)) return objectToCel(value, schema);
  if (typeof value === 'number') return numberToCel(value, schema);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  return undefined;
}

function numberToCel(value: number, schema: CrdSchemaNode | undefined): CelInput {
  if (schema?.type === 'number') return value;
  // `integer`, int-or-string, and untyped (preserved) integral values are CEL ints.
  return Number.isInteger(value) ? BigInt(value) : value;
}

function objectToCel(value: Record<string, unknown>, schema: CrdSchemaNode | undefined): CelInput {
  const out = new Map<string, CelInput>();
  const props = schema?.properties;
  const additional = typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  // No declared shape (e.g. `metadata`, or a preserved subtree): keep what is there, untyped.
  const untyped = schema === undefined || schema['x-kubernetes-preserve-unknown-fields'] === true || (!props && !schema.additionalProperties);
  for (const [key, raw] of Object.entries(value)) {
    if (props && Object.prototype.hasOwnProperty.call(props, key)) {
      const name = escapeCelProperty(key);
      const v = toCelValue(raw, props[key]);
      if (name !== undefined && v !== undefined) out.set(name, v);
    } else if (additional || schema?.additionalProperties === true) {
      // A map: keys are data, not field names, so they stay as written.
      const v = toCelValue(raw, additional);
      if (v !== undefined) out.set(key, v);
    } else if (untyped) {
      const v = toCelValue(raw, undefined);
      if (v !== undefined) out.set(key, v);
    }
  }
  return out;
}
