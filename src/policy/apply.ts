/**
 * The policy stage: BackendTrafficPolicies (GEP-713 policy attachment) applied to what gatewayapi
 * translated. In: the store's Resources and gatewayapi's TranslateResult. Out: the same result,
 * with `trafficPolicy` on the routes and Service clusters policies reach, and a status entry per
 * policy. The steps:
 *  1. each targetRef resolved (targets.ts), and checked: a missing target is TargetNotFound, a
 *     sectionName naming nothing or settings at the wrong level or an unreadable duration Invalid;
 *  2. at each attachment point the older policy wins, the others are Conflicted there (precedence.ts);
 *  3. the winners merged field by field along each route's and cluster's levels and turned into
 *     IR (apply-ir.ts, merge.ts, to-ir.ts);
 *  4. status per ancestor (status.ts), saying also what could not be programmed (http2-only.ts).
 * Pure; without policies the result is returned as it came, so nothing else changes.
 */
import { namespacedName } from '../apis/meta';
import { type BackendTrafficPolicy } from '../apis/policy';
import { type TranslateResult } from '../gatewayapi/translate';
import { type Resources } from '../store/resources';
import { applyToGateway } from './apply-ir';
import { buildPolicyContext, type PolicyOptions } from './context';
import { settingsOf } from './merge';
import { winners as pickWinners } from './precedence';
import { conflicted, policyStatus, type TargetOutcome } from './status';
import { type ResolvedTarget, resolveTarget } from './targets';
import { durationProblems, misplacedFields } from './to-ir';
import { type UnprogrammedSettings, unprogrammedFor } from './http2-only';

/** Why the policy as a whole cannot apply anywhere, if so (the CRD's schema and CEL rules catch these first). */
function policyProblem(policy: BackendTrafficPolicy, targets: readonly ResolvedTarget[]): string | undefined {
  const settings = settingsOf(policy.spec);
  const durations = durationProblems(settings);
  if (durations.length > 0) return durations.join('; ');
  const services = targets.some((t) => t.level === 'service' || t.level === 'servicePort');
  const routes = targets.some((t) => t.level !== 'service' && t.level !== 'servicePort');
  if (services && routes) return 'spec.targetRefs: must be all Services (connection-level settings) or none (route-level settings)';
  const misplaced = misplacedFields(settings, services);
  if (misplaced.length === 0) return undefined;
  return services
    ? `${misplaced.join(', ')}: route-level settings apply to Gateway, GRPCRoute and HTTPRoute targets, not Services`
    : `${misplaced.join(', ')}: connection-level settings apply to Service targets only`;
}

function byName(a: BackendTrafficPolicy, b: BackendTrafficPolicy): number {
  const ka = namespacedName(a.metadata.namespace, a.metadata.name);
  const kb = namespacedName(b.metadata.namespace, b.metadata.name);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export function applyTrafficPolicies(resources: Resources, result: TranslateResult, options: PolicyOptions): TranslateResult {
  if (resources.backendTrafficPolicies.length === 0) return result;
  const ctx = buildPolicyContext(resources, result, options);
  const policies = [...resources.backendTrafficPolicies].sort(byName);
  const resolved = policies.map((policy) => {
    const targets = policy.spec.targetRefs.map((_, i) => resolveTarget(policy, i, ctx));
    const problem = policyProblem(policy, targets);
    return {
      policy,
      targets: problem === undefined ? targets : targets.map((t) => ({ ...t, problem: t.problem ?? { reason: 'Invalid' as const, message: problem } })),
    };
  });
  const winners = pickWinners(resolved.flatMap(({ policy, targets }) => targets.filter((t) => !t.problem).map((t) => ({ key: t.key, policy }))));
  const unprogrammed: UnprogrammedSettings[] = [];
  const gateways = result.gateways.map((g) => applyToGateway(g, ctx, winners, unprogrammed));
  const status = resolved.map(({ policy, targets }) => {
    const outcomes = targets.map((target): TargetOutcome => {
      if (target.problem) return { target, accepted: false, ...target.problem };
      const winner = winners.get(target.key);
      return winner && winner !== policy ? conflicted(target, winner) : { target, accepted: true };
    });
    return policyStatus(policy, outcomes, options, unprogrammedFor(policy, unprogrammed));
  });
  return { ...result, gateways, status: [...result.status, ...status] };
}
