/**
 * GEP-713 PolicyStatus of each BackendTrafficPolicy: `status.ancestors[]`, one per ancestor of
 * its targets (targets.ts says which), each with one `Accepted` condition:
 *  - True, Accepted: it applies to every target under that ancestor (the message names them,
 *    and says when nothing of ours is affected yet);
 *  - False, TargetNotFound / Conflicted / Invalid: at least one target under that ancestor does
 *    not take it; the reason is the first such target's (in targetRefs order), the message names
 *    each one and why, then the targets under that ancestor it does apply to.
 * Targets of one policy under the same ancestor (two routes on one Gateway) share its entry: the
 * GEP keys status by ancestor, not by target. At most 16 ancestors (the CRD's bound), in the
 * order of first appearance.
 */
import { type Condition, namespacedName } from '../apis/meta';
import { type BackendTrafficPolicy, type PolicyAncestorStatus } from '../apis/policy';
import { type PolicyStatusEntry } from '../gatewayapi/status';
import { type PolicyOptions } from './context';
import { type AncestorRef, type ResolvedTarget } from './targets';

const MAX_ANCESTORS = 16;
/** Sentences in a PartiallyProgrammed message (one per Service port): keeps it far below the CRD's 32768 characters. */
const MAX_UNPROGRAMMED_SENTENCES = 16;

function partialMessage(sentences: readonly string[]): string {
  const more = sentences.length - MAX_UNPROGRAMMED_SENTENCES;
  return [...sentences.slice(0, MAX_UNPROGRAMMED_SENTENCES), ...(more > 0 ? [`and ${more} more Service ports`] : [])].join('; ');
}

/** How one target took the policy. */
export type TargetOutcome =
  | { target: ResolvedTarget; accepted: true }
  | { target: ResolvedTarget; accepted: false; reason: 'TargetNotFound' | 'Invalid' | 'Conflicted'; message: string };

/** The outcome at a target whose attachment point another, older policy holds. */
export function conflicted(target: ResolvedTarget, winner: BackendTrafficPolicy): TargetOutcome {
  const other = namespacedName(winner.metadata.namespace, winner.metadata.name);
  return {
    target,
    accepted: false,
    reason: 'Conflicted',
    message: `${target.description}: BackendTrafficPolicy ${other} targets it too and is older, so it applies there instead`,
  };
}

function ancestorKey(a: AncestorRef): string {
  return JSON.stringify([a.group, a.kind, a.namespace, a.name, a.sectionName ?? '']);
}

function accepted(outcomes: readonly TargetOutcome[]): { status: 'True' | 'False'; reason: string; message: string } {
  const problems = outcomes.flatMap((o) => (o.accepted ? [] : [o]));
  const fine = outcomes.filter((o) => o.accepted);
  const applies = fine.length > 0 ? [`applies to ${fine.map((o) => o.target.description).join(', ')}`] : [];
  if (problems.length > 0) return { status: 'False', reason: problems[0].reason, message: [...problems.map((p) => p.message), ...applies].join('; ') };
  const notes = outcomes.flatMap((o) => (o.target.note !== undefined ? [o.target.note] : []));
  return { status: 'True', reason: 'Accepted', message: `Accepted: ${[...applies, ...notes].join('; ')}` };
}

/**
 * `unprogrammed`: Gateway key → what of the policy could not be programmed under that Gateway
 * (http2-only.ts). Said with a second condition, GEP-713's `Programmed`, True with reason
 * `PartiallyProgrammed`: the policy is valid (Accepted stays as it is) and takes effect, but not
 * all of it, and `Accepted` has no reason for "in part". Absent when everything is programmed.
 */
export function policyStatus(
  policy: BackendTrafficPolicy,
  outcomes: readonly TargetOutcome[],
  options: PolicyOptions,
  unprogrammed: ReadonlyMap<string, readonly string[]> = new Map(),
): PolicyStatusEntry {
  const byAncestor = new Map<string, { ref: AncestorRef; outcomes: TargetOutcome[] }>();
  for (const o of outcomes) {
    for (const ref of o.target.ancestors) {
      const key = ancestorKey(ref);
      const entry = byAncestor.get(key) ?? { ref, outcomes: [] };
      entry.outcomes.push(o);
      byAncestor.set(key, entry);
    }
  }
  const generation = policy.metadata.generation;
  const ancestors: PolicyAncestorStatus[] = [...byAncestor.values()].slice(0, MAX_ANCESTORS).map(({ ref, outcomes: under }) => {
    const condition: Condition = {
      type: 'Accepted',
      ...accepted(under),
      ...(generation !== undefined ? { observedGeneration: generation } : {}),
      lastTransitionTime: options.now,
    };
    const conditions = [condition];
    const notProgrammed = ref.kind === 'Gateway' ? unprogrammed.get(namespacedName(ref.namespace, ref.name)) : undefined;
    if (notProgrammed) {
      conditions.push({
        type: 'Programmed',
        status: 'True',
        reason: 'PartiallyProgrammed',
        message: partialMessage(notProgrammed),
        ...(generation !== undefined ? { observedGeneration: generation } : {}),
        lastTransitionTime: options.now,
      });
    }
    return { ancestorRef: { ...ref }, controllerName: options.controllerName, conditions: conditions as PolicyAncestorStatus['conditions'] };
  });
  return {
    kind: 'BackendTrafficPolicy',
    namespace: policy.metadata.namespace,
    name: policy.metadata.name,
    ...(generation !== undefined ? { generation } : {}),
    status: { ancestors },
  };
}
