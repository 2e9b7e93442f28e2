/**
 * Parses one file of multi-document Kubernetes YAML into validated objects. A bad document
 * does not spoil the others: each error names the file, the document (1-based), the object
 * when it can be read, and the field. Objects of kinds Attaché does not consume (a Deployment
 * beside the routes) are skipped, not errors, so a manifests folder can be served as it is.
 */
import { type KubernetesObject } from '../../apis/meta';
import { isClusterScoped, isSupportedKind } from '../../store/resources';
import { type CrdSchemas } from '../validation/crd-schemas';
import { validateObject } from '../validation/validate';
import { movedApiVersion, movedApiVersionMessage } from './api-versions';
import { foreignPolicyErrors } from './foreign-policies';
import { FILE_LIMITS, type FileLimits } from './limits';
import { runInSlices, runToEnd, type Steps } from './cooperative';
import { yamlDocumentSteps } from './yaml-documents';

export interface SourceError {
  file: string;
  /** 1-based; 0 for an error about the file as a whole (too large, not a regular file). */
  document: number;
  /** `Kind namespace/name`, when the document got that far. */
  object?: string;
  field?: string;
  message: string;
}

/** An object left out because Attaché does not consume its kind. */
export interface SkippedObject {
  file: string;
  document: number;
  kind: string;
}

export interface ParsedFile {
  objects: KubernetesObject[];
  /** The document (1-based) each of `objects` came from. */
  documents: number[];
  errors: SourceError[];
  skipped: SkippedObject[];
}

export function parseManifests(file: string, text: string, schemas: CrdSchemas, limits: FileLimits = FILE_LIMITS): ParsedFile {
  return runToEnd(parseSteps(file, text, schemas, limits));
}

/** parseManifests in slices, letting the event loop run between them (`attache serve`). */
export function parseManifestsInSlices(file: string, text: string, schemas: CrdSchemas, limits: FileLimits = FILE_LIMITS): Promise<ParsedFile> {
  return runInSlices(parseSteps(file, text, schemas, limits));
}

function* parseSteps(file: string, text: string, schemas: CrdSchemas, limits: FileLimits): Steps<ParsedFile> {
  const objects: KubernetesObject[] = [];
  const documents: number[] = [];
  const errors: SourceError[] = [];
  const skipped: SkippedObject[] = [];
  const yaml = yield* yamlDocumentSteps(text, limits);
  if (yaml.error) errors.push({ file, document: 0, message: yaml.error });
  for (const [i, doc] of yaml.documents.entries()) {
    yield;
    const document = i + 1;
    if (doc.error !== undefined) {
      errors.push({ file, document, message: doc.error });
      continue;
    }
    const raw = doc.value;
    if (raw === null || raw === undefined) continue; // an empty document (`---` at the end)
    const kind = notConsumedKind(raw);
    if (kind !== undefined) {
      skipped.push({ file, document, kind });
      continue;
    }
    const defaulted = withDefaultNamespace(raw);
    const object = describe(defaulted);
    const moved = movedTo(defaulted);
    if (moved) {
      errors.push({ file, document, object, field: 'apiVersion', message: moved });
      continue;
    }
    const foreign = foreignPolicyErrors(defaulted);
    if (foreign) {
      for (const e of foreign) errors.push({ file, document, object, field: e.field, message: e.message });
      continue;
    }
    const result = validateObject(defaulted, schemas);
    if (result.ok) {
      objects.push(result.object);
      documents.push(document);
    } else {
      for (const e of result.errors) errors.push({ file, document, object, field: e.field, message: e.message });
    }
  }
  return { objects, documents, errors, skipped };
}

/** The kind of an object Attaché does not consume (skipped), or undefined (validated as usual). */
function notConsumedKind(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const kind = (raw as { kind?: unknown }).kind;
  return typeof kind === 'string' && kind !== '' && !isSupportedKind(kind) ? kind : undefined;
}

function movedTo(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { apiVersion, kind } = raw as { apiVersion?: unknown; kind?: unknown };
  const to = movedApiVersion(apiVersion, kind);
  return to && movedApiVersionMessage(String(apiVersion), String(kind), to);
}

/**
 * Every namespaced kind gets `default` when metadata.namespace is omitted, as kubectl does; done
 * here, before the store would, because the file source tells duplicates apart by namespace.
 */
function withDefaultNamespace(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null) return raw;
  const o = raw as { kind?: unknown; metadata?: { namespace?: unknown } };
  if (typeof o.kind !== 'string' || isClusterScoped(o.kind) || typeof o.metadata !== 'object' || o.metadata === null) return raw;
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
  return [e.file, e.document > 0 ? `document ${e.document}` : undefined, e.object, e.field, e.message].filter((p) => p !== undefined).join(': ');
}

/** One line for the objects a load left out: `skipped 3 objects of kinds Attaché does not consume: ConfigMap (1), Deployment (2)`. */
export function formatSkipped(skipped: readonly SkippedObject[]): string | undefined {
  if (skipped.length === 0) return undefined;
  const counts = new Map<string, number>();
  for (const s of skipped) counts.set(s.kind, (counts.get(s.kind) ?? 0) + 1);
  const kinds = [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `${k} (${n})`);
  const noun = skipped.length === 1 ? 'object of a kind' : 'objects of kinds';
  return `skipped ${skipped.length} ${noun} Attaché does not consume: ${kinds.join(', ')}`;
}
