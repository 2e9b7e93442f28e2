/**
 * ReferenceGrant: may an object in one namespace refer to an object in another?
 * (ReferenceGrant spec: `from` names group, kind and namespace; `to` names group, kind, and
 * optionally the name.) Same-namespace references never need one.
 */
import { type ReferenceGrant } from '../apis/gateway-api';

export interface CrossNamespaceRef {
  from: { group: string; kind: string; namespace: string };
  to: { group: string; kind: string; namespace: string; name: string };
}

export function isReferencePermitted(ref: CrossNamespaceRef, grants: readonly ReferenceGrant[]): boolean {
  if (ref.from.namespace === ref.to.namespace) return true;
  return grants.some(
    (g) =>
      g.metadata.namespace === ref.to.namespace &&
      g.spec.from.some((f) => f.group === ref.from.group && f.kind === ref.from.kind && f.namespace === ref.from.namespace) &&
      g.spec.to.some((t) => t.group === ref.to.group && t.kind === ref.to.kind && (t.name === undefined || t.name === ref.to.name)),
  );
}
