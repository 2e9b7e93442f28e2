/**
 * `attache status` as a person reads it: one line per GatewayClass, Gateway, listener, route
 * parent and policy ancestor, a line with the policies in effect under each route they reach, the conditions that are as they should be by name only, and each problem spelled out
 * with its reason and message (the same problems `attache validate` reports), and so is a policy
 * programmed only in part (isPartial, a warning in `attache validate`). `-o yaml|json`
 * print the full status instead.
 */
import type { Condition } from '../apis/meta';
import type { StatusEntry } from '../gatewayapi/status';

/** Conditions whose status means trouble: positive-polarity types that are False, and the negative ones that are True. */
export function isProblem(c: Condition): boolean {
  if (c.type === 'Conflicted' || c.type === 'PartiallyInvalid' || c.type.includes('/')) return c.status === 'True';
  return c.status === 'False';
}

/**
 * Conditions that are fine but say something was left out: a policy `Programmed=True` with reason
 * `PartiallyProgrammed` (GEP-713; e.g. a gRPC health check on an HTTP/1.1 port). Spelled out like
 * a problem; `attache validate` prints them as warnings.
 */
export function isPartial(c: Condition): boolean {
  return !isProblem(c) && c.reason === 'PartiallyProgrammed';
}

function describe(conditions: readonly Condition[]): string {
  const fine = conditions.filter((c) => !isProblem(c) && !isPartial(c) && c.status === 'True').map((c) => c.type);
  const problems = conditions.filter((c) => isProblem(c) || isPartial(c)).map((c) => `${c.type}=${c.status} (${c.reason}): ${c.message}`);
  return [fine.join(', '), ...problems].filter((s) => s !== '').join('; ') || '(no conditions)';
}

function name(e: StatusEntry): string {
  return e.namespace ? `${e.namespace}/${e.name}` : e.name;
}

/** `policies`: `Kind namespace/name` of a route → the BackendTrafficPolicies in effect for it (policy/policies-in-effect.ts). */
export function statusTable(entries: readonly StatusEntry[], policies: ReadonlyMap<string, readonly string[]> = new Map()): string {
  const rows: Array<[string, string, string]> = [['KIND', 'NAME', 'CONDITIONS']];
  for (const e of entries) {
    if (e.kind === 'GatewayClass') {
      rows.push([e.kind, name(e), describe(e.status.conditions)]);
    } else if (e.kind === 'Gateway') {
      const addresses = e.status.addresses.map((a) => a.value).join(', ');
      rows.push([e.kind, name(e), `${describe(e.status.conditions)}${addresses ? ` [${addresses}]` : ''}`]);
      for (const l of e.status.listeners) rows.push(['  listener', l.name, `${describe(l.conditions)} (${l.attachedRoutes} routes)`]);
    } else if (e.kind === 'BackendTrafficPolicy') {
      for (const a of e.status.ancestors) {
        const target = `${a.ancestorRef.kind ?? ''} ${a.ancestorRef.namespace ?? e.namespace}/${a.ancestorRef.name}${a.ancestorRef.sectionName ? `/${a.ancestorRef.sectionName}` : ''}`;
        rows.push([e.kind, `${name(e)} → ${target}`, describe(a.conditions)]);
      }
    } else {
      for (const p of e.status.parents) {
        const parent = `${p.parentRef.namespace ?? e.namespace}/${p.parentRef.name}${p.parentRef.sectionName ? `/${p.parentRef.sectionName}` : ''}`;
        rows.push([e.kind, `${name(e)} → ${parent}`, describe(p.conditions)]);
      }
      if (e.status.parents.length === 0) rows.push([e.kind, name(e), '(no parent of ours)']);
      const inEffect = policies.get(`${e.kind} ${name(e)}`);
      if (inEffect && inEffect.length > 0) rows.push(['  policies', '', inEffect.join(', ')]);
    }
  }
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => `${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2]}`.trimEnd()).join('\n') + '\n';
}
