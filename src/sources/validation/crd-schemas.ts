/**
 * JSON-schema validators compiled from the Gateway API CRDs' `openAPIV3Schema`
 * (crds/gateway-api/standard, a copy of the v1.6.1 bundle so a clone runs on its own) and from
 * our own (crds/attache: BackendTrafficPolicy), the same way, so both are held to one standard.
 * Ajv applies the schema's `default`s while validating, as the apiserver does on create.
 * The CEL rules (`x-kubernetes-validations`) are compiled here too, once, and run by validate.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { CelRuleCompiler, type CelRuleTree, type UnsupportedCelRule } from './cel-rules';
import { type CrdSchemaNode } from './cel-value';
import { type CoreSchemas, DEFAULT_CORE_SCHEMA_DIR, loadCoreSchemas } from './core-schemas';
import { PROJECT_ROOT } from '../../project-root';

export const DEFAULT_CRD_DIR = path.join(PROJECT_ROOT, 'crds/gateway-api/standard');
/** Attaché's own kinds (attache.dev). */
export const ATTACHE_CRD_DIR = path.join(PROJECT_ROOT, 'crds/attache');
const DEFAULT_CRD_DIRS: readonly string[] = [DEFAULT_CRD_DIR, ATTACHE_CRD_DIR];

interface CrdVersion {
  name: string;
  served?: boolean;
  schema?: { openAPIV3Schema?: CrdSchemaNode };
}

interface Crd {
  kind: string;
  metadata: { annotations?: Record<string, string> };
  spec: { group: string; names: { kind: string }; versions: CrdVersion[] };
}

function isCrd(doc: unknown): doc is Crd {
  return typeof doc === 'object' && doc !== null && (doc as { kind?: unknown }).kind === 'CustomResourceDefinition';
}

export interface CrdSchemas {
  /** `group/version` + kind → validator, e.g. `gateway.networking.k8s.io/v1 GRPCRoute`. */
  validator(apiVersion: string, kind: string): ValidateFunction | undefined;
  /** The same kind's CEL rules; undefined when its schema has none. */
  celRules(apiVersion: string, kind: string): CelRuleTree | undefined;
  /** The compiler that runs those rules (it records the rules it cannot run). */
  cel: CelRuleCompiler;
  /** Rules this CEL environment cannot evaluate, hence not enforced; empty for the bundled CRDs. */
  unsupportedCelRules(): UnsupportedCelRule[];
  /** The bundle version the CRDs carry (`gateway.networking.k8s.io/bundle-version`). */
  bundleVersion: string | undefined;
  /** The core kinds' schemas (Service, Secret, Namespace, EndpointSlice), from crds/kubernetes. */
  core: CoreSchemas;
}

/** `names.kind` of a CRD as kubebuilder writes it (4 spaces in), found without parsing the file. */
const NAMES_KIND = /^ {4}kind: (\w+)$/gm;
const BUNDLE_VERSION = /gateway\.networking\.k8s\.io\/bundle-version:\s*["']?([^\s"']+)/;

/**
 * Schemas are compiled per CRD file on the first object of one of its kinds, not all at start:
 * parsing the whole bundle (1.2 MB of YAML, HTTPRoute's alone 430 kB) cost ~40 MB of resident
 * memory that the process never gave back (bench/: RSS), for kinds most configurations never
 * use. A file whose kinds cannot be read without parsing is compiled at once.
 */
export function loadCrdSchemas(dirs: string | readonly string[] = DEFAULT_CRD_DIRS, coreDir: string = DEFAULT_CORE_SCHEMA_DIR): CrdSchemas {
  // strict: false because Kubernetes schemas carry x-kubernetes-* keywords and int32/int64 formats.
  const ajv = new Ajv({ strict: false, allErrors: true, useDefaults: true, validateFormats: false });
  const validators = new Map<string, ValidateFunction>();
  const cel = new CelRuleCompiler();
  const celRules = new Map<string, CelRuleTree>();
  /** Kind → the file defining it, until compiled. */
  const pending = new Map<string, string>();
  let bundleVersion: string | undefined;
  const compileFile = (file: string): void => {
    for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      const crd: unknown = doc.toJS();
      if (!isCrd(crd)) continue;
      for (const version of crd.spec.versions) {
        const schema = version.schema?.openAPIV3Schema;
        if (!schema || version.served === false) continue;
        const key = `${crd.spec.group}/${version.name} ${crd.spec.names.kind}`;
        validators.set(key, ajv.compile(schema));
        const rules = cel.compileSchema(schema, key);
        if (rules) celRules.set(key, rules);
      }
    }
  };
  const ensure = (kind: string): void => {
    const file = pending.get(kind);
    if (file === undefined) return;
    for (const [k, f] of pending) if (f === file) pending.delete(k);
    compileFile(file);
  };
  const files = (typeof dirs === 'string' ? [dirs] : dirs).flatMap((dir) =>
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((name) => path.join(dir, name)),
  );
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    bundleVersion ??= BUNDLE_VERSION.exec(text)?.[1];
    const kinds = [...text.matchAll(NAMES_KIND)].map((m) => m[1]);
    if (kinds.length === 0) compileFile(file);
    for (const kind of kinds) pending.set(kind, file);
  }
  return {
    validator: (apiVersion, kind) => {
      ensure(kind);
      return validators.get(`${apiVersion} ${kind}`);
    },
    celRules: (apiVersion, kind) => {
      ensure(kind);
      return celRules.get(`${apiVersion} ${kind}`);
    },
    cel,
    unsupportedCelRules: () => {
      for (const kind of [...pending.keys()]) ensure(kind);
      return cel.unsupportedRules();
    },
    bundleVersion,
    core: loadCoreSchemas(coreDir),
  };
}

/** Ajv's error as a field path in the dotted form kubectl prints (`spec.rules[0].matches[1].method`). */
export function fieldOf(error: ErrorObject): string {
  const parts = error.instancePath.split('/').slice(1);
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : `${out ? '.' : ''}${p}`;
  const missing = (error.params as { missingProperty?: string }).missingProperty;
  if (missing) out += `${out ? '.' : ''}${missing}`;
  return out || '(root)';
}

export function messageOf(error: ErrorObject): string {
  const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues;
  if (error.keyword === 'required') return 'Required value';
  if (allowed) return `Unsupported value: must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
  return error.message ?? error.keyword;
}
