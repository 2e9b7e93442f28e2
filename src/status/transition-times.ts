/**
 * Keeps `lastTransitionTime` meaningful across rebuilds: translation stamps every condition
 * with the time of the rebuild, but a condition whose status did not change keeps the time of
 * its last transition (metav1.Condition: "the last time the condition transitioned from one
 * status to another").
 */
import { Condition } from '../apis/meta';
import { StatusEntry } from '../gatewayapi/status';

type ConditionScope = string;

function collect(entry: StatusEntry, visit: (scope: ConditionScope, conditions: Condition[]) => void): void {
  const id = `${entry.kind}/${entry.namespace ?? ''}/${entry.name}`;
  if (entry.kind === 'Gateway') {
    visit(id, entry.status.conditions);
    for (const l of entry.status.listeners) visit(`${id}/listener/${l.name}`, l.conditions);
  } else if (entry.kind === 'GatewayClass') {
    visit(id, entry.status.conditions);
  } else {
    for (const p of entry.status.parents) visit(`${id}/parent/${JSON.stringify(p.parentRef)}`, p.conditions);
  }
}

/** Returns `next` with transition times carried over from `previous` where the status is unchanged. */
export function carryTransitionTimes(previous: readonly StatusEntry[], next: StatusEntry[]): StatusEntry[] {
  const before = new Map<string, Condition>();
  for (const e of previous) collect(e, (scope, cs) => cs.forEach((c) => before.set(`${scope}#${c.type}`, c)));
  for (const e of next) {
    collect(e, (scope, cs) => {
      cs.forEach((c, i) => {
        const old = before.get(`${scope}#${c.type}`);
        if (old && old.status === c.status) cs[i] = { ...c, lastTransitionTime: old.lastTransitionTime };
      });
    });
  }
  return next;
}
