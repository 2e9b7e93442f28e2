/**
 * Parses one file of multi-document Kubernetes YAML into validated objects. A bad document
 * does not spoil the others: each error names the file, the document (1-based), the object
 * when it can be read, and the field.
 */
import { parseAllDocuments } from 'yaml';
import { KubernetesObject } from '../../apis/meta';
import { CrdSchemas } from '../validation/crd-schemas';
import { validateObject } from '../validation/validate';

export interface SourceError {
  file: string;
  document: number;
  /** `Kind namespace/name`, when the document got that far. */
  object?: string;
  field?: string;
  message: string;
}

export interface ParsedFile {
  objects: KubernetesObject[];
  errors: SourceError[];
}

/** Kinds without a namespace; every other kind gets `default` when metadata.namespace is omitted, as kubectl does. */
const CLUSTER_SCOPED = new Set(['GatewayClass', 'Namespace']);

export function parseManifests(file: string, text: string, schemas: CrdSchemas): ParsedFile {
  const objects: KubernetesObject[] = [];
  const errors: SourceError[] = [];
  parseAllDocuments(text).forEach((doc, i) => {
    const document = i + 1;
    if (doc.errors.length > 0) {
      for (const e of doc.errors) errors.push({ file, document, message: `YAML: ${e.message.split('\n')[0]}` });
      return;
    }
    const raw: unknown = doc.toJS();
    if (raw === null || raw === undefined) return; // an empty document (`---` at the end)
    const defaulted = withDefaultNamespace(raw);
    const object = describe(defaulted);
    const result = validateObject(defaulted, schemas);
    if (result.ok) {
      objects.push(result.object);
    } else {
      for (const e of result.errors) errors.push({ file, document, object, field: e.field, message: e.message });
    }
  });
  return { objects, errors };
}

function withDefaultNamespace(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null) return raw;
  const o = raw as { kind?: unknown; metadata?: { namespace?: unknown } };
  if (typeof o.kind !== 'string' || CLUSTER_SCOPED.has(o.kind) || typeof o.metadata !== 'object' || o.metadata === null) return raw;
  if (o.metadata.namespace !== undefined) return raw;
  return { ...o, metadata: { ...o.metadata, namespace: 'default' } };
}

function describe(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const o = raw as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  if (typeof o.kind !== 'string') return undefined;
  const name = typeof o.metadata?.name === 'string' ? o.metadata.name : '?';
  const ns = typeof o.metadata?.namespace === 'string' ? `${o.metadata.namespace}/` : '';
  return `${o.kind} ${ns}${name}`;
}

/** `file.yaml: document 2: GRPCRoute default/foo: spec.rules[0].matches[0].method: Required value` */
export function formatSourceError(e: SourceError): string {
  return [e.file, `document ${e.document}`, e.object, e.field, e.message].filter((p) => p !== undefined).join(': ');
}
