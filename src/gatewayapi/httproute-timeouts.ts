/**
 * HTTPRouteRule.timeouts (HTTPRouteTimeouts): `request`, the time the Gateway takes to answer the
 * whole request (504 when exceeded), and `backendRequest`, the time one request to a backend
 * may take. Both are Gateway API Durations (GEP-2257: `^([0-9]{1,5}(h|m|s|ms)){1,4}$`); `0s`
 * turns the timeout off, which is also what a rule without timeouts gets (long gRPC and HTTP
 * streams must not be cut, see xds/translate/route.ts). Pure.
 */
import { type HTTPRouteRule } from '../apis/gateway-api';
import { type ForwardActionIR } from '../ir/types';
import { type TranslationIssue, unsupportedValue } from './conditions';

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** Milliseconds of a Gateway API Duration, or undefined when it is not one. */
export function parseDuration(value: string): number | undefined {
  if (!/^([0-9]{1,5}(h|m|s|ms)){1,4}$/.test(value)) return undefined;
  let total = 0;
  for (const [, n, unit] of value.matchAll(/([0-9]{1,5})(ms|h|m|s)/g)) total += Number(n) * UNIT_MS[unit];
  return total;
}

export function ruleTimeouts(rule: HTTPRouteRule, field: string): { timeouts?: ForwardActionIR['timeouts']; issues: TranslationIssue[] } {
  const issues: TranslationIssue[] = [];
  const out: NonNullable<ForwardActionIR['timeouts']> = {};
  for (const [key, target] of [
    ['request', 'requestMs'],
    ['backendRequest', 'backendRequestMs'],
  ] as const) {
    const value = rule.timeouts?.[key];
    if (value === undefined) continue;
    const ms = parseDuration(value);
    if (ms === undefined) issues.push(unsupportedValue(`${field}.timeouts.${key}`, `"${value}" is not a duration such as 500ms or 1m30s`));
    else if (ms > 0) out[target] = ms;
  }
  // "BackendRequest ... MUST be less than or equal to Request" (the CRD checks it with CEL too).
  if (out.requestMs !== undefined && out.backendRequestMs !== undefined && out.backendRequestMs > out.requestMs) {
    issues.push(unsupportedValue(`${field}.timeouts.backendRequest`, 'must not be longer than timeouts.request'));
  }
  return { timeouts: Object.keys(out).length > 0 ? out : undefined, issues };
}
