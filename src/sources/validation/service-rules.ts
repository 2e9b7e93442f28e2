/**
 * What the apiserver checks on a Service's ports beyond its OpenAPI schema
 * (pkg/apis/core/validation): `port` and a numeric `targetPort` are in 1..65535, and port
 * names are unique. Attaché names clusters after the Service port, so these keep impossible
 * ports out of cluster names and status messages.
 */
import type { FieldError } from './field-error';

interface ServiceShape {
  spec?: { ports?: Array<{ name?: string; port: number; targetPort?: number | string }> };
}

export function serviceErrors(service: ServiceShape): FieldError[] {
  const errors: FieldError[] = [];
  const names = new Set<string>();
  (service.spec?.ports ?? []).forEach((p, i) => {
    if (p.port < 1 || p.port > 65535)
      errors.push({ field: `spec.ports[${i}].port`, message: `Invalid value: ${p.port}: must be between 1 and 65535, inclusive` });
    if (typeof p.targetPort === 'number' && (p.targetPort < 1 || p.targetPort > 65535)) {
      errors.push({ field: `spec.ports[${i}].targetPort`, message: `Invalid value: ${p.targetPort}: must be between 1 and 65535, inclusive` });
    }
    const name = p.name ?? '';
    if (names.has(name)) errors.push({ field: `spec.ports[${i}].name`, message: `Duplicate value: ${JSON.stringify(name)}` });
    names.add(name);
  });
  return errors;
}
