/**
 * Shared by the CEL rule tests: the bundled CRDs loaded once per test file, objects built
 * from a valid base, and the list of every rule message a kind's CRD carries, so a test can
 * show it triggered each one.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { type KubernetesObject } from '../../apis/meta';
import { type CelRuleSpec, type CrdSchemaNode } from './cel-value';
import { ATTACHE_CRD_DIR, DEFAULT_CRD_DIR, loadCrdSchemas } from './crd-schemas';
import type { FieldError } from './field-error';
import { validateAgainstCrd } from './validate';

export const schemas = loadCrdSchemas();

export type Fields = Record<string, unknown>;

export function gatewayApiObject(kind: string, spec: Fields, extra: Fields = {}): KubernetesObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind,
    metadata: { name: 'example', namespace: 'default' },
    spec,
    ...extra,
  } as KubernetesObject;
}

/** The errors validation reports for `obj` (empty when it is valid). */
export function errorsOf(obj: KubernetesObject): FieldError[] {
  const result = validateAgainstCrd(structuredClone(obj), schemas);
  return result.ok ? [] : result.errors;
}

/** One object that breaks one rule: the error it must produce. */
export interface RuleCase {
  message: string;
  field: string;
  object: KubernetesObject;
}

/**
 * Runs each case as its own test. The error must be a CEL one (the schema held): an Ajv error
 * instead would mean the case never reached the rule.
 */
export function describeRuleCases(title: string, cases: RuleCase[]): void {
  describe(title, () => {
    it.each(cases.map((c) => [c.message, c] as const))('%s', (_message, c) => {
      expect(errorsOf(c.object)).toContainEqual({ field: c.field, message: c.message });
    });
  });
}

/** Every rule of the v1 schema (our kinds: their one version) of `kind`'s CRD, once per schema node it sits on. */
export function ruleSites(kind: string): CelRuleSpec[] {
  const rules: CelRuleSpec[] = [];
  const visit = (node: CrdSchemaNode | undefined): void => {
    if (!node) return;
    rules.push(...(node['x-kubernetes-validations'] ?? []));
    Object.values(node.properties ?? {}).forEach(visit);
    visit(node.items);
    if (typeof node.additionalProperties === 'object') visit(node.additionalProperties);
  };
  const files = [DEFAULT_CRD_DIR, ATTACHE_CRD_DIR].flatMap((dir) =>
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => path.join(dir, f)),
  );
  for (const file of files) {
    for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      const crd = doc.toJS() as { kind?: string; spec?: { names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: CrdSchemaNode } }[] } };
      if (crd?.kind !== 'CustomResourceDefinition' || crd.spec?.names.kind !== kind) continue;
      visit((crd.spec.versions.find((v) => v.name === 'v1') ?? crd.spec.versions[0])?.schema.openAPIV3Schema);
    }
  }
  return rules;
}

/** Every distinct rule message in the v1 schema of `kind`'s CRD. */
function ruleMessages(kind: string): Set<string> {
  return new Set(ruleSites(kind).flatMap((r) => (r.message ? [r.message] : [])));
}

/** Asserts the cases cover every rule message of `kind`, but those listed as unreachable. */
export function expectAllMessagesCovered(kind: string, cases: RuleCase[], unreachable: string[] = []): void {
  it(`covers every rule message of the ${kind} CRD`, () => {
    const covered = new Set([...cases.map((c) => c.message), ...unreachable]);
    expect([...ruleMessages(kind)].filter((m) => !covered.has(m))).toEqual([]);
  });
}
