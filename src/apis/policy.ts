/**
 * Attaché's own policy kinds (attache.dev, GEP-713 policy attachment). `spec` and `status` are
 * generated from our CRDs in crds/attache (./generated/attache.ts, `make types`); this module adds
 * the envelope and names the parts the code reads.
 */
import type * as Generated from './generated/attache';
import type { KubernetesObject, NamespacedObjectMeta } from './meta';

export const ATTACHE_GROUP = 'attache.dev';
export const BACKEND_TRAFFIC_POLICY_API_VERSION = 'attache.dev/v1alpha1';

export interface BackendTrafficPolicy extends KubernetesObject {
  kind: 'BackendTrafficPolicy';
  metadata: NamespacedObjectMeta;
  spec: Generated.BackendTrafficPolicySpec;
  status?: Generated.BackendTrafficPolicyStatus;
}

/** The element type of an optional list field. */
type Item<L> = NonNullable<L> extends ReadonlyArray<infer T> ? T : never;

/** GEP-713 LocalPolicyTargetReferenceWithSectionName: a Gateway, route (rule) or Service (port). */
export type PolicyTargetReference = Item<Generated.BackendTrafficPolicySpec['targetRefs']>;
export type PolicyAncestorStatus = Item<NonNullable<Generated.BackendTrafficPolicyStatus>['ancestors']>;
