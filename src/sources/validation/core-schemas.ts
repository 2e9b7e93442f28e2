/**
 * JSON-schema validators for the core Kubernetes kinds Attaché reads from files (Service, Secret,
 * Namespace, EndpointSlice), compiled from the OpenAPI v3 schemas the apiserver publishes
 * (crds/kubernetes/, extracted from the k8s.io/kubernetes Go module's api/openapi-spec by
 * scripts/update-kubernetes-schemas.sh, committed so a clone runs on its own). As with the
 * Gateway API CRDs, the schema checks types and required fields; what the apiserver checks in Go
 * (an address is an IP, a port is in range) is in the per-kind rules (endpointslice-rules.ts,
 * service-rules.ts). Defaults are not applied: the core schemas' defaults are zero values.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { type ValidateFunction } from 'ajv';
import { PROJECT_ROOT } from '../../project-root';

export const DEFAULT_CORE_SCHEMA_DIR = path.join(PROJECT_ROOT, 'crds/kubernetes');

interface OpenApiDocument {
  components: { schemas: Record<string, { 'x-kubernetes-group-version-kind'?: Array<{ group: string; version: string; kind: string }> }> };
}

export interface CoreSchemas {
  /** `apiVersion` + kind → validator, e.g. `discovery.k8s.io/v1 EndpointSlice`; undefined when not served. */
  validator(apiVersion: string, kind: string): ValidateFunction | undefined;
}

/** Reads the documents now (about 20 kB), compiles each kind on its first object. */
export function loadCoreSchemas(dir: string = DEFAULT_CORE_SCHEMA_DIR): CoreSchemas {
  // strict: false for the x-kubernetes-* keywords and int32/int-or-string/byte formats.
  const ajv = new Ajv({ strict: false, allErrors: true, useDefaults: false, validateFormats: false });
  /** `apiVersion kind` → `$ref` of its schema. */
  const refs = new Map<string, string>();
  const validators = new Map<string, ValidateFunction>();
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const doc = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as OpenApiDocument;
    ajv.addSchema(doc, file);
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) {
        const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
        refs.set(`${apiVersion} ${gvk.kind}`, `${file}#/components/schemas/${name}`);
      }
    }
  }
  return {
    validator: (apiVersion, kind) => {
      const key = `${apiVersion} ${kind}`;
      let validate = validators.get(key);
      const ref = refs.get(key);
      if (!validate && ref) {
        validate = ajv.compile({ $ref: ref });
        validators.set(key, validate);
      }
      return validate;
    },
  };
}
