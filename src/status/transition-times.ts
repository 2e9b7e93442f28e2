/**
 * Keeps `lastTransitionTime` meaningful across rebuilds: translation stamps every condition
 * with the time of the rebuild, but a condition whose status did not change keeps the time of
 * its last transition (metav1.Condition: "the last time the condition transitioned from one
 * status to another").
 */
import { type Condition } from '../apis/meta';
import { type StatusEntry } from '../gatewayapi/status';

type ConditionScope = string;

function collect(entry: StatusEntry, visit: (scope: ConditionScope, conditions: Condition[]) => void): void {
  const id = `${entry.kind}/${entry.namespace ?? ''}/${entry.name}`;
  if (entry.kind === 'Gateway') {
    visit(id, entry.status.conditions);
    for (const l of entry.status.listeners) visit(`${id}/listener/${l.name}`, l.conditions);
  } else if (entry.kind === 'GatewayClass') {
    visit(id, entry.status.conditions);
  } else if (entry.kind === 'BackendTrafficPolicy') {
    for (const a of entry.status.ancestors) visit(`${id}/ancestor/${JSON.stringify(a.ancestorRef)}`, a.conditions);
  } else {
    for (const p of entry.status.parents) visit(`${id}/parent/${JSON.stringify(p.parentRef)}`, p.conditions);
  }
}

/**
 * The conditions of each list this module returned, by scope and type: the reconciler passes
 * that list back as `previous` on the next rebuild, so it is not walked again (at 1,000 routes
 * the walk was half of this function's ~4 ms per rebuild; bench/). Lists are not changed
 * after they are returned.
 */
const indexed = new WeakMap<readonly StatusEntry[], Map<string, Condition>>();

function index(entries: readonly StatusEntry[]): Map<string, Condition> {
  const out = new Map<string, Condition>();
  for (const e of entries) collect(e, (scope, cs) => cs.forEach((c) => out.set(`${scope}#${c.type}`, c)));
  return out;
}

/** Returns `next` with transition times carried over from `previous` where the status is unchanged. */
export function carryTransitionTimes(previous: readonly StatusEntry[], next: StatusEntry[]): StatusEntry[] {
  const before = indexed.get(previous) ?? index(previous);
  const after = new Map<string, Condition>();
  for (const e of next) {
    collect(e, (scope, cs) => {
      cs.forEach((c, i) => {
        const key = `${scope}#${c.type}`;
        const old = before.get(key);
        if (old && old.status === c.status) cs[i] = { ...c, lastTransitionTime: old.lastTransitionTime };
        after.set(key, cs[i]);
      });
    });
  }
  indexed.set(next, after);
  return next;
}
