/**
 * Two policies at the same attachment point (same target, same section): the older one wins
 * (GEP-713 conflict resolution, as for routes: creationTimestamp, then `namespace/name`
 * alphabetically), the other is `Conflicted` there and does not apply there. It may still apply
 * at its other targets. Policies at different levels do not conflict: they merge (merge.ts).
 */
import { namespacedName } from '../apis/meta';
import { type BackendTrafficPolicy } from '../apis/policy';

/** Milliseconds since the epoch; a policy without (or with an unreadable) timestamp counts as the newest. */
function createdAt(p: BackendTrafficPolicy): number {
  const t = p.metadata.creationTimestamp ? Date.parse(p.metadata.creationTimestamp) : Number.NaN;
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
}

/** Negative when `a` is older than `b` (and so wins over it). */
export function compareAge(a: BackendTrafficPolicy, b: BackendTrafficPolicy): number {
  const ta = createdAt(a);
  const tb = createdAt(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ka = namespacedName(a.metadata.namespace, a.metadata.name);
  const kb = namespacedName(b.metadata.namespace, b.metadata.name);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** The policy that applies at each attachment point key: the oldest of those that may apply there. */
export function winners(candidates: Iterable<{ key: string; policy: BackendTrafficPolicy }>): Map<string, BackendTrafficPolicy> {
  const out = new Map<string, BackendTrafficPolicy>();
  for (const { key, policy } of candidates) {
    const current = out.get(key);
    if (!current || compareAge(policy, current) < 0) out.set(key, policy);
  }
  return out;
}
