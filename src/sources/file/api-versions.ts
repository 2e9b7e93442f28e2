/**
 * Gateway API versions that current CRDs no longer serve but whose fields are those of `v1`:
 * the seeds' and many blogs' GRPCRoutes are still `v1alpha2`. Such an object is an error (the
 * API server would refuse it too) whose message names the version to use, and
 * `attache validate --fix` rewrites the apiVersion in the file (see api-version-fix.ts).
 */
const GATEWAY_V1 = 'gateway.networking.k8s.io/v1';

/** `kind` → unserved apiVersion → the served one with the same fields. */
const MOVED: Record<string, Record<string, string>> = {
  GRPCRoute: { 'gateway.networking.k8s.io/v1alpha2': GATEWAY_V1 },
  ReferenceGrant: { 'gateway.networking.k8s.io/v1alpha2': GATEWAY_V1 },
};

/** The apiVersion to use instead of `apiVersion` for `kind`, when it is one that moved. */
export function movedApiVersion(apiVersion: unknown, kind: unknown): string | undefined {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  return Object.prototype.hasOwnProperty.call(MOVED, kind) ? MOVED[kind][apiVersion] : undefined;
}

export function movedApiVersionMessage(apiVersion: string, kind: string, to: string): string {
  return `${apiVersion} does not serve kind ${kind}: use apiVersion ${to} (same fields); \`attache validate --fix\` rewrites it`;
}
