/**
 * Fields a structural CRD schema does not declare. The API server prunes them without a word and
 * kubectl's strict field validation (its default) refuses them; file mode refuses them too for
 * our own kinds (attache.dev), where a misspelt `retry.atempts` would otherwise be a setting
 * that silently does not exist. The Gateway API kinds keep today's behaviour (ignored).
 */
import { type CrdSchemaNode } from './cel-value';
import type { FieldError } from './field-error';

/** The envelope: not the schema's to declare (metadata is the API server's). */
const ROOT_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

/** Bounded by the object's own depth, which the YAML reader limits (sources/file/limits.ts). */
export function unknownFields(schema: CrdSchemaNode, value: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const visit = (node: CrdSchemaNode | undefined, v: unknown, at: string): void => {
    if (!node || node['x-kubernetes-preserve-unknown-fields']) return;
    if (Array.isArray(v)) {
      v.forEach((item, i) => visit(node.items, item, `${at}[${i}]`));
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    for (const [key, child] of Object.entries(v)) {
      const path = at ? `${at}.${key}` : key;
      if (at === '' && ROOT_FIELDS.has(key)) continue;
      const declared = node.properties?.[key];
      if (declared) visit(declared, child, path);
      else if (typeof node.additionalProperties === 'object') visit(node.additionalProperties, child, path);
      else if (node.properties && node.additionalProperties !== true)
        errors.push({ field: path, message: 'unknown field (the API server would drop it; kubectl refuses it)' });
    }
  };
  visit(schema, value, '');
  return errors;
}
