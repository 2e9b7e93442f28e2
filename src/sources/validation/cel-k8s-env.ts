/**
 * The CEL environment Kubernetes gives CRD validation rules, as far as the Gateway API rules
 * need it. @bufbuild/cel brings the standard library (macros, `size`, `matches`, `startsWith`,
 * `duration`, …) and cel-go's strings extension (`split`, `substring`, …); Kubernetes adds
 * libraries of its own, of which the CRDs use only `isIP` (TLSRoute hostnames), defined here.
 */
import { isIPv4, isIPv6 } from 'net';
import { celEnv, celFunc, CelScalar, type CelEnv, type CelFunc } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';

/**
 * Kubernetes' `isIP(string)`: Go's `netip.ParseAddr` accepts it, without a zone and not an
 * IPv4-mapped IPv6 address. Node's isIPv4, like netip, refuses octets with leading zeros.
 */
export function isKubernetesIP(s: string): boolean {
  if (isIPv4(s)) return true;
  if (!isIPv6(s) || s.includes('%')) return false;
  return !isIPv4MappedIPv6(s);
}

function isIPv4MappedIPv6(s: string): boolean {
  // The URL parser prints an IPv6 host in canonical form, where ::ffff:a.b.c.d always reads ::ffff:x:y.
  const host = new URL(`http://[${s}]/`).hostname;
  return /^\[::ffff:[0-9a-f]{1,4}:[0-9a-f]{1,4}\]$/.test(host);
}

/** Functions added on top of @bufbuild/cel's standard library. */
const KUBERNETES_CEL_FUNCS: readonly CelFunc[] = [...strings, celFunc('isIP', [CelScalar.STRING], CelScalar.BOOL, isKubernetesIP)];

/**
 * Call-expression names that the planner evaluates itself (short-circuit logic, indexing,
 * the conditional); they never appear in the function registry.
 */
export const PLANNER_OPERATORS: ReadonlySet<string> = new Set([
  '_&&_',
  '_||_',
  '_?_:_',
  '_[_]',
  '_[?_]',
  '_?._',
  '@not_strictly_false',
  '__not_strictly_false__',
]);

export function kubernetesCelEnv(): CelEnv {
  return celEnv({ funcs: [...KUBERNETES_CEL_FUNCS] });
}
